//! What the diagram shows of a session: one [`ColumnInfo`] per column (features, hidden layers, output) with
//! its titles and colour rule, the units' names for the page, and the data points for `drawUnit`.

use saddle_core::data::{Dataset, Task};
use saddle_core::loss::Head;
use saddle_core::mlp::Activation;
use saddle_core::registry::Keyed;
use saddle_core::session::Session;

use crate::draw::diagram::thumbnail::UnitScale;
use crate::draw::diagram::ColumnInfo;

/// The colour rule of a hidden layer: bounded activations on a fixed scale, unbounded ones on their own range.
pub(crate) fn hidden_scale(a: Activation) -> UnitScale {
    match a {
        Activation::Tanh | Activation::Sigmoid => UnitScale::Symmetric(1.0),
        Activation::Relu | Activation::LeakyRelu | Activation::Linear => UnitScale::OwnRange,
    }
}

/// The colour rule of the output layer: a binary classifier's P(class 1) as in the data plot (tanh heads map
/// o ∈ [−1, 1] the same way), softmax class probabilities white → blue, regression values on their own range.
pub(crate) fn output_scale(head: Head, task: Task) -> UnitScale {
    match (head, task) {
        (_, Task::Regression) => UnitScale::OwnRange,
        (Head::SigmoidBce | Head::LinearMse, _) => UnitScale::Probability,
        (Head::TanhMse | Head::SoftmaxCe, _) => UnitScale::Symmetric(1.0),
    }
}

/// Short name of the output head for the column's second line.
fn head_short(head: Head) -> &'static str {
    match head {
        Head::SigmoidBce => "sigmoid",
        Head::SoftmaxCe => "softmax",
        Head::LinearMse => "linear",
        Head::TanhMse => "tanh",
    }
}

/// Column widths and what each column shows, from the session's network.
pub(crate) fn columns(s: &Session) -> (Vec<usize>, Vec<ColumnInfo>) {
    let mlp = s.mlp();
    let cfg = s.config();
    let features: Vec<String> = s.features().iter().map(|f| f.label().to_string()).collect();
    let mut widths = vec![features.len()];
    let n = features.len();
    let mut infos = vec![ColumnInfo {
        titles: vec!["features".into(), "in".into()],
        subtitles: vec![
            format!("{n} input{}", if n == 1 { "" } else { "s" }),
            n.to_string(),
        ],
        unit_labels: features,
        scale: UnitScale::OwnRange,
    }];
    let hidden = mlp.layers.len().saturating_sub(1);
    for (i, layer) in mlp.layers.iter().enumerate() {
        let units = layer.b.len();
        widths.push(units);
        if i < hidden {
            let act = layer.activation.label();
            infos.push(ColumnInfo {
                titles: vec![format!("hidden {}", i + 1), format!("h{}", i + 1)],
                subtitles: vec![
                    format!("{units} · {act}"),
                    format!("{units} {act}"),
                    units.to_string(),
                ],
                unit_labels: Vec::new(),
                scale: hidden_scale(layer.activation),
            });
        } else {
            let head = head_short(mlp.head);
            infos.push(ColumnInfo {
                titles: vec!["output".into(), "out".into()],
                subtitles: vec![
                    format!("{units} · {head}"),
                    head.to_string(),
                    units.to_string(),
                ],
                unit_labels: Vec::new(),
                scale: output_scale(mlp.head, cfg.task()),
            });
        }
    }
    (widths, infos)
}

/// The unit's description for the page (aria labels, the weight editor's titles).
pub(crate) fn unit_label(s: &Session, column: usize, unit: usize) -> String {
    let layers = s.mlp().layers.len();
    if column == 0 {
        s.features()
            .get(unit)
            .map_or_else(|| format!("input {}", unit + 1), |f| f.label().to_string())
    } else if column < layers {
        format!("hidden {column} unit {}", unit + 1)
    } else if s.mlp().head == Head::SoftmaxCe {
        format!("output (class {unit})")
    } else {
        "output".into()
    }
}

/// (x, second coordinate or target) of a dataset's points.
pub(crate) fn xy(ds: &Dataset, regression: bool) -> (Vec<f64>, Vec<f64>) {
    let row = |m: &saddle_core::Matrix, r: usize| -> Vec<f64> {
        if r < m.nrows() {
            m.row(r).iter().copied().collect()
        } else {
            Vec::new()
        }
    };
    if regression {
        (row(&ds.x, 0), row(&ds.y, 0))
    } else {
        (row(&ds.x, 0), row(&ds.x, 1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_rules() {
        assert_eq!(hidden_scale(Activation::Tanh), UnitScale::Symmetric(1.0));
        assert_eq!(hidden_scale(Activation::Relu), UnitScale::OwnRange);
        assert_eq!(
            output_scale(Head::SigmoidBce, Task::Binary),
            UnitScale::Probability
        );
        assert_eq!(
            output_scale(Head::TanhMse, Task::Binary),
            UnitScale::Symmetric(1.0)
        );
        assert_eq!(
            output_scale(Head::LinearMse, Task::Regression),
            UnitScale::OwnRange
        );
    }
}
