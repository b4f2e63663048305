//! Where the data plot was last drawn on each canvas, so that a pointer position maps back to data coordinates
//! (`Playground.pointAt`, clicking points into the data): the plotting rectangle and plotters' own pixel positions
//! of the domain's corners, recorded by every data-plot draw. Keyed by the canvas element; a handful at most.

use std::cell::RefCell;

use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use web_sys::HtmlCanvasElement;

/// The pixel ↔ data mapping of one drawn plot (device pixels of its canvas).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlotGeometry {
    /// Plotting rectangle: left, top, right, bottom (right and bottom exclusive).
    pub rect: [f64; 4],
    /// The data window `[x_min, x_max, y_min, y_max]`.
    pub domain: [f64; 4],
    /// Pixel x of x_min and of x_max, pixel y of y_min and of y_max.
    pub pixels: [f64; 4],
}

impl PlotGeometry {
    /// The geometry of a chart drawn over `domain` in the pixel rectangle `rect`.
    pub(crate) fn of(
        chart: &ChartContext<'_, CanvasBackend, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
        domain: [f64; 4],
        rect: &(std::ops::Range<i32>, std::ops::Range<i32>),
    ) -> Self {
        let (x0, y0) = chart.backend_coord(&(domain[0], domain[2]));
        let (x1, y1) = chart.backend_coord(&(domain[1], domain[3]));
        PlotGeometry {
            rect: [rect.0.start, rect.1.start, rect.0.end, rect.1.end].map(f64::from),
            domain,
            pixels: [x0, x1, y0, y1].map(f64::from),
        }
    }

    /// Data coordinates of the device pixel `(px, py)`, or `None` outside the plotting rectangle (or for a
    /// degenerate mapping).
    pub fn to_data(&self, px: f64, py: f64) -> Option<(f64, f64)> {
        let [l, t, r, b] = self.rect;
        if !(px >= l && px < r && py >= t && py < b) {
            return None;
        }
        let [xa, xb, ya, yb] = self.pixels;
        let [x_min, x_max, y_min, y_max] = self.domain;
        if xb == xa || yb == ya {
            return None;
        }
        let x = x_min + (px - xa) / (xb - xa) * (x_max - x_min);
        let y = y_min + (py - ya) / (yb - ya) * (y_max - y_min);
        (x.is_finite() && y.is_finite()).then_some((x, y))
    }

    /// Device pixel of the data point `(x, y)` (the inverse of [`PlotGeometry::to_data`]).
    pub fn to_pixel(&self, x: f64, y: f64) -> (f64, f64) {
        let [xa, xb, ya, yb] = self.pixels;
        let [x_min, x_max, y_min, y_max] = self.domain;
        (
            xa + (x - x_min) / (x_max - x_min) * (xb - xa),
            ya + (y - y_min) / (y_max - y_min) * (yb - ya),
        )
    }
}

/// Canvases remembered at most (the page draws the data plot into one; tests use a few).
const MAX_CANVASES: usize = 8;

thread_local! {
    static PLOTS: RefCell<Vec<(HtmlCanvasElement, PlotGeometry)>> = const { RefCell::new(Vec::new()) };
}

/// Remembers the geometry of the plot just drawn on `canvas`.
pub(crate) fn record(canvas: &HtmlCanvasElement, g: PlotGeometry) {
    PLOTS.with(|p| {
        let mut p = p.borrow_mut();
        p.retain(|(c, _)| c != canvas);
        if p.len() >= MAX_CANVASES {
            p.remove(0);
        }
        p.push((canvas.clone(), g));
    });
}

/// Forgets `canvas` (its next draw may not produce a plot, e.g. when it is too small).
pub(crate) fn forget(canvas: &HtmlCanvasElement) {
    PLOTS.with(|p| p.borrow_mut().retain(|(c, _)| c != canvas));
}

/// The geometry of the last data plot drawn on `canvas`, if any.
pub fn geometry(canvas: &HtmlCanvasElement) -> Option<PlotGeometry> {
    PLOTS.with(|p| {
        p.borrow()
            .iter()
            .find(|(c, _)| c == canvas)
            .map(|(_, g)| *g)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pixels_map_to_data_and_back() {
        // [-6, 6]² onto x 100..500, y 50..450 (y down).
        let g = PlotGeometry {
            rect: [100.0, 50.0, 500.0, 450.0],
            domain: [-6.0, 6.0, -6.0, 6.0],
            pixels: [100.0, 500.0, 450.0, 50.0],
        };
        assert_eq!(g.to_data(300.0, 250.0), Some((0.0, 0.0)));
        assert_eq!(g.to_data(100.0, 450.0 - 1e-9).map(|p| p.0), Some(-6.0));
        let (x, y) = g.to_data(400.0, 150.0).unwrap_or_default();
        assert!((x - 3.0).abs() < 1e-12 && (y - 3.0).abs() < 1e-12);
        assert_eq!(g.to_pixel(3.0, 3.0), (400.0, 150.0));
        assert_eq!(g.to_data(99.0, 250.0), None);
        assert_eq!(g.to_data(500.0, 250.0), None);
        assert_eq!(g.to_data(300.0, f64::NAN), None);
    }
}
