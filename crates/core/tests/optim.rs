//! Optimizer tests: golden first steps (hand-computed), catalog-wide convergence, invariances, live edits.

use proptest::prelude::*;
use saddle_core::optim::{
    hyper_value, Block, BlockState, Ctx, Hyper, Layout, Optimizer, OptimizerKind, Schedule, SHARED,
};
use saddle_core::registry::Keyed;
use saddle_core::{Matrix, Vector};

fn hyper(pairs: &[(&str, f64)]) -> Hyper {
    pairs.iter().map(|&(k, v)| (k.to_string(), v)).collect()
}

fn v2(a: f64, b: f64) -> Vector {
    Vector::from_vec(vec![a, b])
}

fn assert_close(got: &Vector, want: [f64; 2], what: &str) {
    for i in 0..2 {
        assert!(
            (got[i] - want[i]).abs() < 1e-12,
            "{what}[{i}]: got {}, want {}",
            got[i],
            want[i]
        );
    }
}

/// f(θ) = ½ θᵀ diag(1, 10) θ, ∇f = (θ₁, 10 θ₂).
fn quad_grad(p: &Vector) -> Vector {
    v2(p[0], 10.0 * p[1])
}

/// Runs 3 steps on the quadratic from θ₀ = (1, −1) and checks θ₁, θ₂, θ₃.
fn check_on_quadratic(kind: OptimizerKind, h: &Hyper, want: [[f64; 2]; 3]) {
    let mut opt = Optimizer::new(kind, h, 2);
    let mut p = v2(1.0, -1.0);
    for (t, w) in want.iter().enumerate() {
        let d = opt.update(&quad_grad(&p), &p);
        p += d;
        assert_close(&p, *w, &format!("{kind} θ after step {}", t + 1));
    }
    assert_eq!(opt.step_count(), 3);
}

/// The fixed gradient sequence used for adaptive methods (chosen for Pythagorean sums: 3²+4² = 5², 5²+12² = 13²).
const GRADS: [[f64; 2]; 3] = [[3.0, -4.0], [4.0, 3.0], [12.0, 0.0]];

/// Feeds GRADS from θ₀ = (1, −1), applying each update, and checks the three updates Δθ.
fn check_on_grads(kind: OptimizerKind, h: &Hyper, want: [[f64; 2]; 3]) {
    let mut opt = Optimizer::new(kind, h, 2);
    let mut p = v2(1.0, -1.0);
    for (t, (g, w)) in GRADS.iter().zip(want.iter()).enumerate() {
        let d = opt.update(&v2(g[0], g[1]), &p);
        assert_close(&d, *w, &format!("{kind} Δθ at step {}", t + 1));
        p += d;
    }
}

#[test]
fn golden_sgd() {
    // θ ← θ − 0.05 (θ₁, 10 θ₂) = (0.95 θ₁, 0.5 θ₂): (0.95, −0.5), (0.9025, −0.25), (0.857375, −0.125).
    let want = [[0.95, -0.5], [0.9025, -0.25], [0.857375, -0.125]];
    check_on_quadratic(OptimizerKind::Sgd, &hyper(&[("lr", 0.05)]), want);
}

#[test]
fn golden_momentum() {
    // v ← 0.9 v + g; θ ← θ − 0.05 v.
    // t1: g = (1, −10), v = (1, −10), θ = (0.95, −0.5)
    // t2: g = (0.95, −5), v = (0.9 + 0.95, −9 − 5) = (1.85, −14), θ = (0.95 − 0.0925, −0.5 + 0.7) = (0.8575, 0.2)
    // t3: g = (0.8575, 2), v = (1.665 + 0.8575, −12.6 + 2) = (2.5225, −10.6),
    //     θ = (0.8575 − 0.126125, 0.2 + 0.53) = (0.731375, 0.73)
    let want = [[0.95, -0.5], [0.8575, 0.2], [0.731375, 0.73]];
    let h = hyper(&[("lr", 0.05), ("momentum", 0.9)]);
    check_on_quadratic(OptimizerKind::Momentum, &h, want);
}

#[test]
fn golden_nesterov_pytorch_form() {
    // PyTorch/optax form: v ← 0.9 v + g; θ ← θ − 0.05 (g + 0.9 v).
    // t1: g = (1, −10), v = (1, −10), d = (1.9, −19), θ = (1 − 0.095, −1 + 0.95) = (0.905, −0.05)
    // t2: g = (0.905, −0.5), v = (0.9 + 0.905, −9 − 0.5) = (1.805, −9.5),
    //     d = (0.905 + 1.6245, −0.5 − 8.55) = (2.5295, −9.05), θ = (0.905 − 0.126475, −0.05 + 0.4525) = (0.778525, 0.4025)
    // t3: g = (0.778525, 4.025), v = (1.6245 + 0.778525, −8.55 + 4.025) = (2.403025, −4.525),
    //     d = (0.778525 + 2.1627225, 4.025 − 4.0725) = (2.9412475, −0.0475),
    //     θ = (0.778525 − 0.147062375, 0.4025 + 0.002375) = (0.631462625, 0.404875)
    let want = [[0.905, -0.05], [0.778525, 0.4025], [0.631462625, 0.404875]];
    let h = hyper(&[("lr", 0.05), ("momentum", 0.9)]);
    check_on_quadratic(OptimizerKind::Nesterov, &h, want);
}

#[test]
fn golden_adagrad_eps_outside_root() {
    // PyTorch: s₀ = 0, s ← s + g², Δ = −lr g / (√s + ε), lr 0.1, ε = 1 (large, so placement matters).
    // t1: s = (9, 16), √s + 1 = (4, 5), Δ = −0.1 (3/4, −4/5) = (−0.075, 0.08)
    // t2: s = (25, 25), √s + 1 = (6, 6), Δ = −0.1 (4/6, 3/6) = (−0.0666…, −0.05)
    // t3: s = (169, 25), √s + 1 = (14, 6), Δ = −0.1 (12/14, 0) = (−0.0857142857…, 0)
    // (ε inside the root, optax-style, would give −0.1·3/√10 = −0.0949 at t1.)
    let want = [[-0.075, 0.08], [-0.4 / 6.0, -0.05], [-1.2 / 14.0, 0.0]];
    let h = hyper(&[("lr", 0.1), ("eps", 1.0)]);
    check_on_grads(OptimizerKind::Adagrad, &h, want);
}

#[test]
fn golden_rmsprop() {
    // s₀ = 0, s ← ρ s + (1−ρ) g², Δ = −lr g / (√s + ε) with lr 0.1, ρ 0.9, ε 0.5 (outside the root, PyTorch).
    // t1: s = (0.9, 1.6);  Δ = −0.1 (3/(0.9486833 + 0.5), −4/(1.2649111 + 0.5)) = (−0.2070846, 0.2266403)
    // t2: s = (0.81 + 1.6, 1.44 + 0.9) = (2.41, 2.34); Δ = −0.1 (4/(1.5524175 + 0.5), 3/(1.5297059 + 0.5))
    //     = (−0.1948921, −0.1478047)
    // t3: s = (2.169 + 14.4, 2.106 + 0) = (16.569, 2.106); Δ = −0.1 (12/(4.0704422 + 0.5), 0) = (−0.2625531, 0)
    // Full-precision values from a calculator evaluating exactly these expressions:
    let want = [
        [-0.20708459910023716, 0.22664031527921533],
        [-0.1948921240048153, -0.14780466804945006],
        [-0.26255312122119584, 0.0],
    ];
    let h = hyper(&[("lr", 0.1), ("rho", 0.9), ("eps", 0.5)]);
    check_on_grads(OptimizerKind::Rmsprop, &h, want);
}

#[test]
fn golden_adam_bias_correction() {
    // Kingma & Ba Alg. 1 with lr 0.1, β₁ 0.9, β₂ 0.999, ε 0:
    // t1: m = (0.3, −0.4), v = (0.009, 0.016), m̂ = m/0.1 = (3, −4), v̂ = v/0.001 = (9, 16)
    //     Δ = −0.1 (3/3, −4/4) = (−0.1, 0.1)   ← exactly −lr·sign(g); a 1 − β (not 1 − βᵗ) correction differs.
    // t2: m = (0.27 + 0.4, −0.36 + 0.3) = (0.67, −0.06), m̂ = m / 0.19 = (3.5263158, −0.3157895)
    //     v = (0.008991 + 0.016, 0.015984 + 0.009) = (0.024991, 0.024984), v̂ = v / 0.001999 = (12.5017509, 12.4982491)
    //     Δ = −0.1 m̂/√v̂ = (−0.0997323, 0.0089325)
    // t3: m = (0.603 + 1.2, −0.054 + 0) = (1.803, −0.054), m̂ = m / 0.271 = (6.6531365, −0.1992620)
    //     v = (0.024966009 + 0.144, 0.024959016 + 0) , v̂ = v / (1 − 0.999³ = 0.002997001) = (56.3783626, 8.3279972)
    //     Δ = (−0.0886074, 0.0069048)
    let want = [
        [-0.1, 0.1],
        [-0.09973228778573108, 0.008932500740531207],
        [-0.0886074435493382, 0.006904848961602838],
    ];
    let h = hyper(&[("lr", 0.1), ("beta1", 0.9), ("beta2", 0.999), ("eps", 0.0)]);
    check_on_grads(OptimizerKind::Adam, &h, want);
}

#[test]
fn golden_adamw_decay_times_lr() {
    // Δ = −lr (m̂/√v̂ + λ θ) with lr 0.1, λ 0.5, ε 0, θ₀ = (1, −1); the Adam parts are those of golden_adam.
    // t1: Δ = −0.1 ((1, −1) + 0.5 (1, −1)) = (−0.15, 0.15), θ = (0.85, −0.85)
    // t2: Δ = (−0.0997323 − 0.05·0.85, 0.0089325 + 0.05·0.85) = (−0.1422323, 0.0514325), θ = (0.7077677, −0.7985675)
    // t3: Δ = (−0.0886074 − 0.05·0.7077677, 0.0069048 + 0.05·0.7985675) = (−0.1239958, 0.0468332)
    let want = [
        [-0.15, 0.15],
        [-0.14223228778573108, 0.05143250074053121],
        [-0.12399582916005164, 0.04683322392457628],
    ];
    let h = hyper(&[("lr", 0.1), ("eps", 0.0), ("weight_decay", 0.5)]);
    check_on_grads(OptimizerKind::AdamW, &h, want);
}

#[test]
fn hyperparams_table() {
    let expect: &[(OptimizerKind, &[(&str, f64)])] = &[
        (OptimizerKind::Sgd, &[("lr", 0.03)]),
        (OptimizerKind::Momentum, &[("lr", 0.03), ("momentum", 0.9)]),
        (OptimizerKind::Nesterov, &[("lr", 0.03), ("momentum", 0.9)]),
        (OptimizerKind::Adagrad, &[("lr", 0.1), ("eps", 1e-10)]),
        (
            OptimizerKind::Rmsprop,
            &[("lr", 0.01), ("rho", 0.99), ("eps", 1e-8)],
        ),
        (
            OptimizerKind::Adam,
            &[
                ("lr", 0.01),
                ("beta1", 0.9),
                ("beta2", 0.999),
                ("eps", 1e-8),
            ],
        ),
        (
            OptimizerKind::AdamW,
            &[
                ("lr", 0.01),
                ("beta1", 0.9),
                ("beta2", 0.999),
                ("eps", 1e-8),
                ("weight_decay", 0.01),
            ],
        ),
        (OptimizerKind::AdagradNotes, &[("lr", 0.1)]),
        (OptimizerKind::Sign, &[("lr", 0.01)]),
        (OptimizerKind::PNorm, &[("lr", 0.03), ("p", 3.0)]),
        (OptimizerKind::Normalized, &[("lr", 0.01)]),
        (OptimizerKind::LayerNormalized, &[("lr", 0.01)]),
        (OptimizerKind::Lars, &[("lr", 1.0), ("trust", 0.01)]),
        (OptimizerKind::PathSgd, &[("lr", 0.03)]),
        (OptimizerKind::Natural, &[("lr", 0.1), ("damping", 0.1)]),
        (
            OptimizerKind::Mahalanobis,
            &[("lr", 0.03), ("m11", 1.0), ("m12", 0.0), ("m22", 1.0)],
        ),
        (OptimizerKind::Newton, &[("lr", 1.0)]),
        (
            OptimizerKind::SaddleFreeNewton,
            &[("lr", 1.0), ("damping", 0.001)],
        ),
    ];
    assert_eq!(expect.len(), OptimizerKind::ALL.len());
    for &(kind, params) in expect {
        let hp = kind.hyperparams();
        // Own hyperparameters first, then the shared schedule and noise ones (tested in optim_catalog.rs).
        let (own, shared) = hp.split_at(hp.len() - SHARED.len());
        assert_eq!(shared, SHARED, "{kind}");
        let got: Vec<(&str, f64)> = own.iter().map(|p| (p.name, p.default)).collect();
        assert_eq!(got, params.to_vec(), "{kind}");
        let hp = own;
        for p in hp {
            let above_min = if p.min_inclusive {
                p.default >= p.min
            } else {
                p.default > p.min
            };
            assert!(
                above_min && p.default <= p.max,
                "{kind}.{} default out of range",
                p.name
            );
            let (min, max, incl) = match p.name {
                "lr" => (0.0, 10.0, false),
                "momentum" | "beta1" | "beta2" | "rho" => (0.0, 0.9999, true),
                "eps" | "weight_decay" => (0.0, 1.0, true),
                "p" => (1.0, 10.0, false),
                "trust" => (0.0, 1.0, false),
                "damping" if kind == OptimizerKind::Natural => (0.0, 10.0, false),
                "damping" => (0.0, 10.0, true),
                "m11" | "m22" => (0.0, 100.0, false),
                "m12" => (-100.0, 100.0, true),
                other => panic!("unexpected name {other}"),
            };
            assert_eq!(
                (p.min, p.max, p.min_inclusive),
                (min, max, incl),
                "{kind}.{}",
                p.name
            );
            assert!(!p.doc.is_empty() && !p.label.is_empty());
        }
    }
}

#[test]
fn catalog_reads_only_declared_names_and_structure_ignores_values() {
    for &kind in OptimizerKind::ALL {
        let defaults = Optimizer::new(kind, &Hyper::new(), 3);
        // hyper_value gives NaN for an undeclared name: no block may contain one.
        assert!(
            !format!("{:?}", defaults.blocks()).contains("NaN"),
            "{kind}"
        );
        assert!(hyper_value(kind, &Hyper::new(), "no-such-name").is_nan());
        assert!(
            matches!(defaults.blocks().last(), Some(Block::ScaleByLr { .. })),
            "{kind}: lr last"
        );
        assert!(
            matches!(
                defaults.blocks().first(),
                Some(Block::AddGradientNoise { .. })
            ),
            "{kind}: gradient noise first"
        );
        // Explicit defaults == missing names; zero-ish values keep the same block kinds.
        let explicit: Hyper = kind
            .hyperparams()
            .iter()
            .map(|p| (p.name.to_string(), p.default))
            .collect();
        assert_eq!(
            Optimizer::new(kind, &explicit, 3).blocks(),
            defaults.blocks(),
            "{kind}"
        );
        let zeros: Hyper = kind
            .hyperparams()
            .iter()
            .map(|p| (p.name.to_string(), 0.0))
            .collect();
        let z = Optimizer::new(kind, &zeros, 3);
        let tags = |o: &Optimizer| {
            o.blocks()
                .iter()
                .map(std::mem::discriminant)
                .collect::<Vec<_>>()
        };
        assert_eq!(tags(&z), tags(&defaults), "{kind}");
    }
}

/// One row of the convergence table: extra hyperparameters on the parabola and on Rosenbrock, and the number
/// of Rosenbrock steps.
struct Row {
    kind: OptimizerKind,
    parabola: &'static [(&'static str, f64)],
    rosen: &'static [(&'static str, f64)],
    rosen_steps: usize,
}

/// Rosenbrock f = (1 − x)² + 100 (y − x²)²: gradient and Hessian.
fn rosen_grad(p: &Vector) -> Vector {
    let (x, y) = (p[0], p[1]);
    v2(
        -2.0 * (1.0 - x) - 400.0 * x * (y - x * x),
        200.0 * (y - x * x),
    )
}

fn rosen_hessian(p: &Vector) -> Matrix {
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
}

/// lr with the step schedule "× ½ every k updates": the trust-region methods keep a fixed step length and
/// would circle the minimum at that radius (the notes: "1/√t guarantees convergence").
macro_rules! halving {
    ($lr:expr, $k:expr) => {
        &[
            ("lr", $lr),
            ("schedule", 2.0),
            ("decay_every", $k),
            ("decay_rate", 0.5),
        ]
    };
}

#[test]
fn every_optimizer_converges_on_parabola_and_rosenbrock() {
    // Defaults are tuned for minibatch MLP training; on these deterministic problems some values are retuned:
    // parabola f = ½(x² + 10 y²) from (1, −1), 2 000 steps, target f < 1e-8;
    // Rosenbrock from (−1.2, 1), target ‖θ − (1, 1)‖ < 1e-2. Newton-type rows get the analytic Hessian.
    // Measured (printed by this test): see the comments per row. GD is stable for lr < 2/λ_max: 0.2 on the
    // parabola, ~0.002 on Rosenbrock's valley (λ_max ≈ 1000). Path-SGD and the natural gradient are the
    // identity on 2D surfaces (no MLP widths, no per-sample gradients), so they take SGD's values.
    #[rustfmt::skip]
    let table = [
        Row { kind: OptimizerKind::Sgd,             parabola: &[("lr", 0.1)],   rosen: &[("lr", 0.001)],  rosen_steps: 50_000 },
        Row { kind: OptimizerKind::Momentum,        parabola: &[("lr", 0.03)],  rosen: &[("lr", 0.0005)], rosen_steps: 20_000 },
        Row { kind: OptimizerKind::Nesterov,        parabola: &[("lr", 0.03)],  rosen: &[("lr", 0.0005)], rosen_steps: 20_000 },
        Row { kind: OptimizerKind::Adagrad,         parabola: &[("lr", 0.1)],   rosen: &[("lr", 0.1)],    rosen_steps: 20_000 },
        Row { kind: OptimizerKind::Rmsprop,         parabola: &[("lr", 0.003)], rosen: &[("lr", 0.001)],  rosen_steps: 20_000 },
        Row { kind: OptimizerKind::Adam,            parabola: &[("lr", 0.01)],  rosen: &[("lr", 0.01)],   rosen_steps: 20_000 },
        Row { kind: OptimizerKind::AdamW,           parabola: &[("lr", 0.01)],  rosen: &[("lr", 0.01), ("weight_decay", 0.0)], rosen_steps: 20_000 },
        Row { kind: OptimizerKind::AdagradNotes,    parabola: &[("lr", 0.1)],   rosen: &[("lr", 0.1)],    rosen_steps: 20_000 },
        Row { kind: OptimizerKind::Sign,            parabola: halving!(0.05, 100.0), rosen: halving!(0.01, 2000.0), rosen_steps: 40_000 },
        Row { kind: OptimizerKind::PNorm,           parabola: halving!(0.05, 100.0), rosen: halving!(0.01, 2000.0), rosen_steps: 20_000 },
        Row { kind: OptimizerKind::Normalized,      parabola: halving!(0.05, 100.0), rosen: halving!(0.01, 1000.0), rosen_steps: 20_000 },
        Row { kind: OptimizerKind::LayerNormalized, parabola: halving!(0.05, 100.0), rosen: halving!(0.01, 1000.0), rosen_steps: 20_000 },
        // LARS with its defaults (lr 1, trust 0.01): a 1 % relative step; at (1, 1) that still needs the decay.
        Row { kind: OptimizerKind::Lars,            parabola: &[],                  rosen: halving!(1.0, 2000.0),  rosen_steps: 20_000 },
        Row { kind: OptimizerKind::PathSgd,         parabola: &[("lr", 0.1)],   rosen: &[("lr", 0.001)],  rosen_steps: 50_000 },
        Row { kind: OptimizerKind::Natural,         parabola: &[("lr", 0.1)],   rosen: &[("lr", 0.001)],  rosen_steps: 50_000 },
        // Parabola: M = the Hessian diag(1, 10), so the step is −½ θ. Rosenbrock: M = diag(10, 2) lets lr 0.01
        // (5× SGD's) converge; M = the Hessian at the minimum diverges from (−1.2, 1) for every lr tried.
        Row { kind: OptimizerKind::Mahalanobis,     parabola: &[("lr", 0.5), ("m22", 10.0)],
              rosen: &[("lr", 0.01), ("m11", 10.0), ("m22", 2.0)], rosen_steps: 20_000 },
        Row { kind: OptimizerKind::Newton,          parabola: &[],              rosen: &[],               rosen_steps: 100 },
        Row { kind: OptimizerKind::SaddleFreeNewton, parabola: &[],             rosen: &[],               rosen_steps: 100 },
    ];
    assert_eq!(table.len(), OptimizerKind::ALL.len());
    for (row, &kind) in table.iter().zip(OptimizerKind::ALL) {
        assert_eq!(row.kind, kind, "table order");
        let parabola_h = Matrix::from_diagonal(&v2(1.0, 10.0));
        let mut opt = Optimizer::new(kind, &hyper(row.parabola), 2);
        let mut p = v2(1.0, -1.0);
        for _ in 0..2_000 {
            let h = kind.needs_hessian().then_some(&parabola_h);
            p += opt.update_with_hessian(&quad_grad(&p), &p, h);
        }
        let f = 0.5 * (p[0] * p[0] + 10.0 * p[1] * p[1]);
        println!("{kind} parabola f = {f:e}");
        assert!(f < 1e-8, "{kind}: parabola f = {f}");

        let mut opt = Optimizer::new(kind, &hyper(row.rosen), 2);
        let mut p = v2(-1.2, 1.0);
        for _ in 0..row.rosen_steps {
            let h = kind.needs_hessian().then(|| rosen_hessian(&p));
            p += opt.update_with_hessian(&rosen_grad(&p), &p, h.as_ref());
        }
        let dist = ((p[0] - 1.0).powi(2) + (p[1] - 1.0).powi(2)).sqrt();
        println!("{kind} rosenbrock dist = {dist:e}");
        assert!(
            dist < 1e-2,
            "{kind}: Rosenbrock ended at ({}, {})",
            p[0],
            p[1]
        );
    }
}

#[test]
fn set_hyper_keeps_state() {
    // Momentum: after two steps with lr 0.1, switch to lr 0.2: Δ₃ = −0.2 (0.9 v₂ + g₃), v₂ = 0.9 g₁ + g₂.
    let mut opt = Optimizer::new(OptimizerKind::Momentum, &hyper(&[("lr", 0.1)]), 2);
    let z = v2(0.0, 0.0);
    opt.update(&v2(1.0, 2.0), &z);
    opt.update(&v2(3.0, -1.0), &z);
    opt.set_hyper(&hyper(&[("lr", 0.2)]));
    let d = opt.update(&v2(1.0, 1.0), &z);
    // v₂ = (0.9 + 3, 1.8 − 1) = (3.9, 0.8); v₃ = (3.51 + 1, 0.72 + 1) = (4.51, 1.72); Δ₃ = (−0.902, −0.344)
    assert_close(&d, [-0.902, -0.344], "momentum after set_hyper");
    assert_eq!(opt.step_count(), 3);

    // Adam: the step count survives, so the bias correction uses t = 2, not t = 1 (which would give −lr·sign).
    let h = hyper(&[("lr", 0.1), ("eps", 0.0)]);
    let mut opt = Optimizer::new(OptimizerKind::Adam, &h, 2);
    opt.update(&v2(3.0, -4.0), &z);
    let before = opt.states().to_vec();
    opt.set_hyper(&hyper(&[("lr", 0.1), ("eps", 0.0), ("beta1", 0.9)]));
    assert_eq!(opt.states(), &before[..]);
    let d = opt.update(&v2(4.0, 3.0), &z);
    assert_close(
        &d,
        [-0.09973228778573108, 0.008932500740531207],
        "adam step 2 after set_hyper",
    );
    assert!(matches!(opt.states()[1], BlockState::Adam { count: 2, .. }));
}

#[test]
fn sign_flip_only_in_scale_by_lr() {
    let ctx_p = v2(0.0, 0.0);
    let layout = Layout::flat(2);
    let ctx = Ctx::new(&ctx_p, &layout);
    let lr = Block::ScaleByLr {
        lr: 0.5,
        schedule: Schedule::Constant,
        temperature: 0.0,
    };
    let mut st = lr.init(2);
    assert_close(
        &lr.update(v2(2.0, -4.0), &mut st, &ctx),
        [-1.0, 2.0],
        "scale_by_lr",
    );
    // Every other block keeps the sign of a positive gradient on its first step.
    for b in [
        Block::Trace {
            momentum: 0.9,
            nesterov: true,
        },
        Block::ScaleByRss {
            eps: 1e-10,
            initial_accumulator: 0.0,
        },
        Block::ScaleByRms {
            rho: 0.99,
            eps: 1e-8,
        },
        Block::ScaleByAdam {
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
        },
        Block::AddDecayedWeights { weight_decay: 0.1 },
    ] {
        let mut st = b.init(2);
        let u = b.update(v2(1.0, 2.0), &mut st, &ctx);
        assert!(u[0] > 0.0 && u[1] > 0.0, "{b:?} flipped the sign");
    }
}

#[test]
fn zero_gradient_with_zero_eps_is_zero_not_nan() {
    for &kind in OptimizerKind::ALL {
        let zeros: Hyper = kind
            .hyperparams()
            .iter()
            .filter(|p| p.name == "eps")
            .map(|p| (p.name.to_string(), 0.0))
            .collect();
        let mut opt = Optimizer::new(kind, &zeros, 2);
        let d = opt.update(&v2(0.0, 0.0), &v2(0.0, 0.0));
        assert_eq!(d, v2(0.0, 0.0), "{kind}");
    }
}

#[test]
fn mismatched_state_is_repaired_not_panicking() {
    let p = v2(1.0, 1.0);
    let layout = Layout::flat(2);
    let ctx = Ctx::new(&p, &layout);
    let b = Block::ScaleByAdam {
        beta1: 0.9,
        beta2: 0.999,
        eps: 0.0,
    };
    let mut wrong = BlockState::Trace {
        v: Vector::zeros(5),
    };
    let u = b.update(v2(2.0, -3.0), &mut wrong, &ctx);
    assert_close(&u, [1.0, -1.0], "fresh adam first step is sign(g)");
    assert!(b.state_fits(&wrong, 2));
}

#[test]
fn layout_mlp_groups_follow_param_order() {
    // widths 2 → 3 → 1: W₁ 3×2 = 6, b₁ 3, W₂ 1×3 = 3, b₂ 1; total 13.
    let l = Layout::mlp(&[2, 3, 1]);
    assert_eq!(l.groups, vec![0..6, 6..9, 9..12, 12..13]);
    assert_eq!(l.len(), 13);
    assert_eq!(Layout::flat(7).groups, vec![0..7]);
    let opt = Optimizer::new(OptimizerKind::Sgd, &Hyper::new(), 13).with_layout(l.clone());
    assert_eq!(opt.layout(), &l);
}

#[test]
fn adamw_with_zero_decay_is_adam() {
    let mut a = Optimizer::new(OptimizerKind::Adam, &Hyper::new(), 2);
    let mut w = Optimizer::new(OptimizerKind::AdamW, &hyper(&[("weight_decay", 0.0)]), 2);
    let p = v2(0.7, -2.0);
    for g in GRADS {
        assert_eq!(a.update(&v2(g[0], g[1]), &p), w.update(&v2(g[0], g[1]), &p));
    }
}

fn grads_strategy() -> impl Strategy<Value = Vec<Vec<f64>>> {
    prop::collection::vec(prop::collection::vec(-100.0..100.0f64, 3), 1..8)
}

proptest! {
    #[test]
    fn lr_zero_changes_nothing(grads in grads_strategy(), p0 in prop::collection::vec(-5.0..5.0f64, 3)) {
        for &kind in OptimizerKind::ALL {
            let mut opt = Optimizer::new(kind, &hyper(&[("lr", 0.0)]), 3);
            let mut p = Vector::from_vec(p0.clone());
            for g in &grads {
                p += opt.update(&Vector::from_vec(g.clone()), &p);
            }
            prop_assert_eq!(p.as_slice(), &p0[..], "{}", kind);
        }
    }

    #[test]
    fn adam_eps_zero_is_scale_invariant(grads in grads_strategy(), c in 1e-3..1e3f64) {
        for kind in [OptimizerKind::Adam, OptimizerKind::AdamW] {
            let h = hyper(&[("eps", 0.0), ("weight_decay", 0.0)]);
            let (mut a, mut b) = (Optimizer::new(kind, &h, 3), Optimizer::new(kind, &h, 3));
            let p = Vector::zeros(3);
            for g in &grads {
                let g = Vector::from_vec(g.clone());
                let (da, db) = (a.update(&g, &p), b.update(&(&g * c), &p));
                for i in 0..3 {
                    prop_assert!((da[i] - db[i]).abs() <= 1e-12 * (1.0 + da[i].abs()), "{} {} vs {}", kind, da[i], db[i]);
                }
            }
        }
    }
}
