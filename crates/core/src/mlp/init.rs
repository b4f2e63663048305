//! Weight initialisation: He normal, Glorot uniform, and TensorFlow Playground's uniform scheme.

use super::Init;
use crate::rng::{normal, uniform, Rng};
use crate::{Matrix, Vector};

impl Init {
    /// Weights W (fan_out × fan_in, drawn in column-major order) and biases b for one layer:
    /// - He: W_ij ~ N(0, 2 / fan_in), b = 0 (He et al. 2015, "Delving deep into rectifiers").
    /// - Glorot: W_ij ~ U(−a, a) with a = √(6 / (fan_in + fan_out)), b = 0 (Glorot & Bengio 2010).
    /// - Uniform: W_ij ~ U(−0.5, 0.5), b = 0.1 (tensorflow/playground `src/nn.ts`: `Math.random() - 0.5`, bias 0.1).
    pub fn weights_and_bias(
        self,
        fan_in: usize,
        fan_out: usize,
        rng: &mut Rng,
    ) -> (Matrix, Vector) {
        let w = match self {
            Init::He => {
                let std = (2.0 / fan_in.max(1) as f64).sqrt();
                Matrix::from_fn(fan_out, fan_in, |_, _| std * normal(rng))
            }
            Init::Glorot => {
                let a = (6.0 / (fan_in + fan_out).max(1) as f64).sqrt();
                Matrix::from_fn(fan_out, fan_in, |_, _| a * (2.0 * uniform(rng) - 1.0))
            }
            Init::Uniform => Matrix::from_fn(fan_out, fan_in, |_, _| uniform(rng) - 0.5),
        };
        (w, Vector::from_element(fan_out, self.bias()))
    }

    /// The initial bias of every unit: 0.1 for [`Init::Uniform`] (TF Playground), 0 otherwise.
    pub fn bias(self) -> f64 {
        match self {
            Init::Uniform => 0.1,
            Init::He | Init::Glorot => 0.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::seeded;

    fn moments(w: &Matrix) -> (f64, f64, f64) {
        let n = w.len() as f64;
        let mean = w.sum() / n;
        let var = w.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
        (mean, var, w.amax())
    }

    #[test]
    fn he_has_variance_two_over_fan_in() {
        let (w, b) = Init::He.weights_and_bias(50, 400, &mut seeded(3, 0));
        let (mean, var, _) = moments(&w);
        // 20 000 draws: se(mean) = sqrt(0.04 / 2e4) ≈ 0.0014, se(var) ≈ 0.04 · sqrt(2 / 2e4) = 0.0004.
        assert!(mean.abs() < 0.006, "mean {mean}");
        assert!((var - 0.04).abs() < 0.002, "var {var}");
        assert!(b.iter().all(|&v| v == 0.0));
    }

    #[test]
    fn glorot_and_uniform_bounds_and_variance() {
        let (w, b) = Init::Glorot.weights_and_bias(100, 200, &mut seeded(3, 1));
        let a = (6.0f64 / 300.0).sqrt();
        let (_, var, max) = moments(&w);
        assert!(max <= a);
        assert!((var - a * a / 3.0).abs() < 0.03 * a * a / 3.0, "var {var}");
        assert!(b.iter().all(|&v| v == 0.0));
        let (w, b) = Init::Uniform.weights_and_bias(100, 200, &mut seeded(3, 2));
        let (_, var, max) = moments(&w);
        assert!(max <= 0.5);
        assert!((var - 1.0 / 12.0).abs() < 0.003, "var {var}");
        assert!(b.iter().all(|&v| v == 0.1));
    }
}
