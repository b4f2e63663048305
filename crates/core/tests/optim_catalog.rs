//! The issue-5 optimizer catalog: golden first steps against each formula, invariances (scaling, rescaling,
//! reparameterization), schedules, injected noise statistics, and the catalog / URL surface of the new entries.

use proptest::prelude::*;
use saddle_core::catalog::catalog_json;
use saddle_core::config::Config;
use saddle_core::dropout::DropoutConfig;
use saddle_core::loss::{Head, Regularizer};
use saddle_core::mlp::{Activation, Init, Mlp, MlpSpec};
use saddle_core::optim::{path_gamma, Hyper, Layout, Optimizer, OptimizerKind, Schedule};
use saddle_core::registry::Keyed;
use saddle_core::rng::{normal, seeded};
use saddle_core::{Matrix, Vector};

fn hyper(pairs: &[(&str, f64)]) -> Hyper {
    pairs.iter().map(|&(k, v)| (k.to_string(), v)).collect()
}

fn v(xs: &[f64]) -> Vector {
    Vector::from_vec(xs.to_vec())
}

fn assert_close(got: &Vector, want: &[f64], tol: f64, what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: length");
    for (i, (&g, &w)) in got.iter().zip(want).enumerate() {
        assert!((g - w).abs() <= tol, "{what}[{i}]: got {g}, want {w}");
    }
}

/// The gradient sequence of `tests/optim.rs` (3² + 4² = 5², 5² + 12² = 13²).
const GRADS: [[f64; 2]; 3] = [[3.0, -4.0], [4.0, 3.0], [12.0, 0.0]];

/// Feeds GRADS from θ₀ = (1, −1) (applying each update) and checks the three updates Δθ.
fn check_on_grads(
    kind: OptimizerKind,
    h: &[(&str, f64)],
    hess: Option<&Matrix>,
    want: [[f64; 2]; 3],
) {
    let mut opt = Optimizer::new(kind, &hyper(h), 2);
    let mut p = v(&[1.0, -1.0]);
    for (t, (g, w)) in GRADS.iter().zip(want).enumerate() {
        let d = opt.update_with_hessian(&v(g), &p, hess);
        assert_close(&d, &w, 1e-12, &format!("{kind} Δθ at step {}", t + 1));
        p += d;
    }
}

#[test]
fn golden_sign_and_pnorm() {
    // sign: Δ = −lr sign(g), lr 0.1.
    check_on_grads(
        OptimizerKind::Sign,
        &[("lr", 0.1)],
        None,
        [[-0.1, 0.1], [-0.1, -0.1], [-0.1, 0.0]],
    );
    // p = 3: Δᵢ = −lr sign(gᵢ)|gᵢ|^{1/2}: (−0.1√3, 0.1·2), (−0.1·2, −0.1√3), (−0.1√12, 0).
    let (r3, r12) = (3f64.sqrt(), 12f64.sqrt());
    check_on_grads(
        OptimizerKind::PNorm,
        &[("lr", 0.1), ("p", 3.0)],
        None,
        [[-0.1 * r3, 0.2], [-0.2, -0.1 * r3], [-0.1 * r12, 0.0]],
    );
    // p = 1.5: exponent 1/(p−1) = 2: Δᵢ = −lr sign(gᵢ) gᵢ² = (−0.9, 1.6), (−1.6, −0.9), (−14.4, 0).
    check_on_grads(
        OptimizerKind::PNorm,
        &[("lr", 0.1), ("p", 1.5)],
        None,
        [[-0.9, 1.6], [-1.6, -0.9], [-14.4, 0.0]],
    );
}

#[test]
fn golden_normalized_gradients_and_lars() {
    // Global: Δ = −lr g/‖g‖ with ‖g‖ = 5, 5, 12: (−0.06, 0.08), (−0.08, −0.06), (−0.1, 0).
    check_on_grads(
        OptimizerKind::Normalized,
        &[("lr", 0.1)],
        None,
        [[-0.06, 0.08], [-0.08, -0.06], [-0.1, 0.0]],
    );
    // Per tensor, groups [0..2, 2..3], g = (3, −4, 2): (−0.1·3/5, 0.1·4/5, −0.1·2/2).
    let layout = Layout {
        groups: vec![0..2, 2..3],
        widths: vec![],
    };
    let g = v(&[3.0, -4.0, 2.0]);
    let mut opt = Optimizer::new(OptimizerKind::LayerNormalized, &hyper(&[("lr", 0.1)]), 3)
        .with_layout(layout.clone());
    assert_close(
        &opt.update(&g, &v(&[0.0; 3])),
        &[-0.06, 0.08, -0.1],
        1e-15,
        "per tensor",
    );
    // The flat layout makes it the global normalization: ‖g‖ = √29.
    let mut flat = Optimizer::new(OptimizerKind::LayerNormalized, &hyper(&[("lr", 0.1)]), 3);
    let s = 0.1 / 29f64.sqrt();
    assert_close(
        &flat.update(&g, &v(&[0.0; 3])),
        &[-3.0 * s, 4.0 * s, -2.0 * s],
        1e-15,
        "flat",
    );

    // LARS, θ = (3, 4, 0), trust 0.5, lr 0.1: tensor 1 ratio 0.5·‖θ₁‖/‖g₁‖ = 0.5·5/5 → −0.05 (3, −4);
    // tensor 2 has ‖θ₂‖ = 0, ratio 1 → −0.1·2.
    let mut lars = Optimizer::new(
        OptimizerKind::Lars,
        &hyper(&[("lr", 0.1), ("trust", 0.5)]),
        3,
    )
    .with_layout(layout);
    let d = lars.update(&g, &v(&[3.0, 4.0, 0.0]));
    assert_close(&d, &[-0.15, 0.2, -0.2], 1e-15, "lars");
}

#[test]
fn golden_adagrad_notes_form() {
    // The notes: Δ = −(ε/√t) g / √(Mean g²), ε = lr = 0.1.
    // t1: Mean = (9, 16): Δ = −0.1 (3/3, −4/4) = (−0.1, 0.1)
    // t2: Mean = (25, 25)/2 = 12.5: Δ = −(0.1/√2)(4, 3)/√12.5 = −0.1 (4, 3)/5 = (−0.08, −0.06)
    // t3: Mean = (169, 25)/3: Δ = −(0.1/√3)(12, 0)/√(169/3) = −0.1 (12/13, 0)
    check_on_grads(
        OptimizerKind::AdagradNotes,
        &[("lr", 0.1)],
        None,
        [[-0.1, 0.1], [-0.08, -0.06], [-1.2 / 13.0, 0.0]],
    );
    // The √t cancel: PyTorch's Adagrad with ε = 0 gives the same steps.
    let mut notes = Optimizer::new(OptimizerKind::AdagradNotes, &hyper(&[("lr", 0.1)]), 2);
    let mut torch = Optimizer::new(
        OptimizerKind::Adagrad,
        &hyper(&[("lr", 0.1), ("eps", 0.0)]),
        2,
    );
    let p = v(&[0.0, 0.0]);
    for g in GRADS.iter().cycle().take(30) {
        let (a, b) = (notes.update(&v(g), &p), torch.update(&v(g), &p));
        assert_close(&a, b.as_slice(), 1e-15, "notes vs PyTorch ε = 0");
    }
}

#[test]
fn golden_mahalanobis_newton_and_saddle_free_newton() {
    // M = H = [[2, 1], [1, 2]], M⁻¹ = (1/3)[[2, −1], [−1, 2]], lr 0.1:
    // g = (3, −4) → M⁻¹g = (10/3, −11/3); (4, 3) → (5/3, 2/3); (12, 0) → (8, −4).
    let want = [
        [-1.0 / 3.0, 11.0 / 30.0],
        [-1.0 / 6.0, -1.0 / 15.0],
        [-0.8, 0.4],
    ];
    let m = [("lr", 0.1), ("m11", 2.0), ("m12", 1.0), ("m22", 2.0)];
    check_on_grads(OptimizerKind::Mahalanobis, &m, None, want);
    let h = Matrix::from_row_slice(2, 2, &[2.0, 1.0, 1.0, 2.0]);
    check_on_grads(OptimizerKind::Newton, &[("lr", 0.1)], Some(&h), want);
    // Without a Hessian the Newton methods take the gradient step −lr g.
    check_on_grads(
        OptimizerKind::Newton,
        &[("lr", 0.1)],
        None,
        [[-0.3, 0.4], [-0.4, -0.3], [-1.2, 0.0]],
    );

    // A saddle H = diag(1, −4), g = (3, −4): Newton's H⁻¹g = (3, 1) climbs along y (Δy = −0.1 < 0 while
    // the gradient's y is −4); saddle-free with δ = 0 uses |H| = diag(1, 4): (3, −1), descending; δ = 1:
    // diag(2, 5): (1.5, −0.8).
    let saddle = Matrix::from_row_slice(2, 2, &[1.0, 0.0, 0.0, -4.0]);
    let g = v(&[3.0, -4.0]);
    let p = v(&[0.0, 0.0]);
    let step = |kind, h: &[(&str, f64)]| {
        Optimizer::new(kind, &hyper(h), 2).update_with_hessian(&g, &p, Some(&saddle))
    };
    assert_close(
        &step(OptimizerKind::Newton, &[("lr", 0.1)]),
        &[-0.3, -0.1],
        1e-15,
        "newton at a saddle",
    );
    let sfn = OptimizerKind::SaddleFreeNewton;
    assert_close(
        &step(sfn, &[("lr", 0.1), ("damping", 0.0)]),
        &[-0.3, 0.1],
        1e-14,
        "sfn δ = 0",
    );
    assert_close(
        &step(sfn, &[("lr", 0.1), ("damping", 1.0)]),
        &[-0.15, 0.08],
        1e-14,
        "sfn δ = 1",
    );
}

#[test]
fn golden_natural_gradient() {
    // Per-sample gradients (1, 0) and (0, 2): F = ½ diag(1, 4) + 0.5 I = diag(1, 2.5); g = mean = (0.5, 1);
    // F⁻¹ g = (0.5, 0.4); lr 0.1 → (−0.05, −0.04).
    let samples = Matrix::from_row_slice(2, 2, &[1.0, 0.0, 0.0, 2.0]);
    let h = hyper(&[("lr", 0.1), ("damping", 0.5)]);
    let mut opt = Optimizer::new(OptimizerKind::Natural, &h, 2);
    let g = v(&[0.5, 1.0]);
    let p = v(&[0.0, 0.0]);
    let d = opt.update_with_per_sample_grads(&g, &p, Some(&samples));
    assert_close(&d, &[-0.05, -0.04], 1e-15, "natural");
    // Correlated samples (1, 1), (1, −1)... scaled: (2, 2), (2, −2): F = 4 I + 0.5 I, g = (2, 0) → (−0.1·2/4.5, 0).
    let samples = Matrix::from_row_slice(2, 2, &[2.0, 2.0, 2.0, -2.0]);
    let d = opt.update_with_per_sample_grads(&v(&[2.0, 0.0]), &p, Some(&samples));
    assert_close(&d, &[-0.2 / 4.5, 0.0], 1e-15, "natural, second step");
    // Without per-sample gradients: a gradient step.
    assert_close(
        &opt.update(&g, &p),
        &[-0.05, -0.1],
        1e-15,
        "natural without samples",
    );
}

#[test]
fn golden_path_sgd_on_a_chain_and_against_brute_force_paths() {
    // widths [1, 1, 1], params (W₁, b₁, W₂, b₂) = (2, 1, 3, 0.5):
    // forward a₀ = 1, a₁ = 2²·1 + 1² = 5; backward c₂ = 1, c₁ = 3² = 9.
    // γ(W₁) = a₀ c₁ = 9, γ(b₁) = c₁ = 9, γ(W₂) = a₁ c₂ = 5, γ(b₂) = 1.
    let params = [2.0, 1.0, 3.0, 0.5];
    assert_eq!(
        path_gamma(&[1, 1, 1], &params),
        Some(vec![9.0, 9.0, 5.0, 1.0])
    );
    let mut opt = Optimizer::new(OptimizerKind::PathSgd, &hyper(&[("lr", 0.1)]), 4)
        .with_layout(Layout::mlp(&[1, 1, 1]));
    let d = opt.update(&v(&[1.0; 4]), &v(&params));
    assert_close(
        &d,
        &[-0.1 / 9.0, -0.1 / 9.0, -0.02, -0.1],
        1e-15,
        "path-sgd step",
    );

    // widths [2, 3, 2]: enumerate every path (input j or bias₁ i → hidden i → output k, or bias₂ k) and sum,
    // for each parameter, the product of the other weights squared.
    let mut rng = seeded(4, 0);
    let params: Vec<f64> = (0..(2 * 3 + 3 + 3 * 2 + 2))
        .map(|_| normal(&mut rng))
        .collect();
    let w1 = |i: usize, j: usize| i + 3 * j; // W₁ is 3 × 2, column-major
    let b1 = |i: usize| 6 + i;
    let w2 = |k: usize, i: usize| 9 + k + 2 * i; // W₂ is 2 × 3
    let b2 = |k: usize| 15 + k;
    let mut paths: Vec<Vec<usize>> = Vec::new();
    for k in 0..2 {
        paths.push(vec![b2(k)]);
        for i in 0..3 {
            paths.push(vec![b1(i), w2(k, i)]);
            for j in 0..2 {
                paths.push(vec![w1(i, j), w2(k, i)]);
            }
        }
    }
    let mut brute = vec![0.0; params.len()];
    for path in &paths {
        for &e in path {
            brute[e] += path
                .iter()
                .filter(|&&o| o != e)
                .map(|&o| params[o].powi(2))
                .product::<f64>();
        }
    }
    let got = path_gamma(&[2, 3, 2], &params).expect("long enough");
    assert_close(&Vector::from_vec(got), &brute, 1e-12, "γ vs brute force");
}

fn relu_net(seed: u64) -> Mlp {
    let spec = MlpSpec {
        input_dim: 2,
        hidden: vec![5, 4],
        activations: vec![Activation::Relu],
        output_dim: 1,
        head: Head::SigmoidBce,
        init: Init::He,
    };
    Mlp::new(&spec, &mut seeded(seed, 0))
}

/// Trains `mlp` full-batch for `steps` with `kind` and returns its outputs on `x`.
fn train(
    mut mlp: Mlp,
    kind: OptimizerKind,
    lr: f64,
    x: &Matrix,
    y: &Matrix,
    steps: usize,
) -> Matrix {
    let dropout = DropoutConfig::none(2);
    let mut opt =
        Optimizer::new(kind, &hyper(&[("lr", lr)]), mlp.param_count()).with_layout(mlp.layout());
    for _ in 0..steps {
        let lg = mlp.loss_and_grad(x, y, &dropout, &Vec::new(), Regularizer::None, 0.0);
        let p = mlp.params();
        let next = &p + opt.update(&lg.grad, &p);
        mlp.set_params(&next);
    }
    mlp.predict(x, &dropout)
}

#[test]
fn path_sgd_is_invariant_to_relu_rescaling_and_sgd_is_not() {
    let mlp = relu_net(3);
    let mut rng = seeded(3, 1);
    let x = Matrix::from_fn(2, 40, |_, _| normal(&mut rng));
    let y = Matrix::from_fn(1, 40, |_, j| {
        if x[(0, j)] * x[(1, j)] > 0.0 {
            1.0
        } else {
            0.0
        }
    });
    // Scales 0.2 … 5 per hidden unit.
    let scales: Vec<Vec<f64>> = [5, 4]
        .iter()
        .map(|&n| (0..n).map(|i| [0.2, 5.0, 1.7, 0.5, 3.0][i]).collect())
        .collect();
    let rescaled = mlp.rescale_hidden(&scales);
    assert!(
        (mlp.predict(&x, &DropoutConfig::none(2)) - rescaled.predict(&x, &DropoutConfig::none(2)))
            .amax()
            < 1e-12
    );

    let gap = |kind, lr| {
        let a = train(mlp.clone(), kind, lr, &x, &y, 20);
        let b = train(rescaled.clone(), kind, lr, &x, &y, 20);
        (a - b).amax()
    };
    let path = gap(OptimizerKind::PathSgd, 0.1);
    let sgd = gap(OptimizerKind::Sgd, 0.1);
    println!("after 20 steps: Path-SGD output gap {path:e}, SGD {sgd:e}");
    assert!(path < 1e-9, "Path-SGD gap {path}");
    assert!(sgd > 1e-3, "SGD gap {sgd}");
}

#[test]
fn newton_is_invariant_under_linear_reparameterization() {
    // f(x) = Rosenbrock, x = A y with A = [[2, 1], [0.5, 3]]: ∇_y = Aᵀ ∇_x, H_y = Aᵀ H_x A. Newton steps in y,
    // mapped back by A, equal the steps in x (lr 0.5, 8 steps from (−1.2, 1)).
    let a = Matrix::from_row_slice(2, 2, &[2.0, 1.0, 0.5, 3.0]);
    let grad = |p: &Vector| {
        let (x, y) = (p[0], p[1]);
        v(&[
            -2.0 * (1.0 - x) - 400.0 * x * (y - x * x),
            200.0 * (y - x * x),
        ])
    };
    let hess = |p: &Vector| {
        let (x, y) = (p[0], p[1]);
        Matrix::from_row_slice(
            2,
            2,
            &[
                1200.0 * x * x - 400.0 * y + 2.0,
                -400.0 * x,
                -400.0 * x,
                200.0,
            ],
        )
    };
    let h = hyper(&[("lr", 0.5)]);
    let (mut ox, mut oy) = (
        Optimizer::new(OptimizerKind::Newton, &h, 2),
        Optimizer::new(OptimizerKind::Newton, &h, 2),
    );
    let mut x = v(&[-1.2, 1.0]);
    let mut y = a.clone().lu().solve(&x).expect("A invertible");
    for t in 0..8 {
        let (gx, hx) = (grad(&x), hess(&x));
        x += ox.update_with_hessian(&gx, &x, Some(&hx));
        let xy = &a * &y;
        let (gy, hy) = (a.tr_mul(&grad(&xy)), a.tr_mul(&(hess(&xy) * &a)));
        y += oy.update_with_hessian(&gy, &y, Some(&hy));
        assert_close(
            &(&a * &y),
            x.as_slice(),
            1e-9 * (1.0 + x.amax()),
            &format!("step {t}"),
        );
    }
    // SGD is not invariant: one step already differs.
    let mut sx = Optimizer::new(OptimizerKind::Sgd, &hyper(&[("lr", 1e-3)]), 2);
    let mut sy = sx.clone();
    let x0 = v(&[-1.2, 1.0]);
    let y0 = a.clone().lu().solve(&x0).expect("A invertible");
    let dx = sx.update(&grad(&x0), &x0);
    let dy = sy.update(&a.tr_mul(&grad(&x0)), &y0);
    assert!((&a * dy - dx).amax() > 1e-3);
}

#[test]
fn schedule_multipliers_at_given_steps() {
    let inv = Schedule::InvSqrt;
    assert_eq!([0, 3, 99].map(|t| inv.multiplier(t)), [1.0, 0.5, 0.1]);
    let step = Schedule::Step {
        every: 10.0,
        rate: 0.5,
    };
    assert_eq!(
        [0, 9, 10, 25].map(|t| step.multiplier(t)),
        [1.0, 1.0, 0.5, 0.25]
    );
    let cos = Schedule::Cosine { horizon: 100.0 };
    // ½(1 + cos(π t/T)): t = 25 → ½(1 + √½) = 0.8535533905932737.
    let got = [0, 25, 50, 100, 200].map(|t| cos.multiplier(t));
    let want = [1.0, 0.5 * (1.0 + 0.5f64.sqrt()), 0.5, 0.0, 0.0];
    assert_close(&v(&got), &want, 1e-15, "cosine");
    assert_eq!(Schedule::Constant.multiplier(12345), 1.0);
    // Through the optimizer: the 11th SGD update with step decay (k = 10, γ = 0.5) is −0.5 lr g.
    let h = hyper(&[
        ("lr", 0.2),
        ("schedule", 2.0),
        ("decay_every", 10.0),
        ("decay_rate", 0.5),
    ]);
    let mut opt = Optimizer::new(OptimizerKind::Sgd, &h, 1);
    let p = v(&[0.0]);
    let steps: Vec<f64> = (0..11).map(|_| opt.update(&v(&[1.0]), &p)[0]).collect();
    assert_eq!(steps[9], -0.2);
    assert_eq!(steps[10], -0.1);
}

#[test]
fn sgld_step_variance_is_two_lr_temperature() {
    // Zero gradient: Δθ = N(0, 2 lr T) per parameter; lr 0.01, T 0.5 → variance 0.01. With n = 200 000 the
    // sample variance has standard error 0.01 √(2/n) ≈ 3.2e-5; the mean ≈ 2.2e-4.
    let n = 200_000;
    let h = hyper(&[("lr", 0.01), ("temperature", 0.5)]);
    let mut opt = Optimizer::new(OptimizerKind::Sgd, &h, n).with_seed(42);
    let d = opt.update(&Vector::zeros(n), &Vector::zeros(n));
    let mean = d.mean();
    let var = d.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n as f64;
    println!("SGLD step mean {mean:e}, variance {var:e}");
    assert!(mean.abs() < 1e-3, "mean {mean}");
    assert!((var - 0.01).abs() < 2e-4, "variance {var}");
    // Same seed, same noise; another seed, other noise; T = 0 draws nothing.
    let again = Optimizer::new(OptimizerKind::Sgd, &h, n)
        .with_seed(42)
        .update(&Vector::zeros(n), &Vector::zeros(n));
    assert_eq!(again, d);
    let other = Optimizer::new(OptimizerKind::Sgd, &h, n)
        .with_seed(43)
        .update(&Vector::zeros(n), &Vector::zeros(n));
    assert_ne!(other, d);
    let quiet = Optimizer::new(OptimizerKind::Sgd, &hyper(&[("lr", 0.01)]), 3)
        .with_seed(42)
        .update(&v(&[1.0, 2.0, 3.0]), &Vector::zeros(3));
    assert_eq!(quiet, v(&[-0.01, -0.02, -0.03]));
}

#[test]
fn gradient_noise_variance_anneals_as_eta_over_one_plus_t_to_gamma() {
    // lr 1, zero gradient: Δθ = −N(0, η/(1+t)^γ); η 0.3, γ 0.55: t = 0 → 0.3, t = 10 → 0.3/11^0.55.
    let n = 200_000;
    let h = hyper(&[("lr", 1.0), ("grad_noise", 0.3), ("grad_noise_decay", 0.55)]);
    let mut opt = Optimizer::new(OptimizerKind::Sgd, &h, n).with_seed(7);
    let z = Vector::zeros(n);
    let var = |d: &Vector| d.iter().map(|x| x * x).sum::<f64>() / n as f64;
    let first = var(&opt.update(&z, &z));
    for _ in 0..9 {
        opt.update(&z, &z);
    }
    let eleventh = var(&opt.update(&z, &z));
    let want = 0.3 / 11f64.powf(0.55);
    println!("gradient-noise variance {first} (want 0.3), {eleventh} (want {want})");
    assert!((first - 0.3).abs() < 0.3 * 0.02, "{first}");
    assert!((eleventh - want).abs() < want * 0.02, "{eleventh}");
}

fn grads_strategy() -> impl Strategy<Value = Vec<Vec<f64>>> {
    prop::collection::vec(prop::collection::vec(-100.0..100.0f64, 3), 1..8)
}

proptest! {
    #[test]
    fn sign_and_adam_are_invariant_to_positive_diagonal_scaling(
        grads in grads_strategy(),
        d in prop::collection::vec(1e-3..1e3f64, 3),
    ) {
        let d = Vector::from_vec(d);
        for (kind, h) in [(OptimizerKind::Sign, hyper(&[])), (OptimizerKind::Adam, hyper(&[("eps", 0.0)]))] {
            let (mut a, mut b) = (Optimizer::new(kind, &h, 3), Optimizer::new(kind, &h, 3));
            let p = Vector::zeros(3);
            for g in &grads {
                let g = Vector::from_vec(g.clone());
                let (da, db) = (a.update(&g, &p), b.update(&g.component_mul(&d), &p));
                for i in 0..3 {
                    prop_assert!((da[i] - db[i]).abs() <= 1e-12 * (1.0 + da[i].abs()), "{} {} vs {}", kind, da[i], db[i]);
                }
            }
        }
    }

    #[test]
    fn normalized_step_has_length_lr(g in prop::collection::vec(-100.0..100.0f64, 1..6), lr in 1e-3..1.0f64) {
        let g = Vector::from_vec(g);
        prop_assume!(g.norm() > 1e-9);
        let n = g.len();
        let mut opt = Optimizer::new(OptimizerKind::Normalized, &hyper(&[("lr", lr)]), n);
        let d = opt.update(&g, &Vector::zeros(n));
        prop_assert!((d.norm() - lr).abs() < 1e-12, "‖Δ‖ = {} vs {}", d.norm(), lr);
        prop_assert!(d.dot(&g) < 0.0);
    }

    #[test]
    fn pnorm_with_p_two_is_sgd(grads in grads_strategy(), lr in 1e-3..1.0f64) {
        let mut a = Optimizer::new(OptimizerKind::PNorm, &hyper(&[("lr", lr), ("p", 2.0)]), 3);
        let mut b = Optimizer::new(OptimizerKind::Sgd, &hyper(&[("lr", lr)]), 3);
        let p = Vector::zeros(3);
        for g in &grads {
            let g = Vector::from_vec(g.clone());
            prop_assert_eq!(a.update(&g, &p), b.update(&g, &p));
        }
    }
}

#[test]
fn catalog_json_lists_the_new_entries_with_the_network_flag() {
    let cat: serde_json::Value = serde_json::from_str(&catalog_json()).expect("JSON");
    let opts = cat["optimizers"].as_array().expect("optimizers");
    let surfaces_only = ["mahalanobis", "newton", "saddle-free-newton"];
    for key in [
        "adagrad-notes",
        "sign",
        "pnorm",
        "normalized",
        "layer-normalized",
        "lars",
        "path-sgd",
        "natural",
        "mahalanobis",
        "newton",
        "saddle-free-newton",
    ] {
        let o = opts
            .iter()
            .find(|o| o["key"] == key)
            .unwrap_or_else(|| panic!("{key} missing"));
        assert_eq!(o["network"], !surfaces_only.contains(&key), "{key}");
        let names: Vec<&str> = o["hyperparams"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert!(
            names.starts_with(&["lr"]) && names.ends_with(&["temperature"]),
            "{key}: {names:?}"
        );
    }
    assert_eq!(opts.iter().filter(|o| o["network"] == false).count(), 3);
    let sgd = &opts[0]["hyperparams"];
    let schedule = sgd
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "schedule")
        .expect("schedule");
    assert_eq!(schedule["default"], "constant");
    assert_eq!(
        schedule["choices"],
        serde_json::json!(["constant", "inv-sqrt", "step", "cosine"])
    );
    assert_eq!(schedule["omitDefault"], true);
    assert_eq!(sgd[0]["choices"], serde_json::json!([]));
}

#[test]
fn config_round_trips_the_new_hyperparameters_and_keeps_old_links() {
    let q = "opt=pnorm&p=4&schedule=cosine&horizon=500&grad_noise=0.3&temperature=0.1";
    let (c, errors) = Config::from_query(q);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(
        (
            c.optimizer,
            c.hyper["p"],
            c.hyper["schedule"],
            c.hyper["horizon"]
        ),
        (OptimizerKind::PNorm, 4.0, 3.0, 500.0)
    );
    let canonical = c.to_query();
    assert!(
        canonical
            .ends_with("&lr=0.03&p=4&schedule=cosine&horizon=500&grad_noise=0.3&temperature=0.1"),
        "{canonical}"
    );
    assert_eq!(Config::from_query(&canonical), (c, vec![]));
    // Shared hyperparameters at their defaults stay out of links, so an old link is its own canonical form.
    let old = Config::default().to_query();
    assert!(
        old.ends_with("&opt=sgd&batch=10&stop=none&lr=0.03"),
        "{old}"
    );
    let (c, errors) = Config::from_query(&format!("{old}&schedule=constant&temperature=0"));
    assert!(errors.is_empty());
    assert_eq!(c.to_query(), old);
    for &kind in OptimizerKind::ALL.iter().filter(|k| k.on_networks()) {
        let mut c = Config::default();
        c.set_optimizer(kind);
        assert_eq!(
            Config::from_query(&c.to_query()),
            (c.clone(), vec![]),
            "{kind}"
        );
    }
}

#[test]
fn bad_values_get_clear_errors() {
    let err = |q: &str| {
        let (_, errors) = Config::from_query(q);
        assert_eq!(errors.len(), 1, "{q}: {errors:?}");
        (
            errors[0].field().unwrap_or_default().to_string(),
            errors[0].to_string(),
        )
    };
    let (field, msg) = err("opt=pnorm&p=1");
    assert_eq!(field, "p");
    assert!(msg.contains("(1, 10]") && msg.contains('1'), "{msg}");
    let (field, msg) = err("schedule=linear");
    assert_eq!(field, "schedule");
    assert!(
        msg.contains("constant, inv-sqrt, step, cosine") && msg.contains("linear"),
        "{msg}"
    );
    let (field, msg) = err("opt=newton");
    assert_eq!(field, "opt");
    assert!(
        msg.contains("2D surfaces only")
            && msg.contains("sgd, ")
            && msg.contains("natural")
            && !msg.contains("newton,"),
        "{msg}"
    );
    let (field, msg) = err("opt=natural&hidden=16,16");
    assert_eq!(field, "opt");
    assert!(msg.contains("at most 300") && msg.contains("337"), "{msg}");
    let (field, msg) = err("opt=natural&bn=hidden");
    assert_eq!(field, "opt");
    assert!(msg.contains("bn"), "{msg}");
    // The metric must be symmetric positive definite (m12² < m11·m22).
    let bad = hyper(&[("m11", 1.0), ("m12", 2.0), ("m22", 1.0)]);
    let e = OptimizerKind::Mahalanobis
        .check_hypers(&bad)
        .expect_err("not SPD");
    assert_eq!(e.field(), Some("m12"));
    assert!(e.to_string().contains("positive definite"), "{e}");
    assert!(OptimizerKind::Mahalanobis
        .check_hypers(&hyper(&[("m12", 0.9)]))
        .is_ok());
    let e = OptimizerKind::PNorm
        .check_hypers(&hyper(&[("p", 0.5)]))
        .expect_err("p ≤ 1");
    assert_eq!(e.field(), Some("p"));
}

#[test]
fn every_network_optimizer_trains_in_a_session() {
    // Circle, the default 2-4-2-1 tanh network, each optimizer with its defaults, 300 steps of batch 10.
    for &kind in OptimizerKind::ALL.iter().filter(|k| k.on_networks()) {
        let mut c = Config::default();
        c.set_optimizer(kind);
        let mut s = saddle_core::session::Session::new(c.validate().expect("valid"));
        let fast = saddle_core::fast::Optimizer32::supports(kind);
        assert_eq!(s.uses_reference_path(), !fast, "{kind}");
        let before = s.stats().train_loss;
        let after = s.step(300).expect("finite").train_loss;
        println!(
            "{kind}: train loss {before:.4} -> {after:.4} ({})",
            if fast { "f32" } else { "f64" }
        );
        assert!(after < before, "{kind}: {before} -> {after}");
    }
}
