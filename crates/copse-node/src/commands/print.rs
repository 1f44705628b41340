//! Helpers for printing answers as short text.

use copse_core::Timestamp;

/// ` [a, b]`, or nothing for no tags.
pub(crate) fn tags(t: &[String]) -> String {
    if t.is_empty() {
        String::new()
    } else {
        format!(" [{}]", t.join(", "))
    }
}

/// A time as the CLI writes it (UTC).
pub(crate) fn when(t: Timestamp) -> String {
    t.to_utc_string()
}
