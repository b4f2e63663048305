//! Per-unit activation math: σ(z), σ'(z), and σ' recovered from the output a = σ(z) for the backward pass.

use super::Activation;
use crate::Matrix;

/// Negative-side slope of [`Activation::LeakyRelu`]: max(0.01 z, z) (Maas et al. 2013; PyTorch's default).
pub const LEAKY_SLOPE: f64 = 0.01;

impl Activation {
    /// σ(z). ReLU max(0, z); leaky ReLU z if z > 0 else 0.01 z; tanh; sigmoid 1 / (1 + e^(−z)) evaluated without
    /// overflow for any finite z (range (0, 1)); linear z.
    pub fn value(self, z: f64) -> f64 {
        match self {
            Activation::Relu => z.max(0.0),
            Activation::LeakyRelu => {
                if z > 0.0 {
                    z
                } else {
                    LEAKY_SLOPE * z
                }
            }
            Activation::Tanh => z.tanh(),
            Activation::Sigmoid => sigmoid(z),
            Activation::Linear => z,
        }
    }

    /// σ'(z). ReLU 1 if z > 0 else 0 (0 at the kink z = 0); leaky ReLU 1 if z > 0 else 0.01; tanh 1 − tanh²z;
    /// sigmoid σ(z)(1 − σ(z)); linear 1.
    pub fn derivative(self, z: f64) -> f64 {
        self.derivative_from_output(self.value(z))
    }

    /// σ'(z) written in terms of the output a = σ(z), which is all the backward pass keeps: ReLU / leaky ReLU
    /// test a > 0 (a > 0 exactly when z > 0), tanh 1 − a², sigmoid a(1 − a), linear 1. Equals
    /// [`Activation::derivative`] at the same z.
    pub fn derivative_from_output(self, a: f64) -> f64 {
        match self {
            Activation::Relu => {
                if a > 0.0 {
                    1.0
                } else {
                    0.0
                }
            }
            Activation::LeakyRelu => {
                if a > 0.0 {
                    1.0
                } else {
                    LEAKY_SLOPE
                }
            }
            Activation::Tanh => 1.0 - a * a,
            Activation::Sigmoid => a * (1.0 - a),
            Activation::Linear => 1.0,
        }
    }

    /// Whether σ(s z) = s σ(z) for every s > 0 (positively 1-homogeneous): ReLU, leaky ReLU and linear. Only
    /// then does rescaling a unit's incoming weights by s and its outgoing ones by 1/s keep the function
    /// ([`super::Mlp::rescale_hidden`]).
    pub fn is_positively_homogeneous(self) -> bool {
        matches!(
            self,
            Activation::Relu | Activation::LeakyRelu | Activation::Linear
        )
    }

    /// Applies σ to every entry in place (pre-activations become activations).
    pub fn apply(self, z: &mut Matrix) {
        if self != Activation::Linear {
            z.apply(|v| *v = self.value(*v));
        }
    }
}

/// The logistic function 1 / (1 + e^(−z)) in (0, 1), stable for large |z| (never computes e^(+large)).
pub(crate) fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::Keyed;

    #[test]
    fn known_values() {
        assert_eq!(Activation::Relu.value(-2.0), 0.0);
        assert_eq!(Activation::LeakyRelu.value(-2.0), -0.02);
        assert_eq!(Activation::LeakyRelu.derivative(-2.0), 0.01);
        assert_eq!(Activation::Relu.derivative(0.0), 0.0);
        assert_eq!(Activation::Sigmoid.value(0.0), 0.5);
        assert_eq!(Activation::Sigmoid.derivative(0.0), 0.25);
        assert_eq!(Activation::Tanh.derivative(0.0), 1.0);
        assert_eq!(Activation::Sigmoid.value(-800.0), 0.0);
        assert_eq!(Activation::Sigmoid.value(800.0), 1.0);
    }

    #[test]
    fn derivative_matches_centred_difference() {
        let h = 1e-6;
        for &act in Activation::ALL {
            for &z in &[-2.3, -0.4, 0.7, 1.9] {
                let fd = (act.value(z + h) - act.value(z - h)) / (2.0 * h);
                let an = act.derivative(z);
                assert!((fd - an).abs() < 1e-8, "{act} at {z}: fd {fd} vs {an}");
            }
        }
    }
}
