//! Config: defaults, the lossless URL query, validation of every field (driven by the FIELDS table), the
//! never-panicking parser, and the catalog JSON.

use proptest::prelude::*;
use proptest::sample::select;
use saddle_core::catalog::catalog_json;
use saddle_core::config::{
    default_hyper, Config, Display, FieldKind, StopAt, WeightEdit, FIELDS, MAX_SEED,
};
use saddle_core::data::{AddedPoint, DatasetKind, Task};
use saddle_core::dropout::{DropoutConfig, DropoutScaling, LayerNoise, NoiseKind};
use saddle_core::features::Feature;
use saddle_core::loss::{Head, Regularizer};
use saddle_core::mlp::{Activation, Init, Norm, Rescale};
use saddle_core::optim::OptimizerKind;
use saddle_core::registry::Keyed;
use serde_json::Value;

/// The one error of parsing `q`, which must name `field`.
fn only_error(q: &str, field: &str) -> String {
    let (c, errors) = Config::from_query(q);
    assert_eq!(errors.len(), 1, "{q}: {errors:?}");
    assert_eq!(errors[0].field(), Some(field), "{q}");
    assert!(c.validate().is_ok(), "{q}: fallback config must be valid");
    errors[0].to_string()
}

fn assert_names(msg: &str, parts: &[&str]) {
    for p in parts {
        assert!(msg.contains(p), "message {msg:?} lacks {p:?}");
    }
}

fn catalog() -> Value {
    serde_json::from_str(&catalog_json()).expect("catalog is JSON")
}

/// The keys of a catalog list such as "datasets".
fn catalog_keys(list: &str) -> Vec<String> {
    let cat = catalog();
    cat[list]
        .as_array()
        .unwrap_or_else(|| panic!("no list {list}"))
        .iter()
        .map(|e| e["key"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn the_default_validates_and_has_the_documented_query() {
    let c = Config::default();
    let v = c.validate().expect("default is valid");
    assert_eq!(*v, c);
    assert_eq!(
        c.to_query(),
        "seed=1&dataset=circle&n=400&noise=0.1&test=0.5&feat=x1,x2&hidden=4,2&act=tanh&head=sigmoid-bce\
         &init=glorot&drop=none&dscale=inverted&reg=none&lambda=0.001&opt=sgd&batch=10&stop=none&lr=0.03"
    );
    assert_eq!(Config::from_query(&c.to_query()), (c.clone(), vec![]));
    for empty in ["", "#", "?", "#?", "&&", "  "] {
        assert_eq!(Config::from_query(empty), (c.clone(), vec![]), "{empty:?}");
    }
}

#[test]
fn validate_rejects_every_out_of_range_number_with_field_range_and_value() {
    let mut checked = 0;
    for f in FIELDS
        .iter()
        .filter(|f| matches!(f.kind, FieldKind::Int | FieldKind::Float))
    {
        let (lo, hi) = (f.min.unwrap(), f.max.unwrap());
        let mut bad = vec![hi + 1.0];
        if f.kind == FieldKind::Float {
            bad.extend([
                lo - 0.01,
                hi + 0.01,
                f64::NAN,
                f64::INFINITY,
                f64::NEG_INFINITY,
            ]);
        } else if lo > 0.0 {
            bad.push(lo - 1.0);
        }
        for v in bad {
            let mut c = Config::default();
            assert!(f.set_number_unchecked(&mut c, v));
            let shown = f.write(&c);
            let err = c
                .validate()
                .expect_err(&format!("{} = {shown} must be rejected", f.key));
            assert_eq!(err.field(), Some(f.key));
            assert_names(&err.to_string(), &[f.key, &f.range_text(), &shown]);
            assert_eq!(c.validate_all().len(), 1);
            let msg = only_error(&format!("{}={shown}", f.key), f.key);
            assert_names(&msg, &[f.key, &f.range_text(), &shown]);
            checked += 1;
        }
        for text in ["abc", "1.5.1", "", "0x10"] {
            assert_names(
                &only_error(&format!("{}={text}", f.key), f.key),
                &[f.key, &f.range_text()],
            );
        }
    }
    assert!(checked >= 20);
}

#[test]
fn every_field_rejects_a_wrong_value_in_the_query() {
    for f in FIELDS {
        let cases: Vec<(&str, Vec<String>)> = match f.kind {
            FieldKind::Int => vec![("-1", vec![f.range_text()]), ("1.5", vec![f.range_text()])],
            FieldKind::Float => vec![("NaN", vec![f.range_text()]), ("inf", vec![f.range_text()])],
            FieldKind::Choice | FieldKind::ChoiceList => {
                vec![("bogus", catalog_keys(f.choices.unwrap()))]
            }
            FieldKind::IntList => vec![
                ("0", vec!["[1, 256]".into()]),
                ("4,257", vec!["257".into(), "[1, 256]".into()]),
                ("1,1,1,1,1,1,1", vec!["7 layers".into(), "at most 6".into()]),
                ("4,x", vec!["x".into()]),
                ("4,,2", vec![]),
            ],
            FieldKind::NoiseList => vec![
                ("b0", vec!["(0, 1]".into()]),
                ("b1.5", vec!["(0, 1]".into()]),
                ("bNaN", vec!["(0, 1]".into()]),
                ("g-1", vec!["[0, 2]".into()]),
                ("g3", vec!["[0, 2]".into()]),
                ("q0.5", vec!["(0, 1]".into(), "[0, 2]".into()]),
                ("none,none", vec!["2 values".into(), "3".into()]),
            ],
            FieldKind::Stop => vec![
                ("epochs:0", vec!["[1, 1000000]".into()]),
                ("loss:0", vec!["(0, 1000]".into()]),
                ("loss:NaN", vec!["(0, 1000]".into()]),
                ("later", vec!["epochs:N".into(), "loss:L".into()]),
            ],
            FieldKind::Rescale => vec![
                ("0", vec!["[0.01, 100]".into()]),
                ("random:3", vec!["[0, 2]".into()]),
                ("twice", vec!["none".into(), "random:σ".into()]),
                // The default network is tanh: a node rescaling would change its function.
                (
                    "2",
                    vec!["tanh".into(), "hidden layer 1".into(), "bn=hidden".into()],
                ),
            ],
            FieldKind::Bool => vec![
                ("yes", vec!["true or false".into()]),
                ("2", vec!["true or false".into()]),
            ],
            FieldKind::Encoded => match f.key {
                "edits" => vec![
                    ("0:0:200", vec!["100".into()]),
                    ("0:99999:1", vec!["[0, 24]".into()]),
                    ("1:x:2", vec!["step:index:value".into()]),
                    ("5:0:1,2:0:1", vec!["step order".into()]),
                ],
                "weights" => vec![
                    ("AAAAAA", vec!["1 values".into(), "25 parameters".into()]),
                    ("A", vec![]),
                ],
                "pts" => vec![
                    ("AAAA", vec!["5-byte".into()]),
                    ("A@", vec!["base64url".into()]),
                ],
                // LEB128 of 400, one past the last generated index; a truncated number.
                _ => vec![
                    ("kAM", vec!["[0, 399]".into(), "400".into()]),
                    ("-_8", vec![]),
                ],
            },
        };
        for (text, parts) in cases {
            let msg = only_error(&format!("{}={text}", f.key), f.key);
            let mut want = vec![f.key.to_string()];
            // Encoded values are echoed decoded (an index, a count) where that says more.
            if !text.contains(',') && f.kind != FieldKind::Encoded {
                want.push(text.to_string());
            }
            want.extend(parts);
            assert_names(&msg, &want.iter().map(String::as_str).collect::<Vec<_>>());
        }
    }
}

#[test]
fn validate_rejects_bad_lists_heads_and_hyperparameters() {
    let check = |edit: &dyn Fn(&mut Config), field: &str, parts: &[&str]| {
        let mut c = Config::default();
        edit(&mut c);
        let err = c.validate().expect_err(field);
        assert_eq!(err.field(), Some(field), "{err}");
        assert_names(&err.to_string(), parts);
    };
    check(
        &|c| c.hidden = vec![4, 0],
        "hidden",
        &["hidden", "[1, 256]", "0"],
    );
    check(
        &|c| c.hidden = vec![4, 257],
        "hidden",
        &["hidden", "[1, 256]", "257"],
    );
    check(
        &|c| c.activations = vec![Activation::Relu],
        "act",
        &["act", "1 values", "2"],
    );
    check(
        &|c| {
            c.dropout.layers.pop();
        },
        "drop",
        &["drop", "2 values", "3"],
    );
    let bern = |p| LayerNoise {
        kind: NoiseKind::Bernoulli,
        keep_prob: p,
        sigma: 0.0,
    };
    let gauss = |s| LayerNoise {
        kind: NoiseKind::Gaussian,
        keep_prob: 1.0,
        sigma: s,
    };
    for (layer, parts) in [
        (bern(0.0), ["(0, 1]", "b0"]),
        (bern(1.5), ["(0, 1]", "b1.5"]),
        (bern(f64::NAN), ["(0, 1]", "bNaN"]),
        (gauss(-0.5), ["[0, 2]", "g-0.5"]),
        (gauss(2.5), ["[0, 2]", "g2.5"]),
        (
            LayerNoise {
                sigma: 0.3,
                ..bern(0.5)
            },
            ["bernoulli", "sigma"],
        ),
        (
            LayerNoise {
                keep_prob: 0.5,
                ..LayerNoise::NONE
            },
            ["none", "keep_prob"],
        ),
    ] {
        check(&|c| c.dropout.layers[1] = layer, "drop", &parts);
    }
    check(
        &|c| c.head = Head::SoftmaxCe,
        "head",
        &[
            "head",
            "softmax-ce",
            "binary",
            "sigmoid-bce, tanh-mse, linear-mse",
        ],
    );
    check(
        &|c| {
            c.dataset = DatasetKind::Cubic;
            c.features = vec![Feature::X1];
        },
        "head",
        &["sigmoid-bce", "regression", "linear-mse"],
    );
    check(
        &|c| c.dataset = DatasetKind::Cubic,
        "feat",
        &["feat", "x2", "cubic", "x1, x1sq, sin1, cos1"],
    );
    check(&|c| c.features.clear(), "feat", &["at least one"]);
    check(
        &|c| c.features = vec![Feature::X2, Feature::X1],
        "feat",
        &["order"],
    );
    check(
        &|c| {
            c.dataset = DatasetKind::Custom;
            c.removed = vec![3];
        },
        "del",
        &["del", "custom generates no points", "3"],
    );
    check(
        &|c| c.added = vec![AddedPoint::rounded(0.5, 6.5, 0).unwrap()],
        "pts",
        &["pts", "[-6, 6]", "(0.5, 6.5)"],
    );
    check(
        &|c| c.added = vec![AddedPoint::rounded(0.5, 0.5, 2).unwrap()],
        "pts",
        &["pts", "labels 0 to 1", "label 2"],
    );
    check(
        &|c| {
            c.hyper.insert("momentum".into(), 0.9);
        },
        "momentum",
        &["momentum", "sgd", "lr"],
    );
    for &opt in OptimizerKind::ALL.iter().filter(|o| o.on_networks()) {
        for p in opt.hyperparams() {
            let below = if p.min_inclusive { p.min - 0.01 } else { p.min };
            for v in [below, p.max + 0.01, f64::NAN] {
                let mut c = Config::default();
                c.set_optimizer(opt);
                c.hyper.insert(p.name.into(), v);
                // Numbers name their interval, choices their keys (the query of a choice is its key).
                let range = p.allowed();
                let err = c.validate().expect_err(p.name);
                assert_names(&err.to_string(), &[p.name, &range, &format!("{v}")]);
                let msg = only_error(&format!("opt={opt}&{}={v}", p.name), p.name);
                assert_names(&msg, &[p.name, &range, &format!("{v}")]);
            }
        }
    }
}

#[test]
fn validate_all_reports_every_problem_in_query_order() {
    let c = Config {
        noise: -1.0,
        batch_size: 0,
        hidden: vec![4, 2, 300],
        ..Config::default()
    };
    let fields: Vec<String> = c
        .validate_all()
        .iter()
        .map(|e| e.field().unwrap().to_string())
        .collect();
    assert_eq!(fields, ["noise", "hidden", "act", "drop", "batch"]);
    assert_eq!(c.validate().unwrap_err().field(), Some("noise"));
}

#[test]
fn missing_hyperparameters_are_filled_by_validate() {
    let c = Config {
        optimizer: OptimizerKind::Adam,
        hyper: Default::default(),
        ..Config::default()
    };
    let v = c.validate().expect("missing names take defaults");
    assert_eq!(v.hyper, default_hyper(OptimizerKind::Adam));
    assert!(c
        .to_query()
        .ends_with("opt=adam&batch=10&stop=none&lr=0.01&beta1=0.9&beta2=0.999&eps=0.00000001"));
}

#[test]
fn context_defaults_single_values_and_the_dataset_head_rule() {
    let parse = |q: &str| {
        let (c, e) = Config::from_query(q);
        assert!(e.is_empty(), "{q}: {e:?}");
        c
    };
    let c = parse("dataset=spiral-3");
    assert_eq!(c.head, Head::SoftmaxCe);
    assert_eq!((c.mlp_spec().input_dim, c.mlp_spec().output_dim), (2, 3));
    let c = parse("dataset=sine-gap&hidden=8,8,8");
    assert_eq!(
        (c.head, c.activations.len(), c.dropout.layers.len()),
        (Head::LinearMse, 3, 4)
    );
    assert_eq!((c.mlp_spec().input_dim, c.mlp_spec().output_dim), (1, 1));
    assert_eq!(parse("dataset=xor&head=tanh-mse").head, Head::TanhMse);
    let c = parse("hidden=3,3,3&act=relu&drop=b0.5");
    assert_eq!(c.activations, vec![Activation::Relu; 3]);
    let b = LayerNoise {
        kind: NoiseKind::Bernoulli,
        keep_prob: 0.5,
        sigma: 0.0,
    };
    assert_eq!(c.dropout.layers, vec![LayerNoise::NONE, b, b, b]);
    assert!(c.to_query().contains("&act=relu&") && c.to_query().contains("&drop=b0.5&"));
    let c = parse("hidden=&act=&drop=g0.3");
    assert!(c.hidden.is_empty() && c.activations.is_empty());
    assert_eq!(c.dropout.layers[0].sigma, 0.3);
    assert!(parse("hidden=&act=relu").activations.is_empty());
    let c = parse("hidden=2,3&act=relu,sigmoid&drop=b0.8,b0.5,none");
    assert!(
        c.to_query().contains("&act=relu,sigmoid&")
            && c.to_query().contains("&drop=b0.8,b0.5,none&")
    );
    let c = parse("opt=adamw&lr=0.1");
    assert_eq!(c.hyper.len(), 5 + saddle_core::optim::SHARED.len());
    assert_eq!(c.hyper["lr"], 0.1);

    let msg = only_error("dataset=cubic&head=sigmoid-bce", "head");
    assert_names(&msg, &["sigmoid-bce", "cubic", "linear-mse"]);
    assert_eq!(
        Config::from_query("dataset=cubic&head=sigmoid-bce").0.head,
        Head::LinearMse
    );
    let (c, _) = Config::from_query("hidden=5,5,5&act=relu,relu");
    assert_eq!(
        c.activations,
        vec![Activation::Tanh; 3],
        "bad act falls back to tanh per layer"
    );
}

#[test]
fn unknown_repeated_and_foreign_keys_are_reported() {
    assert_names(
        &only_error("lamda=0.1", "lamda"),
        &["unknown key", "lambda"],
    );
    assert_names(
        &only_error("opt=sgd&momentum=0.5", "momentum"),
        &["sgd", "lr"],
    );
    let msg = only_error("n=20&n=30", "n");
    assert_names(&msg, &["more than once"]);
    assert_eq!(Config::from_query("n=20&n=30").0.samples, 20);
    let long = "x".repeat(10_000);
    let (_, e) = Config::from_query(&format!("{long}={long}&n={long}"));
    assert_eq!(e.len(), 2);
    assert!(
        e.iter().all(|e| e.to_string().len() < 400),
        "echoed values are cut"
    );
}

#[test]
fn percent_encoded_queries_decode() {
    let (c, e) =
        Config::from_query("#hidden=4%2C2%2C1&act=relu%2Ctanh%2Crelu&dataset=%73piral&bad%=%zz");
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(e[0].field(), Some("bad%"));
    assert_eq!(c.hidden, vec![4, 2, 1]);
    assert_eq!(c.dataset, DatasetKind::Spiral);
    assert_eq!(
        c.activations,
        vec![Activation::Relu, Activation::Tanh, Activation::Relu]
    );
    assert_eq!(
        Config::from_query("?seed=%E2%82%AC").1.len(),
        1,
        "non-ASCII decodes and is rejected"
    );
}

#[test]
fn tiny_and_extreme_values_round_trip() {
    let mut c = Config {
        seed: MAX_SEED,
        lambda: 1e-300,
        noise: 0.1 + 0.2,
        ..Config::default()
    };
    c.hyper.insert("lr".into(), 5e-324);
    let v = c.validate().expect("valid");
    assert_eq!(Config::from_query(&v.to_query()), (c, vec![]));
}

#[test]
fn the_catalog_lists_every_registry_entry_in_the_contract_shape() {
    fn keys<T: Keyed>() -> Vec<String> {
        T::ALL.iter().map(|v| v.key().to_string()).collect()
    }
    assert_eq!(catalog_keys("datasets"), keys::<DatasetKind>());
    assert_eq!(catalog_keys("activations"), keys::<Activation>());
    assert_eq!(catalog_keys("inits"), keys::<Init>());
    assert_eq!(catalog_keys("heads"), keys::<Head>());
    assert_eq!(catalog_keys("regularizers"), keys::<Regularizer>());
    assert_eq!(catalog_keys("noiseKinds"), keys::<NoiseKind>());
    assert_eq!(catalog_keys("dropoutScalings"), keys::<DropoutScaling>());
    assert_eq!(catalog_keys("optimizers"), keys::<OptimizerKind>());
    assert_eq!(
        catalog_keys("fields"),
        FIELDS.iter().map(|f| f.key.to_string()).collect::<Vec<_>>()
    );
    let cat = catalog();
    assert_eq!(cat["defaultQuery"], Config::default().to_query());
    for (d, &kind) in cat["datasets"]
        .as_array()
        .unwrap()
        .iter()
        .zip(DatasetKind::ALL)
    {
        assert_eq!(d["task"], kind.task().key());
        assert_eq!(d["inputDim"], kind.input_dim());
        assert_eq!(d["classes"], serde_json::json!(kind.task().classes()));
        assert_eq!(d["domain"].as_array().unwrap().len(), 4);
        assert!(d["label"].is_string() && d["doc"].is_string());
    }
    for h in cat["heads"].as_array().unwrap() {
        assert!(!h["tasks"].as_array().unwrap().is_empty(), "{h}");
    }
    for (o, &kind) in cat["optimizers"]
        .as_array()
        .unwrap()
        .iter()
        .zip(OptimizerKind::ALL)
    {
        let names: Vec<&str> = o["hyperparams"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert_eq!(
            names,
            kind.hyperparams()
                .iter()
                .map(|p| p.name)
                .collect::<Vec<_>>()
        );
        for p in o["hyperparams"].as_array().unwrap() {
            for k in ["label", "default", "min", "max", "minInclusive", "doc"] {
                assert!(!p[k].is_null(), "{k} in {p}");
            }
        }
    }
    let kinds = [
        "int",
        "float",
        "choice",
        "int-list",
        "choice-list",
        "noise-list",
        "stop",
        "encoded",
        "rescale",
        "bool",
    ];
    for f in cat["fields"].as_array().unwrap() {
        assert!(kinds.contains(&f["kind"].as_str().unwrap()), "{f}");
        if let Some(list) = f["choices"].as_str() {
            assert!(cat[list].is_array(), "choices {list} names a catalog list");
        }
        let q = format!(
            "{}={}",
            f["key"].as_str().unwrap(),
            f["default"].as_str().unwrap()
        );
        assert_eq!(Config::from_query(&q), (Config::default(), vec![]), "{q}");
        assert!(f["label"].is_string() && f["doc"].is_string());
    }
}

fn pick<T: Keyed + std::fmt::Debug>() -> impl Strategy<Value = T> {
    select(T::ALL)
}

fn layer_noise() -> impl Strategy<Value = LayerNoise> {
    prop_oneof![
        Just(LayerNoise::NONE),
        (0.0..1.0f64).prop_map(|u| LayerNoise {
            kind: NoiseKind::Bernoulli,
            keep_prob: 1.0 - u,
            sigma: 0.0
        }),
        (0.0..=2.0f64).prop_map(|s| LayerNoise {
            kind: NoiseKind::Gaussian,
            keep_prob: 1.0,
            sigma: s
        }),
    ]
}

/// Raw draws for the data-side and network-state fields; `extras` turns them into valid values for a config.
type ExtraDraws = (
    u16,
    Vec<(f64, f64, u8)>,
    Vec<f64>,
    StopAt,
    Vec<(u64, f64, f32)>,
    Option<u64>,
);

fn extra_draws() -> impl Strategy<Value = ExtraDraws> {
    let stop = prop_oneof![
        Just(StopAt::Never),
        (1u64..=1_000_000).prop_map(StopAt::Epochs),
        (1e-9..=1000.0f64).prop_map(StopAt::Loss),
    ];
    (
        any::<u16>(),
        prop::collection::vec((0.0..=1.0f64, 0.0..=1.0f64, any::<u8>()), 0..12),
        prop::collection::vec(0.0..1.0f64, 0..8),
        stop,
        prop::collection::vec((0u64..5000, 0.0..1.0f64, -100.0..=100.0f32), 0..6),
        prop::option::of(any::<u64>()),
    )
}

/// Fills features, points, removals, stop, edits and (for small networks) frozen weights of `c` from draws.
fn extras(c: &mut Config, draws: ExtraDraws) {
    let (mask, points, removed, stop, edits, weights) = draws;
    let dim = c.dataset.input_dim();
    c.features = Feature::ALL
        .iter()
        .enumerate()
        .filter(|&(i, f)| mask & (1 << i) != 0 && f.valid_for(dim))
        .map(|(_, &f)| f)
        .collect();
    if c.features.is_empty() {
        c.features = saddle_core::features::defaults(dim);
    }
    let [x0, x1, y0, y1] = c.dataset.domain();
    let labels = match c.dataset.task() {
        Task::Regression => 1,
        t => t.classes().unwrap() as u8,
    };
    c.added = points
        .into_iter()
        .map(|(u, v, l)| {
            AddedPoint::rounded(x0 + u * (x1 - x0), y0 + v * (y1 - y0), l % labels).unwrap()
        })
        .collect();
    let generated = c.dataset.generated_count(c.samples);
    c.removed = removed
        .into_iter()
        .map(|u| (u * generated as f64) as usize)
        .filter(|&i| i < generated)
        .collect();
    c.removed.sort_unstable();
    c.removed.dedup();
    c.stop = stop;
    let count = c.param_count();
    c.edits = edits
        .into_iter()
        .map(|(step, u, value)| WeightEdit {
            step,
            index: ((u * count as f64) as usize).min(count - 1),
            value,
        })
        .collect();
    c.edits.sort_by_key(|e| e.step);
    c.weights = match weights {
        // Arbitrary finite bit patterns (subnormals, −0) must survive the query bitwise.
        Some(seed) if count <= 400 => (0..count as u64)
            .map(|i| {
                let bits = (seed ^ i.wrapping_mul(0x9E37_79B9_7F4A_7C15))
                    .wrapping_mul(0xD6E8_FEB8_6659_FD93);
                let w = f32::from_bits((bits >> 32) as u32);
                if w.is_finite() {
                    w
                } else {
                    0.5
                }
            })
            .collect(),
        _ => Vec::new(),
    };
}

/// Whether the optimizer may train this network: not a surfaces-only one, and the natural gradient only on
/// small networks without bn (the `opt` field's rules).
fn optimizer_fits(c: &Config) -> bool {
    let kind = c.optimizer;
    kind.on_networks()
        && (!kind.needs_per_sample_grads()
            || (c.param_count() <= saddle_core::optim::MAX_NATURAL_PARAMS && c.norm == Norm::None))
}

prop_compose! {
    fn valid_config()(
        base in (0..=MAX_SEED, pick::<DatasetKind>(), 10usize..=2000, 0.0..=1.0f64, 0.1..=0.9f64, 1usize..=2000),
        hidden in prop::collection::vec(1usize..=256, 0..=6),
        choices in (pick::<Init>(), pick::<DropoutScaling>(), pick::<Regularizer>(), 0.0..=1.0f64, pick::<OptimizerKind>()),
    )(
        acts in prop::collection::vec(pick::<Activation>(), hidden.len()),
        same_act in any::<bool>(),
        head in select(base.1.task().heads()),
        layers in prop::collection::vec(layer_noise(), hidden.len() + 1),
        hyper in choices.4.hyperparams().iter().map(|p| {
            let lo = if p.min_inclusive { p.min } else { p.min + 1e-12 };
            // A choice's value is a whole index.
            let whole = p.is_choice();
            (lo..=p.max).prop_map(move |v| (p.name.to_string(), if whole { v.round() } else { v }))
        }).collect::<Vec<_>>(),
        draws in extra_draws(),
        reparam in reparam_draws(),
        display in (any::<bool>(), any::<bool>(), any::<bool>()),
        base in Just(base), hidden in Just(hidden), choices in Just(choices),
    ) -> Config {
        let (seed, dataset, samples, noise, test_fraction, batch_size) = base;
        let (init, scaling, regularizer, lambda, optimizer) = choices;
        let activations = if same_act && !acts.is_empty() { vec![acts[0]; acts.len()] } else { acts };
        let mut c = Config {
            seed, dataset, samples, noise, test_fraction, hidden, activations, head, init,
            dropout: DropoutConfig { layers, scaling }, regularizer, lambda, optimizer,
            hyper: hyper.into_iter().collect(), batch_size,
            ..Config::default()
        };
        reparam_fields(&mut c, reparam);
        extras(&mut c, draws);
        if !optimizer_fits(&c) {
            c.set_optimizer(OptimizerKind::Sgd);
        }
        let (test_points, discretize, legend) = display;
        c.display = Display { test_points, discretize, legend };
        c
    }
}

/// Draws for `bn`, `rescale` and `wnoise` (0 half the time, so the omitted default is covered too).
fn reparam_draws() -> impl Strategy<Value = (bool, Rescale, f64)> {
    let rescale = prop_oneof![
        Just(Rescale::None),
        (0.01..=100.0f64).prop_map(Rescale::Uniform),
        (0.0..=2.0f64).prop_map(Rescale::Random),
    ];
    let wnoise = prop_oneof![Just(0.0), 0.0..=1.0f64];
    (any::<bool>(), rescale, wnoise)
}

/// Sets `bn`, `wnoise` and, where it is valid (normalized, or homogeneous activations), `rescale`.
fn reparam_fields(c: &mut Config, (bn, rescale, wnoise): (bool, Rescale, f64)) {
    c.norm = if bn { Norm::Hidden } else { Norm::None };
    c.weight_noise = wnoise;
    let homogeneous = c.activations.iter().all(|a| a.is_positively_homogeneous());
    c.rescale = if bn || homogeneous {
        rescale
    } else {
        Rescale::None
    };
}

fn soup() -> impl Strategy<Value = String> {
    let mut keys: Vec<String> = FIELDS.iter().map(|f| f.key.to_string()).collect();
    keys.extend(
        [
            "lr",
            "momentum",
            "beta1",
            "eps",
            "rho",
            "weight_decay",
            "",
            "x",
            "%",
            "=",
            "&",
        ]
        .map(String::from),
    );
    let mut values: Vec<String> = [
        "0",
        "1",
        "-1",
        "0.5",
        "1e400",
        "NaN",
        "b0.5",
        "g0.3",
        "none",
        "4,2",
        "",
        ",",
        "%2C",
        "%",
        "x1,x2",
        "x2,x1sq",
        "sin1",
        "x1,x1",
        "AAAAAAA",
        "kAM",
        "AQID",
        "0:1:0.5",
        "3:2:1,1:0:0",
        "epochs:3",
        "loss:0.1",
    ]
    .map(String::from)
    .to_vec();
    values.extend(catalog_keys("datasets"));
    values.extend(catalog_keys("optimizers"));
    values.extend(catalog_keys("heads"));
    values.extend(catalog_keys("activations"));
    let value = prop_oneof![select(values), "[a-z0-9.,%+=#?&-]{0,12}", ".{0,8}"];
    prop::collection::vec((select(keys), value), 0..24).prop_map(|pairs| {
        pairs
            .into_iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&")
    })
}

proptest! {
    #[test]
    fn valid_configs_round_trip_through_the_query(c in valid_config()) {
        prop_assert!(c.validate().is_ok(), "{:?}", c.validate_all());
        prop_assert_eq!(Config::from_query(&c.to_query()), (c.clone(), vec![]));
    }

    #[test]
    fn from_query_never_panics_on_any_string(q in ".*") {
        let (c, _) = Config::from_query(&q);
        prop_assert!(c.validate().is_ok());
    }

    #[test]
    fn from_query_never_panics_on_key_value_soups(q in soup()) {
        let (c, errors) = Config::from_query(&q);
        prop_assert!(c.validate().is_ok(), "{}: {:?}", q, c.validate_all());
        prop_assert!(errors.iter().all(|e| e.field().is_some()));
        // The canonical query of the result is itself error-free and stable.
        let canonical = c.to_query();
        prop_assert_eq!(Config::from_query(&canonical), (c, vec![]));
    }
}

/// The display options (`test-points`, `discretize`, `legend`) ride in the query, each left out at its default,
/// accept true/false or 1/0 and name themselves in errors; they never touch anything else.
#[test]
fn display_options_are_omitted_at_their_defaults_and_round_trip() {
    let q = Config::default().to_query();
    for key in ["test-points", "discretize", "legend"] {
        assert!(!q.contains(key), "{key} omitted at its default: {q}");
    }
    let (c, errors) = Config::from_query("discretize=true&legend=1&test-points=false");
    assert!(errors.is_empty(), "{errors:?}");
    let want = Display {
        test_points: false,
        discretize: true,
        legend: true,
    };
    assert_eq!(c.display, want);
    assert_eq!(
        Config {
            display: Display::default(),
            ..c.clone()
        },
        Config::default(),
        "display only"
    );
    let q = c.to_query();
    assert!(
        q.contains("&stop=none&test-points=false&discretize=true&legend=true&"),
        "after stop, before the hyperparameters: {q}"
    );
    assert_eq!(Config::from_query(&q), (c, vec![]));
    // Toggling one option changes only its key.
    let mut d = Config::default();
    d.display.legend = true;
    let plain = Config::default().to_query();
    assert_eq!(
        d.to_query(),
        plain.replace("&stop=none&", "&stop=none&legend=true&")
    );
    let (bad, errors) = Config::from_query("legend=yes");
    assert_eq!(bad, Config::default());
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].field(), Some("legend"));
    assert!(
        errors[0].to_string().contains("true or false"),
        "{}",
        errors[0]
    );
}
