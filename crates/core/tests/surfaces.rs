//! The Optimizers lab's runner: what a reparameterization x = Ay does to each method's step (lecture 8), the
//! lecture's own example g(y) = f(y/2), divergence as a status rather than a panic, and seeded noise.

use saddle_core::optim::OptimizerKind;
use saddle_core::registry::Keyed;
use saddle_core::session::Racer;
use saddle_core::surfaces::{SurfaceKind, SurfaceRun, SurfaceSpec, ESCAPE_FACTOR};

fn spec(kind: SurfaceKind, reparam: [f64; 4], racers: Vec<Racer>) -> SurfaceSpec {
    SurfaceSpec {
        reparam,
        racers,
        ..SurfaceSpec::for_surface(kind)
    }
}

fn racer(kind: OptimizerKind, lr: f64) -> Racer {
    let mut r = Racer::with_defaults(kind);
    r.hyper.insert("lr".into(), lr);
    r
}

/// The first step of each run in x: x₁ − x₀.
fn first_steps(s: &SurfaceSpec) -> Vec<[f64; 2]> {
    let mut run = SurfaceRun::new(s).expect("valid spec");
    run.step(1);
    run.runs()
        .iter()
        .map(|r| {
            let x = r.current().x;
            [x[0] - s.start[0], x[1] - s.start[1]]
        })
        .collect()
}

const I: [f64; 4] = [1.0, 0.0, 0.0, 1.0];
const HALF: [f64; 4] = [0.5, 0.0, 0.0, 0.5];

#[test]
fn the_lecture_example_g_of_y_is_f_of_y_over_2_shrinks_gd_steps_to_a_quarter() {
    // Lecture 8: y = 2x, g(y) = f(y/2), GD on g gives x_{t+1} = x_t − α/4 f'(x_t). A = ½I.
    for kind in [
        SurfaceKind::Quadratic,
        SurfaceKind::Rosenbrock,
        SurfaceKind::DoubleWell,
    ] {
        let racers = vec![racer(OptimizerKind::Sgd, 1e-3)];
        let plain = first_steps(&spec(kind, I, racers.clone()))[0];
        let half = first_steps(&spec(kind, HALF, racers))[0];
        for i in 0..2 {
            // 1/4 up to the rounding of x₀ + Δx (Δx is small against x₀).
            let want = plain[i] / 4.0;
            assert!(
                (half[i] - want).abs() <= 1e-10 * want.abs(),
                "{kind}: coordinate {i}: {} vs {want}",
                half[i]
            );
        }
    }
}

#[test]
fn gd_step_in_x_is_minus_lr_a_a_transpose_grad() {
    let lr = 0.01;
    for a in [
        [2.0, 1.0, -0.5, 1.5],
        [0.3, 0.0, 0.0, 3.0],
        [1.0, 0.7, 0.0, 1.0],
    ] {
        let s = spec(SurfaceKind::Beale, a, vec![racer(OptimizerKind::Sgd, lr)]);
        let step = first_steps(&s)[0];
        let g = s.surface().eval(s.start).g;
        // AAᵀ for A = [[a, b], [c, d]]: [[a² + b², ac + bd], [ac + bd, c² + d²]].
        let [p, q, r, t] = a;
        let m = [
            [p * p + q * q, p * r + q * t],
            [p * r + q * t, r * r + t * t],
        ];
        for i in 0..2 {
            let want = -lr * (m[i][0] * g[0] + m[i][1] * g[1]);
            assert!(
                (step[i] - want).abs() <= 1e-12 * want.abs().max(1.0),
                "A={a:?} i={i}: {} vs {want}",
                step[i]
            );
        }
    }
}

#[test]
fn adam_and_sign_like_steps_pick_up_only_a_diagonal_a() {
    // Adam's first step is −lr·sign(gradient) per coordinate (m̂/√v̂ = g/|g|, ε aside), so in x it is
    // −lr·A·sign(Aᵀ∇f): with A = ½I half of the plain step (not a quarter as for GD).
    let lr = 0.01;
    let racers = vec![racer(OptimizerKind::Adam, lr)];
    let plain = first_steps(&spec(SurfaceKind::Quadratic, I, racers.clone()))[0];
    let half = first_steps(&spec(SurfaceKind::Quadratic, HALF, racers.clone()))[0];
    let diag = first_steps(&spec(SurfaceKind::Quadratic, [3.0, 0.0, 0.0, 0.25], racers))[0];
    for i in 0..2 {
        assert!((plain[i].abs() - lr).abs() < 1e-8, "{plain:?}");
        assert!(
            (half[i] - plain[i] / 2.0).abs() < 1e-8,
            "{half:?} vs {plain:?}"
        );
    }
    assert!(
        (diag[0] - 3.0 * plain[0]).abs() < 1e-8 && (diag[1] - 0.25 * plain[1]).abs() < 1e-8,
        "{diag:?}"
    );
}

#[test]
fn newton_iterates_in_x_do_not_depend_on_a() {
    let Some(newton) = OptimizerKind::from_key("newton") else {
        eprintln!("skipped: no `newton` in the optimizer catalog yet");
        return;
    };
    let racers = vec![Racer::with_defaults(newton)];
    let mut a = SurfaceRun::new(&spec(SurfaceKind::Rosenbrock, I, racers.clone())).expect("valid");
    let mut b = SurfaceRun::new(&spec(
        SurfaceKind::Rosenbrock,
        [2.0, 1.0, -0.5, 1.5],
        racers,
    ))
    .expect("valid");
    for _ in 0..5 {
        a.step(1);
        b.step(1);
        let (xa, xb) = (a.runs()[0].current().x, b.runs()[0].current().x);
        for i in 0..2 {
            assert!(
                (xa[i] - xb[i]).abs() < 1e-9 * xa[i].abs().max(1.0),
                "{xa:?} vs {xb:?}"
            );
        }
    }
}

#[test]
fn divergence_is_a_status_not_a_panic() {
    // GD with lr 0.5 on κ = 100 (needs lr < 0.02) blows up; Adam beside it keeps going.
    let mut s = spec(
        SurfaceKind::Quadratic,
        I,
        vec![
            racer(OptimizerKind::Sgd, 0.5),
            racer(OptimizerKind::Adam, 0.01),
        ],
    );
    s.params = vec![100.0, 0.0];
    let mut run = SurfaceRun::new(&s).expect("valid");
    run.step(500);
    let sgd = &run.runs()[0];
    let d = sgd.diverged().expect("SGD diverged");
    assert!(d.reason.contains("left the plot"), "{}", d.reason);
    assert!(sgd
        .current()
        .x
        .iter()
        .all(|v| v.is_finite() && v.abs() < ESCAPE_FACTOR * 3.0));
    assert_eq!(
        sgd.step_count() + 1,
        d.step,
        "the state before the rejected step is kept"
    );
    assert!(run.runs()[1].diverged().is_none());
    assert_eq!(run.runs()[1].step_count(), 500);
    assert!(!run.all_diverged());
    // The saddle x² − y² sends GD off along y: past the box, stopped, not NaN.
    let mut saddle = SurfaceRun::new(&spec(
        SurfaceKind::Saddle,
        I,
        vec![racer(OptimizerKind::Sgd, 0.1)],
    ))
    .expect("valid");
    saddle.step(10_000);
    assert!(saddle.runs()[0].diverged().is_some());
}

#[test]
fn noise_is_seeded_and_shared_by_the_racers() {
    let mut s = spec(
        SurfaceKind::DoubleWell,
        I,
        vec![
            racer(OptimizerKind::Sgd, 0.01),
            racer(OptimizerKind::Sgd, 0.01),
        ],
    );
    s.noise = 2.0;
    let run = |s: &SurfaceSpec| {
        let mut r = SurfaceRun::new(s).expect("valid");
        r.step(300);
        r.runs().iter().map(|x| x.current().x).collect::<Vec<_>>()
    };
    let a = run(&s);
    assert_eq!(a, run(&s), "same seed, same iterates");
    assert_eq!(a[0], a[1], "every racer draws the same noise");
    s.seed = 2;
    assert_ne!(a, run(&s));
}

#[test]
fn noise_carries_sgd_over_the_barrier_of_the_double_well() {
    // From (1.7, 1) plain GD settles in the shallow right well (barrier ≈ 0.7 above it); with σ = 5 (temperature
    // lr·σ²/2 = 0.25) it crosses to the deep left one within a few hundred steps.
    let racers = vec![racer(OptimizerKind::Sgd, 0.02)];
    let mut quiet =
        SurfaceRun::new(&spec(SurfaceKind::DoubleWell, I, racers.clone())).expect("valid");
    quiet.step(2000);
    assert!(quiet.runs()[0].current().x[0] > 0.5);
    let mut s = spec(SurfaceKind::DoubleWell, I, racers);
    s.noise = 5.0;
    let mut noisy = SurfaceRun::new(&s).expect("valid");
    let mut visited_left = false;
    for _ in 0..3000 {
        noisy.step(1);
        visited_left |= noisy.runs()[0].current().x[0] < -0.5;
    }
    assert!(visited_left);
}

#[test]
fn every_catalog_optimizer_runs_on_every_surface() {
    // Six at a time (a lab's most) over the whole catalog, whatever it holds.
    for (&surface, chunk) in SurfaceKind::ALL
        .iter()
        .flat_map(|s| OptimizerKind::ALL.chunks(6).map(move |c| (s, c)))
    {
        let racers: Vec<Racer> = chunk.iter().map(|&k| Racer::with_defaults(k)).collect();
        let mut run = SurfaceRun::new(&spec(surface, HALF, racers)).expect("valid");
        run.step(2000);
        for r in run.runs() {
            let p = r.current();
            assert!(
                p.f.is_finite() && p.x.iter().all(|v| v.is_finite()),
                "{surface} {}",
                r.racer().optimizer
            );
            assert!(r.trail().path().count() >= 2 || r.diverged().is_some());
        }
    }
    // The quadratic's default racers converge from the default start.
    let mut run = SurfaceRun::new(&SurfaceSpec::default()).expect("valid");
    run.step(3000);
    for r in run.runs() {
        assert!(
            r.current().f < 1e-3,
            "{}: f = {}",
            r.racer().optimizer,
            r.current().f
        );
    }
}

#[test]
fn sgld_escapes_the_shallow_well_that_plain_gd_keeps_and_replays_from_its_seed() {
    // SGLD (the optimizer's own update noise, N(0, 2·lr·T) per step): T = 0.25 at lr 0.02 gives the same step
    // spread (0.1) as the lab's σ = 5 gradient noise above, enough to cross the ≈ 0.7 barrier.
    let mut sgld = racer(OptimizerKind::Sgd, 0.02);
    sgld.hyper.insert("temperature".into(), 0.25);
    let racers = vec![racer(OptimizerKind::Sgd, 0.02), sgld];
    let s = spec(SurfaceKind::DoubleWell, I, racers);
    let mut run = SurfaceRun::new(&s).expect("valid");
    let mut visited_left = false;
    for _ in 0..3000 {
        run.step(1);
        visited_left |= run.runs()[1].current().x[0] < -0.5;
    }
    assert!(run.runs()[0].current().x[0] > 0.5, "plain GD stays right");
    assert!(visited_left, "SGLD crosses to the deep well");
    let mut again = SurfaceRun::new(&s).expect("valid");
    again.step(3000);
    assert_eq!(again.runs()[1].current().x, run.runs()[1].current().x);
}

#[test]
fn each_surfaces_default_racers_stay_on_the_plot_and_descend_where_there_is_a_minimum() {
    // The suggested learning rates (SurfaceKind::suggested_lr) keep SGD, momentum and Adam stable on the steep
    // surfaces from their default starts; 1000 steps bring each below f = 0.1 (the minima are at f = 0).
    for kind in [
        SurfaceKind::Quadratic,
        SurfaceKind::Rosenbrock,
        SurfaceKind::Beale,
        SurfaceKind::Himmelblau,
    ] {
        let mut run = SurfaceRun::new(&SurfaceSpec::for_surface(kind)).expect("valid");
        run.step(1000);
        for r in run.runs() {
            assert!(r.diverged().is_none(), "{kind} {}", r.racer().optimizer);
            let f = r.current().f;
            assert!(f < 0.1, "{kind} {}: f = {f}", r.racer().optimizer);
        }
    }
}
