//! Rescaling hidden units of ReLU networks (the notes: f(Aw) = f(w) but ∂f(Aw)/∂w ≠ ∂f(w)/∂w): the function
//! stays for ReLU, leaky ReLU and linear units and changes for tanh; every gradient component follows the
//! predicted factor; the report; and the `rescale` config key on sessions.

use saddle_core::config::Config;
use saddle_core::dropout::DropoutConfig;
use saddle_core::loss::{Head, Regularizer};
use saddle_core::mlp::{rescale_report, Activation, Init, Mlp, MlpSpec, Rescale};
use saddle_core::rng::{normal, seeded};
use saddle_core::session::{stream, Session};
use saddle_core::Matrix;

/// A 2-5-4-1 network (nonzero biases) and a batch of 40 samples.
fn problem(act: Activation, seed: u64) -> (Mlp, Matrix, Matrix) {
    let spec = MlpSpec {
        input_dim: 2,
        hidden: vec![5, 4],
        activations: vec![act],
        output_dim: 1,
        head: Head::SigmoidBce,
        init: Init::He,
    };
    let mut rng = seeded(seed, 0);
    let mut mlp = Mlp::new(&spec, &mut rng);
    let p = mlp.params().map(|v| if v == 0.0 { 0.2 } else { v });
    mlp.set_params(&p);
    let x = Matrix::from_fn(2, 40, |_, _| 2.0 * normal(&mut rng));
    let y = Matrix::from_fn(1, 40, |_, j| (j % 2) as f64);
    (mlp, x, y)
}

fn per_unit(seed: u64) -> Vec<Vec<f64>> {
    Rescale::Random(1.0).scales(&[5, 4], &mut seeded(seed, 7))
}

#[test]
fn homogeneous_units_keep_the_function_and_tanh_does_not() {
    for act in [Activation::Relu, Activation::LeakyRelu, Activation::Linear] {
        let (mlp, x, _) = problem(act, 1);
        for scales in [
            vec![vec![3.0; 5], vec![3.0; 4]],
            vec![vec![0.2; 5], vec![0.2; 4]],
            per_unit(2),
        ] {
            let rescaled = mlp.rescale_hidden(&scales);
            assert_ne!(rescaled.params(), mlp.params());
            let none = DropoutConfig::none(2);
            let change = (&mlp.predict(&x, &none) - &rescaled.predict(&x, &none)).amax();
            assert!(change < 1e-12, "{act}: {change}");
            // Also every hidden layer scales as predicted: h'_l = s_l ⊙ h_l.
            let (h, h2) = (
                mlp.layer_outputs(&x, &none),
                rescaled.layer_outputs(&x, &none),
            );
            for (l, layer_scales) in scales.iter().enumerate() {
                for (i, &s) in layer_scales.iter().enumerate() {
                    let d = (h2[l].row(i) - h[l].row(i) * s).amax();
                    assert!(d < 1e-12, "{act} layer {l} unit {i}: {d}");
                }
            }
        }
    }
    let (mlp, x, _) = problem(Activation::Tanh, 1);
    let rescaled = mlp.rescale_hidden(&[vec![3.0; 5], vec![3.0; 4]]);
    let none = DropoutConfig::none(2);
    let change = (&mlp.predict(&x, &none) - &rescaled.predict(&x, &none)).amax();
    assert!(
        change > 1e-3,
        "tanh is not homogeneous, the function must change: {change}"
    );
}

/// W_l[i, j] is multiplied by a = s_l[i] / s_{l−1}[j] (s = 1 for inputs and outputs), b_l[i] by s_l[i]; since
/// the loss is unchanged, each gradient component is divided by its factor: incoming weights × 1/s, outgoing × s.
#[test]
fn each_gradient_component_is_divided_by_its_factor() {
    for act in [Activation::Relu, Activation::LeakyRelu] {
        let (mlp, x, y) = problem(act, 3);
        let scales = per_unit(4);
        let rescaled = mlp.rescale_hidden(&scales);
        let none = DropoutConfig::none(2);
        let grad = |m: &Mlp| m.loss_and_grad(&x, &y, &none, &Vec::new(), Regularizer::None, 0.0);
        let (g, g2) = (grad(&mlp), grad(&rescaled));
        assert!((g.data_loss - g2.data_loss).abs() < 1e-12);
        let unit = |l: isize, i: usize| {
            if !(0..2).contains(&l) {
                1.0
            } else {
                scales[l as usize][i]
            }
        };
        let mut at = 0;
        let mut checked = 0;
        for (l, layer) in mlp.layers.iter().enumerate() {
            let (out, inp) = layer.w.shape();
            let l = l as isize;
            for j in 0..inp {
                for i in 0..out {
                    let factor = unit(l, i) / unit(l - 1, j);
                    let (before, after) = (g.grad[at + j * out + i], g2.grad[at + j * out + i]);
                    assert!(
                        (after - before / factor).abs() <= 1e-9 * before.abs().max(1e-9),
                        "{act} W{l}[{i},{j}]: {after} vs {before} / {factor}"
                    );
                    checked += 1;
                }
            }
            at += out * inp;
            for i in 0..out {
                let (before, after) = (g.grad[at + i], g2.grad[at + i]);
                assert!((after - before / unit(l, i)).abs() <= 1e-9 * before.abs().max(1e-9));
            }
            at += out;
        }
        assert_eq!(checked, 2 * 5 + 5 * 4 + 4);
    }
}

#[test]
fn the_report_shows_the_function_stays_and_the_gradient_moves() {
    let (mlp, x, y) = problem(Activation::Relu, 5);
    let s = 4.0;
    let rescaled = mlp.rescale_hidden(&[vec![s; 5], vec![s; 4]]);
    let report = rescale_report(&mlp, &rescaled, &x, &y, &DropoutConfig::none(2));
    assert!(report.max_output_change < 1e-12, "{report:?}");
    assert_eq!(report.layers.len(), 3);
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * b.abs().max(1e-12);
    let [first, middle, last] = [report.layers[0], report.layers[1], report.layers[2]];
    // Every hidden unit scaled by s: W1, b1 gradients / s; W2 unchanged (s / s), b2 / s; W3 × s, b3 unchanged.
    assert!(close(first.w_after, first.w_before / s) && close(first.b_after, first.b_before / s));
    assert!(close(middle.w_after, middle.w_before) && close(middle.b_after, middle.b_before / s));
    assert!(close(last.w_after, last.w_before * s) && close(last.b_after, last.b_before));
    let tanh = problem(Activation::Tanh, 5).0;
    let r = rescale_report(
        &tanh,
        &tanh.rescale_hidden(&[vec![s; 5], vec![s; 4]]),
        &x,
        &y,
        &DropoutConfig::none(2),
    );
    assert!(r.max_output_change > 1e-3, "{r:?}");
}

/// With normalization layers a node rescaling scales γ, β (what the activation sees), in both modes.
#[test]
fn node_rescaling_through_a_norm_scales_gamma_and_beta() {
    let (plain, x, _) = problem(Activation::Relu, 6);
    let mlp = plain.with_batch_norm();
    let rescaled = mlp.rescale_hidden(&per_unit(8));
    assert_eq!(
        rescaled.layers[0].w, mlp.layers[0].w,
        "W before the norm stays"
    );
    let none = DropoutConfig::none(2);
    assert!((&mlp.predict(&x, &none) - &rescaled.predict(&x, &none)).amax() < 1e-12);
    assert!((&mlp.predict_training_mode(&x) - &rescaled.predict_training_mode(&x)).amax() < 1e-12);
}

fn config(query: &str) -> Config {
    let (c, errors) = Config::from_query(query);
    assert!(errors.is_empty(), "{query}: {errors:?}");
    c
}

#[test]
fn the_rescale_key_validates_round_trips_and_is_omitted_at_its_default() {
    for q in [
        "hidden=4&act=relu&rescale=2",
        "hidden=4,3&act=leaky-relu,linear&rescale=random:0.5",
        "act=tanh&bn=hidden&rescale=0.5",
    ] {
        let c = config(q);
        assert_eq!(
            Config::from_query(&c.to_query()),
            (c.clone(), vec![]),
            "{q}"
        );
        assert!(c.to_query().contains("&rescale="));
    }
    assert!(!Config::default().to_query().contains("rescale"));
    let (_, errors) = Config::from_query("hidden=4,3&act=relu,sigmoid&rescale=2");
    assert_eq!(errors.len(), 1);
    let msg = errors[0].to_string();
    for part in [
        "rescale",
        "sigmoid",
        "hidden layer 2",
        "relu, leaky-relu or linear",
    ] {
        assert!(msg.contains(part), "{msg}");
    }
    // Changing the activation later is caught by validate too.
    let mut c = config("hidden=4&act=relu&rescale=2");
    c.activations = vec![Activation::Tanh];
    assert_eq!(c.validate().expect_err("tanh").field(), Some("rescale"));
}

#[test]
fn a_rescaled_session_starts_from_the_same_function() {
    let base = "dataset=spiral&hidden=6,6&act=relu&opt=sgd&lr=0.05&seed=3";
    let original = Session::new(config(base).validate().expect("valid"));
    for r in ["2", "random:0.8"] {
        let s = Session::new(
            config(&format!("{base}&rescale={r}"))
                .validate()
                .expect("valid"),
        );
        let rescale = Rescale::parse(r).expect("token");
        let scales = rescale.scales(&[6, 6], &mut seeded(3, stream::RESCALE));
        let want = original.mlp().rescale_hidden(&scales);
        // The session trains in f32: its starting parameters are the rescaled ones rounded to f32.
        let diff = (&s.mlp().params() - &want.params()).amax();
        assert!(diff < 1e-6 * want.params().amax(), "{r}: {diff}");
        let (a, b) = (original.predict_grid(12, 12), s.predict_grid(12, 12));
        let change = a
            .iter()
            .zip(&b)
            .map(|(u, v)| (u - v).abs())
            .fold(0.0, f64::max);
        assert!(change < 1e-6, "{r}: {change}");
        let report = original.rescale_report(rescale).expect("training points");
        assert!(report.max_output_change < 1e-12, "{report:?}");
    }
}
