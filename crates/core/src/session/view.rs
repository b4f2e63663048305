//! What the page draws from a session: test-time predictions over the plot domain (decision grid, fitted
//! curve, every unit's output for the diagram) and the points in raw coordinates with their ids.

use super::Session;
use crate::data::{DataPoint, Dataset, PointId};
use crate::fast;
use crate::features;
use crate::loss::Head;
use crate::Matrix;

impl Session {
    /// Test-time predictions on an `nx × ny` grid over the domain, rows from the top (y_max) down, x left to
    /// right. Binary heads give P(class 1) per cell; softmax gives K probabilities per cell, cell-major.
    /// Regression sessions return an empty vector (use [`Session::predict_curve`]).
    pub fn predict_grid(&self, nx: usize, ny: usize) -> Vec<f64> {
        if self.config.dataset.input_dim() != 2 || nx == 0 || ny == 0 {
            return Vec::new();
        }
        let out = self.mlp.predict(
            &self.network_input(&self.plane(nx, ny)),
            &self.config.dropout,
        );
        match self.mlp.head {
            Head::SoftmaxCe => out.as_slice().to_vec(),
            head => out.iter().map(|&o| binary_probability(head, o)).collect(),
        }
    }

    /// [`Session::predict_grid`] through the f32 forward pass of [`fast::units::predict`] (within ~1e-5 of it,
    /// several times cheaper): what the page's data plot draws every frame while training. Same layout.
    pub fn predict_grid_fast(&self, nx: usize, ny: usize) -> Vec<f64> {
        if self.config.dataset.input_dim() != 2 || nx == 0 || ny == 0 {
            return Vec::new();
        }
        let input = self.network_input(&self.plane(nx, ny));
        let x: Vec<f32> = input.iter().map(|&v| v as f32).collect();
        let out = fast::units::predict(&self.mlp, &x, &self.config.dropout);
        match self.mlp.head {
            Head::SoftmaxCe => out.iter().map(|&o| f64::from(o)).collect(),
            head => out
                .iter()
                .map(|&o| binary_probability(head, f64::from(o)))
                .collect(),
        }
    }

    /// Test-time predictions of a 1D regression network at `n` evenly spaced inputs across the domain.
    pub fn predict_curve(&self, n: usize) -> (Vec<f64>, Vec<f64>) {
        if self.config.dataset.input_dim() != 1 || n < 2 {
            return (Vec::new(), Vec::new());
        }
        let xs = self.line(n);
        let raw = Matrix::from_row_slice(1, n, &xs);
        let out = self
            .mlp
            .predict(&self.network_input(&raw), &self.config.dropout);
        (xs, out.row(0).iter().copied().collect())
    }

    /// Every unit's output over the plot domain, for the network diagram: `[layer][unit][cell]`. Layer 0 is
    /// the feature layer (the feature values themselves, exact), then each hidden layer after its activation,
    /// then the output layer after the head (sigmoid probability, softmax class probabilities, the raw tanh or
    /// linear output: not remapped). Test-time rule (no noise; weight-scaling factors applied as in
    /// [`crate::mlp::Mlp::predict`]), computed in f32 by [`crate::fast::units::layer_outputs`] (within ~1e-5 of
    /// the f64 model: this is for drawing, several times cheaper per frame than the f64 pass). 2-D sets: a
    /// `res × res` grid of cell centres, top row first, row-major; 1-D sets: `res` evenly spaced x values
    /// across the domain (ends included; the centre when `res` = 1). Empty when `res` = 0.
    pub fn unit_grids(&self, res: usize) -> Vec<Vec<Vec<f64>>> {
        if res == 0 {
            return Vec::new();
        }
        let raw = if self.config.dataset.input_dim() == 2 {
            self.plane(res, res)
        } else {
            Matrix::from_row_slice(1, res, &self.line(res))
        };
        let input = self.network_input(&raw);
        let cells = input.ncols();
        let x: Vec<f32> = input.iter().map(|&v| v as f32).collect();
        let outputs = fast::units::layer_outputs(&self.mlp, &x, &self.config.dropout);
        // Column-major `units × cells` → one row of cells per unit.
        let rows = |m: &[f32], units: usize| -> Vec<Vec<f64>> {
            (0..units)
                .map(|u| (0..cells).map(|j| f64::from(m[u + j * units])).collect())
                .collect()
        };
        let features = input
            .row_iter()
            .map(|r| r.iter().copied().collect())
            .collect();
        std::iter::once(features)
            .chain(
                outputs
                    .iter()
                    .zip(&self.mlp.layers)
                    .map(|(m, layer)| rows(m, layer.b.len())),
            )
            .collect()
    }

    /// Every point, training set then test set, in raw coordinates ((x₁, x₂), or (x, target) on 1-D sets)
    /// with its label and [`PointId`], for hit-testing clicks ([`crate::config::Config::remove_point_near`]).
    pub fn points(&self) -> Vec<DataPoint> {
        let mut out = Vec::with_capacity(self.data.train.len() + self.data.test.len());
        push_points(&mut out, &self.data.train, &self.train_ids, false);
        push_points(&mut out, &self.data.test, &self.test_ids, true);
        out
    }

    /// The network input (features, `f × n`) of raw points `raw` (`d × n`).
    fn network_input(&self, raw: &Matrix) -> Matrix {
        features::apply(&self.config.features, raw)
    }

    /// Raw cell centres of an `nx × ny` grid over the 2-D domain, rows from the top, one per column.
    fn plane(&self, nx: usize, ny: usize) -> Matrix {
        let [x0, x1, y0, y1] = self.domain();
        let centre =
            |i: usize, n: usize, lo: f64, hi: f64| lo + (hi - lo) * (i as f64 + 0.5) / n as f64;
        Matrix::from_fn(2, nx * ny, |r, c| {
            let (row, col) = (c / nx, c % nx);
            if r == 0 {
                centre(col, nx, x0, x1)
            } else {
                centre(ny - 1 - row, ny, y0, y1)
            }
        })
    }

    /// `n` evenly spaced x values across the domain, both ends included (the centre when `n` = 1).
    fn line(&self, n: usize) -> Vec<f64> {
        let [x0, x1, _, _] = self.domain();
        if n == 1 {
            return vec![0.5 * (x0 + x1)];
        }
        (0..n)
            .map(|i| x0 + (x1 - x0) * i as f64 / (n - 1) as f64)
            .collect()
    }
}

fn push_points(out: &mut Vec<DataPoint>, set: &Dataset, ids: &[PointId], test: bool) {
    let two_d = set.x.nrows() >= 2;
    for (j, &id) in ids.iter().enumerate().take(set.len()) {
        out.push(DataPoint {
            x: set.x[(0, j)],
            y: if two_d { set.x[(1, j)] } else { set.y[(0, j)] },
            label: set.labels.get(j).copied(),
            id,
            test,
        });
    }
}

/// P(class 1) from a binary head's output: the sigmoid output itself, (o + 1)/2 for tanh, clamped for linear.
fn binary_probability(head: Head, o: f64) -> f64 {
    match head {
        Head::TanhMse => 0.5 * (o + 1.0),
        _ => o.clamp(0.0, 1.0),
    }
}
