//! Tick positions: "nice" 1-2-5 steps on linear axes and decade-based ticks on log axes.

/// Up to about `max` ticks at multiples of 1, 2 or 5 × 10^k inside [lo, hi]. Empty for a bad range.
pub fn nice_linear(lo: f64, hi: f64, max: usize) -> Vec<f64> {
    if !(lo.is_finite() && hi.is_finite()) || hi <= lo || max == 0 {
        return Vec::new();
    }
    let raw = (hi - lo) / max as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| (hi - lo) / s <= max as f64)
        .unwrap_or(10.0 * mag);
    let first = (lo / step).ceil() as i64;
    let last = (hi / step).floor() as i64;
    (first..=last)
        .map(|i| {
            let v = i as f64 * step;
            // Snap away float noise such as 0.30000000000000004.
            let digits = (-step.log10().floor()).max(0.0) as i32 + 1;
            let f = 10f64.powi(digits);
            (v * f).round() / f
        })
        .collect()
}

/// Ticks (in value units, not logs) for a log axis showing [lo, hi] (lo > 0), about `max` of them.
/// Spans of a decade or more tick at powers of ten (every k-th decade when there are many), adding 2× and 5×
/// when few decades show; narrower spans fall back to [`nice_linear`] in value units, so a loss that moves
/// between 0.62 and 0.69 still gets labelled ticks.
pub fn log_ticks(lo: f64, hi: f64, max: usize) -> Vec<f64> {
    if !(lo.is_finite() && hi.is_finite()) || lo <= 0.0 || hi <= lo || max == 0 {
        return Vec::new();
    }
    let (d0, d1) = (lo.log10().ceil() as i32, hi.log10().floor() as i32);
    let decades = d1 - d0 + 1;
    if decades < 1 || (decades == 1 && hi / lo < 10.0) {
        let mut t = nice_linear(lo, hi, max.min(6));
        if t.len() < 2 {
            t = nice_linear(lo, hi, 10);
        }
        return t;
    }
    let every = ((decades as usize).div_ceil(max)).max(1) as i32;
    let mut out = Vec::new();
    let multiples: &[f64] = if decades <= 2 {
        &[1.0, 2.0, 5.0]
    } else {
        &[1.0]
    };
    for d in (d0 - 1)..=d1 {
        if (d - d0).rem_euclid(every) != 0 {
            continue;
        }
        for &m in multiples {
            let v = m * 10f64.powi(d);
            if v >= lo && v <= hi {
                out.push(v);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linear_ticks() {
        assert_eq!(
            nice_linear(-6.0, 6.0, 6),
            vec![-6.0, -4.0, -2.0, 0.0, 2.0, 4.0, 6.0]
        );
        assert_eq!(nice_linear(0.0, 1.0, 5), vec![0.0, 0.2, 0.4, 0.6, 0.8, 1.0]);
        assert!(nice_linear(1.0, 1.0, 5).is_empty());
        assert!(nice_linear(f64::NAN, 1.0, 5).is_empty());
    }

    #[test]
    fn log_ticks_decades_and_narrow() {
        assert_eq!(log_ticks(1e-4, 1.0, 8), vec![1e-4, 1e-3, 1e-2, 1e-1, 1.0]);
        assert_eq!(log_ticks(0.05, 2.0, 8), vec![0.05, 0.1, 0.2, 0.5, 1.0, 2.0]);
        let narrow = log_ticks(0.62, 0.69, 6);
        assert!(
            narrow.len() >= 2 && narrow.iter().all(|&v| (0.62..=0.69).contains(&v)),
            "{narrow:?}"
        );
        let many = log_ticks(1e-12, 1e3, 6);
        assert!(many.len() <= 6 && !many.is_empty(), "{many:?}");
        assert!(log_ticks(0.0, 1.0, 5).is_empty());
    }
}
