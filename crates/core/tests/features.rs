//! Input features: hand values, the input layer follows the feature list, gradients still check for every
//! feature combination, and sessions predict through the features while plots stay in raw coordinates.

use saddle_core::config::Config;
use saddle_core::dropout::DropoutConfig;
use saddle_core::features::{self, Feature};
use saddle_core::loss::{Head, Regularizer};
use saddle_core::mlp::{Activation, Init, Mlp, MlpSpec};
use saddle_core::registry::Keyed;
use saddle_core::rng::{normal, seeded};
use saddle_core::session::Session;
use saddle_core::Matrix;

fn session(query: &str) -> Session {
    let (config, errors) = Config::from_query(query);
    assert!(errors.is_empty(), "{query}: {errors:?}");
    Session::new(config.validate().expect("valid config"))
}

#[test]
fn feature_values_match_hand_computed_ones() {
    // (x1, x2) = (1.5, -2): sin 1.5 = 0.997494986604054, sin(-2) = -0.909297426825682,
    // cos 1.5 = 0.0707372016677029, cos(-2) = -0.416146836547142 (to 15 digits).
    let raw = Matrix::from_row_slice(2, 2, &[1.5, 0.0, -2.0, 3.0]);
    let all = features::apply(Feature::ALL, &raw);
    let want = [
        1.5,
        -2.0,
        2.25,
        4.0,
        -3.0,
        0.997494986604054,
        -0.909297426825682,
        0.0707372016677029,
        -0.416146836547142,
    ];
    for (k, (&f, w)) in Feature::ALL.iter().zip(want).enumerate() {
        assert!(
            (all[(k, 0)] - w).abs() < 1e-14,
            "{f}: {} vs {w}",
            all[(k, 0)]
        );
    }
    // Second sample (0, 3): x1x2 = 0, sin 0 = 0, cos 0 = 1, x2sq = 9.
    assert_eq!(all[(2, 1)], 0.0);
    assert_eq!(all[(3, 1)], 9.0);
    assert_eq!(all[(4, 1)], 0.0);
    assert_eq!(all[(5, 1)], 0.0);
    assert_eq!(all[(7, 1)], 1.0);
    // The list order is the row order.
    let picked = features::apply(&[Feature::Cos2, Feature::X1], &raw);
    assert_eq!(picked.shape(), (2, 2));
    assert_eq!(picked[(1, 0)], 1.5);
    assert_eq!(picked[(0, 1)], 3f64.cos());
    let keys: Vec<&str> = Feature::ALL.iter().map(|f| f.key()).collect();
    assert_eq!(
        keys,
        ["x1", "x2", "x1sq", "x2sq", "x1x2", "sin1", "sin2", "cos1", "cos2"]
    );
}

/// The feature subset with bit i of `mask` selecting `Feature::ALL[i]`.
fn subset(mask: u32) -> Vec<Feature> {
    Feature::ALL
        .iter()
        .enumerate()
        .filter(|(i, _)| mask & (1 << i) != 0)
        .map(|(_, &f)| f)
        .collect()
}

/// max |a − b| / max(|a| + |b|, 1e-4) between backprop and centred differences (h = 1e-5) of the training
/// objective, as in `gradcheck.rs`.
fn relative_gradient_error(mlp: &Mlp, x: &Matrix, y: &Matrix, reg: Regularizer) -> f64 {
    let none = DropoutConfig::none(mlp.layers.len() - 1);
    let analytic = mlp.loss_and_grad(x, y, &none, &Vec::new(), reg, 0.05).grad;
    let params = mlp.params();
    let mut probe = mlp.clone();
    let mut at = |i: usize, step: f64| {
        let mut p = params.clone();
        p[i] += step;
        probe.set_params(&p);
        probe
            .loss_and_grad(x, y, &none, &Vec::new(), reg, 0.05)
            .total()
    };
    let h = 1e-5;
    let mut worst: f64 = 0.0;
    for (i, &a) in analytic.iter().enumerate() {
        let b = (at(i, h) - at(i, -h)) / (2.0 * h);
        worst = worst.max((a - b).abs() / (a.abs() + b.abs()).max(1e-4));
    }
    worst
}

#[test]
fn gradients_check_for_every_feature_combination() {
    let mut rng = seeded(4, 0);
    let raw = Matrix::from_fn(2, 6, |_, _| 2.0 * normal(&mut rng));
    let y = Matrix::from_fn(1, 6, |_, j| (j % 2) as f64);
    let mut worst: f64 = 0.0;
    for mask in 1..(1u32 << Feature::ALL.len()) {
        let feats = subset(mask);
        let x = features::apply(&feats, &raw);
        let spec = MlpSpec {
            input_dim: feats.len(),
            hidden: vec![3],
            activations: vec![Activation::Tanh],
            output_dim: 1,
            head: Head::SigmoidBce,
            init: Init::Glorot,
        };
        let mlp = Mlp::new(&spec, &mut seeded(u64::from(mask), 1));
        assert_eq!(mlp.widths()[0], feats.len());
        let reg = if mask % 2 == 0 {
            Regularizer::L2
        } else {
            Regularizer::None
        };
        let e = relative_gradient_error(&mlp, &x, &y, reg);
        assert!(e < 1e-6, "features {feats:?}: relative error {e}");
        worst = worst.max(e);
    }
    println!("511 feature combinations, worst relative error {worst:e}");
}

#[test]
fn the_input_layer_follows_the_features_and_training_uses_them() {
    let s = session("feat=x1,x2,x1sq,x2sq,x1x2,sin1,sin2,cos1,cos2&hidden=3");
    assert_eq!(s.features(), Feature::ALL);
    assert_eq!(s.mlp().widths(), vec![9, 3, 1]);
    assert_eq!(s.config().param_count(), s.mlp().param_count());
    // Plots stay in raw coordinates: the stored data is 2 × n.
    assert_eq!(s.train().x.nrows(), 2);
    // A circle is linearly separable in (x1², x2²): logistic regression on those features learns it.
    let mut s = session("feat=x1sq,x2sq&hidden=&opt=adam&lr=0.05&seed=2");
    assert_eq!(s.mlp().widths(), vec![2, 1]);
    let stats = s.step(2000).expect("finite");
    assert!(stats.test_acc.unwrap() > 0.95, "{stats:?}");
    let mut raw_only = session("hidden=&opt=adam&lr=0.05&seed=2");
    let linear = raw_only.step(2000).expect("finite");
    assert!(linear.test_acc.unwrap() < 0.8, "{linear:?}");
}

#[test]
fn grid_and_curve_predictions_go_through_the_features() {
    let s = session("feat=x1sq,sin2,cos1&hidden=4&seed=3");
    let g = s.predict_grid(3, 2);
    // Cell (row 0, col 2): x = 6 − 2 = 4 (centres at ±4, 0), y = 3 (centres ±3, top row first).
    let raw = Matrix::from_row_slice(2, 1, &[4.0, 3.0]);
    let want = s
        .mlp()
        .predict(&features::apply(s.features(), &raw), &s.config().dropout);
    assert_eq!(g[2], want[(0, 0)]);
    let r = session("dataset=cubic&feat=x1,x1sq,sin1,cos1&hidden=4");
    assert_eq!(r.mlp().widths()[0], 4);
    let (xs, ys) = r.predict_curve(5);
    let raw = Matrix::from_row_slice(1, 5, &xs);
    let want = r
        .mlp()
        .predict(&features::apply(r.features(), &raw), &r.config().dropout);
    assert_eq!(ys, want.row(0).iter().copied().collect::<Vec<_>>());
    assert_eq!(xs[0], -6.0);
}

#[test]
fn one_d_sets_reject_x2_features_with_a_message_naming_both() {
    for bad in ["x2", "x1x2", "sin2", "cos2", "x2sq"] {
        let (c, e) = Config::from_query(&format!("dataset=sine-gap&feat=x1,{bad}"));
        assert_eq!(e.len(), 1, "{e:?}");
        let msg = e[0].to_string();
        assert!(
            msg.contains("feat") && msg.contains(bad) && msg.contains("sine-gap"),
            "{msg}"
        );
        assert_eq!(
            c.features,
            vec![Feature::X1],
            "falls back to the 1-D default"
        );
    }
    let (c, e) = Config::from_query("dataset=cubic&feat=cos1,x1sq");
    assert!(e.is_empty());
    assert_eq!(
        c.features,
        vec![Feature::X1Sq, Feature::Cos1],
        "stored in canonical order"
    );
    assert!(c.to_query().contains("&feat=x1sq,cos1&"));
    let (_, e) = Config::from_query("feat=x1,x1");
    assert!(e[0].to_string().contains("twice"), "{e:?}");
    let (_, e) = Config::from_query("feat=");
    assert!(e[0].to_string().contains("at least one"), "{e:?}");
}
