//! The f32 trainer against the f64 reference `Mlp`: same parameters, same masks, every activation × objective.

use super::{Net, Objective, Optimizer32};
use crate::dropout::{sample_masks, DropoutConfig, DropoutScaling, LayerNoise, Masks, NoiseKind};
use crate::loss::{Head, Regularizer};
use crate::mlp::{sigmoid, Activation, Init, Mlp, MlpSpec};
use crate::optim::{Hyper, OptimizerKind};
use crate::registry::Keyed;
use crate::rng::{seeded, uniform, Rng};
use crate::{Matrix, Vector};

const BATCH: usize = 7;

fn network(act: Activation, head: Head, outputs: usize, seed: u64) -> Mlp {
    let spec = MlpSpec {
        input_dim: 3,
        hidden: vec![6, 5],
        activations: vec![act],
        output_dim: outputs,
        head,
        init: Init::Glorot,
    };
    Mlp::new(&spec, &mut seeded(seed, 0))
}

/// Inputs in (−2, 2) and targets suited to the head: 0/1, one-hot, or values in (0, 1).
fn batch(head: Head, outputs: usize, rng: &mut Rng) -> (Matrix, Matrix) {
    let x = Matrix::from_fn(3, BATCH, |_, _| 4.0 * uniform(rng) - 2.0);
    let y = match head {
        Head::SoftmaxCe => {
            Matrix::from_fn(outputs, BATCH, |i, j| f64::from(u8::from(i == j % outputs)))
        }
        Head::SigmoidBce | Head::TanhMse => {
            Matrix::from_fn(1, BATCH, |_, j| f64::from(u8::from(j % 3 == 0)))
        }
        Head::LinearMse => Matrix::from_fn(outputs, BATCH, |_, _| uniform(rng)),
    };
    (x, y)
}

fn f32s(m: &Matrix) -> Vec<f32> {
    m.iter().map(|&v| v as f32).collect()
}

/// Gaussian noise on the input, Bernoulli dropout on the first hidden layer, none on the second.
fn dropout(scaling: DropoutScaling) -> DropoutConfig {
    DropoutConfig {
        layers: vec![
            LayerNoise {
                kind: NoiseKind::Gaussian,
                keep_prob: 1.0,
                sigma: 0.3,
            },
            LayerNoise {
                kind: NoiseKind::Bernoulli,
                keep_prob: 0.6,
                sigma: 0.0,
            },
            LayerNoise::NONE,
        ],
        scaling,
    }
}

/// max |fast − reference| ≤ tol · max |reference| (norm-wise: entries near zero carry cancellation).
fn assert_close(fast: &[f32], reference: &[f64], tol: f64, what: &str) {
    let scale = reference.iter().fold(0.0f64, |m, v| m.max(v.abs()));
    for (i, (a, b)) in fast.iter().zip(reference).enumerate() {
        assert!(
            (f64::from(*a) - b).abs() <= tol * scale,
            "{what}: entry {i}: {a} vs {b} (scale {scale})"
        );
    }
}

#[test]
fn loss_and_gradient_match_the_f64_reference_for_every_activation_and_head() {
    let regs = [
        (Regularizer::None, 0.0),
        (Regularizer::L2, 0.01),
        (Regularizer::L1, 0.01),
    ];
    for (a, &act) in Activation::ALL.iter().enumerate() {
        for (h, &head) in Head::ALL.iter().enumerate() {
            let outputs = if matches!(head, Head::SigmoidBce | Head::TanhMse) {
                1
            } else {
                3
            };
            let seed = (a * 10 + h) as u64;
            let mlp = network(act, head, outputs, seed);
            let mut rng = seeded(seed, 1);
            let (x, y) = batch(head, outputs, &mut rng);
            let mut net = Net::from_mlp(&mlp, Objective::Head(head));
            for (r, &(reg, lambda)) in regs.iter().enumerate() {
                let scaling = DropoutScaling::ALL[r % 2];
                let cfg = if r == 0 {
                    DropoutConfig::none(2)
                } else {
                    dropout(scaling)
                };
                let masks = sample_masks(&cfg, &mlp.widths(), BATCH, &mut rng);
                let reference = mlp.loss_and_grad(&x, &y, &cfg, &masks, reg, lambda);
                net.set_masks(&cfg, &masks);
                let loss = net.loss_and_grad(&f32s(&x), &f32s(&y), reg, lambda as f32);
                let what = format!("{act} {head} {reg} {scaling}");
                let rel = (loss.data_loss - reference.data_loss).abs()
                    / reference.data_loss.abs().max(1e-3);
                assert!(
                    rel < 1e-4,
                    "{what}: loss {} vs {}",
                    loss.data_loss,
                    reference.data_loss
                );
                assert!(
                    (loss.penalty - reference.penalty).abs() <= 1e-5 * reference.penalty.max(1e-3)
                );
                assert_close(net.grad(), reference.grad.as_slice(), 1e-4, &what);
            }
        }
    }
}

/// A network large enough for the sparse products (ReLU and dropout zeros skipped): forward, both weight-gradient
/// forms (sparse input, sparse δ) and the sampled backward product, against the f64 reference.
#[test]
fn sparse_products_inside_the_net_match_the_f64_reference() {
    let spec = MlpSpec {
        input_dim: 24,
        hidden: vec![200, 30],
        activations: vec![Activation::Relu],
        output_dim: 3,
        head: Head::LinearMse,
        init: Init::He,
    };
    let mlp = Mlp::new(&spec, &mut seeded(8, 0));
    let mut rng = seeded(8, 1);
    let batch = 16;
    let x = Matrix::from_fn(24, batch, |_, _| 2.0 * uniform(&mut rng) - 1.0);
    let y = Matrix::from_fn(3, batch, |_, _| uniform(&mut rng));
    let keep = LayerNoise {
        kind: NoiseKind::Bernoulli,
        keep_prob: 0.5,
        sigma: 0.0,
    };
    let cfg = DropoutConfig {
        layers: vec![LayerNoise::NONE, keep, keep],
        scaling: DropoutScaling::Inverted,
    };
    let masks = sample_masks(&cfg, &mlp.widths(), batch, &mut rng);
    let reference = mlp.loss_and_grad(&x, &y, &cfg, &masks, Regularizer::L2, 0.001);
    let mut net = Net::from_mlp(&mlp, Objective::Head(Head::LinearMse));
    net.set_masks(&cfg, &masks);
    let loss = net.loss_and_grad(&f32s(&x), &f32s(&y), Regularizer::L2, 0.001);
    assert!(
        net.used_sparse_products() && net.used_sampled_products(),
        "the test must exercise the sparse and sampled paths"
    );
    assert!((loss.total() - reference.total()).abs() < 1e-5 * reference.total());
    assert_close(net.grad(), reference.grad.as_slice(), 1e-4, "sparse paths");
}

/// The T2 objective has no f64 head: check it against its definition evaluated with the f64 model, and its
/// gradient against central differences of that definition.
#[test]
fn sigmoid_mean_square_matches_its_definition_and_finite_differences() {
    let mut mlp = network(Activation::Relu, Head::LinearMse, 4, 3);
    let mut rng = seeded(3, 1);
    let x = Matrix::from_fn(3, BATCH, |_, _| uniform(&mut rng));
    let y = Matrix::from_fn(4, BATCH, |_, _| uniform(&mut rng));
    let cfg = dropout(DropoutScaling::Inverted);
    let masks: Masks = sample_masks(&cfg, &mlp.widths(), BATCH, &mut rng);
    let objective = |m: &Mlp| {
        let z = m.predict_with_masks(&x, &cfg, &masks); // linear-mse: identity head, so z itself
        z.iter()
            .zip(y.iter())
            .map(|(&z, &t)| (sigmoid(z) - t).powi(2))
            .sum::<f64>()
            / z.len() as f64
    };
    let mut net = Net::from_mlp(&mlp, Objective::SigmoidMeanSquare);
    net.set_masks(&cfg, &masks);
    let loss = net.loss_and_grad(&f32s(&x), &f32s(&y), Regularizer::None, 0.0);
    let exact = objective(&mlp);
    assert!(
        (loss.data_loss - exact).abs() < 1e-5 * exact,
        "{} vs {exact}",
        loss.data_loss
    );

    let p = mlp.params();
    let h = 1e-6;
    let fd: Vec<f64> = (0..p.len())
        .map(|i| {
            let mut shifted = p.clone();
            shifted[i] += h;
            mlp.set_params(&shifted);
            let up = objective(&mlp);
            shifted[i] -= 2.0 * h;
            mlp.set_params(&shifted);
            let down = objective(&mlp);
            (up - down) / (2.0 * h)
        })
        .collect();
    assert_close(net.grad(), &fd, 1e-4, "sigmoid mean square");
}

#[test]
fn test_time_predictions_match_the_f64_reference() {
    for &head in Head::ALL {
        for (a, &act) in Activation::ALL.iter().enumerate() {
            let outputs = if matches!(head, Head::SigmoidBce | Head::TanhMse) {
                1
            } else {
                3
            };
            let mlp = network(act, head, outputs, 40 + a as u64);
            let net = Net::from_mlp(&mlp, Objective::Head(head));
            let (x, _) = batch(head, outputs, &mut seeded(a as u64, 2));
            for scaling in DropoutScaling::ALL {
                let cfg = dropout(*scaling);
                let reference = mlp.predict(&x, &cfg);
                assert_close(
                    &net.predict(&f32s(&x), &cfg),
                    reference.as_slice(),
                    2e-6,
                    &format!("{act} {head}"),
                );
            }
        }
    }
}

#[test]
fn parameters_round_trip_through_f32() {
    let mlp = network(Activation::Tanh, Head::SoftmaxCe, 3, 1);
    let net = Net::from_mlp(&mlp, Objective::Head(Head::SoftmaxCe));
    let mut back = network(Activation::Tanh, Head::SoftmaxCe, 3, 2);
    net.write_params_to(&mut back);
    let (p, q) = (mlp.params(), back.params());
    assert!(p
        .iter()
        .zip(q.iter())
        .all(|(a, b)| (a - b).abs() <= 1e-7 * a.abs().max(1.0)));
    let rounded = Vector::from_iterator(p.len(), net.params().iter().map(|&v| f64::from(v)));
    assert_eq!(q, rounded);
    assert_eq!(net.widths(), mlp.widths());
}

#[test]
fn training_steps_follow_the_f64_session_loop() {
    // Ten Adam steps with dropout: the f32 net and the f64 reference (loss_and_grad + Optimizer) stay together.
    let mut mlp = network(Activation::Tanh, Head::SigmoidBce, 1, 4);
    let mut net = Net::from_mlp(&mlp, Objective::Head(Head::SigmoidBce));
    let hyper = Hyper::from([("lr".to_string(), 0.01)]);
    let mut opt64 = crate::optim::Optimizer::new(OptimizerKind::Adam, &hyper, mlp.param_count());
    let mut opt32 = Optimizer32::new(OptimizerKind::Adam, &hyper, mlp.param_count());
    let cfg = dropout(DropoutScaling::Inverted);
    let (mut rng64, mut rng32) = (seeded(4, 5), seeded(4, 5));
    let (x, y) = batch(Head::SigmoidBce, 1, &mut seeded(4, 1));
    for _ in 0..10 {
        let masks = sample_masks(&cfg, &mlp.widths(), BATCH, &mut rng64);
        let lg = mlp.loss_and_grad(&x, &y, &cfg, &masks, Regularizer::L2, 0.01);
        let mut p = mlp.params();
        p += opt64.update(&lg.grad, &p);
        mlp.set_params(&p);
        net.draw_noise(&cfg, BATCH, &mut rng32);
        let loss = net.loss_and_grad(&f32s(&x), &f32s(&y), Regularizer::L2, 0.01);
        assert!(net.apply(&mut opt32));
        assert!((loss.total() - lg.total()).abs() < 1e-4 * lg.total());
    }
    assert_close(
        net.params(),
        mlp.params().as_slice(),
        1e-4,
        "parameters after 10 steps",
    );
}
