//! Dataset registry and seeded generators: 2D classification toys and 1D regression toys.

use crate::keyed_enum;

keyed_enum! {
    /// Every dataset the page offers. Keys live in URLs: never rename one.
    pub enum DatasetKind {
        Circle => ("circle", "Circle", "Class 1 inside a disc, class 0 in a ring around it."),
        Xor => ("xor", "XOR", "Four quadrants; the label is the sign of x1·x2."),
        Gaussians => ("gaussians", "Two Gaussians", "Two isotropic Gaussian blobs, one per class."),
        Spiral => ("spiral", "Two spirals", "Two interleaved spiral arms, one per class."),
        Moons => ("moons", "Moons", "Two interleaving half circles."),
        Spiral3 => ("spiral-3", "Three spirals", "Three interleaved spiral arms: a 3-class problem."),
        SineGap => ("sine-gap", "Sine with a gap", "y = sin(x) + noise, with no inputs in the middle of the range: uncertainty should grow in the gap."),
        Cubic => ("cubic", "Cubic", "y = x³ + noise on a bounded interval: the classic uncertainty toy."),
    }
}
