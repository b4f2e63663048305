//! The core's one error type. Messages name the field, the allowed range and the bad value, because the
//! page shows them verbatim next to the control.

/// Everything that can go wrong in the core. Nothing in the core panics on user input.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// A numeric field outside its allowed range (or not a number).
    #[error("{field}: {value} is out of range; allowed {allowed}")]
    OutOfRange {
        field: String,
        allowed: String,
        value: String,
    },
    /// A key that names no registry entry (dataset, activation, optimizer, ...).
    #[error("{field}: unknown value \"{value}\"; allowed: {allowed}")]
    UnknownKey {
        field: String,
        allowed: String,
        value: String,
    },
    /// A value that could not be parsed at all.
    #[error("{field}: cannot read \"{value}\" ({reason})")]
    Parse {
        field: String,
        value: String,
        reason: String,
    },
    /// Two settings that do not fit together (e.g. a shape mismatch).
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    /// Training produced a non-finite loss or parameter at this step. The session keeps its last finite state.
    #[error("training diverged at step {step}: the loss or a parameter became NaN or infinite; lower the learning rate and press Reset")]
    Diverged { step: u64 },
}

impl Error {
    /// The config field this error is about (used to place the message next to its control), if any.
    pub fn field(&self) -> Option<&str> {
        match self {
            Error::OutOfRange { field, .. }
            | Error::UnknownKey { field, .. }
            | Error::Parse { field, .. }
            | Error::Invalid { field, .. } => Some(field),
            Error::Diverged { .. } => None,
        }
    }

    /// Shorthand for [`Error::OutOfRange`].
    pub fn out_of_range(field: &str, allowed: impl Into<String>, value: impl ToString) -> Self {
        Error::OutOfRange {
            field: field.into(),
            allowed: allowed.into(),
            value: value.to_string(),
        }
    }

    /// Shorthand for [`Error::Invalid`].
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        Error::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Core result type.
pub type Result<T> = std::result::Result<T, Error>;
