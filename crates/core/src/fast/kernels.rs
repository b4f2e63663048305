//! f32 matrix products for the fast trainer: [`Gemm::run`] serves all three products of backpropagation (W u,
//! δ uᵀ, Wᵀ δ) through strided views — small products in place, large ones through the packed, register-tiled
//! path of `packed.rs` — plus the naive triple loop the tests compare it with.
//!
//! Why not nalgebra / matrixmultiply: they pack into freshly allocated buffers on every call, and have no
//! small-matrix path for the playground's 8 × 10 × 8 products. Everything here is safe Rust over slices with
//! [`F32x4`] lanes, so the wasm build uses `simd128` instructions whatever LLVM's auto-vectorizer decides.

use super::packed::{self, MR, NR};
use super::simd::F32x4;
/// Products whose A has at most this many entries (16 KB, well inside L1) skip packing: A's columns are read in
/// place and packing would only add copies (all of the T1 network's products, for any batch).
const SMALL: usize = 4096;

/// A read-only strided matrix: element (i, j) is `data[i * rs + j * cs]`. Column-major storage with
/// `rows` rows has `rs = 1, cs = rows`; its transpose is the same data with the strides swapped.
#[derive(Debug, Clone, Copy)]
pub struct View<'a> {
    /// The elements (at least `(rows − 1)·rs + (cols − 1)·cs + 1` of them when both are non-zero).
    pub data: &'a [f32],
    /// Number of rows.
    pub rows: usize,
    /// Number of columns.
    pub cols: usize,
    /// Distance between vertically adjacent elements.
    pub rs: usize,
    /// Distance between horizontally adjacent elements.
    pub cs: usize,
}

impl<'a> View<'a> {
    /// A column-major `rows × cols` matrix stored contiguously (one column after another).
    pub fn col_major(data: &'a [f32], rows: usize, cols: usize) -> Self {
        debug_assert!(data.len() >= rows * cols, "view larger than its data");
        View {
            data,
            rows,
            cols,
            rs: 1,
            cs: rows,
        }
    }

    /// The transpose (no copy).
    pub fn t(self) -> Self {
        View {
            data: self.data,
            rows: self.cols,
            cols: self.rows,
            rs: self.cs,
            cs: self.rs,
        }
    }

    /// Element (i, j).
    #[inline(always)]
    pub fn at(&self, i: usize, j: usize) -> f32 {
        self.data[i * self.rs + j * self.cs]
    }

    /// Column j as a slice when columns are contiguous (`rs == 1`).
    #[inline(always)]
    pub(super) fn column(&self, j: usize) -> Option<&'a [f32]> {
        (self.rs == 1).then(|| &self.data[j * self.cs..j * self.cs + self.rows])
    }

    /// Row i as a slice when rows are contiguous (`cs == 1`).
    #[inline(always)]
    pub(super) fn row(&self, i: usize) -> Option<&'a [f32]> {
        (self.cs == 1).then(|| &self.data[i * self.rs..i * self.rs + self.cols])
    }
}

/// What C holds before [`Gemm::run`] adds A·B to it.
#[derive(Debug, Clone, Copy)]
pub enum Start<'a> {
    /// C = A·B (C's old contents are ignored).
    Zero,
    /// C += A·B.
    Accumulate,
    /// C = bias·1ᵀ + A·B: every column starts at `bias` (length = rows of C), as z = W u + b does.
    Bias(&'a [f32]),
}

impl Start<'_> {
    /// The initial values of rows `i0 .. i0 + 4` of column `col` of C.
    #[inline(always)]
    pub(super) fn lanes(&self, col: &[f32], i0: usize) -> F32x4 {
        match self {
            Start::Zero => F32x4::zero(),
            Start::Accumulate => F32x4::load(&col[i0..]),
            Start::Bias(bias) => F32x4::load(&bias[i0..]),
        }
    }

    /// The initial value of row i of column `col` of C.
    #[inline(always)]
    pub(super) fn scalar(&self, col: &[f32], i: usize) -> f32 {
        match self {
            Start::Zero => 0.0,
            Start::Accumulate => col[i],
            Start::Bias(bias) => bias[i],
        }
    }
}

/// Reusable packing buffers for [`Gemm::run`]. They grow to the largest product seen and are then reused, so a
/// trainer that keeps one `Gemm` allocates nothing per step.
#[derive(Debug, Clone, Default)]
pub struct Gemm {
    /// One MR-row panel of A (`k × MR`, p-major), or all of A column-major on the small path.
    pack_a: Vec<f32>,
    /// All of B as NR-column panels: panel q holds `k × NR`, p-major; the last panel is zero-padded.
    pack_b: Vec<f32>,
}

impl Gemm {
    /// Empty buffers (they grow on first use).
    pub fn new() -> Self {
        Gemm::default()
    }

    /// C = start + A·B (see [`Start`]). C is column-major `a.rows × b.cols` (leading dimension `a.rows`) and
    /// must have exactly that many elements; A and B may be any strided views (transposes included) with
    /// `a.cols == b.rows`.
    ///
    /// Large products: B is packed once into NR-column panels; each MR-row panel of A is packed in turn and
    /// multiplied with every B panel by the register-tiled micro-kernel (the C tile stays in 8 vector
    /// accumulators across the whole k loop). Packing costs O(mk + kn) against the product's O(mnk) and makes
    /// every inner-loop load contiguous whatever the operands' strides. Small products skip the packing: MR × NR
    /// tiles of C are built in registers from A's columns (A copied column-major first if it is a transpose)
    /// and B read in place; a single-row product is computed transposed so its lanes run along the batch.
    pub fn run(&mut self, c: &mut [f32], a: View<'_>, b: View<'_>, start: Start<'_>) {
        let (m, n, k) = (a.rows, b.cols, a.cols);
        debug_assert_eq!(a.cols, b.rows, "inner dimensions");
        debug_assert_eq!(c.len(), m * n, "C is m × n");
        if let Start::Bias(bias) = start {
            debug_assert_eq!(bias.len(), m, "one bias per row");
        }
        if k == 0 || m == 0 {
            match start {
                Start::Zero => c.fill(0.0),
                Start::Accumulate => {}
                Start::Bias(bias) => c
                    .chunks_exact_mut(m)
                    .for_each(|col| col.copy_from_slice(bias)),
            }
        } else if m * k <= SMALL {
            self.run_small(c, a, b, start);
        } else {
            packed::run(&mut self.pack_a, &mut self.pack_b, c, a, b, start);
        }
    }

    fn run_small(&mut self, c: &mut [f32], a: View<'_>, b: View<'_>, start: Start<'_>) {
        let (m, k) = (a.rows, a.cols);
        if m == 1 && b.cols > 1 {
            // One row (a single-output layer): C (1 × n) has the memory layout of Cᵀ (n × 1), so compute
            // Cᵀ = Bᵀ Aᵀ instead and let the lanes run along n. A bias is the same scalar for every entry.
            let start = match start {
                Start::Bias(bias) => {
                    c.fill(bias[0]);
                    Start::Accumulate
                }
                other => other,
            };
            return self.run_small(c, b.t(), a.t(), start);
        }
        let columns: &[f32] = if a.rs == 1 && (a.cs == m || k == 1) {
            &a.data[..m * k]
        } else {
            // A transpose (Wᵀ in the backward pass): copy it column-major, reading its contiguous rows.
            self.pack_a.resize(m * k, 0.0);
            for i in 0..m {
                for (p, dst) in self.pack_a[i..].iter_mut().step_by(m).enumerate() {
                    *dst = a.at(i, p);
                }
            }
            &self.pack_a
        };
        let n = b.cols;
        let (full_rows, full_cols) = (m - m % MR, n - n % NR);
        for i0 in (0..full_rows).step_by(MR) {
            for j0 in (0..full_cols).step_by(NR) {
                small_tile::<NR>(c, m, columns, b, i0, j0, start);
            }
            for j0 in full_cols..n {
                small_tile::<1>(c, m, columns, b, i0, j0, start);
            }
        }
        for (j, cj) in c.chunks_exact_mut(m).enumerate() {
            for i in full_rows..m {
                let mut acc = start.scalar(cj, i);
                for (p, ap) in columns.chunks_exact(m).enumerate() {
                    acc += ap[i] * b.at(p, j);
                }
                cj[i] = acc;
            }
        }
    }
}

/// C[i0 .. i0 + MR, j0 .. j0 + COLS] = start + A[i0 .. i0 + MR, ..] · B[.., j0 .. j0 + COLS] for a column-major
/// A (`columns`, m × k) and B read in place: the tile stays in 2·COLS vector registers across the k loop.
#[inline(always)]
fn small_tile<const COLS: usize>(
    c: &mut [f32],
    m: usize,
    columns: &[f32],
    b: View<'_>,
    i0: usize,
    j0: usize,
    start: Start<'_>,
) {
    let mut acc = [[F32x4::zero(); 2]; COLS];
    for (j, tile) in acc.iter_mut().enumerate() {
        let col = &c[(j0 + j) * m..];
        *tile = [start.lanes(col, i0), start.lanes(col, i0 + 4)];
    }
    for (p, ap) in columns.chunks_exact(m).enumerate() {
        let (a0, a1) = (F32x4::load(&ap[i0..]), F32x4::load(&ap[i0 + 4..]));
        for (j, tile) in acc.iter_mut().enumerate() {
            let s = F32x4::splat(b.at(p, j0 + j));
            tile[0] = tile[0] + a0 * s;
            tile[1] = tile[1] + a1 * s;
        }
    }
    for (j, tile) in acc.iter().enumerate() {
        let start = (j0 + j) * m + i0;
        tile[0].store(&mut c[start..]);
        tile[1].store(&mut c[start + 4..]);
    }
}

/// C = start + A·B by the textbook triple loop with f64 accumulation: the reference the tests compare
/// [`Gemm::run`] with. Same shapes and layout as `Gemm::run`.
pub fn gemm_naive(c: &mut [f32], a: View<'_>, b: View<'_>, start: Start<'_>) {
    let m = a.rows;
    for j in 0..b.cols {
        for i in 0..m {
            let dot: f64 = (0..a.cols)
                .map(|p| f64::from(a.at(i, p)) * f64::from(b.at(p, j)))
                .sum();
            let col = &mut c[j * m..(j + 1) * m];
            col[i] = (f64::from(start.scalar(col, i)) + dot) as f32;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{seeded, uniform};

    fn random(len: usize, seed: u64) -> Vec<f32> {
        let mut rng = seeded(seed, 0);
        (0..len)
            .map(|_| (2.0 * uniform(&mut rng) - 1.0) as f32)
            .collect()
    }

    /// Max |fast − naive| against the scale of each entry's terms (k + 1 terms of size ≤ 1 here).
    fn check(m: usize, n: usize, k: usize, ta: bool, tb: bool, gemm: &mut Gemm) {
        let a_data = random(m * k, (m * 31 + k) as u64);
        let b_data = random(k * n, (n * 17 + k) as u64);
        let bias = random(m, 5);
        let a = if ta {
            View::col_major(&a_data, k, m).t()
        } else {
            View::col_major(&a_data, m, k)
        };
        let b = if tb {
            View::col_major(&b_data, n, k).t()
        } else {
            View::col_major(&b_data, k, n)
        };
        for (s, start) in [Start::Zero, Start::Accumulate, Start::Bias(&bias)]
            .into_iter()
            .enumerate()
        {
            let before = random(m * n, 99);
            let (mut fast, mut naive) = (before.clone(), before);
            gemm.run(&mut fast, a, b, start);
            gemm_naive(&mut naive, a, b, start);
            let tol = 4.0 * f32::EPSILON * (k as f32 + 2.0);
            for (idx, (f, r)) in fast.iter().zip(&naive).enumerate() {
                assert!(
                    (f - r).abs() <= tol,
                    "{m}x{n}x{k} ta={ta} tb={tb} start {s}: entry {idx}: {f} vs {r}"
                );
            }
        }
    }

    #[test]
    fn kernels_equal_the_naive_product_for_all_transposes_starts_and_edges() {
        let mut gemm = Gemm::new();
        // Small path (T1 shapes, single rows, ragged edges), packed path (tile edges: not multiples of MR = 8
        // or NR = 4), and the T2 shapes.
        let shapes = [
            (8, 10, 2),
            (8, 10, 8),
            (1, 10, 8),
            (1, 8, 10),
            (8, 2, 10),
            (1, 1, 1),
            (7, 5, 3),
            (9, 13, 17),
            (16, 4, 33),
            (33, 65, 20),
            (64, 64, 100),
            (12, 7, 6),
            (4, 3, 5),
            (65, 13, 70),
        ];
        for &(m, n, k) in &shapes {
            for ta in [false, true] {
                for tb in [false, true] {
                    check(m, n, k, ta, tb, &mut gemm);
                }
            }
        }
        check(256, 64, 784, false, false, &mut gemm);
        check(784, 256, 64, false, true, &mut gemm);
        check(256, 64, 784, true, false, &mut gemm);
    }

    #[test]
    fn empty_inner_dimension_gives_the_start() {
        let mut gemm = Gemm::new();
        let (a, b) = (View::col_major(&[], 3, 0), View::col_major(&[], 0, 2));
        let mut c = vec![1.0; 6];
        gemm.run(&mut c, a, b, Start::Accumulate);
        assert_eq!(c, vec![1.0; 6]);
        gemm.run(&mut c, a, b, Start::Bias(&[1.0, 2.0, 3.0]));
        assert_eq!(c, vec![1.0, 2.0, 3.0, 1.0, 2.0, 3.0]);
        gemm.run(&mut c, a, b, Start::Zero);
        assert_eq!(c, vec![0.0; 6]);
    }
}
