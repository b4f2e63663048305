//! Run configuration: serde data, validation with field-naming messages, and a lossless URL query form.
