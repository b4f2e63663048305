//! The page's display options in the URL (`test-points`, `discretize`, `legend`): how the data plot is drawn,
//! never what trains. They are config fields so that the page's hash stays exactly the canonical query and a
//! link restores the view too; each is left out of the query at its default, so older links keep their form.

use super::field::{row, shown, Access, Field, FieldKind, Ops};
use crate::{Error, Result};

/// How the Playground's data plot is drawn. No effect on training: a session takes it from its config only to
/// hand it back in its query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Display {
    /// Draw the test points (`test-points`). Default true.
    pub test_points: bool,
    /// Hard decision regions instead of probability shading (`discretize`; classification only). Default false.
    pub discretize: bool,
    /// The colour scale above the data plot (`legend`; classification only). Default false.
    pub legend: bool,
}

impl Default for Display {
    fn default() -> Self {
        Display {
            test_points: true,
            discretize: false,
            legend: false,
        }
    }
}

/// `true` / `false` (also `1` / `0`); written as `true` / `false`.
fn parse_bool(f: &Field, t: &str) -> Result<bool> {
    match t {
        "true" | "1" => Ok(true),
        "false" | "0" => Ok(false),
        _ => Err(Error::Parse {
            field: f.key.into(),
            value: shown(t),
            reason: "expected true or false".into(),
        }),
    }
}

/// A boolean display field stored at `Config::display.$f`, omitted from the query at its default.
macro_rules! flag {
    ($key:literal, $label:literal, $f:ident, $doc:literal) => {
        Field {
            omit_default: true,
            ..row(
                $key,
                $label,
                FieldKind::Bool,
                None,
                $doc,
                Access::Other(Ops {
                    write: |c| c.display.$f.to_string(),
                    read: |f, c, t| {
                        c.display.$f = parse_bool(f, t)?;
                        Ok(())
                    },
                    check: |_, _| Ok(()),
                    reset: |c| c.display.$f = Display::default().$f,
                }),
            )
        }
    };
}

pub(super) const TEST_POINTS: Field = flag!(
    "test-points",
    "Show test points",
    test_points,
    "Display only: draw the test points (hollow rings) on the data plot. Default true."
);
pub(super) const DISCRETIZE: Field = flag!(
    "discretize",
    "Discretize output",
    discretize,
    "Display only: hard decision regions (each place in the colour of the predicted class) instead of \
     probability shading; classification sets. Default false."
);
pub(super) const LEGEND: Field = flag!(
    "legend",
    "Colour scale",
    legend,
    "Display only: the colour scale of the data plot's background above the plot; classification sets. \
     Default false."
);
