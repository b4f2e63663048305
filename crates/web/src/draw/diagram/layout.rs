//! Where the diagram's columns, unit thumbnails and links go for a canvas size, in CSS pixels (pure; tested
//! natively). See the parent module for the rules.

/// Height of the label band above the columns, CSS px.
pub const TOP: f64 = 40.0;
/// Height of the band below the columns left free for the page's +/− buttons, CSS px.
pub const BOTTOM: f64 = 52.0;
/// Room left of the first column for the feature names, CSS px.
pub const LEFT: f64 = 42.0;
/// Margin right of the last column, CSS px.
pub const RIGHT: f64 = 6.0;
/// Smallest and largest thumbnail side, CSS px.
pub const MIN_UNIT: f64 = 14.0;
pub const MAX_UNIT: f64 = 64.0;
/// Gap between thumbnails as a fraction of their side.
const GAP: f64 = 0.3;
/// Height reserved under a truncated column for its "+k" note, CSS px.
const MORE: f64 = 16.0;
/// Preferred canvas heights are clamped to this range, CSS px.
const MIN_HEIGHT: f64 = 180.0;
const MAX_HEIGHT: f64 = 560.0;

/// One unit's square, CSS px (top-left corner and side).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct UnitBox {
    pub layer: usize,
    pub unit: usize,
    pub x: f64,
    pub y: f64,
    pub size: f64,
}

/// One column: its centre x, how many units the layer has and the boxes of those shown.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub x: f64,
    pub total: usize,
    pub units: Vec<UnitBox>,
}

/// A link drawn as a segment, CSS px: `layer` is the weight layer (0 = the first hidden layer's incoming
/// weights, as in `Session::weight_index`), `from` a unit of diagram column `layer`, `to` one of column `layer + 1`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Link {
    pub layer: usize,
    pub from: usize,
    pub to: usize,
    pub a: (f64, f64),
    pub b: (f64, f64),
}

/// The diagram's geometry for a canvas of `width × height` CSS px.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub width: f64,
    pub height: f64,
    /// Thumbnail side, CSS px.
    pub size: f64,
    pub columns: Vec<Column>,
    pub links: Vec<Link>,
    /// The canvas height (CSS px) at which this width shows every column's units at the largest size the width
    /// allows (up to 12 units per column), clamped to 180 … 560.
    pub preferred_height: f64,
}

fn finite_or_zero(v: f64) -> f64 {
    if v.is_finite() {
        v.max(0.0)
    } else {
        0.0
    }
}

/// The largest thumbnail side the width allows for `n` columns (half the pitch at most).
fn width_limit(width: f64, n: usize) -> f64 {
    let inner = (width - LEFT - RIGHT).max(0.0);
    (inner / (2.0 * n.max(1) as f64 - 1.0)).min(MAX_UNIT)
}

/// How many thumbnails of side `s` fit in `avail` CSS px.
fn fit(avail: f64, s: f64) -> usize {
    if s <= 0.0 {
        return 1;
    }
    (((avail + GAP * s) / ((1.0 + GAP) * s) + 1e-9).floor() as usize).max(1)
}

/// Lays out columns of `widths[i]` units (features, hidden…, output) on a `width × height` CSS px canvas.
pub fn layout(widths: &[usize], width: f64, height: f64) -> Layout {
    let (width, height) = (finite_or_zero(width), finite_or_zero(height));
    let n = widths.len();
    let tallest = widths.iter().copied().max().unwrap_or(0);
    let s_w = width_limit(width, n);
    let preferred = {
        let s = s_w.max(MIN_UNIT);
        let k = tallest.clamp(1, 12) as f64;
        (TOP + BOTTOM + k * s + (k - 1.0) * GAP * s).clamp(MIN_HEIGHT, MAX_HEIGHT)
    };
    let avail = (height - TOP - BOTTOM).max(0.0);
    let t = tallest.max(1) as f64;
    let mut size = s_w.min(avail / (t + GAP * (t - 1.0)));
    let mut band = avail;
    if size < MIN_UNIT {
        size = MIN_UNIT.min(s_w);
        if fit(avail, size) < tallest {
            band = (avail - MORE).max(0.0);
        }
    }
    let size = size.max(0.0);
    let shown_max = fit(band, size);
    let first_x = LEFT + size / 2.0;
    let pitch = if n > 1 {
        (width - LEFT - RIGHT - size).max(0.0) / (n - 1) as f64
    } else {
        0.0
    };
    let columns: Vec<Column> = widths
        .iter()
        .enumerate()
        .map(|(l, &total)| {
            let shown = total.min(shown_max);
            let block = shown as f64 * size + shown.saturating_sub(1) as f64 * GAP * size;
            let top = TOP + ((band - block) / 2.0).max(0.0);
            let x = first_x + pitch * l as f64;
            let units = (0..shown)
                .map(|u| UnitBox {
                    layer: l,
                    unit: u,
                    x: x - size / 2.0,
                    y: top + u as f64 * (1.0 + GAP) * size,
                    size,
                })
                .collect();
            Column { x, total, units }
        })
        .collect();
    let mut links = Vec::new();
    for (l, pair) in columns.windows(2).enumerate() {
        for to in &pair[1].units {
            for from in &pair[0].units {
                links.push(Link {
                    layer: l,
                    from: from.unit,
                    to: to.unit,
                    a: (from.x + from.size, from.y + from.size / 2.0),
                    b: (to.x, to.y + to.size / 2.0),
                });
            }
        }
    }
    Layout {
        width,
        height,
        size,
        columns,
        links,
        preferred_height: preferred,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn boxes_overlap(a: &UnitBox, b: &UnitBox) -> bool {
        a.x < b.x + b.size && b.x < a.x + a.size && a.y < b.y + b.size && b.y < a.y + a.size
    }

    #[test]
    fn six_layers_of_eight_fit_a_desktop_and_a_phone() {
        let widths = [2, 8, 8, 8, 8, 8, 8, 1];
        for (w, h) in [(1000.0, 520.0), (351.0, 420.0)] {
            let lay = layout(&widths, w, h);
            assert_eq!(lay.columns.len(), 8);
            assert!(lay
                .columns
                .iter()
                .zip(widths)
                .all(|(c, n)| c.units.len() == n && c.total == n));
            assert_eq!(lay.links.len(), 2 * 8 + 5 * 64 + 8);
            assert!(
                lay.size >= MIN_UNIT && lay.size <= MAX_UNIT,
                "{w}: {}",
                lay.size
            );
            let all: Vec<&UnitBox> = lay.columns.iter().flat_map(|c| &c.units).collect();
            for (i, a) in all.iter().enumerate() {
                assert!(
                    a.x >= 0.0 && a.x + a.size <= w && a.y >= TOP && a.y + a.size <= h - BOTTOM
                );
                assert!(all[i + 1..].iter().all(|b| !boxes_overlap(a, b)));
            }
            // Columns leave room for links: the gap between neighbours is at least one thumbnail.
            for pair in lay.columns.windows(2) {
                assert!(pair[1].x - pair[0].x >= 2.0 * lay.size - 1e-9);
            }
            for l in &lay.links {
                assert!(l.a.0 < l.b.0, "links run left to right");
            }
        }
    }

    #[test]
    fn preferred_height_fits_all_units_and_is_bounded() {
        let widths = [2, 8, 8, 1];
        let w = 800.0;
        let lay = layout(&widths, w, 0.0);
        let again = layout(&widths, w, lay.preferred_height);
        assert!(again
            .columns
            .iter()
            .zip(widths)
            .all(|(c, n)| c.units.len() == n));
        assert!((180.0..=560.0).contains(&lay.preferred_height));
        assert!(layout(&[2, 1], 300.0, 0.0).preferred_height >= 180.0);
    }

    #[test]
    fn wide_layers_are_truncated_with_a_note_and_odd_sizes_do_not_panic() {
        let lay = layout(&[2, 256, 1], 600.0, 400.0);
        let mid = &lay.columns[1];
        assert!(mid.units.len() < 256 && mid.units.len() > 5 && mid.total == 256);
        assert!(mid
            .units
            .iter()
            .all(|u| u.y + u.size <= 400.0 - BOTTOM - MORE + 1e-9));
        assert_eq!(lay.links.len(), 2 * mid.units.len() + mid.units.len());
        for (w, h) in [
            (0.0, 0.0),
            (f64::NAN, 5.0),
            (10.0, f64::INFINITY),
            (-3.0, 100.0),
        ] {
            let lay = layout(&[2, 4, 1], w, h);
            assert!(lay
                .columns
                .iter()
                .all(|c| c.units.iter().all(|u| u.size.is_finite())));
        }
        assert!(layout(&[], 500.0, 300.0).columns.is_empty());
    }
}
