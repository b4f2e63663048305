//! The packed path of [`super::kernels::Gemm::run`] for large products (the T2 autoencoder's layers): A and B
//! are copied into MR-row and NR-column panels (the BLIS layout), so the register-tiled micro-kernel reads both
//! contiguously whatever the operands' strides, from panels that stay in L1.

use super::kernels::{Start, View};
use super::simd::F32x4;

/// Rows of C per register tile (two 4-lane vectors).
pub(super) const MR: usize = 8;
/// Columns of C per register tile. MR × NR = 8 vector accumulators, which leaves room for the operands in the
/// 16 vector registers of x86-64 (which V8 also uses for wasm SIMD); 8×4, 16×2 and 12×3 measured alike.
pub(super) const NR: usize = 4;

/// C = start + A·B: B is packed once into NR-column panels; each MR-row panel of A is packed in turn (into
/// `pack_a_buf`) and multiplied with every B panel by the micro-kernel, the C tile staying in 8 vector
/// accumulators across the whole k loop. Packing costs O(mk + kn) against the product's O(mnk). Edge tiles are
/// zero-padded in the packs and clipped on the store.
pub(super) fn run(
    pack_a_buf: &mut Vec<f32>,
    pack_b_buf: &mut Vec<f32>,
    c: &mut [f32],
    a: View<'_>,
    b: View<'_>,
    start: Start<'_>,
) {
    let (m, n, k) = (a.rows, b.cols, a.cols);
    pack_b(pack_b_buf, b);
    if pack_a_buf.len() < k * MR {
        pack_a_buf.resize(k * MR, 0.0);
    }
    let panel_a = &mut pack_a_buf[..k * MR];
    for i0 in (0..m).step_by(MR) {
        let rows = MR.min(m - i0);
        pack_a(panel_a, a, i0, rows);
        for (q, panel_b) in pack_b_buf.chunks_exact(k * NR).enumerate() {
            let j0 = q * NR;
            let acc = micro_kernel(panel_a, panel_b);
            store_tile(c, m, i0, j0, rows, NR.min(n - j0), &acc, start);
        }
    }
}

/// Packs rows `i0 .. i0 + rows` of A into `k × MR`, p-major, zero-padding rows beyond `rows`.
fn pack_a(panel: &mut [f32], a: View<'_>, i0: usize, rows: usize) {
    if rows < MR {
        panel.fill(0.0);
    }
    if a.rs == 1 {
        // Column-major A (the weights in the forward pass, δ in the weight gradient): MR adjacent entries per p.
        for (p, dst) in panel.chunks_exact_mut(MR).enumerate() {
            let start = i0 + p * a.cs;
            dst[..rows].copy_from_slice(&a.data[start..start + rows]);
        }
    } else {
        // A transpose (Wᵀ in the backward pass): each row is contiguous.
        for r in 0..rows {
            match a.row(i0 + r) {
                Some(src) => {
                    for (dst, &v) in panel[r..].iter_mut().step_by(MR).zip(src) {
                        *dst = v;
                    }
                }
                None => {
                    for (p, dst) in panel[r..].iter_mut().step_by(MR).enumerate() {
                        *dst = a.at(i0 + r, p);
                    }
                }
            }
        }
    }
}

/// Packs all of B into NR-column panels, each `k × NR`, p-major, zero-padding columns beyond `b.cols`.
fn pack_b(buf: &mut Vec<f32>, b: View<'_>) {
    let (k, n) = (b.rows, b.cols);
    buf.resize(n.div_ceil(NR) * k * NR, 0.0);
    for (q, panel) in buf.chunks_exact_mut(k * NR).enumerate() {
        let j0 = q * NR;
        let cols = NR.min(n - j0);
        if cols < NR {
            panel.fill(0.0);
        }
        if b.cs == 1 {
            // Row-major B (uᵀ in the weight gradient): NR adjacent entries per p.
            for (p, dst) in panel.chunks_exact_mut(NR).enumerate() {
                let start = p * b.rs + j0;
                dst[..cols].copy_from_slice(&b.data[start..start + cols]);
            }
        } else {
            for c in 0..cols {
                match b.column(j0 + c) {
                    Some(src) => {
                        for (dst, &v) in panel[c..].iter_mut().step_by(NR).zip(src) {
                            *dst = v;
                        }
                    }
                    None => {
                        for (p, dst) in panel[c..].iter_mut().step_by(NR).enumerate() {
                            *dst = b.at(p, j0 + c);
                        }
                    }
                }
            }
        }
    }
}

/// The MR × NR tile of A_panel · B_panel over the whole k: `acc[j] = Σ_p a[p][..] · b[p][j]`, two vectors per
/// column: per p, 2 loads of A, 4 splats of B and 8 vector multiply-adds on register accumulators.
#[inline(always)]
fn micro_kernel(panel_a: &[f32], panel_b: &[f32]) -> [[F32x4; 2]; NR] {
    let mut acc = [[F32x4::zero(); 2]; NR];
    for (ap, bp) in panel_a.chunks_exact(MR).zip(panel_b.chunks_exact(NR)) {
        let (a0, a1) = (F32x4::load(&ap[..4]), F32x4::load(&ap[4..]));
        for (column, &bj) in acc.iter_mut().zip(bp) {
            let b = F32x4::splat(bj);
            column[0] = column[0] + a0 * b;
            column[1] = column[1] + a1 * b;
        }
    }
    acc
}

/// Writes start + tile for the valid `rows × cols` corner of a tile into column-major C (leading dimension `ldc`).
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn store_tile(
    c: &mut [f32],
    ldc: usize,
    i0: usize,
    j0: usize,
    rows: usize,
    cols: usize,
    acc: &[[F32x4; 2]; NR],
    start: Start<'_>,
) {
    for (j, tile) in acc.iter().enumerate().take(cols) {
        let col = &mut c[(j0 + j) * ldc..(j0 + j + 1) * ldc];
        if rows == MR {
            let v = [
                start.lanes(col, i0) + tile[0],
                start.lanes(col, i0 + 4) + tile[1],
            ];
            v[0].store(&mut col[i0..]);
            v[1].store(&mut col[i0 + 4..]);
        } else {
            let lanes = [tile[0].to_array(), tile[1].to_array()];
            for (i, v) in (i0..i0 + rows).zip(lanes.iter().flatten()) {
                col[i] = start.scalar(col, i) + v;
            }
        }
    }
}
