//! Browser tests of the drawing code (headless Chromium through wasm-bindgen-test-runner): charts leave visible
//! pixels, odd data draws without error, and the per-frame drawing cost is measured.

mod common;

use common::{canvas, ctx, distinct_colours, ink_fraction, now, pixels, TestResult};
use saddle_web::draw::boundary::{self, Background, PlotOptions, Points};
use saddle_web::draw::heatmap::{self, BlitMode, Rect};
use saddle_web::draw::hit;
use saddle_web::draw::loss_chart::{self, LossData};
use wasm_bindgen_test::{console_log, wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::HtmlCanvasElement;

wasm_bindgen_test_configure!(run_in_browser);

fn two_blobs() -> (Vec<f64>, Vec<f64>, Vec<usize>) {
    let mut x = Vec::new();
    let mut y = Vec::new();
    let mut l = Vec::new();
    for i in 0..100u32 {
        let t = f64::from(i) * 0.37;
        let k = (i % 2) as usize;
        let c = if k == 0 { -3.0 } else { 3.0 };
        x.push(c + 1.5 * t.sin());
        y.push(c + 1.5 * (1.7 * t).cos());
        l.push(k);
    }
    (x, y, l)
}

fn blob_prob(nx: usize, ny: usize) -> Vec<f64> {
    let mut out = Vec::with_capacity(nx * ny);
    for j in 0..ny {
        for i in 0..nx {
            let x = -6.0 + 12.0 * (i as f64 + 0.5) / nx as f64;
            let y = 6.0 - 12.0 * (j as f64 + 0.5) / ny as f64;
            out.push(1.0 / (1.0 + (-(x + y)).exp()));
        }
    }
    out
}

#[wasm_bindgen_test]
fn classification_plot_is_not_blank() -> TestResult {
    let c = canvas(480, 400)?;
    let (x, y, l) = two_blobs();
    let pts = Points {
        x: &x,
        y: &y,
        labels: &l,
    };
    let f = |nx: usize, ny: usize| blob_prob(nx, ny);
    boundary::draw_classification(
        &c,
        [-6.0, 6.0, -6.0, 6.0],
        &Background::Binary(&f),
        pts,
        pts,
        &PlotOptions::default(),
    )
    .map_err(|_| "draw_classification failed")?;
    let px = pixels(&c)?;
    let ink = ink_fraction(&px);
    assert!(
        ink > 0.3,
        "heatmap should cover much of the canvas, inked {ink}"
    );
    assert!(
        distinct_colours(&px) > 50,
        "expect a gradient, points and text"
    );
    Ok(())
}

#[wasm_bindgen_test]
fn multiclass_plot_is_not_blank() -> TestResult {
    let c = canvas(300, 300)?;
    let (x, y, _) = two_blobs();
    let l: Vec<usize> = (0..x.len()).map(|i| i % 3).collect();
    let pts = Points {
        x: &x,
        y: &y,
        labels: &l,
    };
    let f = |nx: usize, ny: usize| {
        (0..nx * ny)
            .flat_map(|i| match i % 3 {
                0 => [0.8, 0.1, 0.1],
                1 => [0.1, 0.8, 0.1],
                _ => [0.1, 0.1, 0.8],
            })
            .collect()
    };
    boundary::draw_classification(
        &c,
        [-6.0, 6.0, -6.0, 6.0],
        &Background::MultiClass(3, &f),
        pts,
        pts,
        &PlotOptions::default(),
    )
    .map_err(|_| "draw_classification failed")?;
    assert!(ink_fraction(&pixels(&c)?) > 0.3);
    Ok(())
}

#[wasm_bindgen_test]
fn wrong_grid_size_is_an_error_not_a_panic() -> TestResult {
    let c = canvas(300, 300)?;
    let f = |_: usize, _: usize| vec![0.5; 3];
    let r = boundary::draw_classification(
        &c,
        [-6.0, 6.0, -6.0, 6.0],
        &Background::Binary(&f),
        Points::default(),
        Points::default(),
        &PlotOptions::default(),
    );
    assert!(r.is_err());
    let bad = boundary::draw_classification(
        &c,
        [1.0, 1.0, 0.0, f64::NAN],
        &Background::Binary(&f),
        Points::default(),
        Points::default(),
        &PlotOptions::default(),
    );
    assert!(bad.is_err());
    Ok(())
}

#[wasm_bindgen_test]
fn regression_plot_is_not_blank() -> TestResult {
    let c = canvas(400, 300)?;
    let xs: Vec<f64> = (0..50).map(|i| -3.0 + 6.0 * f64::from(i) / 49.0).collect();
    let ys: Vec<f64> = xs.iter().map(|x| x.sin()).collect();
    let pts = Points {
        x: &xs,
        y: &ys,
        labels: &[],
    };
    boundary::draw_regression(
        &c,
        [-3.0, 3.0, -1.5, 1.5],
        &xs,
        &ys,
        pts,
        pts,
        &PlotOptions::default(),
    )
    .map_err(|_| "draw_regression failed")?;
    assert!(ink_fraction(&pixels(&c)?) > 0.02);
    Ok(())
}

#[wasm_bindgen_test]
fn loss_chart_handles_odd_histories() -> TestResult {
    let c = canvas(400, 250)?;
    let steps: Vec<f64> = (0..500).map(f64::from).collect();
    let train: Vec<f64> = steps
        .iter()
        .map(|s| 0.7 * (-s / 100.0).exp() + 1e-3)
        .collect();
    let mut test = train.clone();
    test[250] = f64::NAN;
    test[251] = f64::INFINITY;
    loss_chart::draw_loss_chart(
        &c,
        LossData {
            steps: &steps,
            train: &train,
            test: &test,
        },
    )
    .map_err(|_| "loss chart failed")?;
    assert!(ink_fraction(&pixels(&c)?) > 0.02);
    // Empty, single-point and all-NaN histories draw axes without error.
    for (s, tr, te) in [
        (vec![], vec![], vec![]),
        (vec![0.0], vec![0.69], vec![0.7]),
        (vec![1.0, 2.0], vec![f64::NAN; 2], vec![f64::NAN; 2]),
        (
            vec![0.0, 1.0, 2.0],
            vec![1e308, 5e-324, f64::MAX],
            vec![1e-310, 1.0, 0.0],
        ),
        (vec![3.0, 3.0, 3.0], vec![0.5; 3], vec![0.5; 3]),
    ] {
        loss_chart::draw_loss_chart(
            &c,
            LossData {
                steps: &s,
                train: &tr,
                test: &te,
            },
        )
        .map_err(|_| "odd history failed")?;
        assert!(ink_fraction(&pixels(&c)?) > 0.005);
    }
    Ok(())
}

#[wasm_bindgen_test]
fn small_and_odd_canvases_draw_without_error() -> TestResult {
    let (x, y, l) = two_blobs();
    let pts = Points {
        x: &x,
        y: &y,
        labels: &l,
    };
    let f = |nx: usize, ny: usize| blob_prob(nx, ny);
    let steps = [0.0, 1.0, 2.0];
    let loss = [0.7, 0.5, 0.4];
    let none = PlotOptions {
        show_test: false,
        show_train: false,
        ..PlotOptions::default()
    };
    for (w, h) in [
        (40, 40),
        (41, 300),
        (300, 41),
        (60, 60),
        (90, 70),
        (2000, 50),
    ] {
        let c = canvas(w, h)?;
        for opts in [&PlotOptions::default(), &none] {
            boundary::draw_classification(
                &c,
                [-6.0, 6.0, -6.0, 6.0],
                &Background::Binary(&f),
                pts,
                pts,
                opts,
            )
            .map_err(|_| format!("classification at {w}×{h}"))?;
            boundary::draw_regression(&c, [-6.0, 6.0, -1.0, 1.0], &x, &y, pts, pts, opts)
                .map_err(|_| format!("regression at {w}×{h}"))?;
        }
        loss_chart::draw_loss_chart(
            &c,
            LossData {
                steps: &steps,
                train: &loss,
                test: &loss,
            },
        )
        .map_err(|_| format!("loss chart at {w}×{h}"))?;
    }
    Ok(())
}

#[wasm_bindgen_test]
fn tiny_canvas_draws_nothing_without_error() -> TestResult {
    let c = canvas(0, 0)?;
    loss_chart::draw_loss_chart(&c, LossData::default()).map_err(|_| "tiny loss chart failed")?;
    let f = |nx: usize, ny: usize| vec![0.5; nx * ny];
    boundary::draw_classification(
        &c,
        [-1.0, 1.0, -1.0, 1.0],
        &Background::Binary(&f),
        Points::default(),
        Points::default(),
        &PlotOptions::default(),
    )
    .map_err(|_| "tiny boundary failed")?;
    Ok(())
}

/// Median milliseconds of `f` over `reps` runs, each flushed by a 1-pixel readback (the canvas defers
/// rasterisation), minus the median cost of the readback alone. The median keeps a busy machine's stalls out.
fn time_ms(
    c: &HtmlCanvasElement,
    reps: u32,
    mut f: impl FnMut() -> TestResult,
) -> Result<f64, String> {
    let cx = ctx(c)?;
    let flush = || {
        cx.get_image_data(0.0, 0.0, 1.0, 1.0)
            .map(|_| ())
            .map_err(|e| format!("{e:?}"))
    };
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    flush()?;
    let mut base = Vec::new();
    for _ in 0..reps.max(1) {
        let t0 = now();
        flush()?;
        base.push(now() - t0);
    }
    let mut runs = Vec::new();
    for _ in 0..reps.max(1) {
        let t0 = now();
        f()?;
        flush()?;
        runs.push(now() - t0);
    }
    Ok(median(runs) - median(base))
}

/// Measures the per-frame drawing cost (100 × 100 heatmap onto 600 × 600 device pixels in both blit modes,
/// whole charts) and prints it: `cargo test --release --target wasm32-unknown-unknown -p saddle-web --test draw
/// heatmap_blit_cost -- --nocapture`. The bounds are loose (debug builds, shared CI machines).
#[wasm_bindgen_test]
fn heatmap_blit_cost() -> TestResult {
    let c = canvas(700, 700)?;
    let cx = ctx(&c)?;
    let probs = blob_prob(100, 100);
    let dest = Rect {
        x: 50.0,
        y: 50.0,
        w: 600.0,
        h: 600.0,
    };
    let reps = 30;
    let mut report = Vec::new();
    let ms = time_ms(&c, reps, || {
        heatmap::binary_rgba(&probs, 100, 100).map(|_| ())
    })?;
    report.push(format!("binary_rgba 100×100 {ms:.3} ms"));
    let rgba = heatmap::binary_rgba(&probs, 100, 100)?;
    for mode in [BlitMode::Pixelated, BlitMode::Smooth] {
        let ms = time_ms(&c, reps, || {
            heatmap::blit(&cx, &rgba, 100, 100, dest, mode).map_err(|_| "blit failed".to_string())
        })?;
        report.push(format!("blit {mode:?} {ms:.3} ms"));
        assert!(ms < 50.0, "{mode:?} blit took {ms} ms");
    }
    let (x, y, l) = two_blobs();
    let pts = Points {
        x: &x,
        y: &y,
        labels: &l,
    };
    let f = |nx: usize, ny: usize| blob_prob(nx, ny);
    // As the page draws: crisp heatmap cells.
    let page = PlotOptions {
        blit: BlitMode::Pixelated,
        ..PlotOptions::default()
    };
    let ms = time_ms(&c, reps, || {
        boundary::draw_classification(
            &c,
            [-6.0, 6.0, -6.0, 6.0],
            &Background::Binary(&f),
            pts,
            pts,
            &page,
        )
        .map_err(|_| "draw failed".to_string())
    })?;
    report.push(format!(
        "classification chart, 200 points (grid fn incl.) {ms:.3} ms"
    ));
    let ms = time_ms(&c, reps, || {
        boundary::draw_classification(
            &c,
            [-6.0, 6.0, -6.0, 6.0],
            &Background::Binary(&f),
            Points::default(),
            Points::default(),
            &page,
        )
        .map_err(|_| "draw failed".to_string())
    })?;
    report.push(format!("same without points {ms:.3} ms"));
    let steps: Vec<f64> = (0..5000).map(f64::from).collect();
    let loss: Vec<f64> = steps.iter().map(|s| 1.0 / (1.0 + s)).collect();
    let ms = time_ms(&c, reps, || {
        loss_chart::draw_loss_chart(
            &c,
            LossData {
                steps: &steps,
                train: &loss,
                test: &loss,
            },
        )
        .map_err(|_| "loss failed".to_string())
    })?;
    report.push(format!("loss chart 2×5000 points {ms:.3} ms"));
    // A noisy history (SGD-like wiggles at every decimated point) is the expensive case for the line raster.
    let noisy: Vec<f64> = steps
        .iter()
        .map(|s| (1.0 + 0.1 * (0.7 * s).sin()) / (1.0 + s))
        .collect();
    let ms = time_ms(&c, reps, || {
        loss_chart::draw_loss_chart(
            &c,
            LossData {
                steps: &steps,
                train: &noisy,
                test: &noisy,
            },
        )
        .map_err(|_| "loss failed".to_string())
    })?;
    report.push(format!("loss chart 2×5000 noisy points {ms:.3} ms"));
    let ms = time_ms(&c, reps, || {
        loss_chart::draw_loss_chart(&c, LossData::default()).map_err(|_| "loss failed".to_string())
    })?;
    report.push(format!(
        "loss chart, empty history (axes, legend) {ms:.3} ms"
    ));
    console_log!("drawing cost per frame: {}", report.join("; "));
    Ok(())
}

#[wasm_bindgen_test]
fn discretize_and_colour_scale_change_the_plot() -> TestResult {
    let (x, y, l) = two_blobs();
    let pts = Points {
        x: &x,
        y: &y,
        labels: &l,
    };
    let f = |nx: usize, ny: usize| blob_prob(nx, ny);
    let draw = |opts: PlotOptions| -> Result<(Vec<u8>, f64), String> {
        let c = canvas(420, 420)?;
        boundary::draw_classification(
            &c,
            [-6.0, 6.0, -6.0, 6.0],
            &Background::Binary(&f),
            pts,
            pts,
            &opts,
        )
        .map_err(|_| "draw_classification failed")?;
        let top = hit::geometry(&c).ok_or("no geometry")?.rect[1];
        Ok((pixels(&c)?, top))
    };
    let (plain, plain_top) = draw(PlotOptions::default())?;
    let (hard, _) = draw(PlotOptions {
        discretize: true,
        ..PlotOptions::default()
    })?;
    let (scaled, scaled_top) = draw(PlotOptions {
        legend: true,
        ..PlotOptions::default()
    })?;
    assert_ne!(plain, hard);
    assert!(
        distinct_colours(&hard) < distinct_colours(&plain),
        "hard regions: {} colours vs {}",
        distinct_colours(&hard),
        distinct_colours(&plain)
    );
    assert_ne!(plain, scaled);
    // The scale row sits above the plot, which moves down to make room.
    assert!(scaled_top > plain_top + 10.0, "{scaled_top} vs {plain_top}");
    // Multi-class: both options draw without error.
    let k3 = |nx: usize, ny: usize| -> Vec<f64> {
        (0..nx * ny)
            .flat_map(|i| match i % 3 {
                0 => [0.6, 0.3, 0.1],
                1 => [0.2, 0.5, 0.3],
                _ => [0.1, 0.1, 0.8],
            })
            .collect()
    };
    let c = canvas(300, 300)?;
    for (discretize, legend) in [(true, true), (false, true), (true, false)] {
        boundary::draw_classification(
            &c,
            [-6.0, 6.0, -6.0, 6.0],
            &Background::MultiClass(3, &k3),
            pts,
            pts,
            &PlotOptions {
                discretize,
                legend,
                ..PlotOptions::default()
            },
        )
        .map_err(|_| "multi-class with options failed")?;
    }
    Ok(())
}

#[wasm_bindgen_test]
fn classification_plot_is_equal_aspect_and_records_its_geometry() -> TestResult {
    let f = |nx: usize, ny: usize| blob_prob(nx, ny);
    for (w, h, domain) in [
        (480, 400, [-6.0, 6.0, -6.0, 6.0]),
        (360, 600, [-6.0, 6.0, -6.0, 6.0]),
        (500, 500, [-3.0, 3.0, -1.5, 1.5]),
    ] {
        let c = canvas(w, h)?;
        for legend in [false, true] {
            boundary::draw_classification(
                &c,
                domain,
                &Background::Binary(&f),
                Points::default(),
                Points::default(),
                &PlotOptions {
                    legend,
                    ..PlotOptions::default()
                },
            )
            .map_err(|_| "draw failed")?;
            let g = hit::geometry(&c).ok_or("no geometry recorded")?;
            let [xa, xb, ya, yb] = g.pixels;
            let per_x = (xb - xa).abs() / (domain[1] - domain[0]);
            let per_y = (yb - ya).abs() / (domain[3] - domain[2]);
            assert!(
                (per_x / per_y - 1.0).abs() < 0.02,
                "{w}×{h} {domain:?}: {per_x} px/unit across, {per_y} up"
            );
            let mid = g.to_pixel(0.0, 0.0);
            let back = g.to_data(mid.0, mid.1).ok_or("centre outside")?;
            assert!(back.0.abs() < 1e-9 && back.1.abs() < 1e-9, "{back:?}");
        }
    }
    Ok(())
}
