//! f32 matrix products for the fast trainer: [`Gemm::run`] serves all three products of backpropagation (W u,
//! δ uᵀ, Wᵀ δ) through strided views — small products in place (`small.rs`), large ones through the packed,
//! register-tiled path of `packed.rs` — plus the vector primitives both the small and the sparse products use
//! (four dot products at once, a 4 × 4-block transpose) and the naive triple loop the tests compare them with.
//!
//! Why not nalgebra / matrixmultiply: they pack into freshly allocated buffers on every call, and have no
//! small-matrix path for the playground's 8 × 10 × 8 products. Everything here is safe Rust over slices with
//! [`F32x4`] lanes, so the wasm build uses `simd128` instructions whatever LLVM's auto-vectorizer decides.

use super::packed;
use super::simd::F32x4;
use super::small;

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
    /// and B read in place; a single-row product is computed as dot products with B's columns, or transposed
    /// so its lanes run along the batch.
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
            small::run(&mut self.pack_a, c, a, b, start);
        } else {
            packed::run(&mut self.pack_a, &mut self.pack_b, c, a, b, start);
        }
    }
}

/// Four dot products ⟨cols[u], x⟩ of slices at least as long as x: lanes of 4 accumulated in order, then
/// (l0 + l1) + (l2 + l3), then the tail.
///
/// Two loop shapes with exactly the same arithmetic, hence the same bits on every target: in wasm, zipped exact
/// chunks (no bounds checks; about 35 % faster under V8 than indexing, measured on the T2 products), natively
/// an indexed loop (LLVM's x86 vectorizer turns the zipped shape over the portable `[f32; 4]` lanes into
/// shuffles, about 30 % slower on T2).
#[inline(always)]
pub(super) fn dot4(cols: [&[f32]; 4], x: &[f32]) -> [f32; 4] {
    let n = x.len();
    let full = n - n % 4;
    let mut acc = [F32x4::zero(); 4];
    #[cfg(target_arch = "wasm32")]
    {
        let (c0, c1, c2, c3) = (&cols[0][..n], &cols[1][..n], &cols[2][..n], &cols[3][..n]);
        let chunks = (x.chunks_exact(4).zip(c0.chunks_exact(4)))
            .zip(c1.chunks_exact(4).zip(c2.chunks_exact(4)))
            .zip(c3.chunks_exact(4));
        for (((xs, a0), (a1, a2)), a3) in chunks {
            let xv = F32x4::load(xs);
            acc[0] = acc[0] + F32x4::load(a0) * xv;
            acc[1] = acc[1] + F32x4::load(a1) * xv;
            acc[2] = acc[2] + F32x4::load(a2) * xv;
            acc[3] = acc[3] + F32x4::load(a3) * xv;
        }
    }
    #[cfg(not(target_arch = "wasm32"))]
    for i in (0..full).step_by(4) {
        let xv = F32x4::load(&x[i..]);
        for (a, col) in acc.iter_mut().zip(&cols) {
            *a = *a + F32x4::load(&col[i..]) * xv;
        }
    }
    // acc[u].sum() for all four at once: after the transpose, lane u of (t0 + t1) + (t2 + t3) adds acc[u]'s
    // lanes in exactly that order.
    let [t0, t1, t2, t3] = F32x4::transpose(acc);
    let tails: [f32; 4] = std::array::from_fn(|u| (full..n).map(|i| cols[u][i] * x[i]).sum());
    (((t0 + t1) + (t2 + t3)) + F32x4::load(&tails)).to_array()
}

/// ⟨col, x⟩ for a slice at least as long as x, with the arithmetic of one lane of [`dot4`] (hence the same
/// bits): lanes of 4 accumulated in order, then (l0 + l1) + (l2 + l3), then the tail. For one dot product at a
/// time, where [`dot4`]'s four accumulators and per-lane tails would be mostly wasted.
#[inline(always)]
pub(super) fn dot(col: &[f32], x: &[f32]) -> f32 {
    let col = &col[..x.len()];
    let (xs, cs) = (x.chunks_exact(4), col.chunks_exact(4));
    let tail: f32 = cs
        .remainder()
        .iter()
        .zip(xs.remainder())
        .map(|(c, x)| c * x)
        .sum();
    let mut acc = F32x4::zero();
    for (xc, cc) in xs.zip(cs) {
        acc = acc + F32x4::load(cc) * F32x4::load(xc);
    }
    acc.sum() + tail
}

/// Writes the transpose of the column-major `rows × cols` matrix `src` into `dst` (resized to `rows · cols`), so
/// that row i of `src` becomes the contiguous column i of `dst` (`cols × rows`, column-major). Works in 4 × 4
/// blocks transposed in registers, sweeping down four source columns at a time: the reads stream, and the
/// destination lines being filled (one per row of `src`) stay in L1 until they are complete.
pub fn transpose(dst: &mut Vec<f32>, src: &[f32], rows: usize, cols: usize) {
    dst.resize(rows * cols, 0.0);
    let (rows4, cols4) = (rows - rows % 4, cols - cols % 4);
    for p0 in (0..cols4).step_by(4) {
        let column = |q: usize| &src[(p0 + q) * rows..(p0 + q + 1) * rows];
        let (c0, c1, c2, c3) = (column(0), column(1), column(2), column(3));
        for i0 in (0..rows4).step_by(4) {
            let block = F32x4::transpose([
                F32x4::load(&c0[i0..]),
                F32x4::load(&c1[i0..]),
                F32x4::load(&c2[i0..]),
                F32x4::load(&c3[i0..]),
            ]);
            for (r, v) in block.into_iter().enumerate() {
                v.store(&mut dst[(i0 + r) * cols + p0..]);
            }
        }
    }
    // The ragged edges: rows beyond the last full block in every column, then the last columns.
    if rows4 == rows && cols4 == cols {
        return;
    }
    for p in 0..cols {
        let from = if p < cols4 { rows4 } else { 0 };
        for i in from..rows {
            dst[i * cols + p] = src[p * rows + i];
        }
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
    fn strided_operands_are_gathered() {
        // Views that are neither column-major nor a transpose of one (not built by the trainer, but valid):
        // a 1 × 5 row stored every other element, and a 6 × 4 matrix with strides 2 and 13.
        let (a_data, b_data) = (random(60, 1), random(5 * 6, 2));
        let b = View::col_major(&b_data, 5, 6);
        let row = View {
            data: &a_data,
            rows: 1,
            cols: 5,
            rs: 1,
            cs: 2,
        };
        let block = View {
            data: &a_data,
            rows: 6,
            cols: 4,
            rs: 2,
            cs: 13,
        };
        let b4 = View::col_major(&b_data[..24], 4, 6);
        for (a, b, bias) in [(row, b, [0.5; 6]), (block, b4, [0.25; 6])] {
            let bias = &bias[..a.rows];
            let n = a.rows * b.cols;
            let (mut fast, mut naive) = (vec![0.0; n], vec![0.0; n]);
            Gemm::new().run(&mut fast, a, b, Start::Bias(bias));
            gemm_naive(&mut naive, a, b, Start::Bias(bias));
            for (f, r) in fast.iter().zip(&naive) {
                assert!((f - r).abs() <= 1e-6, "{f} vs {r}");
            }
        }
    }

    #[test]
    fn transpose_moves_every_entry_for_ragged_shapes() {
        let mut dst = vec![7.0; 3];
        for &(rows, cols) in &[
            (256, 784),
            (4, 4),
            (5, 7),
            (9, 3),
            (1, 6),
            (6, 1),
            (0, 5),
            (3, 0),
        ] {
            let src = random(rows * cols, (rows * 7 + cols) as u64);
            transpose(&mut dst, &src, rows, cols);
            assert_eq!(dst.len(), rows * cols);
            for i in 0..rows {
                for p in 0..cols {
                    assert_eq!(
                        dst[i * cols + p],
                        src[p * rows + i],
                        "{rows}x{cols} at ({i}, {p})"
                    );
                }
            }
        }
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
