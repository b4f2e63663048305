//! Gradient checks: centred finite differences against backpropagation for every activation × head ×
//! regularizer, with and without dropout under a fixed mask (Bernoulli inverted, Bernoulli weight-scaling,
//! Gaussian, mixed). Relative error |a − b| / max(|a| + |b|, 1e-4) must stay below 1e-6 in f64 (see [`FLOOR`]).

use saddle_core::dropout::{sample_masks, DropoutConfig, DropoutScaling, LayerNoise, Masks};
use saddle_core::loss::{data_loss, Head, Regularizer};
use saddle_core::mlp::{Activation, Init, Mlp, MlpSpec};
use saddle_core::registry::Keyed;
use saddle_core::rng::{normal, seeded};
use saddle_core::Matrix;

/// Finite-difference step: balances truncation error O(h²) against round-off O(ε / h) for O(1) losses.
const H: f64 = 1e-5;
const TOLERANCE: f64 = 1e-6;
const LAMBDA: f64 = 0.05;
const BATCH: usize = 6;

fn output_dim(head: Head) -> usize {
    match head {
        Head::SigmoidBce | Head::TanhMse => 1,
        Head::SoftmaxCe => 3,
        Head::LinearMse => 2,
    }
}

/// A 3-4-3-out network and a batch with targets in the form `data.rs` produces for the head.
fn problem(act: Activation, head: Head, seed: u64) -> (Mlp, Matrix, Matrix) {
    let spec = MlpSpec {
        input_dim: 3,
        hidden: vec![4, 3],
        activations: vec![act],
        output_dim: output_dim(head),
        head,
        init: Init::He,
    };
    let mut rng = seeded(seed, 0);
    let mut mlp = Mlp::new(&spec, &mut rng);
    // Non-zero biases so that their gradients are exercised too.
    let p = mlp
        .params()
        .map(|v| if v == 0.0 { 0.3 * normal(&mut rng) } else { v });
    mlp.set_params(&p);
    let x = Matrix::from_fn(3, BATCH, |_, _| normal(&mut rng));
    let k = output_dim(head);
    let y = match head {
        Head::SigmoidBce | Head::TanhMse => Matrix::from_fn(1, BATCH, |_, j| (j % 2) as f64),
        Head::SoftmaxCe => Matrix::from_fn(k, BATCH, |i, j| f64::from(u8::from(i == j % k))),
        Head::LinearMse => Matrix::from_fn(k, BATCH, |_, _| normal(&mut rng)),
    };
    (mlp, x, y)
}

#[derive(Debug, Clone, Copy)]
enum Noise {
    None,
    BernoulliInverted,
    BernoulliWeightScaling,
    Gaussian,
    Mixed,
}

const NOISES: [Noise; 5] = [
    Noise::None,
    Noise::BernoulliInverted,
    Noise::BernoulliWeightScaling,
    Noise::Gaussian,
    Noise::Mixed,
];

/// The dropout config and one fixed draw of masks for the batch.
fn dropout(noise: Noise, mlp: &Mlp, seed: u64) -> (DropoutConfig, Masks) {
    let (layers, scaling) = match noise {
        Noise::None => return (DropoutConfig::none(2), Vec::new()),
        Noise::BernoulliInverted => (
            vec![
                LayerNoise::bernoulli(0.8),
                LayerNoise::bernoulli(0.6),
                LayerNoise::bernoulli(0.7),
            ],
            DropoutScaling::Inverted,
        ),
        Noise::BernoulliWeightScaling => (
            vec![
                LayerNoise::bernoulli(0.8),
                LayerNoise::bernoulli(0.6),
                LayerNoise::bernoulli(0.7),
            ],
            DropoutScaling::WeightScaling,
        ),
        Noise::Gaussian => (
            vec![
                LayerNoise::gaussian(0.3),
                LayerNoise::gaussian(0.5),
                LayerNoise::gaussian(0.4),
            ],
            DropoutScaling::Inverted,
        ),
        Noise::Mixed => (
            vec![
                LayerNoise::gaussian(0.4),
                LayerNoise::NONE,
                LayerNoise::bernoulli(0.5),
            ],
            DropoutScaling::Inverted,
        ),
    };
    let cfg = DropoutConfig { layers, scaling };
    let masks = sample_masks(&cfg, &mlp.widths(), BATCH, &mut seeded(seed, 9));
    (cfg, masks)
}

/// Worst disagreement between backprop (a) and the centred difference (b) of data_loss + penalty.
#[derive(Debug, Clone, Copy, Default)]
struct Errors {
    /// max |a − b| / max(|a| + |b|, FLOOR): the asserted metric.
    relative: f64,
    /// max |a − b| / max(|a| + |b|, 1e-8): reported only (round-off dominates components below ~1e-5).
    relative_tiny_floor: f64,
    /// max |a − b|.
    absolute: f64,
}

/// Denominator floor of the relative error. The centred difference carries round-off ≈ ε·|f| / h ≈ 1e-11 (measured
/// up to 8e-12 here), so components smaller than ~1e-5 cannot be checked to 1e-6 relative with h = 1e-5; larger
/// steps are no way out, as they cross ReLU kinks (measured: 9e-2 error at h = 1e-4). With this floor a component
/// below 1e-4 must still agree to 1e-10 absolute, 10× the round-off.
const FLOOR: f64 = 1e-4;

fn gradient_errors(
    mlp: &Mlp,
    x: &Matrix,
    y: &Matrix,
    cfg: &DropoutConfig,
    masks: &Masks,
    reg: Regularizer,
) -> Errors {
    let analytic = mlp.loss_and_grad(x, y, cfg, masks, reg, LAMBDA).grad;
    let params = mlp.params();
    let mut probe = mlp.clone();
    let mut objective_at = |i: usize, step: f64| {
        let mut p = params.clone();
        p[i] += step;
        probe.set_params(&p);
        probe.loss_and_grad(x, y, cfg, masks, reg, LAMBDA).total()
    };
    let mut errors = Errors::default();
    for (i, &a) in analytic.iter().enumerate() {
        let b = (objective_at(i, H) - objective_at(i, -H)) / (2.0 * H);
        let diff = (a - b).abs();
        errors.relative = errors.relative.max(diff / (a.abs() + b.abs()).max(FLOOR));
        errors.relative_tiny_floor = errors
            .relative_tiny_floor
            .max(diff / (a.abs() + b.abs()).max(1e-8));
        errors.absolute = errors.absolute.max(diff);
    }
    errors
}

#[test]
fn backprop_matches_finite_differences_for_every_combination() {
    let mut overall = Errors::default();
    let mut checked = 0;
    for &act in Activation::ALL {
        for &head in Head::ALL {
            let (mlp, x, y) = problem(act, head, 11);
            // L1's subgradient jumps at w = 0: every weight must sit farther than the step from the kink.
            let min_w = mlp
                .layers
                .iter()
                .flat_map(|l| l.w.iter())
                .fold(f64::INFINITY, |m, w| m.min(w.abs()));
            assert!(
                min_w > 1e3 * H,
                "a weight {min_w} is too close to the L1 kink; change the seed"
            );
            for &reg in Regularizer::ALL {
                for noise in NOISES {
                    let (cfg, masks) = dropout(noise, &mlp, 5);
                    let e = gradient_errors(&mlp, &x, &y, &cfg, &masks, reg);
                    assert!(
                        e.relative < TOLERANCE,
                        "{act} {head} {reg} {noise:?}: {e:?}"
                    );
                    overall.relative = overall.relative.max(e.relative);
                    overall.relative_tiny_floor =
                        overall.relative_tiny_floor.max(e.relative_tiny_floor);
                    overall.absolute = overall.absolute.max(e.absolute);
                    checked += 1;
                }
            }
        }
    }
    assert_eq!(checked, 5 * 4 * 3 * 5);
    println!("{checked} combinations: {overall:?}");
}

/// The check has teeth: the gradient of the weight-scaling objective (no 1/p) is not the gradient of the
/// inverted-dropout objective under the same masks.
#[test]
fn finite_differences_detect_a_missing_inverted_scale() {
    let (mlp, x, y) = problem(Activation::Tanh, Head::SigmoidBce, 11);
    let (inverted, masks) = dropout(Noise::BernoulliInverted, &mlp, 5);
    let weight_scaling = DropoutConfig {
        scaling: DropoutScaling::WeightScaling,
        ..inverted.clone()
    };
    let wrong = mlp
        .loss_and_grad(&x, &y, &weight_scaling, &masks, Regularizer::None, 0.0)
        .grad;
    let right = mlp
        .loss_and_grad(&x, &y, &inverted, &masks, Regularizer::None, 0.0)
        .grad;
    let diff = (&wrong - &right).amax() / right.amax();
    assert!(diff > 0.1, "relative gradient difference {diff}");
    assert!(
        gradient_errors(&mlp, &x, &y, &inverted, &masks, Regularizer::None).relative < TOLERANCE
    );
}

/// `predict_with_masks` runs the same stochastic forward pass as training, and `data_loss` on its outputs is
/// the training data loss (up to rounding) for every head.
#[test]
fn data_loss_of_masked_predictions_equals_training_loss() {
    for &head in Head::ALL {
        let (mlp, x, y) = problem(Activation::Sigmoid, head, 3);
        for noise in NOISES {
            let (cfg, masks) = dropout(noise, &mlp, 8);
            let train = mlp.loss_and_grad(&x, &y, &cfg, &masks, Regularizer::L2, LAMBDA);
            let outputs = mlp.predict_with_masks(&x, &cfg, &masks);
            let from_outputs = data_loss(head, &outputs, &y);
            assert!(
                (train.data_loss - from_outputs).abs() < 1e-12,
                "{head} {noise:?}: {} vs {from_outputs}",
                train.data_loss
            );
            let w2: f64 = mlp
                .layers
                .iter()
                .flat_map(|l| l.w.iter())
                .map(|w| w * w)
                .sum();
            assert!((train.penalty - 0.5 * LAMBDA * w2).abs() < 1e-15);
        }
    }
}
