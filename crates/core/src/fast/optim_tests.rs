//! Tests of the f32 optimizer: every mirrored chain against the f64 one (with schedules and noise), subnormal
//! flushing, non-finite proposals.

use super::*;
use crate::optim::Optimizer;
use crate::registry::Keyed;
use crate::rng::{seeded, uniform};
use crate::Vector;

#[test]
fn supported_kinds_are_the_elementwise_ones() {
    let fast: Vec<&str> = OptimizerKind::ALL
        .iter()
        .filter(|&&k| Optimizer32::supports(k))
        .map(|k| k.key())
        .collect();
    assert_eq!(
        fast,
        [
            "sgd",
            "momentum",
            "nesterov",
            "adagrad",
            "rmsprop",
            "adam",
            "adamw",
            "adagrad-notes",
            "sign",
            "pnorm"
        ]
    );
}

#[test]
fn every_catalog_optimizer_matches_the_f64_chain() {
    // Plain, and with a cosine schedule, gradient noise and Langevin noise from the same seed.
    let noisy = [
        ("schedule", 3.0),
        ("horizon", 5.0),
        ("grad_noise", 0.01),
        ("temperature", 0.001),
    ];
    for extra in [&[][..], &noisy[..]] {
        matches_the_f64_chain(extra);
    }
}

fn matches_the_f64_chain(extra: &[(&str, f64)]) {
    // 1100 parameters: two full chunks and a ragged one with a ragged lane tail.
    let n = 1100 + 3;
    for &kind in OptimizerKind::ALL
        .iter()
        .filter(|&&k| Optimizer32::supports(k))
    {
        let mut hyper = Hyper::from([("lr".to_string(), 0.05)]);
        hyper.extend(extra.iter().map(|&(k, v)| (k.to_string(), v)));
        let mut reference = Optimizer::new(kind, &hyper, n).with_seed(9);
        let mut fast = Optimizer32::new(kind, &hyper, n).with_seed(9);
        let mut rng = seeded(5, kind as u64);
        let mut params: Vec<f32> = (0..n).map(|_| (uniform(&mut rng) - 0.5) as f32).collect();
        for step in 0..6 {
            // Some exact zeros exercise 0 / 0 := 0.
            let grad: Vec<f32> = (0..n)
                .map(|i| {
                    if i % 9 == 0 {
                        0.0
                    } else {
                        (2.0 * uniform(&mut rng) - 1.0) as f32
                    }
                })
                .collect();
            let p64 = Vector::from_iterator(n, params.iter().map(|&v| f64::from(v)));
            let g64 = Vector::from_iterator(n, grad.iter().map(|&v| f64::from(v)));
            let expected = &p64 + reference.update(&g64, &p64);
            let mut u = grad.clone();
            assert!(fast.propose(&mut u, &params));
            for i in 0..n {
                assert!(
                    (f64::from(u[i]) - expected[i]).abs() <= 1e-6 * expected[i].abs().max(1.0),
                    "{kind} step {step} entry {i}: {} vs {}",
                    u[i],
                    expected[i]
                );
            }
            params = u;
        }
    }
}

#[test]
fn decaying_states_flush_to_zero_instead_of_going_subnormal() {
    // One step with a gradient, then a thousand with none (a dead ReLU unit): 0.9ᵗ and 0.99ᵗ pass below
    // f32::MIN_POSITIVE long before that, and must land on exactly 0.
    let hyper = Hyper::new();
    for kind in [
        OptimizerKind::Adam,
        OptimizerKind::Momentum,
        OptimizerKind::Rmsprop,
    ] {
        let mut opt = Optimizer32::new(kind, &hyper, 5);
        let params = [0.5f32; 5];
        let mut u = [1.0f32; 5];
        opt.propose(&mut u, &params);
        for _ in 0..1000 {
            let mut u = [0.0f32; 5];
            assert!(opt.propose(&mut u, &params));
        }
        for state in &opt.states {
            let values: Vec<f32> = match state {
                State::Adam { m, v, .. } => m.iter().chain(v).copied().collect(),
                State::Trace(v) | State::Squares(v) => v.clone(),
                State::Empty | State::Noise(_) => Vec::new(),
            };
            assert!(
                values.iter().all(|x| !x.is_subnormal()),
                "{kind}: {values:?}"
            );
        }
    }
}

#[test]
fn non_finite_proposals_are_reported() {
    let hyper = Hyper::from([("lr".to_string(), 1.0)]);
    let mut sgd = Optimizer32::new(OptimizerKind::Sgd, &hyper, 7);
    let params = [1.0f32, 2.0, f32::MAX, 0.0, 0.0, 0.0, 0.0];
    let mut u = [-0.5f32, -0.5, -f32::MAX, 0.0, 0.0, 0.0, 0.0];
    assert!(
        !sgd.propose(&mut u, &params),
        "f32::MAX + f32::MAX overflows"
    );
    let mut u = [0.0f32, 0.0, 0.0, 0.0, 0.0, 0.0, f32::NAN];
    assert!(!sgd.propose(&mut u, &params), "NaN in the lane tail");
    let mut u = [-0.5f32, -0.5, 0.0, 0.0, 0.0, 0.0, 1.0];
    assert!(sgd.propose(&mut u, &params));
    assert_eq!(u, [1.5, 2.5, f32::MAX, 0.0, 0.0, 0.0, -1.0]);
}

#[test]
fn the_folded_learning_rate_step_rounds_as_scaling_first() {
    // Plain SGD folds −lr·u into the final add; the result must be the two-pass p + (−lr·u) bit for bit.
    let lr = 0.03f32;
    let hyper = Hyper::from([("lr".to_string(), f64::from(lr))]);
    let n = 105;
    let mut sgd = Optimizer32::new(OptimizerKind::Sgd, &hyper, n);
    let mut rng = seeded(3, 1);
    let params: Vec<f32> = (0..n).map(|_| (uniform(&mut rng) - 0.5) as f32).collect();
    let grad: Vec<f32> = (0..n).map(|_| (uniform(&mut rng) - 0.5) as f32).collect();
    let mut u = grad.clone();
    assert!(sgd.propose(&mut u, &params));
    let scale = -(f64::from(lr) as f32);
    for ((got, p), g) in u.iter().zip(&params).zip(&grad) {
        assert_eq!(got.to_bits(), (p + g * scale).to_bits());
    }
}
