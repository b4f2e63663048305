//! Saddle core: datasets, a dropout MLP on nalgebra, composable optimizers and seeded training sessions.
//!
//! Pure Rust with no web dependency: everything here is testable with `cargo test`. The web crate wraps a
//! [`session::Session`] behind an opaque handle; the page reads [`catalog::catalog_json`] to build its controls.

pub mod catalog;
pub mod codec;
pub mod config;
pub mod data;
pub mod dropout;
pub mod error;
pub mod fast;
pub mod features;
pub mod linalg;
pub mod loss;
pub mod mlp;
pub mod optim;
pub mod registry;
pub mod rng;
pub mod session;
pub mod surfaces;
pub mod weight_noise;
pub mod workloads;

pub use error::{Error, Result};
pub use linalg::{Matrix, Vector};
