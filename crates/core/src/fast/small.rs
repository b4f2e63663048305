//! The in-place path of [`super::kernels::Gemm::run`] for small products (all of a playground network's layers,
//! the T1 network's for any batch): A's columns are read where they are (copied column-major first if A is a
//! transpose), B is read in place, and MR × NR tiles of C are built in registers; a single-row product is done
//! as dot products or transposed, so its lanes run along the batch.

use super::kernels::{dot, dot4, transpose, Start, View};
use super::packed::{MR, NR};
use super::simd::F32x4;

/// C = start + A·B for a product whose A has at most `kernels::SMALL` entries (the contract of
/// [`super::kernels::Gemm::run`]); `pack_a` is the reusable buffer A is copied into when it is strided.
pub(super) fn run(
    pack_a: &mut Vec<f32>,
    c: &mut [f32],
    a: View<'_>,
    b: View<'_>,
    start: Start<'_>,
) {
    let (m, k, n) = (a.rows, a.cols, b.cols);
    if m == 1 && n > 1 {
        if b.rs == 1 {
            // One row times contiguous columns (a single-output layer's forward): one dot product each.
            return row_times_columns(c, a, b, start, pack_a);
        }
        // One row times a transpose (a single-output layer's weight gradient): C (1 × n) has the memory
        // layout of Cᵀ (n × 1), so compute Cᵀ = Bᵀ Aᵀ, whose A is column-major, and let the lanes run along
        // n. A bias is the same scalar for every entry.
        let start = match start {
            Start::Bias(bias) => {
                c.fill(bias[0]);
                Start::Accumulate
            }
            other => other,
        };
        return run(pack_a, c, b.t(), a.t(), start);
    }
    let columns: &[f32] = if a.rs == 1 && (a.cs == m || k == 1) {
        &a.data[..m * k]
    } else if a.cs == 1 && a.rs == k {
        // A transpose of a contiguous matrix (Wᵀ in the backward pass): copy it column-major in 4 × 4 blocks.
        transpose(pack_a, &a.data[..m * k], k, m);
        pack_a
    } else {
        // Any other strides: copy A column-major entry by entry.
        pack_a.resize(m * k, 0.0);
        for i in 0..m {
            for (p, dst) in pack_a[i..].iter_mut().step_by(m).enumerate() {
                *dst = a.at(i, p);
            }
        }
        pack_a
    };
    let (full_rows, full_cols) = (m - m % MR, n - n % NR);
    for i0 in (0..full_rows).step_by(MR) {
        for j0 in (0..full_cols).step_by(NR) {
            small_tile::<NR>(c, m, columns, b, i0, j0, start);
        }
        // The last n mod 4 columns: a pair shares each load of A (T1's batch of 10 ends in one).
        let mut j0 = full_cols;
        if n - j0 >= 2 {
            small_tile::<2>(c, m, columns, b, i0, j0, start);
            j0 += 2;
        }
        if j0 < n {
            small_tile::<1>(c, m, columns, b, i0, j0, start);
        }
    }
    if full_rows == m {
        return;
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

/// C[i0 .. i0 + MR, j0 .. j0 + COLS] = start + A[i0 .. i0 + MR, ..] · B[.., j0 .. j0 + COLS] for a column-major
/// A (`columns`, m × k) and B read in place: the tile stays in 2·COLS vector registers across the k loop.
/// B's tile is sliced once before the loop (its columns when contiguous, else one row per step), so the loop
/// checks one bound per step of p instead of one per element.
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
    let k = b.rows;
    let mut acc = [[F32x4::zero(); 2]; COLS];
    for (j, tile) in acc.iter_mut().enumerate() {
        let col = &c[(j0 + j) * m..];
        *tile = [start.lanes(col, i0), start.lanes(col, i0 + 4)];
    }
    if b.rs == 1 {
        let mut tile_columns: [&[f32]; COLS] = [&[]; COLS];
        for (j, column) in tile_columns.iter_mut().enumerate() {
            *column = &b.data[(j0 + j) * b.cs..][..k];
        }
        accumulate(&mut acc, columns, m, i0, k, |p| {
            let mut row = [0.0; COLS];
            for (v, column) in row.iter_mut().zip(&tile_columns) {
                *v = column[p];
            }
            row
        });
    } else if b.cs == 1 {
        accumulate(&mut acc, columns, m, i0, k, |p| {
            let row = &b.data[p * b.rs + j0..][..COLS];
            std::array::from_fn(|j| row[j])
        });
    } else {
        accumulate(&mut acc, columns, m, i0, k, |p| {
            std::array::from_fn(|j| b.at(p, j0 + j))
        });
    }
    for (j, tile) in acc.iter().enumerate() {
        let start = (j0 + j) * m + i0;
        tile[0].store(&mut c[start..]);
        tile[1].store(&mut c[start + 4..]);
    }
}

/// acc[j] += A[i0 .. i0 + MR, p] · B[p, j0 + j] over p < k, `b_row(p)` giving B's tile row p. A one-panel A
/// (m = MR, every layer of width 8) is walked as `[f32; 8]` chunks, with no bounds check per step.
#[inline(always)]
fn accumulate<const COLS: usize>(
    acc: &mut [[F32x4; 2]; COLS],
    columns: &[f32],
    m: usize,
    i0: usize,
    k: usize,
    b_row: impl Fn(usize) -> [f32; COLS],
) {
    let step = |acc: &mut [[F32x4; 2]; COLS], ap: &[f32; 8], p: usize| {
        let (a0, a1) = (F32x4::load(&ap[..4]), F32x4::load(&ap[4..]));
        for (tile, bv) in acc.iter_mut().zip(b_row(p)) {
            let s = F32x4::splat(bv);
            tile[0] = tile[0] + a0 * s;
            tile[1] = tile[1] + a1 * s;
        }
    };
    if m == MR {
        for (p, ap) in columns.as_chunks::<8>().0.iter().take(k).enumerate() {
            step(acc, ap, p);
        }
    } else {
        for p in 0..k {
            let Some(ap) = columns[p * m + i0..].first_chunk::<8>() else {
                panic!("column {p} of A has fewer than i0 + 8 = {} rows", i0 + 8);
            };
            step(acc, ap, p);
        }
    }
}

/// C (1 × n) = start + a·B for a single row a and column-major B: one dot product per column of B (a gathered
/// into `scratch` first if its entries are strided), four columns at a time. A single-output layer's forward
/// product, with k = its fan-in (8 in T1): short dots, cheaper than sharing loads of a across four columns.
fn row_times_columns(
    c: &mut [f32],
    a: View<'_>,
    b: View<'_>,
    start: Start<'_>,
    scratch: &mut Vec<f32>,
) {
    let k = a.cols;
    let row: &[f32] = match a.row(0) {
        Some(row) => row,
        None => {
            scratch.clear();
            scratch.extend((0..k).map(|p| a.at(0, p)));
            scratch
        }
    };
    let column = |j: usize| &b.data[j * b.cs..j * b.cs + k];
    let done = c.len() - c.len() % 4;
    let quads = c.chunks_exact_mut(4);
    for (q, cq) in quads.enumerate() {
        let j = 4 * q;
        let dots = dot4(
            [column(j), column(j + 1), column(j + 2), column(j + 3)],
            row,
        );
        for (cj, d) in cq.iter_mut().zip(dots) {
            *cj = start.scalar(std::slice::from_ref(cj), 0) + d;
        }
    }
    for (j, cj) in c.iter_mut().enumerate().skip(done) {
        *cj = start.scalar(std::slice::from_ref(cj), 0) + dot(column(j), row);
    }
}
