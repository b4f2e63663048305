//! Products with a mostly-zero operand: the activations of ReLU layers and dropout-masked inputs (75 % zeros in
//! the T2 autoencoder's hidden layer). Only the non-zero entries are multiplied, which is exact: a skipped term
//! is a product with an exact zero (reference BLAS skips zero multipliers the same way).

use super::kernels::{dot4, Start};
use super::simd::F32x4;

/// Rows of C per register tile of [`gemm_sparse`]: 8 vectors, accumulated across a whole column list.
const ROWS: usize = 32;

/// Compressed sparse columns of a `rows × cols` matrix: column j's non-zero entries are
/// `index[start[j]..start[j + 1]]` (row numbers, increasing) with `value[..]` at the same positions. The
/// buffers are reused across batches.
#[derive(Debug, Clone, Default)]
pub struct Csc {
    rows: usize,
    start: Vec<usize>,
    index: Vec<u32>,
    value: Vec<f32>,
}

impl Csc {
    /// The non-zeros of the column-major `rows × cols` matrix `dense`, column by column. Branch-free: every entry
    /// is written at the cursor, which only advances past non-zeros (at 25–75 % density a branch per entry
    /// would mispredict constantly).
    pub fn set_columns(&mut self, dense: &[f32], rows: usize) {
        self.rows = rows;
        self.start.clear();
        self.start.push(0);
        self.index.resize(dense.len(), 0);
        self.value.resize(dense.len(), 0.0);
        let mut nnz = 0;
        for column in dense.chunks_exact(rows.max(1)) {
            for (i, &v) in column.iter().enumerate() {
                self.index[nnz] = i as u32;
                self.value[nnz] = v;
                nnz += usize::from(v != 0.0);
            }
            self.start.push(nnz);
        }
        self.index.truncate(nnz);
        self.value.truncate(nnz);
    }

    /// The non-zeros of the transpose of the column-major `rows × cols` matrix `dense`: column i of the result
    /// lists row i of `dense` (its column numbers, increasing). A counting sort: one pass to count, one to place
    /// (branch-free: a zero is written to a spare slot past the end instead of being skipped).
    pub fn set_rows(&mut self, dense: &[f32], rows: usize) {
        let cols = dense.len() / rows.max(1);
        self.rows = cols;
        self.start.clear();
        self.start.resize(rows + 1, 0);
        for column in dense.chunks_exact(rows.max(1)) {
            for (i, &v) in column.iter().enumerate() {
                self.start[i + 1] += usize::from(v != 0.0);
            }
        }
        for i in 0..rows {
            self.start[i + 1] += self.start[i];
        }
        let nnz = self.start[rows];
        self.index.resize(nnz + 1, 0);
        self.value.resize(nnz + 1, 0.0);
        // `start[i]` serves as the fill cursor of row i, then is restored from its neighbour.
        for (j, column) in dense.chunks_exact(rows.max(1)).enumerate() {
            for (i, &v) in column.iter().enumerate() {
                let kept = v != 0.0;
                let at = if kept { self.start[i] } else { nnz };
                self.index[at] = j as u32;
                self.value[at] = v;
                self.start[i] += usize::from(kept);
            }
        }
        self.index.truncate(nnz);
        self.value.truncate(nnz);
        for i in (1..=rows).rev() {
            self.start[i] = self.start[i - 1];
        }
        self.start[0] = 0;
    }

    /// Number of columns.
    pub fn cols(&self) -> usize {
        self.start.len().saturating_sub(1)
    }

    /// Fraction of non-zero entries, in [0, 1] (1 for an empty matrix, so it never looks worth skipping).
    pub fn density(&self) -> f64 {
        let total = self.rows * self.cols();
        if total == 0 {
            1.0
        } else {
            self.index.len() as f64 / total as f64
        }
    }

    /// Row numbers and values of column j.
    #[inline(always)]
    fn column(&self, j: usize) -> (&[u32], &[f32]) {
        let range = self.start[j]..self.start[j + 1];
        (&self.index[range.clone()], &self.value[range])
    }
}

/// C = start + A·S for a dense column-major A (`m × k`) and a sparse S (`k × n`): C is column-major `m × n`, or
/// — when `transposed_c` — stored as its transpose (`n × m` column-major; then `start` must be
/// [`Start::Zero`]). Each tile of 32 rows of one column of C stays in 8 vector registers while the column's
/// non-zeros stream through; the tile loop runs down A in blocks of 32 rows so each block stays in L1.
pub fn gemm_sparse(
    c: &mut [f32],
    a: &[f32],
    m: usize,
    s: &Csc,
    start: Start<'_>,
    transposed_c: bool,
) {
    let n = s.cols();
    debug_assert_eq!(c.len(), m * n, "C is m × n");
    debug_assert!(
        !transposed_c || matches!(start, Start::Zero),
        "a transposed C starts at zero"
    );
    let full = m - m % ROWS;
    for i0 in (0..full).step_by(ROWS) {
        for j in 0..n {
            let (index, value) = s.column(j);
            let mut acc = [F32x4::zero(); ROWS / 4];
            if !transposed_c {
                let col = &c[j * m..(j + 1) * m];
                for (q, v) in acc.iter_mut().enumerate() {
                    *v = start.lanes(col, i0 + 4 * q);
                }
            }
            for (&p, &v) in index.iter().zip(value) {
                let block = &a[p as usize * m + i0..p as usize * m + i0 + ROWS];
                let s = F32x4::splat(v);
                for (q, acc) in acc.iter_mut().enumerate() {
                    *acc = *acc + F32x4::load(&block[4 * q..]) * s;
                }
            }
            if transposed_c {
                for (q, v) in acc.iter().enumerate() {
                    for (r, x) in v.to_array().into_iter().enumerate() {
                        c[(i0 + 4 * q + r) * n + j] = x;
                    }
                }
            } else {
                for (q, v) in acc.iter().enumerate() {
                    v.store(&mut c[j * m + i0 + 4 * q..]);
                }
            }
        }
    }
    // Rows beyond the last full block, one at a time.
    for j in 0..n {
        let (index, value) = s.column(j);
        for i in full..m {
            let at = if transposed_c { i * n + j } else { j * m + i };
            let mut acc = if transposed_c {
                0.0
            } else {
                start.scalar(&c[j * m..], i)
            };
            for (&p, &v) in index.iter().zip(value) {
                acc += a[p as usize * m + i] * v;
            }
            c[at] = acc;
        }
    }
}

/// out = start + (Wᵀ D) restricted to `pattern`: out[p, b] = bias[p] + Σ_i W[i, p] D[i, b] (no bias term when
/// `bias` is `None`) for every non-zero position (p, b) of `pattern` (a `k × n` Csc; its values are ignored) and
/// 0 elsewhere. W is column-major `m × k`, D `m × n`, out `k × n`. Two uses: backpropagation into a layer input
/// of which only `pattern` matters (the units a ReLU or dropout will zero anyway), and the forward product of a
/// layer whose outputs dropout will mostly zero (then W is the transposed weight matrix, D the layer input).
/// Four dot products at a time share each load of D's column.
pub fn sampled_wt_d(
    out: &mut [f32],
    w: &[f32],
    d: &[f32],
    m: usize,
    pattern: &Csc,
    bias: Option<&[f32]>,
) {
    let k = pattern.rows;
    debug_assert!(bias.is_none_or(|b| b.len() == k), "one bias per row of out");
    let start = |p: u32| bias.map_or(0.0, |b| b[p as usize]);
    out.fill(0.0);
    for (b, db) in d.chunks_exact(m).enumerate() {
        let (index, _) = pattern.column(b);
        let column = &mut out[b * k..(b + 1) * k];
        let mut quads = index.chunks_exact(4);
        for quad in &mut quads {
            let col = |u: usize| &w[quad[u] as usize * m..(quad[u] as usize + 1) * m];
            let dots = dot4([col(0), col(1), col(2), col(3)], db);
            for (&p, dot) in quad.iter().zip(dots) {
                column[p as usize] = start(p) + dot;
            }
        }
        for &p in quads.remainder() {
            let col = &w[p as usize * m..(p as usize + 1) * m];
            column[p as usize] = start(p) + dot4([col; 4], db)[0];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fast::kernels::{gemm_naive, View};
    use crate::rng::{seeded, uniform};

    /// A column-major `rows × cols` matrix with about `density` non-zeros in (−1, 1).
    fn sparse_matrix(rows: usize, cols: usize, density: f64, seed: u64) -> Vec<f32> {
        let mut rng = seeded(seed, 3);
        (0..rows * cols)
            .map(|_| {
                let keep = uniform(&mut rng) < density;
                let v = (2.0 * uniform(&mut rng) - 1.0) as f32;
                if keep {
                    v
                } else {
                    0.0
                }
            })
            .collect()
    }

    #[test]
    fn csc_lists_columns_and_rows() {
        // [[1, 0, 2], [0, 3, 0]] column-major.
        let dense = [1.0, 0.0, 0.0, 3.0, 2.0, 0.0];
        let mut s = Csc::default();
        s.set_columns(&dense, 2);
        assert_eq!(s.cols(), 3);
        assert_eq!(s.column(0), (&[0u32][..], &[1.0f32][..]));
        assert_eq!(s.column(1), (&[1u32][..], &[3.0f32][..]));
        assert_eq!(s.column(2), (&[0u32][..], &[2.0f32][..]));
        assert!((s.density() - 0.5).abs() < 1e-12);
        s.set_rows(&dense, 2);
        assert_eq!(s.cols(), 2);
        assert_eq!(s.column(0), (&[0u32, 2][..], &[1.0f32, 2.0][..]));
        assert_eq!(s.column(1), (&[1u32][..], &[3.0f32][..]));
    }

    #[test]
    fn csc_round_trips_at_every_density() {
        for &(rows, cols) in &[(7, 5), (1, 9), (9, 1), (16, 16)] {
            for density in [0.0, 0.3, 0.5, 0.75, 1.0] {
                let dense = sparse_matrix(rows, cols, density, (rows * cols) as u64);
                let nnz = dense.iter().filter(|&&v| v != 0.0).count();
                let mut s = Csc::default();
                s.set_columns(&dense, rows);
                let mut back = vec![0.0; rows * cols];
                for j in 0..s.cols() {
                    let (index, value) = s.column(j);
                    for (&i, &v) in index.iter().zip(value) {
                        back[j * rows + i as usize] = v;
                    }
                }
                assert_eq!(back, dense, "columns of {rows}x{cols} at {density}");
                assert_eq!(s.index.len(), nnz);
                s.set_rows(&dense, rows);
                assert_eq!(s.cols(), rows);
                let mut back = vec![0.0; rows * cols];
                for i in 0..s.cols() {
                    let (index, value) = s.column(i);
                    assert!(index.windows(2).all(|w| w[0] < w[1]), "increasing");
                    for (&j, &v) in index.iter().zip(value) {
                        back[j as usize * rows + i] = v;
                    }
                }
                assert_eq!(back, dense, "rows of {rows}x{cols} at {density}");
                assert_eq!((s.index.len(), s.value.len()), (nnz, nnz));
            }
        }
    }

    #[test]
    fn sparse_products_equal_the_dense_ones() {
        for &(m, k, n) in &[(784, 256, 64), (40, 7, 5), (3, 9, 4), (64, 64, 33)] {
            let a = sparse_matrix(m, k, 1.0, 1);
            let dense = sparse_matrix(k, n, 0.3, 2);
            let bias: Vec<f32> = (0..m).map(|i| i as f32 * 0.01).collect();
            let mut s = Csc::default();
            s.set_columns(&dense, k);
            let tol = 1e-5 * (k as f32).sqrt();
            for start in [Start::Zero, Start::Accumulate, Start::Bias(&bias)] {
                let before = sparse_matrix(m, n, 1.0, 4);
                let (mut fast, mut naive) = (before.clone(), before);
                gemm_sparse(&mut fast, &a, m, &s, start, false);
                gemm_naive(
                    &mut naive,
                    View::col_major(&a, m, k),
                    View::col_major(&dense, k, n),
                    start,
                );
                for (x, y) in fast.iter().zip(&naive) {
                    assert!((x - y).abs() <= tol, "{m}x{k}x{n}: {x} vs {y}");
                }
            }
            // Transposed storage of C, and the row lists (S = denseᵀ-style use in weight gradients).
            let mut fast_t = vec![0.0; m * n];
            gemm_sparse(&mut fast_t, &a, m, &s, Start::Zero, true);
            let mut naive = vec![0.0; m * n];
            gemm_naive(
                &mut naive,
                View::col_major(&a, m, k),
                View::col_major(&dense, k, n),
                Start::Zero,
            );
            for i in 0..m {
                for j in 0..n {
                    assert!((fast_t[i * n + j] - naive[j * m + i]).abs() <= tol);
                }
            }
            let dense_t: Vec<f32> = (0..n * k).map(|x| dense[(x % n) * k + x / n]).collect(); // n × k
            s.set_rows(&dense_t, n);
            let mut via_rows = vec![0.0; m * n];
            gemm_sparse(&mut via_rows, &a, m, &s, Start::Zero, false);
            for (x, y) in via_rows.iter().zip(&naive) {
                assert!((x - y).abs() <= tol);
            }
        }
    }

    #[test]
    fn sampled_products_equal_the_dense_one_on_their_pattern() {
        for &(m, k, n) in &[(784, 256, 64), (10, 9, 3), (3, 5, 2)] {
            let w = sparse_matrix(m, k, 1.0, 5);
            let d = sparse_matrix(m, n, 1.0, 6);
            let mask = sparse_matrix(k, n, 0.4, 7);
            let mut pattern = Csc::default();
            pattern.set_columns(&mask, k);
            let bias: Vec<f32> = (0..k).map(|p| 0.1 * p as f32 - 0.3).collect();
            let mut out = vec![9.0; k * n];
            sampled_wt_d(&mut out, &w, &d, m, &pattern, None);
            let mut with_bias = vec![9.0; k * n];
            sampled_wt_d(&mut with_bias, &w, &d, m, &pattern, Some(&bias));
            let mut full = vec![0.0; k * n];
            gemm_naive(
                &mut full,
                View::col_major(&w, m, k).t(),
                View::col_major(&d, m, n),
                Start::Zero,
            );
            for (idx, (&o, &f)) in out.iter().zip(&full).enumerate() {
                let kept = mask[idx] != 0.0;
                let expected = if kept { f } else { 0.0 };
                assert!(
                    (o - expected).abs() <= 1e-5 * (m as f32).sqrt(),
                    "{m}x{k}x{n} at {idx}: {o} vs {expected}"
                );
                // With a bias (the forward use): bias + product on the pattern, exactly 0 off it.
                let expected = if kept { bias[idx % k] + o } else { 0.0 };
                assert_eq!(with_bias[idx], expected, "{m}x{k}x{n} with bias at {idx}");
            }
        }
    }
}
