//! Engineered input features (TensorFlow Playground's input toggles): the network sees a chosen list of
//! functions of the raw inputs instead of the raw coordinates themselves; plots stay in raw coordinates.

use crate::keyed_enum;
use crate::registry::Keyed;
use crate::Matrix;

keyed_enum! {
    /// One input feature, a function of the raw inputs (x₁, x₂) computed in f64. Keys live in URLs (`feat`):
    /// never rename one. The `ALL` order is the order in which `feat` is written and the input layer is laid out.
    pub enum Feature {
        X1 => ("x1", "x₁", "The first input coordinate."),
        X2 => ("x2", "x₂", "The second input coordinate (2-D sets only)."),
        X1Sq => ("x1sq", "x₁²", "The square of the first coordinate."),
        X2Sq => ("x2sq", "x₂²", "The square of the second coordinate (2-D sets only)."),
        X1X2 => ("x1x2", "x₁x₂", "The product of the two coordinates (2-D sets only)."),
        Sin1 => ("sin1", "sin x₁", "The sine of the first coordinate (radians)."),
        Sin2 => ("sin2", "sin x₂", "The sine of the second coordinate (2-D sets only)."),
        Cos1 => ("cos1", "cos x₁", "The cosine of the first coordinate (radians)."),
        Cos2 => ("cos2", "cos x₂", "The cosine of the second coordinate (2-D sets only)."),
    }
}

impl Feature {
    /// The feature at raw inputs (x₁, x₂): x₁, x₂, x₁², x₂², x₁·x₂, sin x₁, sin x₂, cos x₁, cos x₂.
    pub fn value(self, x1: f64, x2: f64) -> f64 {
        match self {
            Feature::X1 => x1,
            Feature::X2 => x2,
            Feature::X1Sq => x1 * x1,
            Feature::X2Sq => x2 * x2,
            Feature::X1X2 => x1 * x2,
            Feature::Sin1 => x1.sin(),
            Feature::Sin2 => x2.sin(),
            Feature::Cos1 => x1.cos(),
            Feature::Cos2 => x2.cos(),
        }
    }

    /// Whether the feature reads x₂, so needs a 2-D dataset.
    pub fn uses_x2(self) -> bool {
        matches!(
            self,
            Feature::X2 | Feature::X2Sq | Feature::X1X2 | Feature::Sin2 | Feature::Cos2
        )
    }

    /// Whether the feature exists for a dataset with `input_dim` raw inputs (1-D: only the x₁ features).
    pub fn valid_for(self, input_dim: usize) -> bool {
        input_dim >= 2 || !self.uses_x2()
    }

    /// Position in [`Keyed::ALL`] (the canonical order).
    pub fn rank(self) -> usize {
        Self::ALL.iter().position(|&f| f == self).unwrap_or(0)
    }
}

/// The default features of a dataset with `input_dim` raw inputs: `x1,x2` on 2-D sets, `x1` on 1-D sets
/// (the raw coordinates, so the network sees exactly what it saw before features existed).
pub fn defaults(input_dim: usize) -> Vec<Feature> {
    if input_dim >= 2 {
        vec![Feature::X1, Feature::X2]
    } else {
        vec![Feature::X1]
    }
}

/// The feature matrix (`features.len() × n`, row k = feature k) of raw inputs `raw` (`d × n`, one sample per
/// column). A missing second row (a 1-D set; config validation prevents x₂ features there) reads as x₂ = 0.
pub fn apply(features: &[Feature], raw: &Matrix) -> Matrix {
    let second = raw.nrows() >= 2;
    Matrix::from_fn(features.len(), raw.ncols(), |k, j| {
        let x1 = if raw.nrows() >= 1 { raw[(0, j)] } else { 0.0 };
        let x2 = if second { raw[(1, j)] } else { 0.0 };
        features[k].value(x1, x2)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_defaults_are_the_identity() {
        let raw = Matrix::from_row_slice(2, 3, &[1.0, -2.0, 0.5, 3.0, 0.0, -1.5]);
        assert_eq!(apply(&defaults(2), &raw), raw);
        let line = Matrix::from_row_slice(1, 2, &[1.5, -4.0]);
        assert_eq!(apply(&defaults(1), &line), line);
    }

    #[test]
    fn ranks_follow_the_registry_order() {
        for (i, &f) in Feature::ALL.iter().enumerate() {
            assert_eq!(f.rank(), i);
        }
        assert!(Feature::Sin1.valid_for(1) && !Feature::X1X2.valid_for(1));
    }
}
