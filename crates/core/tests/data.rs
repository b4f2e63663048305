//! Dataset generators and the train/test split: determinism, shapes, balance, targets, domains, the sine gap.

use saddle_core::data::{generate, split, Dataset, DatasetKind, Task};
use saddle_core::registry::Keyed;
use saddle_core::rng::seeded;

const NOISES: [f64; 4] = [0.0, 0.1, 0.5, 1.0];

/// The datasets that generate points (all but the click-only custom sets).
fn generated() -> impl Iterator<Item = DatasetKind> {
    DatasetKind::ALL
        .iter()
        .copied()
        .filter(|k| k.is_generated())
}

fn make(kind: DatasetKind, n: usize, noise: f64, seed: u64) -> Dataset {
    generate(kind, n, noise, &mut seeded(seed, 0))
}

#[test]
fn same_seed_gives_the_same_data_and_another_seed_does_not() {
    for kind in generated() {
        assert_eq!(make(kind, 300, 0.3, 7), make(kind, 300, 0.3, 7), "{kind}");
        assert_ne!(make(kind, 300, 0.3, 7), make(kind, 300, 0.3, 8), "{kind}");
    }
}

#[test]
fn shapes_follow_the_task() {
    for kind in generated() {
        for n in [0, 1, 2, 10, 401] {
            let ds = make(kind, n, 0.1, 1);
            let task = kind.task();
            assert_eq!(ds.x.shape(), (kind.input_dim(), n), "{kind} x");
            assert_eq!(ds.y.shape(), (task.output_dim(), n), "{kind} y");
            let want_labels = if task == Task::Regression { 0 } else { n };
            assert_eq!(ds.labels.len(), want_labels, "{kind} labels");
            assert_eq!(ds.len(), n);
        }
    }
    assert_eq!(DatasetKind::Spiral3.task(), Task::MultiClass(3));
    assert_eq!(DatasetKind::Cubic.input_dim(), 1);
    assert_eq!(DatasetKind::Circle.input_dim(), 2);
}

#[test]
fn classes_are_balanced_within_one() {
    for kind in generated() {
        let Some(k) = kind.task().classes() else {
            continue;
        };
        for n in [10, 401, 1000] {
            let ds = make(kind, n, 0.2, 3);
            let counts: Vec<usize> = (0..k)
                .map(|c| ds.labels.iter().filter(|&&l| l == c).count())
                .collect();
            let (lo, hi) = (counts.iter().min().unwrap(), counts.iter().max().unwrap());
            assert!(hi - lo <= 1, "{kind} n={n}: {counts:?}");
            assert_eq!(counts.iter().sum::<usize>(), n);
        }
    }
}

#[test]
fn labels_match_the_targets() {
    for kind in generated() {
        let ds = make(kind, 200, 0.5, 2);
        match kind.task() {
            Task::Binary => {
                for (i, &l) in ds.labels.iter().enumerate() {
                    assert_eq!(ds.y[(0, i)], l as f64, "{kind} sample {i}");
                }
            }
            Task::MultiClass(k) => {
                for (i, &l) in ds.labels.iter().enumerate() {
                    assert!(l < k);
                    for c in 0..k {
                        assert_eq!(
                            ds.y[(c, i)],
                            if c == l { 1.0 } else { 0.0 },
                            "{kind} sample {i}"
                        );
                    }
                }
            }
            Task::Regression => assert!(ds.labels.is_empty()),
        }
    }
}

#[test]
fn the_domain_contains_every_sample_at_every_noise() {
    for kind in generated() {
        let [x0, x1, y0, y1] = kind.domain();
        assert!(x0 < x1 && y0 < y1);
        for noise in NOISES {
            let ds = make(kind, 2000, noise, 11);
            for i in 0..ds.len() {
                let (a, b) = if kind.input_dim() == 2 {
                    (ds.x[(0, i)], ds.x[(1, i)])
                } else {
                    (ds.x[(0, i)], ds.y[(0, i)])
                };
                assert!(
                    (x0..=x1).contains(&a) && (y0..=y1).contains(&b),
                    "{kind} noise {noise}: ({a}, {b})"
                );
            }
        }
    }
}

#[test]
fn the_sine_gap_has_no_inputs_in_the_gap_and_both_sides_filled() {
    for noise in NOISES {
        let ds = make(DatasetKind::SineGap, 2000, noise, 5);
        let xs: Vec<f64> = ds.x.row(0).iter().copied().collect();
        assert!(
            xs.iter().all(|x| (1.0..=4.0).contains(&x.abs())),
            "an input in the gap or outside [−4, 4]"
        );
        assert!(xs.iter().filter(|&&x| x < 0.0).count() > 900);
        assert!(xs.iter().filter(|&&x| x > 0.0).count() > 900);
    }
    let clean = make(DatasetKind::SineGap, 100, 0.0, 5);
    for i in 0..clean.len() {
        assert_eq!(clean.y[(0, i)], clean.x[(0, i)].sin());
    }
}

#[test]
fn the_cubic_is_x_cubed_over_27_on_minus_4_to_4() {
    let ds = make(DatasetKind::Cubic, 500, 0.0, 9);
    for i in 0..ds.len() {
        let x = ds.x[(0, i)];
        assert!((-4.0..=4.0).contains(&x));
        assert_eq!(ds.y[(0, i)], x.powi(3) / 27.0);
    }
}

#[test]
fn noise_is_a_gaussian_in_data_units() {
    // Gaussians: each class is N(±(2, 2), I) before noise, so with noise σ the per-coordinate variance is
    // 1 + σ² (truncation at ±6 is 4σ_total away from the mean: negligible). Regression: residual sd = σ.
    for sigma in [0.0, 0.5, 1.0] {
        let ds = make(DatasetKind::Gaussians, 2000, sigma, 4);
        let xs: Vec<f64> = (0..ds.len())
            .filter(|&i| ds.labels[i] == 1)
            .map(|i| ds.x[(0, i)])
            .collect();
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / xs.len() as f64;
        assert!((mean - 2.0).abs() < 0.15, "mean {mean}");
        assert!(
            (var - (1.0 + sigma * sigma)).abs() < 0.2,
            "σ {sigma}: var {var}"
        );

        let ds = make(DatasetKind::Cubic, 2000, sigma * 0.2, 4);
        let res: Vec<f64> = (0..ds.len())
            .map(|i| ds.y[(0, i)] - ds.x[(0, i)].powi(3) / 27.0)
            .collect();
        let sd = (res.iter().map(|r| r * r).sum::<f64>() / res.len() as f64).sqrt();
        assert!(
            (sd - sigma * 0.2).abs() < 0.02,
            "σ {}: residual sd {sd}",
            sigma * 0.2
        );
    }
}

#[test]
fn clean_2d_sets_follow_their_rules() {
    let circle = make(DatasetKind::Circle, 400, 0.0, 1);
    let xor = make(DatasetKind::Xor, 400, 0.0, 1);
    for i in 0..400 {
        let r = circle.x[(0, i)].hypot(circle.x[(1, i)]);
        let inside = r <= 2.5 + 1e-12;
        let ring = (3.5 - 1e-12..=5.0 + 1e-12).contains(&r);
        assert!(
            if circle.labels[i] == 1 { inside } else { ring },
            "circle r {r}"
        );
        let (a, b) = (xor.x[(0, i)], xor.x[(1, i)]);
        assert!(a.abs() >= 0.3 && b.abs() >= 0.3);
        assert_eq!(xor.labels[i] == 1, a * b > 0.0, "xor ({a}, {b})");
    }
}

#[test]
fn split_shuffles_a_partition_with_at_least_one_sample_per_side() {
    let ds = make(DatasetKind::Spiral3, 400, 0.1, 2);
    let s = split(ds.clone(), 0.25, &mut seeded(2, 1));
    assert_eq!((s.train.len(), s.test.len()), (300, 100));
    assert_eq!(
        s,
        split(ds.clone(), 0.25, &mut seeded(2, 1)),
        "deterministic"
    );
    // The union is the original set (compare sorted columns), and the order changed.
    let key = |d: &Dataset, i: usize| (d.x[(0, i)].to_bits(), d.x[(1, i)].to_bits(), d.labels[i]);
    let mut all: Vec<_> = (0..s.train.len())
        .map(|i| key(&s.train, i))
        .chain((0..s.test.len()).map(|i| key(&s.test, i)))
        .collect();
    let mut orig: Vec<_> = (0..ds.len()).map(|i| key(&ds, i)).collect();
    assert_ne!(all, orig, "shuffled");
    all.sort_unstable();
    orig.sort_unstable();
    assert_eq!(all, orig);
    // Targets travel with their inputs.
    for i in 0..s.test.len() {
        assert_eq!(s.test.y[(s.test.labels[i], i)], 1.0);
    }
    for (n, f) in [(2, 0.1), (2, 0.9), (10, 0.01), (10, 0.99), (3, 0.5)] {
        let s = split(make(DatasetKind::Circle, n, 0.1, 1), f, &mut seeded(1, 1));
        assert!(!s.train.is_empty() && !s.test.is_empty(), "n={n} f={f}");
        assert_eq!(s.train.len() + s.test.len(), n);
    }
    let one = split(make(DatasetKind::Cubic, 1, 0.1, 1), 0.5, &mut seeded(1, 1));
    assert_eq!((one.train.len(), one.test.len()), (1, 0));
    let none = split(
        make(DatasetKind::Cubic, 0, 0.1, 1),
        f64::NAN,
        &mut seeded(1, 1),
    );
    assert!(none.train.is_empty() && none.test.is_empty());
}

#[test]
fn bad_noise_never_panics() {
    for kind in generated() {
        for noise in [f64::NAN, f64::INFINITY, -1.0] {
            let ds = make(kind, 20, noise, 1);
            assert!(
                ds.x.iter().chain(ds.y.iter()).all(|v| v.is_finite()),
                "{kind} noise {noise}"
            );
        }
    }
}

#[test]
fn custom_sets_generate_nothing_whatever_n() {
    for (kind, d, task) in [
        (DatasetKind::Custom, 2, Task::Binary),
        (DatasetKind::CustomCurve, 1, Task::Regression),
    ] {
        assert_eq!((kind.input_dim(), kind.task()), (d, task));
        assert!(!kind.is_generated());
        assert_eq!(kind.generated_count(400), 0);
        let ds = make(kind, 400, 0.5, 1);
        assert_eq!((ds.x.shape(), ds.y.shape()), ((d, 0), (1, 0)));
        assert!(ds.labels.is_empty());
    }
    assert_eq!(
        DatasetKind::ALL.iter().filter(|k| k.is_generated()).count(),
        8
    );
}
