//! Colour-blind-safe palettes: class colours, the binary diverging map and the multi-class blend.
//!
//! Choice and source:
//! - Class colours are the Okabe–Ito palette (Okabe & Ito 2008, "Color Universal Design"; recommended by Wong 2011,
//!   Nature Methods 8:441), distinguishable under the common forms of colour-vision deficiency. Class 0 is orange
//!   `#E69F00`, class 1 blue `#0072B2`, then bluish green, vermillion, reddish purple, sky blue, yellow; more classes
//!   cycle.
//! - Binary heatmaps use a diverging orange ↔ white ↔ blue map between the class 0 and class 1 colours, so the
//!   background and the points speak the same colour language. P(class 1) = 0.5 is white; the ends stop at
//!   [`HEAT_STRENGTH`] of the full colour so saturated points with a dark outline stay visible on top. The two hues
//!   differ strongly in lightness and in blue–yellow, the axis preserved in protanopia and deuteranopia.
//! - Multi-class heatmaps blend the class colours weighted by probability (in sRGB) and fade the blend towards
//!   white as confidence falls: confidence = (max p − 1/K) / (1 − 1/K), 0 at the uniform prediction, 1 when one
//!   class has all the mass. Hue says which class, lightness says how sure.
//!
//! Interpolation is linear in sRGB (gamma-encoded) values: cheap, monotone in lightness along each half of the
//! map, and close enough to perceptually even for a background.

/// An sRGB colour, 8 bits per channel.
pub type Rgb = [u8; 3];

/// Okabe–Ito colours in class order (black omitted: it is the outline colour).
pub const OKABE_ITO: [Rgb; 7] = [
    [0xE6, 0x9F, 0x00], // orange
    [0x00, 0x72, 0xB2], // blue
    [0x00, 0x9E, 0x73], // bluish green
    [0xD5, 0x5E, 0x00], // vermillion
    [0xCC, 0x79, 0xA7], // reddish purple
    [0x56, 0xB4, 0xE9], // sky blue
    [0xF0, 0xE4, 0x42], // yellow
];

/// White, the neutral middle of every map.
pub const WHITE: Rgb = [0xFF, 0xFF, 0xFF];
/// Near-black used for point outlines, axes and text.
pub const INK: Rgb = [0x22, 0x22, 0x22];
/// Train loss line colour (Okabe–Ito blue).
pub const TRAIN_LINE: Rgb = [0x00, 0x72, 0xB2];
/// Test loss line colour (Okabe–Ito vermillion).
pub const TEST_LINE: Rgb = [0xD5, 0x5E, 0x00];
/// How far a fully confident heatmap cell goes from white towards the class colour (0 = white, 1 = full colour).
pub const HEAT_STRENGTH: f64 = 0.75;

/// The colour of class `k` (Okabe–Ito, cycling after 7 classes).
pub fn class_colour(k: usize) -> Rgb {
    OKABE_ITO[k % OKABE_ITO.len()]
}

/// Rounds a channel value to the nearest byte (saturating; `+ 0.5` and truncation: `f64::round` is a slow
/// software routine in wasm).
fn to_u8(v: f64) -> u8 {
    (v + 0.5) as u8
}

/// Linear interpolation in sRGB: `a + t (b − a)`, t clamped to [0, 1].
pub fn mix(a: Rgb, b: Rgb, t: f64) -> Rgb {
    let t = if t.is_finite() {
        t.clamp(0.0, 1.0)
    } else {
        0.0
    };
    let ch = |i: usize| to_u8(f64::from(a[i]) + t * (f64::from(b[i]) - f64::from(a[i])));
    [ch(0), ch(1), ch(2)]
}

/// Binary diverging map for p = P(class 1): class 0 colour at p = 0, white at 0.5, class 1 colour at 1, each end
/// scaled by [`HEAT_STRENGTH`]. Non-finite p maps to white (no information).
pub fn binary(p: f64) -> Rgb {
    if !p.is_finite() {
        return WHITE;
    }
    let p = p.clamp(0.0, 1.0);
    let (end, t) = if p < 0.5 {
        (class_colour(0), 1.0 - 2.0 * p)
    } else {
        (class_colour(1), 2.0 * p - 1.0)
    };
    mix(WHITE, end, t * HEAT_STRENGTH)
}

/// Steps of the precomputed binary map (p quantised to 1/`BINARY_STEPS`, below one 8-bit colour step).
const BINARY_STEPS: usize = 1024;

/// [`binary`] through a lookup table: the same colours up to quantisation of p to 1/1024, several times faster
/// per heatmap cell than evaluating the map.
pub fn binary_fast(p: f64) -> Rgb {
    static LUT: std::sync::OnceLock<Vec<Rgb>> = std::sync::OnceLock::new();
    if !p.is_finite() {
        return WHITE;
    }
    let lut = LUT.get_or_init(|| {
        (0..=BINARY_STEPS)
            .map(|i| binary(i as f64 / BINARY_STEPS as f64))
            .collect()
    });
    let i = (p.clamp(0.0, 1.0) * BINARY_STEPS as f64 + 0.5) as usize;
    lut.get(i).copied().unwrap_or(WHITE)
}

/// Multi-class map for one cell's probabilities (any length K ≥ 1; need not be normalised exactly).
/// Colour = Σ p_k c_k / Σ p_k, faded to white by 1 − confidence. Non-finite or all-zero input maps to white.
pub fn multiclass(probs: &[f64]) -> Rgb {
    let k = probs.len();
    if k == 0 {
        return WHITE;
    }
    let mut sum = 0.0;
    let mut max = 0.0_f64;
    let mut acc = [0.0_f64; 3];
    for (i, &p) in probs.iter().enumerate() {
        if !p.is_finite() || p < 0.0 {
            return WHITE;
        }
        let c = class_colour(i);
        for ch in 0..3 {
            acc[ch] += p * f64::from(c[ch]);
        }
        sum += p;
        max = max.max(p);
    }
    if sum <= 0.0 {
        return WHITE;
    }
    let blend = acc.map(|v| to_u8(v / sum));
    if k == 1 {
        return mix(WHITE, blend, HEAT_STRENGTH);
    }
    let uniform = 1.0 / k as f64;
    let confidence = ((max / sum - uniform) / (1.0 - uniform)).clamp(0.0, 1.0);
    mix(WHITE, blend, confidence * HEAT_STRENGTH)
}

/// CSS `rgb(r,g,b)` / `rgba(...)` string for the canvas context.
pub fn css(c: Rgb, alpha: f64) -> String {
    if alpha >= 1.0 {
        format!("rgb({},{},{})", c[0], c[1], c[2])
    } else {
        format!("rgba({},{},{},{})", c[0], c[1], c[2], alpha.clamp(0.0, 1.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_endpoints_and_middle() {
        assert_eq!(binary(0.5), WHITE);
        assert_eq!(binary(0.0), mix(WHITE, OKABE_ITO[0], HEAT_STRENGTH));
        assert_eq!(binary(1.0), mix(WHITE, OKABE_ITO[1], HEAT_STRENGTH));
        // Clamped and non-finite inputs never panic.
        assert_eq!(binary(-3.0), binary(0.0));
        assert_eq!(binary(7.0), binary(1.0));
        assert_eq!(binary(f64::NAN), WHITE);
    }

    #[test]
    fn binary_lightness_monotone_towards_middle() {
        let luma =
            |c: Rgb| 0.299 * f64::from(c[0]) + 0.587 * f64::from(c[1]) + 0.114 * f64::from(c[2]);
        let mut prev = luma(binary(0.0));
        for i in 1..=50 {
            let l = luma(binary(i as f64 / 100.0));
            assert!(l >= prev - 1e-9, "p={} not lighter", i);
            prev = l;
        }
        for i in 51..=100 {
            let l = luma(binary(i as f64 / 100.0));
            assert!(l <= prev + 1e-9, "p={} not darker", i);
            prev = l;
        }
    }

    #[test]
    fn binary_fast_matches_binary() {
        for i in 0..=200 {
            let p = i as f64 / 200.0;
            let (a, b) = (binary(p), binary_fast(p));
            for ch in 0..3 {
                assert!(a[ch].abs_diff(b[ch]) <= 1, "p={p}: {a:?} vs {b:?}");
            }
        }
        assert_eq!(binary_fast(0.0), binary(0.0));
        assert_eq!(binary_fast(1.0), binary(1.0));
        assert_eq!(binary_fast(f64::NAN), WHITE);
        assert_eq!(binary_fast(-1.0), binary(0.0));
    }

    #[test]
    fn multiclass_confident_and_uniform() {
        assert_eq!(
            multiclass(&[1.0, 0.0, 0.0]),
            mix(WHITE, OKABE_ITO[0], HEAT_STRENGTH)
        );
        assert_eq!(
            multiclass(&[0.0, 0.0, 1.0]),
            mix(WHITE, OKABE_ITO[2], HEAT_STRENGTH)
        );
        let third = 1.0 / 3.0;
        assert_eq!(multiclass(&[third, third, third]), WHITE);
        assert_eq!(multiclass(&[]), WHITE);
        assert_eq!(multiclass(&[f64::NAN, 0.5, 0.5]), WHITE);
        assert_eq!(multiclass(&[0.0, 0.0]), WHITE);
    }

    #[test]
    fn class_colours_cycle() {
        assert_eq!(class_colour(0), [0xE6, 0x9F, 0x00]);
        assert_eq!(class_colour(1), [0x00, 0x72, 0xB2]);
        assert_eq!(class_colour(7), class_colour(0));
    }

    #[test]
    fn css_strings() {
        assert_eq!(css([1, 2, 3], 1.0), "rgb(1,2,3)");
        assert_eq!(css([1, 2, 3], 0.5), "rgba(1,2,3,0.5)");
    }
}
