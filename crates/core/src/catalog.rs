//! The catalog the page builds every option list from.
