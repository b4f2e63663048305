//! Editing the network: weight / bias indices, one-parameter edits that the URL replays bitwise, frozen
//! weights, per-unit grids for the diagram, and the stop-at condition.

use saddle_core::codec::base64url_decode;
use saddle_core::config::{Config, StopAt};
use saddle_core::features;
use saddle_core::session::Session;
use saddle_core::{Error, Matrix};

fn config(query: &str) -> Config {
    let (config, errors) = Config::from_query(query);
    assert!(errors.is_empty(), "{query}: {errors:?}");
    config
}

fn session(query: &str) -> Session {
    Session::new(config(query).validate().expect("valid config"))
}

fn bits(s: &Session) -> Vec<u64> {
    s.mlp().params().iter().map(|v| v.to_bits()).collect()
}

const Q: &str = "dataset=spiral&feat=x1,x2,sin1&hidden=5,3&act=relu&drop=none,b0.8,none&opt=adam&lr=0.01&batch=8&seed=21";

#[test]
fn weight_and_bias_indices_address_the_flat_parameters() {
    let s = session(Q);
    let p = s.mlp().params();
    for (l, layer) in s.mlp().layers.iter().enumerate() {
        let (out, inp) = layer.w.shape();
        for to in 0..out {
            for from in 0..inp {
                let i = s.weight_index(l, to, from).expect("in range");
                assert_eq!(p[i], layer.w[(to, from)]);
            }
            assert_eq!(p[s.bias_index(l, to).expect("in range")], layer.b[to]);
            assert_eq!(s.weight_index(l, to, inp), None);
        }
        assert_eq!(s.bias_index(l, out), None);
    }
    assert_eq!(s.weight_index(3, 0, 0), None);
    assert_eq!(s.bias_index(99, 0), None);
    assert_eq!(s.bias_index(2, 0), Some(s.mlp().param_count() - 1));
}

#[test]
fn set_weight_changes_exactly_one_parameter_and_the_run_continues() {
    let mut s = session(Q);
    s.step(40).expect("finite");
    let before = bits(&s);
    let i = s.weight_index(1, 2, 4).unwrap();
    s.set_weight(i, 1.25).expect("valid edit");
    let after = bits(&s);
    for (k, (a, b)) in before.iter().zip(&after).enumerate() {
        if k == i {
            assert_eq!(f64::from_bits(*b), 1.25);
        } else {
            assert_eq!(a, b, "parameter {k} must be untouched");
        }
    }
    assert!(s
        .config()
        .to_query()
        .contains(&format!("&edits=40:{i}:1.25")));
    assert_eq!(s.stats().step, 40);
    let st = s
        .step(10)
        .expect("the run continues from the edited network");
    assert_eq!(st.step, 50);
    assert_ne!(bits(&s)[i], after[i], "training moves the edited weight on");
    // A value that f32 cannot hold exactly is stored as the f32 the network uses.
    s.set_weight(0, 0.1).unwrap();
    assert_eq!(s.mlp().params()[0], f64::from(0.1f32));
    for (index, value, part) in [
        (s.mlp().param_count(), 1.0, "[0, "),
        (0, 100.5, "100"),
        (0, f64::NAN, "NaN"),
        (0, f64::INFINITY, "inf"),
    ] {
        let e = s.set_weight(index, value).expect_err(part);
        assert!(matches!(e, Error::OutOfRange { .. }), "{e:?}");
        assert_eq!(e.field(), Some("weight"));
        assert!(e.to_string().contains(part), "{e}");
    }
}

#[test]
fn a_session_rebuilt_from_the_query_replays_the_edits_bitwise() {
    let mut live = session(Q);
    live.set_weight(3, -2.0).unwrap(); // step 0: applied in `new` when replayed
    live.set_weight(3, 0.75).unwrap(); // a second edit of the same parameter at the same step
    live.step(17).unwrap();
    let b = live.bias_index(0, 1).unwrap();
    live.set_weight(b, 3.5).unwrap();
    live.step(30).unwrap();
    let w = live.weight_index(2, 0, 1).unwrap();
    live.set_weight(w, -0.125).unwrap();
    live.step(5).unwrap();
    let q = live.config().to_query();
    assert!(
        q.contains(&format!("edits=0:3:-2,0:3:0.75,17:{b}:3.5,47:{w}:-0.125")),
        "{q}"
    );

    let mut replay = session(&q);
    // However the steps are chunked, the edits land at their steps.
    for chunk in [1, 16, 1, 29, 3, 2] {
        replay.step(chunk).unwrap();
    }
    assert_eq!(bits(&replay), bits(&live));
    assert_eq!(replay.history(), live.history());
    assert_eq!(replay.stats(), live.stats());
    // Stopping at the edit's step and continuing agrees too.
    let mut exact = session(&q);
    exact.step(17).unwrap();
    let mut reference = session(Q);
    reference.set_weight(3, 0.75).unwrap();
    reference.step(17).unwrap();
    reference.set_weight(b, 3.5).unwrap();
    assert_eq!(bits(&exact), bits(&reference));
    let mut cleared = config(&q);
    cleared.clear_edits();
    assert!(!cleared.to_query().contains("edits="));
}

#[test]
fn an_edit_in_a_session_that_replays_later_edits_keeps_step_order() {
    let mut live = session(Q);
    live.step(10).unwrap();
    live.set_weight(1, 0.5).unwrap();
    live.step(10).unwrap();
    live.set_weight(2, 0.25).unwrap();
    let q = live.config().to_query();
    // Replay up to step 5 and edit there: the URL's later edits still follow.
    let mut branch = session(&q);
    branch.step(5).unwrap();
    branch.set_weight(4, -1.0).unwrap();
    assert!(branch
        .config()
        .to_query()
        .contains("edits=5:4:-1,10:1:0.5,20:2:0.25"));
    branch.step(15).unwrap();
    let mut replay = session(&branch.config().to_query());
    replay.step(20).unwrap();
    assert_eq!(bits(&replay), bits(&branch));
    assert_eq!(replay.mlp().params()[2], 0.25);
}

#[test]
fn frozen_weights_round_trip_bitwise_and_replace_the_initialisation() {
    let mut s = session(Q);
    s.step(60).unwrap();
    s.set_weight(0, 0.3).unwrap();
    let frozen = s.frozen_weights();
    let bytes = base64url_decode("weights", &frozen).unwrap();
    assert_eq!(bytes.len(), 4 * s.mlp().param_count());
    let mut c = config(Q);
    let (c2, errors) = Config::from_query(&format!("{}&weights={frozen}", c.to_query()));
    assert!(errors.is_empty(), "{errors:?}");
    c = c2;
    let restored = Session::new(c.validate().unwrap());
    assert_eq!(bits(&restored), bits(&s), "f32 parameters restored bitwise");
    assert_eq!(restored.frozen_weights(), frozen);
    assert_eq!(restored.stats().step, 0);
    assert_eq!(Config::from_query(&c.to_query()), (c.clone(), vec![]));
    // Wrong length: a field error naming `weights` and the expected count.
    let (_, errors) = Config::from_query(&format!("hidden=4&weights={frozen}"));
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].field(), Some("weights"));
    let msg = errors[0].to_string();
    assert!(
        msg.contains("weights") && msg.contains("17 parameters"),
        "{msg}"
    );
    let (_, errors) = Config::from_query("weights=A_*");
    assert!(matches!(errors[0], Error::Parse { .. }) && errors[0].field() == Some("weights"));
}

#[test]
fn unit_grids_hold_every_layer_over_the_plane() {
    let mut s = session("dataset=xor&feat=x1,x2,x1x2&hidden=4,3&act=tanh&seed=5");
    let res = 25;
    let grids = s.unit_grids(res);
    let widths: Vec<usize> = grids.iter().map(Vec::len).collect();
    assert_eq!(widths, vec![3, 4, 3, 1]);
    assert!(grids.iter().flatten().all(|u| u.len() == res * res));
    // Layer 0 holds the features at the cell centres, top row first.
    let cell = |row: usize, col: usize| row * res + col;
    let (x, y) = (-6.0 + 12.0 * 0.5 / 25.0, 6.0 - 12.0 * 0.5 / 25.0);
    assert_eq!(grids[0][0][cell(0, 0)], x);
    assert_eq!(grids[0][1][cell(0, 0)], y);
    assert_eq!(grids[0][2][cell(0, 0)], x * y);
    // The output layer is the prediction grid (sigmoid probabilities), up to the f32 forward pass.
    let close = |a: &[f64], b: &[f64], tol: f64| {
        a.len() == b.len() && a.iter().zip(b).all(|(u, v)| (u - v).abs() < tol)
    };
    assert!(close(&grids[3][0], &s.predict_grid(res, res), 1e-5));
    // Hidden units: the activation of the features through the first layer.
    let raw = Matrix::from_row_slice(2, 1, &[x, y]);
    let f = features::apply(s.features(), &raw);
    let l0 = &s.mlp().layers[0];
    let h = (&l0.w * &f)[(2, 0)] + l0.b[2];
    assert!((grids[1][2][cell(0, 0)] - h.tanh()).abs() < 1e-5);
    // Non-blank, and they follow training.
    for unit in grids.iter().flatten() {
        let (lo, hi) = unit
            .iter()
            .fold((f64::MAX, f64::MIN), |(a, b), &v| (a.min(v), b.max(v)));
        assert!(hi > lo, "a unit is constant over the plane");
    }
    s.step(50).unwrap();
    assert_ne!(s.unit_grids(res)[2], grids[2]);
    assert_eq!(s.unit_grids(res)[0], grids[0]);
    // 1-D sets: res points along x; softmax: one grid per class summing to 1.
    let r = session("dataset=cubic&hidden=4");
    let g = r.unit_grids(10);
    assert_eq!(g[0][0].first(), Some(&-6.0));
    assert_eq!(g[0][0].last(), Some(&6.0));
    assert!(close(&g[2][0], &r.predict_curve(10).1, 1e-4));
    let k = session("dataset=spiral-3&hidden=4");
    let g = k.unit_grids(6);
    assert_eq!(g[2].len(), 3);
    for c in 0..36 {
        assert!((g[2].iter().map(|u| u[c]).sum::<f64>() - 1.0).abs() < 1e-6);
    }
    assert!(k.unit_grids(0).is_empty());
}

#[test]
fn stop_at_epochs_stops_after_exactly_the_steps_of_n_epochs() {
    // n = 200, test 0.5 → 100 training points; batch 7: 3 epochs = ⌈300 / 7⌉ = 43 steps.
    let mut s = session("n=200&batch=7&stop=epochs:3");
    assert_eq!(s.train().len(), 100);
    let st = s.step(1000).unwrap();
    assert_eq!(st.step, 43);
    assert!(st.stopped && s.stopped());
    assert!(st.epoch >= 3.0 && (42.0 * 7.0 / 100.0) < 3.0);
    assert_eq!(s.step(10).unwrap().step, 43, "stays stopped");
    // Chunked calls stop at the same step.
    let mut t = session("n=200&batch=7&stop=epochs:3");
    for _ in 0..20 {
        t.step(4).unwrap();
    }
    assert_eq!(bits(&t), bits(&s));
    // Live: a later limit un-stops, `none` runs on.
    let more = config("n=200&batch=7&stop=epochs:5").validate().unwrap();
    s.set_live(&more);
    assert!(!s.stopped());
    assert_eq!(s.step(1000).unwrap().step, 72); // ⌈500 / 7⌉
    let lower = config("n=200&batch=7&stop=epochs:2").validate().unwrap();
    s.set_live(&lower);
    assert!(s.stopped(), "an already reached limit stops at once");
    let none = config("n=200&batch=7").validate().unwrap();
    s.set_live(&none);
    assert_eq!(s.step(8).unwrap().step, 80);
    assert_eq!(s.config().stop, StopAt::Never);
    // Full batch: one step per epoch.
    let mut f = session("n=50&batch=2000&stop=epochs:7");
    assert_eq!(f.step(100).unwrap().step, 7);
}

#[test]
fn stop_at_loss_stops_at_the_first_record_below_the_target() {
    let mut s = session("dataset=gaussians&hidden=4&opt=adam&lr=0.05&stop=loss:0.05&seed=2");
    let st = s.step(20_000).unwrap();
    assert!(st.stopped, "{st:?}");
    let last = s.history().last().unwrap();
    assert!(last.train_loss <= 0.05);
    assert_eq!(
        last.step, st.step,
        "stops at the record that reached the target"
    );
    assert!(s.history()[..s.history().len() - 1]
        .iter()
        .all(|h| h.train_loss > 0.05));
    let before = st.step;
    assert_eq!(s.step(100).unwrap().step, before);
    let stricter = config("dataset=gaussians&hidden=4&opt=adam&lr=0.05&stop=loss:0.001&seed=2");
    s.set_live(&stricter.validate().unwrap());
    assert!(!s.stopped());
    assert!(s.step(100).unwrap().step > before);
}
