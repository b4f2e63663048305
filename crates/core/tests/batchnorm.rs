//! Batch normalization: gradient checks in training mode (batch statistics differentiated through) for several
//! batch sizes, activations, heads and dropout masks; the notes' claim that scaling the weights before a
//! normalization layer keeps the output but divides the gradient by s (and so changes SGD); running averages;
//! and sessions with `bn=hidden`, which train on the f64 reference path.

use saddle_core::config::Config;
use saddle_core::dropout::{sample_masks, DropoutConfig, DropoutScaling, LayerNoise, Masks};
use saddle_core::loss::{Head, Regularizer};
use saddle_core::mlp::{Activation, Init, Mlp, MlpSpec, BN_EPS};
use saddle_core::registry::Keyed;
use saddle_core::rng::{normal, seeded};
use saddle_core::session::Session;
use saddle_core::{Matrix, Vector};

/// Finite-difference step (the larger of the two of the Richardson pair, see [`relative_error`]).
const H: f64 = 1e-5;
const TOLERANCE: f64 = 1e-6;
/// Denominator floor of the relative error. As in `gradcheck.rs`, but the Richardson estimate carries about 3×
/// the round-off of one centred difference (4/3 of a difference at h/2, which has twice the round-off, plus 1/3
/// of one at h): ≈ 1.2e-10 measured on a zero gradient (the bias before a norm). So 3e-4, not 1e-4: a
/// component below it must still agree to 3e-10 absolute.
const FLOOR: f64 = 3e-4;

/// A 3-4-3-out network with batch normalization on both hidden layers, random γ, β and biases, a batch of
/// `batch` samples and targets for `head`.
fn problem(act: Activation, head: Head, batch: usize, seed: u64) -> (Mlp, Matrix, Matrix) {
    let k = if head == Head::SoftmaxCe { 3 } else { 1 };
    let spec = MlpSpec {
        input_dim: 3,
        hidden: vec![4, 3],
        activations: vec![act],
        output_dim: k,
        head,
        init: Init::He,
    };
    let mut rng = seeded(seed, 0);
    let mut mlp = Mlp::new(&spec, &mut rng).with_batch_norm();
    let n_affine = mlp.affine_param_count();
    let p = Vector::from_iterator(
        mlp.param_count(),
        mlp.params().iter().enumerate().map(|(i, &v)| {
            if i >= n_affine {
                // γ near 1 (either sign is legal, keep it positive), β spread.
                let gamma_or_beta = 0.3 * normal(&mut rng);
                if v == 1.0 {
                    1.0 + gamma_or_beta
                } else {
                    gamma_or_beta
                }
            } else if v == 0.0 {
                0.3 * normal(&mut rng)
            } else {
                v
            }
        }),
    );
    mlp.set_params(&p);
    let x = Matrix::from_fn(3, batch, |_, _| normal(&mut rng));
    let y = match head {
        Head::SoftmaxCe => Matrix::from_fn(k, batch, |i, j| f64::from(u8::from(i == j % k))),
        Head::LinearMse => Matrix::from_fn(1, batch, |_, _| normal(&mut rng)),
        _ => Matrix::from_fn(1, batch, |_, j| (j % 2) as f64),
    };
    (mlp, x, y)
}

/// max |a − b| / max(|a| + |b|, FLOOR) between backprop and the centred difference of data loss + penalty.
fn relative_error(mlp: &Mlp, x: &Matrix, y: &Matrix, cfg: &DropoutConfig, masks: &Masks) -> f64 {
    let reg = Regularizer::L2;
    let analytic = mlp.loss_and_grad(x, y, cfg, masks, reg, 0.05).grad;
    let params = mlp.params();
    let mut probe = mlp.clone();
    let mut at = |i: usize, step: f64| {
        let mut p = params.clone();
        p[i] += step;
        probe.set_params(&p);
        probe.loss_and_grad(x, y, cfg, masks, reg, 0.05).total()
    };
    let mut worst: f64 = 0.0;
    for (i, &a) in analytic.iter().enumerate() {
        let mut centred = |h: f64| (at(i, h) - at(i, -h)) / (2.0 * h);
        // Richardson extrapolation of two centred differences: truncation O(h⁴) instead of O(h²). Needed here:
        // a unit with a small batch variance makes x̂ = (z − μ)/√(v + ε) strongly curved in its weights
        // (measured: 2.5e-6 relative truncation error of the plain centred difference at h = 1e-5).
        let b = (4.0 * centred(H / 2.0) - centred(H)) / 3.0;
        worst = worst.max((a - b).abs() / (a.abs() + b.abs()).max(FLOOR));
    }
    worst
}

#[test]
fn training_mode_backprop_matches_finite_differences() {
    let heads = [Head::SigmoidBce, Head::SoftmaxCe, Head::LinearMse];
    let mut checked = 0;
    let mut overall: f64 = 0.0;
    for &act in Activation::ALL {
        for head in heads {
            for batch in [2, 3, 5, 8, 16] {
                let (mlp, x, y) = problem(act, head, batch, 17 + batch as u64);
                let clean = DropoutConfig::none(2);
                let e = relative_error(&mlp, &x, &y, &clean, &Vec::new());
                assert!(e < TOLERANCE, "{act} {head} batch {batch}: {e}");
                // Dropout on the hidden outputs under a fixed mask, through the normalization of the next layer.
                let noisy = DropoutConfig {
                    layers: vec![
                        LayerNoise::gaussian(0.3),
                        LayerNoise::bernoulli(0.7),
                        LayerNoise::bernoulli(0.8),
                    ],
                    scaling: DropoutScaling::Inverted,
                };
                let masks =
                    sample_masks(&noisy, &mlp.widths(), batch, &mut seeded(batch as u64, 9));
                let e2 = relative_error(&mlp, &x, &y, &noisy, &masks);
                assert!(
                    e2 < TOLERANCE,
                    "{act} {head} batch {batch} with dropout: {e2}"
                );
                overall = overall.max(e).max(e2);
                checked += 2;
            }
        }
    }
    println!("{checked} checks, worst relative error {overall:e}");
}

/// The bias before a normalization layer is cancelled by the mean subtraction: its gradient is zero, and γ, β
/// get gradients of their own.
#[test]
fn the_bias_before_a_norm_has_no_gradient_and_gamma_beta_have_one() {
    let (mlp, x, y) = problem(Activation::Tanh, Head::SigmoidBce, 8, 3);
    let g = mlp
        .loss_and_grad(
            &x,
            &y,
            &DropoutConfig::none(2),
            &Vec::new(),
            Regularizer::None,
            0.0,
        )
        .grad;
    let w1 = mlp.layers[0].w.len();
    for i in 0..4 {
        assert!(g[w1 + i].abs() < 1e-15, "b1[{i}] gradient {}", g[w1 + i]);
    }
    let tail = g.rows(mlp.affine_param_count(), 2 * (4 + 3));
    assert!(tail.iter().all(|v| v.abs() > 1e-8), "{tail}");
}

/// Copies of `mlp` with ε = 0 in every normalization layer.
fn without_eps(mlp: &Mlp) -> Mlp {
    let mut m = mlp.clone();
    for n in m.layers.iter_mut().filter_map(|l| l.norm.as_mut()) {
        n.eps = 0.0;
    }
    m
}

/// The notes: "batch normalization makes the forward pass invariant to the scale of the weights before it, but
/// not the backward pass" — output unchanged to 1e-12, those weights' gradient × 1/s to 1e-9, every other
/// parameter's gradient unchanged, and so SGD follows another path.
#[test]
fn scaling_the_weights_before_a_norm_keeps_the_output_and_divides_the_gradient() {
    let (base, x, y) = problem(Activation::Relu, Head::SigmoidBce, 16, 5);
    let mlp = without_eps(&base);
    let clean = DropoutConfig::none(2);
    for s in [0.1, 0.5, 3.0, 20.0] {
        let scaled = mlp.scale_before_norm(&[vec![s; 4], vec![s; 3]]);
        let out = mlp.predict_training_mode(&x);
        let out_s = scaled.predict_training_mode(&x);
        let change = (&out - &out_s).amax();
        assert!(change < 1e-12, "s = {s}: output moved by {change}");
        let g = mlp.loss_and_grad(&x, &y, &clean, &Vec::new(), Regularizer::None, 0.0);
        let gs = scaled.loss_and_grad(&x, &y, &clean, &Vec::new(), Regularizer::None, 0.0);
        assert!((g.data_loss - gs.data_loss).abs() < 1e-12);
        // W1 (before norm 1) and W2 (before norm 2) scale by 1/s; b1, b2 have zero gradient; W3, b3, γ, β stay.
        let (w1, b1, w2, b2) = (12, 4, 12, 3);
        let mut at = 0;
        for (len, factor) in [(w1, 1.0 / s), (b1, 0.0), (w2, 1.0 / s), (b2, 0.0)] {
            for i in at..at + len {
                let want = g.grad[i] * factor;
                let tol = 1e-9 * g.grad[i].abs().max(1e-6);
                if factor == 0.0 {
                    assert!(
                        gs.grad[i].abs() < 1e-13,
                        "s = {s}, bias {i}: {}",
                        gs.grad[i]
                    );
                } else {
                    assert!(
                        (gs.grad[i] - want).abs() < tol,
                        "s = {s}, {i}: {} vs {want}",
                        gs.grad[i]
                    );
                }
            }
            at += len;
        }
        for i in at..g.grad.len() {
            let tol = 1e-9 * g.grad[i].abs().max(1e-6);
            assert!((gs.grad[i] - g.grad[i]).abs() < tol, "s = {s}, {i}");
        }
    }
    // With PyTorch's ε = 1e-5 the invariance is approximate: ε / variance.
    let scaled = base.scale_before_norm(&[vec![3.0; 4], vec![3.0; 3]]);
    let change = (&base.predict_training_mode(&x) - &scaled.predict_training_mode(&x)).amax();
    assert!(change > 0.0 && change < 1e-4, "ε = {BN_EPS}: {change}");
}

/// Plain SGD with running averages, `steps` full-batch steps.
fn sgd(mut mlp: Mlp, x: &Matrix, y: &Matrix, lr: f64, steps: usize) -> Mlp {
    let clean = DropoutConfig::none(mlp.layers.len() - 1);
    for _ in 0..steps {
        let (lg, moments) = mlp.train_pass(x, y, &clean, &Vec::new(), Regularizer::None, 0.0);
        let p = mlp.params() - lr * lg.grad;
        mlp.set_params(&p);
        mlp.update_running_stats(&moments);
    }
    mlp
}

#[test]
fn the_same_function_trains_differently_under_sgd() {
    let (base, x, y) = problem(Activation::Relu, Head::SigmoidBce, 16, 5);
    let mlp = without_eps(&base);
    let scaled = mlp.scale_before_norm(&[vec![4.0; 4], vec![4.0; 3]]);
    assert!((&mlp.predict_training_mode(&x) - &scaled.predict_training_mode(&x)).amax() < 1e-12);
    let a = sgd(mlp, &x, &y, 0.5, 40);
    let b = sgd(scaled, &x, &y, 0.5, 40);
    let apart = (&a.predict_training_mode(&x) - &b.predict_training_mode(&x)).amax();
    assert!(apart > 1e-3, "trajectories should part: {apart}");
}

#[test]
fn running_averages_converge_to_the_batch_statistics_and_drive_predict() {
    let (mlp, x, y) = problem(Activation::Tanh, Head::LinearMse, 32, 8);
    // lr = 0: parameters stay, the running averages converge geometrically (0.9^200 ≈ 7e-10).
    let trained = sgd(mlp.clone(), &x, &y, 0.0, 200);
    let (_, moments) = mlp.train_pass(
        &x,
        &y,
        &DropoutConfig::none(2),
        &Vec::new(),
        Regularizer::None,
        0.0,
    );
    let m0 = moments[0].as_ref().expect("normalized layer");
    let n0 = trained.layers[0].norm.as_ref().expect("normalized layer");
    let unbiased = &m0.var * (32.0 / 31.0);
    assert!((&n0.running_mean - &m0.mean).amax() < 1e-8);
    assert!((&n0.running_var - &unbiased).amax() < 1e-8);
    // At test time the network uses the running averages: with ε small against the variance, predict on the
    // same batch is close to the training-mode output (they differ by the unbiasing factor 32/31).
    let test = trained.predict(&x, &DropoutConfig::none(2));
    let train = trained.predict_training_mode(&x);
    assert!((&test - &train).amax() < 0.1 * train.amax());
    assert!(
        mlp.predict(&x, &DropoutConfig::none(2)) != test,
        "fresh running averages differ"
    );
}

fn session(query: &str) -> Session {
    let (config, errors) = Config::from_query(query);
    assert!(errors.is_empty(), "{query}: {errors:?}");
    Session::new(config.validate().expect("valid"))
}

#[test]
fn bn_config_round_trips_and_counts_gamma_beta() {
    let q = "dataset=xor&hidden=5,3&act=relu&bn=hidden&opt=sgd&lr=0.1";
    let (c, errors) = Config::from_query(q);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(
        c.param_count(),
        (2 * 5 + 5) + (5 * 3 + 3) + (3 + 1) + 2 * (5 + 3)
    );
    assert!(c.to_query().contains("&bn=hidden&"), "{}", c.to_query());
    assert_eq!(Config::from_query(&c.to_query()), (c.clone(), vec![]));
    assert!(
        !Config::default().to_query().contains("bn="),
        "omitted at its default"
    );
    let s = Session::new(c.validate().expect("valid"));
    assert!(s.uses_reference_path());
    assert_eq!(s.mlp().param_count(), c.param_count());
    assert!(!session("dataset=xor&hidden=5,3").uses_reference_path());
}

#[test]
fn bn_sessions_train_and_are_reproducible_whatever_the_chunking() {
    let q = "dataset=circle&hidden=8,8&act=relu&bn=hidden&drop=none,b0.8,b0.8&opt=sgd&lr=0.1&batch=16&seed=4";
    let mut a = session(q);
    let mut b = session(q);
    let before = a.stats();
    let sa = a.step(400).expect("finite");
    let mut sb = b.stats();
    for _ in 0..40 {
        sb = b.step(10).expect("finite");
    }
    assert_eq!(sa, sb);
    assert_eq!(a.history(), b.history());
    assert_eq!(a.mlp(), b.mlp(), "parameters and running averages");
    assert!(
        sa.test_loss < 0.6 * before.test_loss,
        "{before:?} -> {sa:?}"
    );
    assert_eq!(a.predict_grid(6, 4).len(), 24);
    assert_eq!(a.unit_grids(3).len(), 4);
}

/// The f64 path draws its dropout masks from the session's mask stream exactly as the fast path does, so one
/// step is reproducible by hand: batch from the batch stream, masks from stream 5, θ₁ = θ₀ − lr ∇L(θ₀).
#[test]
fn the_first_bn_step_is_reproducible_by_hand() {
    use saddle_core::features;
    use saddle_core::session::stream;
    let q =
        "dataset=moons&hidden=6&act=tanh&bn=hidden&drop=none,b0.7&opt=sgd&lr=0.2&batch=12&seed=9";
    let mut s = session(q);
    let start = s.mlp().clone();
    s.step(1).expect("finite");
    let idx = s.batch_indices().to_vec();
    assert_eq!(idx.len(), 12);
    let x = features::apply(s.features(), &s.train().x.select_columns(&idx));
    let y = s.train().y.select_columns(&idx);
    let cfg = &s.config().dropout;
    let masks = sample_masks(cfg, &start.widths(), 12, &mut seeded(9, stream::MASKS));
    let (lg, _) = start.train_pass(&x, &y, cfg, &masks, Regularizer::None, 0.0);
    let want = start.params() - 0.2 * lg.grad;
    let got = s.mlp().params();
    assert!((&got - &want).amax() < 1e-14, "{}", (&got - &want).amax());
}

#[test]
fn weight_edits_and_frozen_weights_work_on_the_reference_path() {
    let q = "dataset=xor&hidden=4&act=relu&bn=hidden&opt=adam&lr=0.01&batch=8&seed=3";
    let mut s = session(q);
    s.step(20).expect("finite");
    let gamma0 = s.mlp().affine_param_count();
    s.set_weight(gamma0, 1.5).expect("γ is a parameter");
    assert_eq!(
        s.mlp().layers[0].norm.as_ref().map(|n| n.gamma[0]),
        Some(1.5)
    );
    s.step(20).expect("finite");
    let mut replay = session(&s.config().to_query());
    replay.step(40).expect("finite");
    assert_eq!(
        replay.mlp().params(),
        s.mlp().params(),
        "edits replay bitwise"
    );
    let frozen = format!("{}&weights={}", s.config().to_query(), s.frozen_weights());
    let (c, errors) = Config::from_query(&frozen);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(c.weights.len(), s.mlp().param_count());
}
