//! Races: sessions from one base config differing only in the optimizer share the initialization and the
//! minibatch sequence (the RNG streams separate them); the "original vs rescaled" pair starts from the same
//! function and trains apart under SGD.

use saddle_core::config::Config;
use saddle_core::mlp::Rescale;
use saddle_core::optim::OptimizerKind;
use saddle_core::session::{race_configs, rescaled_pair, Race, Racer, MAX_RACERS};

fn base(query: &str) -> Config {
    let (c, errors) = Config::from_query(query);
    assert!(errors.is_empty(), "{query}: {errors:?}");
    c
}

fn racers() -> Vec<Racer> {
    let mut fast_sgd = Racer::with_defaults(OptimizerKind::Sgd);
    fast_sgd.hyper.insert("lr".into(), 0.1);
    vec![
        Racer::with_defaults(OptimizerKind::Sgd),
        fast_sgd,
        Racer::with_defaults(OptimizerKind::Momentum),
        Racer::with_defaults(OptimizerKind::Adam),
    ]
}

/// Drops the optimizer and its hyperparameters from a query.
fn without_optimizer(q: &str) -> String {
    let names = [
        "opt",
        "lr",
        "momentum",
        "beta1",
        "beta2",
        "eps",
        "rho",
        "weight_decay",
    ];
    q.split('&')
        .filter(|kv| !names.contains(&kv.split('=').next().unwrap_or("")))
        .collect::<Vec<_>>()
        .join("&")
}

#[test]
fn racers_share_initialization_and_minibatches() {
    for q in [
        "dataset=spiral&hidden=8,8&act=relu&drop=none,b0.8,b0.8&batch=7&seed=4",
        "dataset=xor&hidden=6&act=relu&bn=hidden&wnoise=0.05&batch=5&seed=4",
    ] {
        let configs = race_configs(&base(q), &racers()).expect("valid racers");
        let plain = without_optimizer(&configs[0].to_query());
        for c in &configs {
            assert_eq!(
                without_optimizer(&c.to_query()),
                plain,
                "only the optimizer differs"
            );
        }
        let mut race = Race::new(configs);
        let first = race.sessions()[0].mlp().params();
        for s in race.sessions() {
            assert_eq!(s.mlp().params(), first, "same initialization");
            assert_eq!(
                s.history()[0],
                race.sessions()[0].history()[0],
                "same step-0 losses"
            );
        }
        for step in 1..=60 {
            for r in race.step(1) {
                r.expect("finite");
            }
            let idx = race.sessions()[0].batch_indices().to_vec();
            for s in race.sessions() {
                assert_eq!(s.batch_indices(), &idx[..], "{q}: batch at step {step}");
            }
        }
        let ends: Vec<_> = race.sessions().iter().map(|s| s.mlp().params()).collect();
        for (i, a) in ends.iter().enumerate() {
            for b in &ends[i + 1..] {
                assert_ne!(a, b, "different optimizers end in different places");
            }
        }
    }
}

#[test]
fn race_errors_name_the_problem() {
    let too_many = vec![Racer::with_defaults(OptimizerKind::Sgd); MAX_RACERS + 1];
    let err = race_configs(&Config::default(), &too_many).expect_err("too many");
    assert_eq!(err.field(), Some("race"));
    let mut bad = Racer::with_defaults(OptimizerKind::Adam);
    bad.hyper.insert("lr".into(), -1.0);
    let err = race_configs(&Config::default(), &[bad]).expect_err("bad lr");
    assert_eq!(err.field(), Some("lr"));
}

#[test]
fn a_diverging_racer_does_not_stop_the_others() {
    let mut wild = Racer::with_defaults(OptimizerKind::Sgd);
    wild.hyper.insert("lr".into(), 10.0);
    let q = "dataset=cubic&head=linear-mse&hidden=16,16&act=relu&batch=5&seed=2";
    let mut race = Race::new(
        race_configs(&base(q), &[wild, Racer::with_defaults(OptimizerKind::Adam)]).expect("valid"),
    );
    let results = race.step(3000);
    assert!(results[0].is_err() && results[1].is_ok(), "{results:?}");
    assert_eq!(race.sessions()[1].progress().0, 3000);
}

#[test]
fn the_rescaled_pair_starts_together_and_parts_under_sgd() {
    let q = "dataset=circle&hidden=8,8&act=relu&init=he&opt=sgd&lr=0.05&batch=10&seed=5";
    let (original, rescaled) =
        rescaled_pair(&base(q), Rescale::Random(1.0)).expect("relu may be rescaled");
    assert_eq!(original.rescale, Rescale::None);
    let mut race = Race::new(vec![original, rescaled]);
    let [a, b] = [&race.sessions()[0], &race.sessions()[1]];
    assert_ne!(a.mlp().params(), b.mlp().params());
    let (ga, gb) = (a.predict_grid(16, 16), b.predict_grid(16, 16));
    let change = ga
        .iter()
        .zip(&gb)
        .map(|(u, v)| (u - v).abs())
        .fold(0.0, f64::max);
    assert!(change < 1e-6, "same function at step 0: {change}");
    assert!((a.history()[0].train_loss - b.history()[0].train_loss).abs() < 1e-5);
    race.step(400);
    let (la, lb) = (
        race.sessions()[0].stats().train_loss,
        race.sessions()[1].stats().train_loss,
    );
    assert!((la - lb).abs() > 1e-3, "SGD curves part: {la} vs {lb}");
    let err = rescaled_pair(&base("act=tanh"), Rescale::Uniform(2.0)).expect_err("tanh");
    assert!(err.to_string().contains("tanh"), "{err}");
    assert!(rescaled_pair(&base("act=tanh&bn=hidden"), Rescale::Uniform(2.0)).is_ok());
}

/// With batch normalization the pair differs in the scale of the weights before each norm (any activation):
/// the same function at step 0 (up to ε), then SGD's effective learning rate on those weights is divided by s².
#[test]
fn the_bn_pair_starts_together_and_parts_under_sgd() {
    let q = "dataset=circle&hidden=6,6&act=tanh&bn=hidden&opt=sgd&lr=0.1&batch=10&seed=2";
    let (original, scaled) = rescaled_pair(&base(q), Rescale::Uniform(5.0)).expect("valid");
    let mut race = Race::new(vec![original, scaled]);
    let [a, b] = [&race.sessions()[0], &race.sessions()[1]];
    assert!(a.uses_reference_path() && b.uses_reference_path());
    let w = |s: &saddle_core::session::Session| s.mlp().layers[0].w.clone();
    assert!((w(b) - w(a) * 5.0).amax() < 1e-12);
    let (ga, gb) = (a.predict_grid(16, 16), b.predict_grid(16, 16));
    let change = ga
        .iter()
        .zip(&gb)
        .map(|(u, v)| (u - v).abs())
        .fold(0.0, f64::max);
    assert!(change < 1e-4, "same function at step 0 up to ε: {change}");
    race.step(300);
    let (la, lb) = (
        race.sessions()[0].stats().train_loss,
        race.sessions()[1].stats().train_loss,
    );
    assert!((la - lb).abs() > 1e-3, "SGD curves part: {la} vs {lb}");
}
