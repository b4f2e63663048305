//! Session behaviour: training lowers the loss, runs are reproducible from the seed, divergence is a value.

use saddle_core::config::Config;
use saddle_core::session::Session;
use saddle_core::Error;

fn session(query: &str) -> Session {
    let (config, errors) = Config::from_query(query);
    assert!(errors.is_empty(), "{errors:?}");
    Session::new(config.validate().expect("valid config"))
}

#[test]
fn training_lowers_test_loss_on_circle() {
    let mut s = session("dataset=circle&hidden=8,8&act=tanh&opt=adam&lr=0.03&batch=10&seed=3");
    let before = s.stats();
    let after = s.step(600).expect("no divergence");
    assert!(
        after.test_loss < 0.5 * before.test_loss,
        "{before:?} -> {after:?}"
    );
    assert!(after.test_acc.unwrap_or(0.0) > 0.9, "{after:?}");
    assert_eq!(after.step, 600);
}

#[test]
fn same_seed_same_loss_trace_whatever_the_chunking() {
    let q = "dataset=spiral&hidden=8,8&act=relu&drop=none,b0.8,b0.8&opt=momentum&lr=0.01&batch=7&seed=11";
    let mut a = session(q);
    let mut b = session(q);
    let sa = a.step(300).expect("finite");
    let mut sb = b.stats();
    for _ in 0..30 {
        sb = b.step(10).expect("finite");
    }
    assert_eq!(
        sa, sb,
        "same seed and steps must give bitwise-equal statistics"
    );
    assert_eq!(a.history(), b.history());
    assert_eq!(a.mlp().params(), b.mlp().params());
    let mut c = session(&q.replace("seed=11", "seed=12"));
    assert_ne!(
        c.step(300).expect("finite").train_loss,
        sa.train_loss,
        "the seed matters"
    );
}

#[test]
fn divergence_is_reported_and_sticky_not_a_panic() {
    let mut s =
        session("dataset=cubic&head=linear-mse&hidden=16,16&act=relu&opt=sgd&lr=10&batch=5&seed=2");
    let err = s
        .step(5000)
        .expect_err("lr 10 on an unnormalised ReLU net must diverge");
    let Error::Diverged { step } = err else {
        panic!("expected Diverged, got {err:?}")
    };
    assert!(step >= 1);
    assert_eq!(
        s.step(1),
        Err(Error::Diverged { step }),
        "later steps report the same divergence"
    );
    assert!(
        s.mlp().params().iter().all(|v| v.is_finite()),
        "the last finite parameters are kept"
    );
    assert!(err.to_string().contains("diverged at step"));
}

#[test]
fn live_learning_rate_change_keeps_the_run() {
    let mut s = session("dataset=xor&hidden=4&opt=adam&lr=0.01&seed=5");
    s.step(50).expect("finite");
    let params = s.mlp().params();
    let (faster, errors) = Config::from_query(&s.config().to_query().replace("lr=0.01", "lr=0.02"));
    assert!(errors.is_empty());
    s.set_live(&faster.validate().expect("valid"));
    assert_eq!(
        s.mlp().params(),
        params,
        "a live edit does not reset the network"
    );
    assert_eq!(s.config().hyper["lr"], 0.02);
    assert_eq!(s.stats().step, 50);
    // Display options are live too: the session's query carries them, the run is untouched.
    let q = format!("{}&discretize=true", s.config().to_query());
    s.set_live(&Config::from_query(&q).0.validate().expect("valid"));
    assert!(s.config().display.discretize);
    assert!(s.config().to_query().contains("discretize=true"));
    assert_eq!(s.mlp().params(), params);
}

#[test]
fn grid_and_curve_predictions_have_the_documented_shapes() {
    let s = session("dataset=spiral-3&head=softmax-ce&hidden=8");
    let g = s.predict_grid(10, 6);
    assert_eq!(g.len(), 10 * 6 * 3);
    for cell in g.chunks(3) {
        assert!((cell.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    }
    let r = session("dataset=sine-gap&head=linear-mse&hidden=8");
    let (xs, ys) = r.predict_curve(50);
    assert_eq!((xs.len(), ys.len()), (50, 50));
    assert!(r.predict_grid(4, 4).is_empty());
}
