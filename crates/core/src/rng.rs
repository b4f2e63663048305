//! The one seeded random generator type of the core; no global RNG anywhere.

use rand::SeedableRng;

/// PCG-64 (rand_pcg::Pcg64Mcg): small, fast, and identical on every platform for a given seed,
/// so the same URL gives the same run natively and in every browser.
pub type Rng = rand_pcg::Pcg64Mcg;

/// A generator from a user seed. Different `stream`s give independent generators for the same seed
/// (data, initialisation, minibatches and dropout masks each get their own stream, so changing the
/// batch size does not change the dataset).
pub fn seeded(seed: u64, stream: u64) -> Rng {
    // SplitMix64-style mixing keeps nearby (seed, stream) pairs far apart.
    let mut z = seed ^ stream.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    Rng::seed_from_u64(z)
}
