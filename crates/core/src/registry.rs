//! Stable kebab-case keys for every enum that lives in URLs and in the page's option lists.
//!
//! `keyed_enum!` declares an enum together with its keys, human labels and one-line docs, so adding a
//! dataset, activation or optimizer is one line in one place; the catalog and the URL parser pick it up.

/// An enum whose variants have stable string keys (they appear in URLs, so never rename one).
pub trait Keyed: Sized + Copy + 'static {
    /// Every variant in display order.
    const ALL: &'static [Self];
    /// The stable kebab-case key, e.g. `"leaky-relu"`.
    fn key(self) -> &'static str;
    /// A short human label for option lists.
    fn label(self) -> &'static str;
    /// One sentence shown as a tooltip / help text.
    fn doc(self) -> &'static str;
    /// The variant with this key, if any.
    fn from_key(key: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.key() == key)
    }
    /// All keys, for error messages ("allowed: a, b, c").
    fn keys_joined() -> String {
        Self::ALL
            .iter()
            .map(|v| v.key())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Declares a `Copy` enum implementing [`Keyed`]:
/// `keyed_enum! { /// doc \n pub enum Name { Variant => ("key", "Label", "doc"), ... } }`
#[macro_export]
macro_rules! keyed_enum {
    ($(#[$meta:meta])* pub enum $name:ident { $($(#[$vmeta:meta])* $variant:ident => ($key:literal, $label:literal, $doc:literal)),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($(#[$vmeta])* $variant),+ }
        impl $crate::registry::Keyed for $name {
            const ALL: &'static [Self] = &[$(Self::$variant),+];
            fn key(self) -> &'static str { match self { $(Self::$variant => $key),+ } }
            fn label(self) -> &'static str { match self { $(Self::$variant => $label),+ } }
            fn doc(self) -> &'static str { match self { $(Self::$variant => $doc),+ } }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str($crate::registry::Keyed::key(*self))
            }
        }
    };
}
