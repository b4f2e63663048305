//! [`F32x4`]: four f32 lanes with exactly IEEE per-lane arithmetic — wasm `simd128` instructions when the
//! target has them, a plain `[f32; 4]` elsewhere — so kernels written with it vectorize reliably in the browser
//! (LLVM's SLP vectorizer leaves some fixed-size loops scalar in wasm) and give bit-identical results on every
//! target. Safe code only: loads and stores go through slices.

use std::ops::{Add, Div, Mul, Sub};

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod lanes {
    use core::arch::wasm32::{
        f32x4, f32x4_abs, f32x4_add, f32x4_div, f32x4_eq, f32x4_extract_lane, f32x4_lt, f32x4_mul,
        f32x4_splat, f32x4_sqrt, f32x4_sub, i32x4_shuffle, v128, v128_andnot,
    };

    /// Four lanes in one wasm `v128` register.
    #[derive(Debug, Clone, Copy)]
    pub struct Lanes(v128);

    impl Lanes {
        #[inline(always)]
        pub fn splat(x: f32) -> Self {
            Lanes(f32x4_splat(x))
        }
        #[inline(always)]
        pub fn from_array(a: [f32; 4]) -> Self {
            // Four adjacent scalar loads fold into one `v128.load`.
            Lanes(f32x4(a[0], a[1], a[2], a[3]))
        }
        #[inline(always)]
        pub fn to_array(self) -> [f32; 4] {
            [
                f32x4_extract_lane::<0>(self.0),
                f32x4_extract_lane::<1>(self.0),
                f32x4_extract_lane::<2>(self.0),
                f32x4_extract_lane::<3>(self.0),
            ]
        }
        #[inline(always)]
        pub fn add(self, o: Self) -> Self {
            Lanes(f32x4_add(self.0, o.0))
        }
        #[inline(always)]
        pub fn sub(self, o: Self) -> Self {
            Lanes(f32x4_sub(self.0, o.0))
        }
        #[inline(always)]
        pub fn mul(self, o: Self) -> Self {
            Lanes(f32x4_mul(self.0, o.0))
        }
        #[inline(always)]
        pub fn div(self, o: Self) -> Self {
            Lanes(f32x4_div(self.0, o.0))
        }
        #[inline(always)]
        pub fn sqrt(self) -> Self {
            Lanes(f32x4_sqrt(self.0))
        }
        /// self / o, and 0 in the lanes where o == 0.
        #[inline(always)]
        pub fn div_or_zero(self, o: Self) -> Self {
            let zero = f32x4_eq(o.0, f32x4_splat(0.0));
            Lanes(v128_andnot(f32x4_div(self.0, o.0), zero))
        }
        /// +0 in the lanes where |self| < f32::MIN_POSITIVE (subnormals), else self.
        #[inline(always)]
        pub fn flush_subnormal(self) -> Self {
            let tiny = f32x4_lt(f32x4_abs(self.0), f32x4_splat(f32::MIN_POSITIVE));
            Lanes(v128_andnot(self.0, tiny))
        }
        /// The 4 × 4 transpose by eight shuffles: interleave pairs of rows, then pairs of pairs.
        #[inline(always)]
        pub fn transpose([a, b, c, d]: [Self; 4]) -> [Self; 4] {
            let ab_lo = i32x4_shuffle::<0, 4, 1, 5>(a.0, b.0);
            let ab_hi = i32x4_shuffle::<2, 6, 3, 7>(a.0, b.0);
            let cd_lo = i32x4_shuffle::<0, 4, 1, 5>(c.0, d.0);
            let cd_hi = i32x4_shuffle::<2, 6, 3, 7>(c.0, d.0);
            [
                Lanes(i32x4_shuffle::<0, 1, 4, 5>(ab_lo, cd_lo)),
                Lanes(i32x4_shuffle::<2, 3, 6, 7>(ab_lo, cd_lo)),
                Lanes(i32x4_shuffle::<0, 1, 4, 5>(ab_hi, cd_hi)),
                Lanes(i32x4_shuffle::<2, 3, 6, 7>(ab_hi, cd_hi)),
            ]
        }
    }
}

#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
mod lanes {
    /// Four lanes in an array (native builds vectorize these fixed loops themselves).
    #[derive(Debug, Clone, Copy)]
    pub struct Lanes([f32; 4]);

    impl Lanes {
        #[inline(always)]
        pub fn splat(x: f32) -> Self {
            Lanes([x; 4])
        }
        #[inline(always)]
        pub fn from_array(a: [f32; 4]) -> Self {
            Lanes(a)
        }
        #[inline(always)]
        pub fn to_array(self) -> [f32; 4] {
            self.0
        }
        #[inline(always)]
        fn zip(self, o: Self, f: impl Fn(f32, f32) -> f32) -> Self {
            let (a, b) = (self.0, o.0);
            Lanes([f(a[0], b[0]), f(a[1], b[1]), f(a[2], b[2]), f(a[3], b[3])])
        }
        #[inline(always)]
        pub fn add(self, o: Self) -> Self {
            self.zip(o, |a, b| a + b)
        }
        #[inline(always)]
        pub fn sub(self, o: Self) -> Self {
            self.zip(o, |a, b| a - b)
        }
        #[inline(always)]
        pub fn mul(self, o: Self) -> Self {
            self.zip(o, |a, b| a * b)
        }
        #[inline(always)]
        pub fn div(self, o: Self) -> Self {
            self.zip(o, |a, b| a / b)
        }
        #[inline(always)]
        pub fn sqrt(self) -> Self {
            let a = self.0;
            Lanes([a[0].sqrt(), a[1].sqrt(), a[2].sqrt(), a[3].sqrt()])
        }
        #[inline(always)]
        pub fn div_or_zero(self, o: Self) -> Self {
            self.zip(o, |a, b| if b == 0.0 { 0.0 } else { a / b })
        }
        #[inline(always)]
        pub fn flush_subnormal(self) -> Self {
            self.zip(
                self,
                |a, _| if a.abs() < f32::MIN_POSITIVE { 0.0 } else { a },
            )
        }
        #[inline(always)]
        pub fn transpose(rows: [Self; 4]) -> [Self; 4] {
            let r = rows.map(|l| l.0);
            [0, 1, 2, 3].map(|j| Lanes([r[0][j], r[1][j], r[2][j], r[3][j]]))
        }
    }
}

/// Four f32 lanes; `+`, `−`, `×`, `÷` act lane by lane with IEEE rounding (no fused multiply-add anywhere, so results
/// are identical natively and in every browser).
#[derive(Debug, Clone, Copy)]
pub struct F32x4(lanes::Lanes);

impl F32x4 {
    /// All lanes zero.
    #[inline(always)]
    pub fn zero() -> Self {
        F32x4::splat(0.0)
    }

    /// All lanes `x`.
    #[inline(always)]
    pub fn splat(x: f32) -> Self {
        F32x4(lanes::Lanes::splat(x))
    }

    /// The first four elements of `s` (panics if shorter: callers pass exact chunks).
    #[inline(always)]
    pub fn load(s: &[f32]) -> Self {
        let s = &s[..4];
        F32x4(lanes::Lanes::from_array([s[0], s[1], s[2], s[3]]))
    }

    /// Writes the lanes to the first four elements of `s`.
    #[inline(always)]
    pub fn store(self, s: &mut [f32]) {
        s[..4].copy_from_slice(&self.to_array());
    }

    /// The lanes as an array.
    #[inline(always)]
    pub fn to_array(self) -> [f32; 4] {
        self.0.to_array()
    }

    /// Lane-wise correctly rounded square root.
    #[inline(always)]
    pub fn sqrt(self) -> F32x4 {
        F32x4(self.0.sqrt())
    }

    /// self / o lane by lane, with 0 where o == 0 (the optimizers' `0 / 0 := 0`).
    #[inline(always)]
    pub fn div_or_zero(self, o: F32x4) -> F32x4 {
        F32x4(self.0.div_or_zero(o.0))
    }

    /// +0 in the lanes holding a subnormal (|x| < `f32::MIN_POSITIVE` ≈ 1.2e-38), else unchanged. wasm has no
    /// flush-to-zero mode, and x86 takes a ~100-cycle microcode assist for every subnormal operand: decaying
    /// optimizer states (of units whose gradient stays zero) would otherwise slow whole steps several-fold.
    #[inline(always)]
    pub fn flush_subnormal(self) -> F32x4 {
        F32x4(self.0.flush_subnormal())
    }

    /// The 4 × 4 transpose: lane j of `rows[i]` becomes lane i of result j.
    #[inline(always)]
    pub fn transpose(rows: [F32x4; 4]) -> [F32x4; 4] {
        lanes::Lanes::transpose(rows.map(|r| r.0)).map(F32x4)
    }

    /// (l0 + l1) + (l2 + l3): the one summation order used for horizontal sums.
    #[inline(always)]
    pub fn sum(self) -> f32 {
        let a = self.to_array();
        (a[0] + a[1]) + (a[2] + a[3])
    }
}

impl Add for F32x4 {
    type Output = F32x4;
    #[inline(always)]
    fn add(self, o: F32x4) -> F32x4 {
        F32x4(self.0.add(o.0))
    }
}

impl Sub for F32x4 {
    type Output = F32x4;
    #[inline(always)]
    fn sub(self, o: F32x4) -> F32x4 {
        F32x4(self.0.sub(o.0))
    }
}

impl Div for F32x4 {
    type Output = F32x4;
    #[inline(always)]
    fn div(self, o: F32x4) -> F32x4 {
        F32x4(self.0.div(o.0))
    }
}

impl Mul for F32x4 {
    type Output = F32x4;
    #[inline(always)]
    fn mul(self, o: F32x4) -> F32x4 {
        F32x4(self.0.mul(o.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lanes_round_trip_and_compute_lane_by_lane() {
        let a = F32x4::load(&[1.0, 2.0, 3.0, 4.0, 99.0]);
        let b = F32x4::splat(0.5);
        assert_eq!((a * b + a - b).to_array(), [1.0, 2.5, 4.0, 5.5]);
        let mut out = [0.0; 5];
        a.store(&mut out);
        assert_eq!(out, [1.0, 2.0, 3.0, 4.0, 0.0]);
        assert_eq!(a.sum(), 10.0);
        assert_eq!(F32x4::zero().to_array(), [0.0; 4]);
        let d = F32x4::load(&[1.0, 0.0, 9.0, 0.0]);
        assert_eq!(a.div_or_zero(d).to_array(), [1.0, 0.0, 3.0 / 9.0, 0.0]);
        assert_eq!(d.sqrt().to_array(), [1.0, 0.0, 3.0, 0.0]);
        assert_eq!((a / b).to_array(), [2.0, 4.0, 6.0, 8.0]);
        let tiny = F32x4::load(&[1e-39, -1e-40, f32::MIN_POSITIVE, -2.0]);
        assert_eq!(
            tiny.flush_subnormal().to_array(),
            [0.0, 0.0, f32::MIN_POSITIVE, -2.0]
        );
        assert!(tiny.flush_subnormal().to_array()[1].is_sign_positive());
        let rows = [0.0, 4.0, 8.0, 12.0].map(|r| F32x4::load(&[r, r + 1.0, r + 2.0, r + 3.0]));
        let columns = F32x4::transpose(rows).map(F32x4::to_array);
        assert_eq!(
            columns,
            [0.0, 1.0, 2.0, 3.0].map(|c| [c, c + 4.0, c + 8.0, c + 12.0])
        );
    }
}
