//! Data by clicking: the `pts` / `del` codecs, added points in the data and the URL, removal of the nearest
//! point, dataset switches, and sessions with 0 or 1 points that never panic.

use proptest::prelude::*;
use saddle_core::codec::{base64url_decode, base64url_encode};
use saddle_core::config::{encode_points, encode_removed, Config, StopAt};
use saddle_core::data::{AddedPoint, DataPoint, DatasetKind, PointId};
use saddle_core::features::Feature;
use saddle_core::session::Session;

fn parse(query: &str) -> Config {
    let (config, errors) = Config::from_query(query);
    assert!(errors.is_empty(), "{query}: {errors:?}");
    config
}

fn session_of(c: &Config) -> Session {
    Session::new(c.validate().expect("valid config"))
}

#[test]
fn the_point_codec_matches_the_contract_bytes() {
    // (1.23, −4.5, 1): 123 = 0x007b, −450 = 0xfe3e (i16 LE), label 1.
    let p = AddedPoint::rounded(1.23, -4.5, 1).unwrap();
    assert_eq!(encode_points(&[p]), vec![0x7b, 0x00, 0x3e, 0xfe, 0x01]);
    let mut c = parse("dataset=custom");
    c.add_point(1.23, -4.5, 1).unwrap();
    let q = c.to_query();
    let text = base64url_encode(&[0x7b, 0x00, 0x3e, 0xfe, 0x01]);
    assert!(q.contains(&format!("&pts={text}&")), "{q}");
    assert_eq!(parse(&q), c);
    // Removed indices 3, 5, 300: deltas 3, 2, 295 → LEB128 03 02 a7 02.
    assert_eq!(encode_removed(&[3, 5, 300]), vec![3, 2, 0xa7, 0x02]);
    let c = parse(&format!("del={}", base64url_encode(&[3, 2, 0xa7, 0x02])));
    assert_eq!(c.removed, vec![3, 5, 300]);
    // Empty lists are omitted from the query.
    let q = parse("").to_query();
    assert!(
        !q.contains("pts=")
            && !q.contains("del=")
            && !q.contains("edits=")
            && !q.contains("weights=")
    );
}

#[test]
fn added_points_join_the_data_and_the_query() {
    let mut c = parse("dataset=circle&n=20&seed=4");
    c.add_point(0.5, 0.25, 1).unwrap();
    c.add_point(-3.0, 2.0, 0).unwrap();
    let q = c.to_query();
    let s = session_of(&parse(&q));
    let pts = s.points();
    assert_eq!(pts.len(), 22);
    assert_eq!(s.train().len() + s.test().len(), 22);
    let added: Vec<&DataPoint> = pts
        .iter()
        .filter(|p| matches!(p.id, PointId::Added(_)))
        .collect();
    assert_eq!(added.len(), 2);
    let first = added.iter().find(|p| p.id == PointId::Added(0)).unwrap();
    assert_eq!((first.x, first.y, first.label), (0.5, 0.25, Some(1)));
    let second = added.iter().find(|p| p.id == PointId::Added(1)).unwrap();
    assert_eq!((second.x, second.y, second.label), (-3.0, 2.0, Some(0)));
    // Train points first, then test points; ids of generated points are their generation indices.
    let first_test = pts.iter().position(|p| p.test).unwrap();
    assert!(pts[first_test..].iter().all(|p| p.test));
    let mut generated: Vec<usize> = pts
        .iter()
        .filter_map(|p| match p.id {
            PointId::Generated(i) => Some(i),
            PointId::Added(_) => None,
        })
        .collect();
    generated.sort_unstable();
    assert_eq!(generated, (0..20).collect::<Vec<_>>());
    // Points are rounded to 0.01 and regression points carry their target as y.
    let mut r = parse("dataset=custom-curve");
    r.add_point(1.234, -0.5, 0).unwrap();
    let s = session_of(&r);
    let p = s.points()[0];
    assert_eq!((p.x, p.y, p.label), (1.23, -0.5, None));
}

#[test]
fn add_point_is_range_checked() {
    let mut c = parse("dataset=custom");
    for (x, y, label, part) in [
        (6.5, 0.0, 0, "[-6, 6]"),
        (0.0, -7.0, 0, "[-6, 6]"),
        (f64::NAN, 0.0, 0, "NaN"),
        (0.0, 0.0, 2, "labels 0 to 1"),
    ] {
        let e = c.add_point(x, y, label).expect_err(part);
        assert_eq!(e.field(), Some("pts"));
        assert!(e.to_string().contains(part), "{e}");
    }
    let mut r = parse("dataset=cubic");
    assert!(
        r.add_point(0.0, 4.5, 0).is_err(),
        "cubic's y range is [−4, 4]"
    );
    assert!(
        r.add_point(0.0, 0.0, 1).is_err(),
        "regression points have label 0"
    );
    r.add_point(6.0, -4.0, 0).unwrap();
    let mut k = parse("dataset=spiral-3");
    k.add_point(1.0, 1.0, 2).unwrap();
    assert!(k.add_point(1.0, 1.0, 3).is_err());
    assert!(c.added.is_empty(), "failed adds change nothing");
}

#[test]
fn remove_point_near_removes_only_the_nearest_point() {
    let mut c = parse("dataset=custom");
    for (x, y) in [(0.0, 0.0), (0.2, 0.0), (3.0, 3.0)] {
        c.add_point(x, y, 0).unwrap();
    }
    let s = session_of(&c);
    assert!(
        !c.clone().remove_point_near(&s.points(), -2.0, -2.0, 0.3),
        "none within the radius"
    );
    let mut d = c.clone();
    assert!(d.remove_point_near(&s.points(), 0.15, 0.0, 0.3));
    assert_eq!(d.added.len(), 2);
    assert_eq!(
        (d.added[0].x(), d.added[1].x()),
        (0.0, 3.0),
        "only (0.2, 0) went"
    );
    // Generated points go into `del`; the rebuilt session lacks exactly that one.
    let g = parse("dataset=xor&n=30&seed=9");
    let s = session_of(&g);
    let target = s.points()[7];
    let PointId::Generated(i) = target.id else {
        panic!("generated")
    };
    let mut g2 = g.clone();
    assert!(g2.remove_point_near(&s.points(), target.x + 0.01, target.y, 0.3));
    assert_eq!(g2.removed, vec![i]);
    assert!(g2.to_query().contains("&del="));
    let s2 = session_of(&parse(&g2.to_query()));
    let ids: Vec<PointId> = s2.points().iter().map(|p| p.id).collect();
    assert_eq!(ids.len(), 29);
    assert!(!ids.contains(&PointId::Generated(i)));
    let near = |p: &DataPoint| (p.x - target.x).hypot(p.y - target.y) < 1e-12;
    assert!(!s2.points().iter().any(near));
    // Removing again near an already removed point does nothing harmful.
    let mut g3 = g2.clone();
    assert!(!g3.remove_point_near(&[target], target.x, target.y, 0.3));
    assert_eq!(g3, g2);
}

#[test]
fn set_dataset_resets_points_and_incompatible_features() {
    let mut c = parse("dataset=circle&feat=x1,x2,x1x2");
    c.add_point(1.0, 1.0, 1).unwrap();
    c.removed = vec![2];
    c.set_dataset(DatasetKind::Cubic);
    assert!(c.validate().is_ok(), "{:?}", c.validate_all());
    assert_eq!(c.features, vec![Feature::X1]);
    assert!(c.added.is_empty() && c.removed.is_empty());
    c.set_dataset(DatasetKind::Custom);
    assert_eq!(
        c.features,
        vec![Feature::X1, Feature::X2],
        "the 1-D default becomes the 2-D default"
    );
    let mut d = parse("dataset=circle&feat=x1sq,x2sq");
    d.set_dataset(DatasetKind::Xor);
    assert_eq!(
        d.features,
        vec![Feature::X1Sq, Feature::X2Sq],
        "compatible choices stay"
    );
    d.set_dataset(DatasetKind::Spiral3);
    assert!(d.validate().is_ok(), "the head follows the task");
}

/// Every entry point a page uses, on a session that may have no data at all.
fn exercise(c: &Config) {
    let mut s = session_of(c);
    let before = s.stats();
    let after = s.step(50).expect("no divergence with 0 or 1 points");
    let grid = s.predict_grid(4, 4);
    let (xs, ys) = s.predict_curve(5);
    assert!(grid.iter().chain(&ys).all(|v| v.is_finite()));
    assert!(xs.len() == ys.len());
    let units = s.unit_grids(5);
    assert_eq!(units.len(), s.mlp().layers.len() + 1);
    assert!(s.history().iter().all(|h| h.step <= after.step));
    let _ = (before, s.points(), s.frozen_weights(), s.progress());
    s.set_weight(0, 0.5).expect("edit");
    s.step(3).expect("still fine");
    let q = s.config().to_query();
    let _ = session_of(&parse(&q)).step(10).expect("replays");
}

#[test]
fn sessions_with_zero_or_one_point_never_panic() {
    for base in ["dataset=custom", "dataset=custom-curve&head=linear-mse"] {
        for extra in [
            "",
            "&batch=1",
            "&batch=2000&stop=epochs:3",
            "&stop=loss:0.1",
            "&drop=b0.5&hidden=3,3",
        ] {
            let c = parse(&format!("{base}{extra}"));
            let mut s = session_of(&c);
            let st = s.step(10).expect("empty: no step, no divergence");
            assert_eq!(st.step, 0);
            assert!(st.train_loss.is_nan() && st.test_loss.is_nan());
            assert!(!s.stopped());
            exercise(&c);
            let mut one = c.clone();
            one.add_point(1.0, 0.5, 0).unwrap();
            let mut s = session_of(&one);
            assert_eq!((s.train().len(), s.test().len()), (1, 0));
            let st = s.step(10).expect("one point trains");
            assert!(st.train_loss.is_finite() && st.test_loss.is_nan(), "{st:?}");
            exercise(&one);
            let mut two = one.clone();
            two.add_point(-1.0, -0.5, 0).unwrap();
            exercise(&two);
        }
    }
    // Removing every generated point of a generated set leaves an empty set too.
    let mut c = parse("dataset=moons&n=10");
    c.removed = (0..10).collect();
    exercise(&c);
    c.removed = (1..10).collect();
    exercise(&c);
    assert_eq!(c.stop, StopAt::Never);
}

proptest! {
    #[test]
    fn point_and_removal_lists_round_trip_through_the_query(
        pts in prop::collection::vec((-600i16..=600, -600i16..=600, 0u8..2), 0..40),
        del in prop::collection::btree_set(0usize..2000, 0..40),
    ) {
        let mut c = parse("dataset=gaussians&n=2000");
        c.added = pts.into_iter().map(|(x, y, label)| AddedPoint { x_centi: x, y_centi: y, label }).collect();
        c.removed = del.into_iter().collect();
        prop_assert!(c.validate().is_ok(), "{:?}", c.validate_all());
        prop_assert_eq!(Config::from_query(&c.to_query()), (c.clone(), vec![]));
    }

    #[test]
    fn bytes_round_trip_through_base64url(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        let text = base64url_encode(&bytes);
        prop_assert!(text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        prop_assert_eq!(base64url_decode("pts", &text), Ok(bytes));
    }

    #[test]
    fn garbage_in_the_new_keys_never_panics(
        key in prop::sample::select(vec!["pts", "del", "edits", "weights", "feat", "stop"]),
        value in "[A-Za-z0-9_:,.=+/%-]{0,40}",
        dataset in prop::sample::select(vec!["custom", "custom-curve", "circle", "cubic", "spiral-3"]),
    ) {
        let q = format!("dataset={dataset}&n=10&{key}={value}");
        let (c, errors) = Config::from_query(&q);
        prop_assert!(c.validate().is_ok());
        prop_assert!(errors.iter().all(|e| e.field().is_some()));
        let mut s = Session::new(c.validate().unwrap());
        let _ = s.step(3);
        let _ = (s.points(), s.unit_grids(3), s.stats());
    }
}
