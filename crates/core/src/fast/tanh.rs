//! Fast f32 tanh and sigmoid: one branch-free rational approximation that vectorizes, instead of the software
//! `tanhf` / `expf` routines that dominate small networks in WebAssembly.

/// Inputs are clamped to ±`CLAMP` (Eigen's `ptanh_float`, non-FMA branch), where the rational function is
/// within a few ulps of ±1; beyond it the exact tanh rounds to ±1 in f32 anyway.
const CLAMP: f32 = 7.907_389_6;

/// Numerator P(x²) of tanh(x) ≈ (x + x³ P(x²)) / Q(x²), highest degree first.
const ALPHA: [f32; 4] = [
    1.394_553_6e-8,
    2.102_733_6e-5,
    3.520_756_7e-3,
    1.340_216_1e-1,
];
/// Denominator Q(x²), highest degree first (constant term 1).
const BETA: [f32; 5] = [
    8.015_777e-7,
    3.326_951_4e-4,
    2.597_254_5e-2,
    4.673_548_3e-1,
    1.0,
];

/// Largest absolute error of [`tanh`] against the exact tanh over all f32 inputs, asserted by the tests on a
/// dense grid (measured maximum 2.8e-7 at x ≈ ±5.99, a few ulps of values near ±1). The f64 reference uses
/// `f64::tanh`.
pub const TANH_MAX_ABS_ERROR: f64 = 4e-7;

/// tanh(x) for f32 by a [9/8] rational minimax approximation (odd numerator, even denominator):
/// tanh(x) ≈ (x + x³ P(x²)) / Q(x²) on x clamped to ±7.90739, so the result lies in [−1, 1] and
/// |error| ≤ [`TANH_MAX_ABS_ERROR`]. Coefficients from Eigen's `ptanh_float` (generated with rminimax on
/// [−8.67, 8.67]; `Eigen/src/Core/arch/Default/GenericPacketMathFunctions.h`). NaN stays NaN. Branch-free
/// (clamp, two Horner chains, one division), so loops over slices auto-vectorize with `+simd128`.
#[inline(always)]
pub fn tanh(x: f32) -> f32 {
    let x = x.clamp(-CLAMP, CLAMP);
    let x2 = x * x;
    let p = ((ALPHA[0] * x2 + ALPHA[1]) * x2 + ALPHA[2]) * x2 + ALPHA[3];
    let q = (((BETA[0] * x2 + BETA[1]) * x2 + BETA[2]) * x2 + BETA[3]) * x2 + BETA[4];
    (x2 * x * p + x) / q
}

/// The logistic function 1 / (1 + e^(−z)) for f32 through [`tanh`]: σ(z) = ½ + ½ tanh(z / 2), exact as an
/// identity, so |error| ≤ ½ · [`TANH_MAX_ABS_ERROR`] + 6e-8 (the rounding of ½ + ½t; measured 1.8e-7) and the
/// result lies in [0, 1].
#[inline(always)]
pub fn sigmoid(z: f32) -> f32 {
    0.5 + 0.5 * tanh(0.5 * z)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every input on a grid of step 1/4096 over [−20, 20] (163 841 points, including every f32 multiple of
    /// 2⁻¹² there), plus the neighbourhood of the clamp and tiny inputs.
    fn grid() -> impl Iterator<Item = f32> {
        let dense = (-20 * 4096..=20 * 4096).map(|i| i as f32 / 4096.0);
        let near_clamp = (-200..=200).map(|i| CLAMP + i as f32 * 1e-5);
        let tiny = (-100..=100).map(|i| i as f32 * 1e-9);
        dense.chain(near_clamp).chain(tiny)
    }

    #[test]
    fn tanh_error_is_within_the_documented_bound() {
        let mut worst = (0.0f64, 0.0f32);
        for x in grid() {
            let got = f64::from(tanh(x));
            let err = (got - f64::from(x).tanh()).abs();
            if err > worst.0 {
                worst = (err, x);
            }
            assert!(got.abs() <= 1.0, "|tanh({x})| = {got} > 1");
            assert_eq!(tanh(-x), -tanh(x), "odd at {x}");
        }
        assert!(
            worst.0 <= TANH_MAX_ABS_ERROR,
            "max error {} at {}",
            worst.0,
            worst.1
        );
    }

    #[test]
    fn tanh_is_monotone_saturates_and_keeps_nan() {
        // Non-decreasing along the grid up to rounding: near ±1 the f32 evaluation wiggles by a few ulps.
        let dense: Vec<f32> = (-20 * 4096..=20 * 4096)
            .map(|i| i as f32 / 4096.0)
            .collect();
        for pair in dense.windows(2) {
            assert!(
                tanh(pair[1]) >= tanh(pair[0]) - 3.6e-7,
                "decreases at {}",
                pair[1]
            );
        }
        assert!(1.0 - tanh(CLAMP) <= 2e-7);
        assert_eq!(tanh(1e30), tanh(CLAMP));
        assert_eq!(tanh(f32::NEG_INFINITY), -tanh(CLAMP));
        assert_eq!(tanh(0.0), 0.0);
        assert!(tanh(f32::NAN).is_nan());
    }

    #[test]
    fn sigmoid_error_is_half_the_tanh_bound() {
        for x in grid() {
            let exact = 1.0 / (1.0 + (-f64::from(x)).exp());
            let got = f64::from(sigmoid(x));
            assert!(
                (got - exact).abs() <= 0.5 * TANH_MAX_ABS_ERROR + 6e-8,
                "sigmoid({x}) = {got} vs {exact}"
            );
            assert!((0.0..=1.0).contains(&got));
        }
        assert_eq!(sigmoid(0.0), 0.5);
    }
}
