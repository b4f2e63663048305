//! The Optimizers lab's URL state: an exact round trip for every surface, errors that name the field, the range and
//! the bad value, field-by-field fallbacks, and garbage that never panics.

use saddle_core::optim::OptimizerKind;
use saddle_core::registry::Keyed;
use saddle_core::session::Racer;
use saddle_core::surfaces::{racer_label, SurfaceKind, SurfaceSpec, PRESETS};

#[test]
fn round_trip_is_exact() {
    let mut adam = Racer::with_defaults(OptimizerKind::Adam);
    adam.hyper.insert("lr".into(), 0.05);
    let s = SurfaceSpec {
        surface: SurfaceKind::Quadratic,
        params: vec![250.0, -12.5],
        start: [1.25, -0.1],
        reparam: [0.5, 0.0, 0.25, 2.0],
        racers: vec![Racer::with_defaults(OptimizerKind::Sgd), adam],
        noise: 0.3,
        seed: 42,
        speed: 17,
        cloud: true,
    };
    let q = s.to_query();
    assert_eq!(
        q,
        "surface=quadratic&kappa=250&angle=-12.5&start=1.25,-0.1&reparam=0.5,0,0.25,2&racers=sgd,adam/lr:0.05&noise=0.3&seed=42&spf=17&cloud=1"
    );
    assert_eq!(SurfaceSpec::from_query(&q), (s.clone(), Vec::new()));
    assert_eq!(SurfaceSpec::parse(&format!("lab=optimizers&{q}")), Ok(s));
    for &k in SurfaceKind::ALL {
        let d = SurfaceSpec::for_surface(k);
        assert_eq!(SurfaceSpec::parse(&d.to_query()), Ok(d.clone()), "{k}");
        // Only the surface given: its defaults.
        assert_eq!(SurfaceSpec::parse(&format!("surface={k}")), Ok(d), "{k}");
    }
    assert_eq!(
        SurfaceSpec::from_query(""),
        (SurfaceSpec::default(), Vec::new())
    );
    // Irrational entries survive the trip (shortest round-trip formatting).
    let r = SurfaceSpec {
        reparam: PRESETS[3].a,
        ..SurfaceSpec::default()
    };
    assert_eq!(SurfaceSpec::parse(&r.to_query()), Ok(r));
}

fn message(q: &str) -> (Option<String>, String) {
    match SurfaceSpec::parse(q) {
        Ok(_) => (None, String::new()),
        Err(e) => (e.field().map(String::from), e.to_string()),
    }
}

#[test]
fn errors_name_the_field_the_range_and_the_value() {
    let cases = [
        (
            "kappa=0.5",
            "kappa",
            "kappa: 0.5 is out of range; allowed [1, 10000]",
        ),
        (
            "angle=abc",
            "angle",
            "angle: abc is out of range; allowed [-180, 180]",
        ),
        ("surface=bowl", "surface", "surface: unknown value \"bowl\""),
        (
            "start=9,0",
            "start",
            "start: 9,0 is out of range; allowed x in [-3, 3] and y in [-3, 3]",
        ),
        (
            "start=1",
            "start",
            "start: cannot read \"1\" (expected two numbers x,y)",
        ),
        ("reparam=1,2,2,4", "reparam", "is singular"),
        ("reparam=1,0,0", "reparam", "expected four numbers"),
        (
            "racers=sgd,warp",
            "racers",
            "racers: racer 2: unknown optimizer \"warp\"",
        ),
        (
            "racers=adam/lr:99",
            "racers",
            "racers: racer 1 (adam): lr: 99 is out of range; allowed (0, 10]",
        ),
        (
            "racers=sgd/beta1:0.5",
            "racers",
            "\"beta1\" is not a hyperparameter of sgd",
        ),
        ("racers=sgd,sgd,sgd,sgd,sgd,sgd,sgd", "racers", "at most 6"),
        (
            "noise=-1",
            "noise",
            "noise: -1 is out of range; allowed [0, 100]",
        ),
        ("spf=0", "spf", "spf: 0 is out of range; allowed 1 to 1000"),
        ("seed=-3", "seed", "seed: -3 is out of range"),
        (
            "cloud=maybe",
            "cloud",
            "cloud: maybe is out of range; allowed 0 or 1",
        ),
        (
            "b=50",
            "b",
            "b: a parameter of rosenbrock, not of quadratic",
        ),
        ("zoom=2", "zoom", "zoom: unknown key; allowed: surface"),
        ("seed=1&seed=2", "seed", "given more than once"),
        (
            "surface=double-well&tilt=2",
            "tilt",
            "tilt: 2 is out of range; allowed [-1.5, 1.5]",
        ),
    ];
    for (q, field, text) in cases {
        let (f, m) = message(q);
        assert_eq!(f.as_deref(), Some(field), "{q}: {m}");
        assert!(m.contains(text), "{q}: {m}");
    }
}

#[test]
fn bad_fields_fall_back_and_the_rest_is_kept() {
    let (s, errors) = SurfaceSpec::from_query(
        "surface=rosenbrock&b=5000&start=0.5,0.5&racers=adam/lr:99/beta1:0.5,nope&seed=7",
    );
    assert_eq!(errors.len(), 3, "{errors:?}");
    assert_eq!(s.surface, SurfaceKind::Rosenbrock);
    assert_eq!(s.params, vec![100.0]);
    assert_eq!(s.start, [0.5, 0.5]);
    assert_eq!(s.racers.len(), 1);
    assert_eq!(s.racers[0].hyper.get("beta1"), Some(&0.5));
    assert_eq!(s.racers[0].hyper.get("lr"), Some(&0.01));
    assert_eq!(s.seed, 7);
    assert!(s.validate().is_ok());
}

#[test]
fn garbage_never_panics_and_gives_a_valid_spec() {
    for q in [
        "",
        "&&&",
        "=",
        "surface",
        "racers=",
        "racers=,,,",
        "racers=/:/",
        "start=,",
        "start=NaN,1",
        "reparam=inf,0,0,1",
        "reparam=0,0,0,0",
        "%zz=%ff",
        "\u{0}\u{feff}=\u{0}",
        "spf=99999999999999",
        "kappa=1e400",
        "racers=adam/lr:/x:y:z",
    ] {
        let (s, _) = SurfaceSpec::from_query(q);
        assert!(s.validate().is_ok(), "{q}");
        assert_eq!(
            SurfaceSpec::from_query(&s.to_query()),
            (s.clone(), Vec::new()),
            "{q}"
        );
    }
}

#[test]
fn labels_show_non_default_hyperparameters() {
    let mut r = Racer::with_defaults(OptimizerKind::Adam);
    assert_eq!(racer_label(&r), "Adam");
    r.hyper.insert("lr".into(), 0.05);
    assert_eq!(racer_label(&r), "Adam, lr 0.05");
}

#[test]
fn racers_take_choice_hyperparameters_and_the_joint_checks() {
    let (s, errors) =
        SurfaceSpec::from_query("racers=sgd/schedule:cosine/horizon:500,sgd/temperature:0.25");
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(s.racers[0].hyper["schedule"], 3.0);
    assert!(s
        .to_query()
        .contains("racers=sgd/schedule:cosine/horizon:500,sgd/temperature:0.25"));
    // M = [[1, 5], [5, 1]] is not positive definite: the error names the racer and the reason.
    let (s, errors) = SurfaceSpec::from_query("racers=mahalanobis/m12:5");
    let msg = errors
        .iter()
        .map(|e| e.to_string())
        .collect::<Vec<_>>()
        .join("; ");
    assert!(msg.contains("racer 1") && msg.contains("positive"), "{msg}");
    assert_eq!(s.racers.len(), 1, "the racer falls back to valid defaults");
    assert!(s.validate().is_ok());
    let (_, errors) = SurfaceSpec::from_query("racers=adam/schedule:linear");
    let msg = errors
        .iter()
        .map(|e| e.to_string())
        .collect::<Vec<_>>()
        .join("; ");
    assert!(msg.contains("cosine") && msg.contains("linear"), "{msg}");
}
