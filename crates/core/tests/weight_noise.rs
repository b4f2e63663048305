//! Weight noise (`wnoise`): σ = 0 is bitwise the plain run, σ > 0 is deterministic per seed and independent of
//! the chunking, the perturbation has mean 0 and variance σ², and each step's gradient is taken at θ + σε but
//! applied to θ — on the f32 fast path and on the f64 reference path.

use saddle_core::config::Config;
use saddle_core::dropout::DropoutConfig;
use saddle_core::features;
use saddle_core::loss::Regularizer;
use saddle_core::mlp::Mlp;
use saddle_core::rng::seeded;
use saddle_core::session::{stream, Session};
use saddle_core::weight_noise::perturb;
use saddle_core::Vector;

fn session(query: &str) -> Session {
    let (config, errors) = Config::from_query(query);
    assert!(errors.is_empty(), "{query}: {errors:?}");
    Session::new(config.validate().expect("valid"))
}

const FAST: &str =
    "dataset=spiral&hidden=8,8&act=relu&drop=none,b0.8,none&opt=momentum&lr=0.02&batch=9&seed=6";
const REFERENCE: &str = "dataset=xor&hidden=6&act=tanh&bn=hidden&opt=adam&lr=0.01&batch=9&seed=6";

#[test]
fn the_key_is_omitted_at_zero_and_round_trips() {
    assert!(!Config::default().to_query().contains("wnoise"));
    let (c, errors) = Config::from_query("wnoise=0.05");
    assert!(errors.is_empty());
    assert_eq!(c.weight_noise, 0.05);
    assert!(c.to_query().contains("&wnoise=0.05&"), "{}", c.to_query());
    assert_eq!(Config::from_query(&c.to_query()), (c, vec![]));
    let (_, errors) = Config::from_query("wnoise=1.5");
    assert_eq!(errors[0].field(), Some("wnoise"));
}

#[test]
fn sigma_zero_is_bitwise_the_plain_run() {
    for q in [FAST, REFERENCE] {
        let mut plain = session(q);
        let mut zero = session(&format!("{q}&wnoise=0"));
        assert_eq!(plain.step(120), zero.step(120));
        assert_eq!(plain.history(), zero.history());
        assert_eq!(plain.mlp(), zero.mlp());
    }
}

#[test]
fn noisy_runs_are_deterministic_per_seed_and_whatever_the_chunking() {
    for q in [FAST, REFERENCE] {
        let noisy = format!("{q}&wnoise=0.1");
        let mut a = session(&noisy);
        let mut b = session(&noisy);
        let sa = a.step(150).expect("finite");
        let mut sb = b.stats();
        for _ in 0..15 {
            sb = b.step(10).expect("finite");
        }
        assert_eq!(sa, sb, "{q}");
        assert_eq!(a.mlp(), b.mlp());
        let mut plain = session(q);
        plain.step(150).expect("finite");
        assert_ne!(plain.mlp().params(), a.mlp().params(), "the noise acts");
        let mut other_seed = session(&noisy.replace("seed=6", "seed=7"));
        other_seed.step(150).expect("finite");
        assert_ne!(other_seed.mlp().params(), a.mlp().params());
        // The noise has its own stream: the minibatch sequence is the plain run's.
        assert_eq!(plain.batch_indices(), a.batch_indices());
    }
}

#[test]
fn the_perturbation_has_mean_zero_and_variance_sigma_squared() {
    let sigma = 0.3;
    let n = 200_000;
    let mut values = vec![1.5; n];
    perturb(
        values.iter_mut(),
        sigma,
        &mut seeded(6, stream::WEIGHT_NOISE),
    );
    let eps: Vec<f64> = values.iter().map(|v| v - 1.5).collect();
    let mean = eps.iter().sum::<f64>() / n as f64;
    let var = eps.iter().map(|e| (e - mean).powi(2)).sum::<f64>() / n as f64;
    let lag1 = eps.windows(2).map(|w| w[0] * w[1]).sum::<f64>() / (n - 1) as f64;
    // se(mean) = σ/√n ≈ 6.7e-4; se(var) = σ²√(2/n) ≈ 2.8e-4; se(lag-1 covariance) = σ²/√n ≈ 2e-4.
    assert!(mean.abs() < 4.0 * 6.7e-4, "mean {mean}");
    assert!((var - sigma * sigma).abs() < 4.0 * 2.8e-4, "var {var}");
    assert!(lag1.abs() < 4.0 * 2e-4, "lag-1 covariance {lag1}");
    let mut untouched = [1.5; 10];
    perturb(
        untouched.iter_mut(),
        0.0,
        &mut seeded(6, stream::WEIGHT_NOISE),
    );
    assert!(untouched.iter().all(|&v| v == 1.5));
}

/// One SGD step by hand: the minibatch the session used, ε from the weight-noise stream in flat parameter
/// order, the gradient at θ₀ + σε, applied to θ₀. Returns (session step, hand step) as updates θ₁ − θ₀.
fn first_step(query: &str, lr: f64, sigma: f64, round_to_f32: bool) -> (Vector, Vector) {
    let mut s = session(query);
    let mut start = s.mlp().clone();
    if round_to_f32 {
        start.set_params(&start.params().map(|v| f64::from(v as f32)));
    }
    s.step(1).expect("finite");
    let idx = s.batch_indices().to_vec();
    let x = features::apply(s.features(), &s.train().x.select_columns(&idx));
    let y = s.train().y.select_columns(&idx);
    let mut noisy: Mlp = start.clone();
    let mut p = start.params();
    perturb(p.iter_mut(), sigma, &mut seeded(6, stream::WEIGHT_NOISE));
    noisy.set_params(&p);
    let none = DropoutConfig::none(start.layers.len() - 1);
    let g = noisy
        .loss_and_grad(&x, &y, &none, &Vec::new(), Regularizer::None, 0.0)
        .grad;
    (s.mlp().params() - start.params(), -lr * g)
}

#[test]
fn the_gradient_at_the_noisy_weights_is_applied_to_the_clean_ones() {
    // Reference path (f64): exact up to round-off.
    let q = "dataset=xor&hidden=6&act=relu&bn=hidden&opt=sgd&lr=0.1&batch=9&seed=6&wnoise=0.2";
    let (got, want) = first_step(q, 0.1, 0.2, false);
    assert!((&got - &want).amax() < 1e-14, "{}", (&got - &want).amax());
    // Fast path (f32): the same update within f32 accuracy, far from θ₀ + σε − lr g (off by σε ≈ 0.2).
    let q = "dataset=xor&hidden=6&act=relu&opt=sgd&lr=0.1&batch=9&seed=6&wnoise=0.2";
    let (got, want) = first_step(q, 0.1, 0.2, true);
    let err = (&got - &want).amax();
    assert!(
        err < 1e-5 * want.amax().max(1e-3),
        "{err} vs {}",
        want.amax()
    );
    assert!(want.amax() > 1e-4, "the step is not trivially zero");
}
