//! Dropout statistics with fixed seeds: Bernoulli keep rates, independence, inverted dropout's mean, Gaussian
//! moments, keep_prob = 1 as the exact identity, and test-time weight scaling as the exact ensemble mean of a
//! linear network for several keep probabilities (not only 0.5). Tolerances are 4 standard errors.

use proptest::prelude::*;
use saddle_core::dropout::{sample_masks, DropoutConfig, DropoutScaling, LayerNoise};
use saddle_core::loss::{Head, Regularizer};
use saddle_core::mlp::{Activation, Init, Layer, Mlp, MlpSpec};
use saddle_core::registry::Keyed;
use saddle_core::rng::{normal, seeded};
use saddle_core::{Matrix, Vector};

fn on_input(noise: LayerNoise, scaling: DropoutScaling) -> DropoutConfig {
    DropoutConfig {
        layers: vec![noise],
        scaling,
    }
}

/// Mean and (population) variance of a sample.
fn moments<'a>(values: impl Iterator<Item = &'a f64>) -> (f64, f64) {
    let v: Vec<f64> = values.copied().collect();
    let n = v.len() as f64;
    let mean = v.iter().sum::<f64>() / n;
    (mean, v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / n)
}

#[test]
fn bernoulli_keep_rate_is_p_within_four_standard_errors() {
    for (seed, &p) in [0.1, 0.5, 0.8].iter().enumerate() {
        let masks = sample_masks(
            &on_input(LayerNoise::bernoulli(p), DropoutScaling::Inverted),
            &[50],
            2000,
            &mut seeded(seed as u64, 7),
        );
        let z = masks[0].as_ref().expect("a Bernoulli layer has a mask");
        assert!(
            z.iter().all(|&v| v == 0.0 || v == 1.0),
            "Bernoulli masks are 0/1"
        );
        let n = z.len() as f64;
        let rate = z.sum() / n;
        let se = (p * (1.0 - p) / n).sqrt();
        assert!(
            (rate - p).abs() < 4.0 * se,
            "p = {p}: keep rate {rate}, 4 se = {}",
            4.0 * se
        );
    }
}

/// One independent draw per sample and unit: no mask shared across the batch or across units.
#[test]
fn masks_are_independent_across_samples_and_units() {
    let (units, batch) = (16, 4000);
    let masks = sample_masks(
        &on_input(LayerNoise::bernoulli(0.5), DropoutScaling::Inverted),
        &[units],
        batch,
        &mut seeded(3, 7),
    );
    let z = masks[0].as_ref().expect("mask");
    // P(column j == column 0) = 2^-16 under independence.
    let same_columns = (1..batch).filter(|&j| z.column(j) == z.column(0)).count();
    assert!(
        same_columns < 5,
        "{same_columns} columns equal to the first"
    );
    // Units 0 and 1 agree with probability 1/2; se = sqrt(0.25 / 4000) ≈ 0.0079.
    let agree = (0..batch).filter(|&j| z[(0, j)] == z[(1, j)]).count() as f64 / batch as f64;
    assert!(
        (agree - 0.5).abs() < 4.0 * (0.25 / batch as f64).sqrt(),
        "agreement {agree}"
    );
}

/// A one-layer identity network, so outputs are exactly the (noisy) layer input.
fn identity_net(d: usize) -> Mlp {
    let layer = Layer {
        w: Matrix::identity(d, d),
        b: Vector::zeros(d),
        activation: Activation::Linear,
        norm: None,
    };
    Mlp {
        layers: vec![layer],
        head: Head::LinearMse,
    }
}

#[test]
fn inverted_dropout_preserves_the_mean_of_a_layer_input() {
    let x0 = [1.0, -2.0, 0.5, 3.0];
    let batch = 20_000;
    let x = Matrix::from_fn(4, batch, |i, _| x0[i]);
    let net = identity_net(4);
    for (seed, &p) in [0.1, 0.5, 0.8].iter().enumerate() {
        let cfg = on_input(LayerNoise::bernoulli(p), DropoutScaling::Inverted);
        let masks = sample_masks(&cfg, &net.widths(), batch, &mut seeded(seed as u64, 11));
        let out = net.predict_with_masks(&x, &cfg, &masks);
        for (i, &xi) in x0.iter().enumerate() {
            let (mean, _) = moments(out.row(i).iter());
            // Var(x Z / p) = x² (1 − p) / p.
            let se = (xi * xi * (1.0 - p) / p / batch as f64).sqrt();
            assert!(
                (mean - xi).abs() < 4.0 * se,
                "p = {p}, unit {i}: mean {mean} vs {xi} (4 se = {})",
                4.0 * se
            );
            // The kept entries are exactly x / p, the dropped exactly 0.
            assert!(out.row(i).iter().all(|&v| v == 0.0 || v == xi / p));
        }
        assert_eq!(
            net.predict(&x, &cfg),
            x,
            "inverted dropout leaves the test-time network unchanged"
        );
    }
}

#[test]
fn gaussian_masks_have_mean_one_and_variance_sigma_squared() {
    for (seed, &sigma) in [0.3, 1.0, 2.0].iter().enumerate() {
        let masks = sample_masks(
            &on_input(LayerNoise::gaussian(sigma), DropoutScaling::Inverted),
            &[20],
            5000,
            &mut seeded(seed as u64, 5),
        );
        let z = masks[0].as_ref().expect("a Gaussian layer has a mask");
        let n = z.len() as f64;
        let (mean, var) = moments(z.iter());
        assert!(
            (mean - 1.0).abs() < 4.0 * sigma / n.sqrt(),
            "σ = {sigma}: mean {mean}"
        );
        let var_se = sigma * sigma * (2.0 / n).sqrt();
        assert!(
            (var - sigma * sigma).abs() < 4.0 * var_se,
            "σ = {sigma}: variance {var}"
        );
    }
}

/// A random 2-layer tanh network with a random batch.
fn tanh_net(seed: u64, hidden: Vec<usize>) -> (Mlp, Matrix, Matrix) {
    let spec = MlpSpec {
        input_dim: 2,
        hidden,
        activations: vec![Activation::Tanh],
        output_dim: 1,
        head: Head::SigmoidBce,
        init: Init::Glorot,
    };
    let mut rng = seeded(seed, 0);
    let mlp = Mlp::new(&spec, &mut rng);
    let x = Matrix::from_fn(2, 9, |_, _| 3.0 * normal(&mut rng));
    let y = Matrix::from_fn(1, 9, |_, j| (j % 2) as f64);
    (mlp, x, y)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// keep_prob = 1 (and σ = 0) is exactly the identity: masked passes, test-time passes, losses and gradients
    /// are bitwise equal to the network without any noise, for both scalings.
    #[test]
    fn keep_prob_one_is_exactly_the_identity(seed in 0u64..1_000_000, h1 in 1usize..6, h2 in 1usize..6, gauss in any::<bool>()) {
        let (mlp, x, y) = tanh_net(seed, vec![h1, h2]);
        let clean = DropoutConfig::none(2);
        for &scaling in DropoutScaling::ALL {
            let noise = if gauss { LayerNoise::gaussian(0.0) } else { LayerNoise::bernoulli(1.0) };
            let cfg = DropoutConfig { layers: vec![noise; 3], scaling };
            let masks = sample_masks(&cfg, &mlp.widths(), x.ncols(), &mut seeded(seed, 1));
            prop_assert!(masks.iter().all(|m| m.as_ref().is_some_and(|z| z.iter().all(|&v| v == 1.0))));
            let reference = mlp.predict(&x, &clean);
            prop_assert_eq!(&mlp.predict_with_masks(&x, &cfg, &masks), &reference);
            prop_assert_eq!(&mlp.predict(&x, &cfg), &reference);
            let noisy = mlp.loss_and_grad(&x, &y, &cfg, &masks, Regularizer::L2, 0.01);
            prop_assert_eq!(noisy, mlp.loss_and_grad(&x, &y, &clean, &Vec::new(), Regularizer::L2, 0.01));
        }
    }
}

/// For a network that is linear in every noisy input (linear activations, linear head), E_Z[f(x, Z)] is obtained
/// exactly by replacing each Z by E[Z] (the masks of different layers are independent and each enters linearly).
/// So `predict` must equal the Monte-Carlo mean of masked passes, for every p and both scalings. The unscaled
/// network (weight scaling forgotten at test time) and the always-0.5 rule are rejected (> 10 se away).
#[test]
fn test_time_prediction_is_the_ensemble_mean_of_a_linear_network() {
    let spec = MlpSpec {
        input_dim: 3,
        hidden: vec![6, 5],
        activations: vec![Activation::Linear],
        output_dim: 2,
        head: Head::LinearMse,
        init: Init::Uniform,
    };
    let mlp = Mlp::new(&spec, &mut seeded(21, 0));
    let samples = 10_000;
    let x0 = [1.5, -0.7, 2.0];
    let x = Matrix::from_fn(3, samples, |i, _| x0[i]);
    let x_single = Matrix::from_column_slice(3, 1, &x0);
    let keep_sets: [[f64; 3]; 5] = [
        [0.2; 3],
        [0.5; 3],
        [0.8; 3],
        [0.9, 0.3, 0.6],
        [1.0, 0.35, 1.0],
    ];
    for (seed, keep) in keep_sets.iter().enumerate() {
        for &scaling in DropoutScaling::ALL {
            let cfg = DropoutConfig {
                layers: keep.iter().map(|&p| LayerNoise::bernoulli(p)).collect(),
                scaling,
            };
            let masks = sample_masks(&cfg, &mlp.widths(), samples, &mut seeded(seed as u64, 13));
            let outputs = mlp.predict_with_masks(&x, &cfg, &masks);
            let predicted = mlp.predict(&x_single, &cfg);
            // Two wrong test-time rules: no scaling at all, and "always scale by 0.5" (right only for p = 0.5).
            let unscaled = mlp.predict(&x_single, &DropoutConfig::none(2));
            let half_cfg = DropoutConfig {
                layers: vec![LayerNoise::bernoulli(0.5); 3],
                scaling: DropoutScaling::WeightScaling,
            };
            let halved = mlp.predict(&x_single, &half_cfg);
            let (mut unscaled_distance, mut halved_distance) = (0.0f64, 0.0f64);
            for k in 0..2 {
                let (mean, var) = moments(outputs.row(k).iter());
                let se = (var / samples as f64).sqrt();
                assert!(
                    (mean - predicted[k]).abs() < 4.0 * se,
                    "{scaling} keep {keep:?}, output {k}: ensemble mean {mean} vs predict {} (4 se = {})",
                    predicted[k],
                    4.0 * se
                );
                unscaled_distance = unscaled_distance.max((mean - unscaled[k]).abs() / se);
                halved_distance = halved_distance.max((mean - halved[k]).abs() / se);
            }
            let all_kept = keep.iter().all(|&p| p == 1.0);
            if scaling == DropoutScaling::WeightScaling && !all_kept {
                assert!(
                    unscaled_distance > 10.0,
                    "keep {keep:?}: the unscaled net is only {unscaled_distance} se away"
                );
            }
        }
    }
}
