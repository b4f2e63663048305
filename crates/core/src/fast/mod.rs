//! The fast training path: f32 with a rational tanh, packed matrix kernels and preallocated workspaces.
//!
//! The f64 [`crate::mlp::Mlp`] stays the reference (gradient checks, Hessians, export); [`net::Net`] is an f32
//! copy of its parameters that trains several times faster, above all in WebAssembly with `+simd128`:
//! - `kernels`: the f32 matrix product for the three products of backpropagation (small products in place
//!   through `small`, large ones through `packed`, a register-tiled kernel on packed panels), a transpose;
//! - `sparse`: the same products when one operand is mostly zeros (ReLU outputs, dropout masks), and the
//!   forward product restricted to the outputs dropout keeps;
//! - `tanh`: a branch-free rational tanh (and sigmoid through it) with a tested error bound;
//! - `elementwise`: activations, output objectives and penalties in f32, mirroring `mlp` and `loss`;
//! - `simd`: the four-lane f32 type the kernels are written with;
//! - `noise`: dropout factors drawn exactly as `dropout::sample_masks` draws them, into reused buffers;
//! - `optim`: the optimizer catalog's block chains applied in place to f32 slices;
//! - `net`: the trainer itself (forward, loss, backward, update) with no allocation per step;
//! - `units`: every layer's test-time output in f32 from the f64 model, for drawing the network diagram.

pub mod elementwise;
pub mod kernels;
pub mod net;
pub mod noise;
pub mod optim;
mod packed;
pub mod simd;
mod small;
pub mod sparse;
pub mod tanh;
pub mod units;

pub use elementwise::Objective;
pub use net::{Loss, Net};
pub use optim::Optimizer32;

#[cfg(test)]
mod tests;
