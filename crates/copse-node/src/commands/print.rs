//! Helpers for printing replies as short text.

use copse_core::Timestamp;
use copse_peer::{QueryReply, Reply};

/// How a command's reply reads as text.
pub(crate) type Printer = fn(&Reply) -> String;

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

/// The reply's query answer, if it is one.
pub(crate) fn query(reply: &Reply) -> Option<&QueryReply> {
    match reply {
        Reply::Query(q) => Some(q),
        _ => None,
    }
}

/// The id an edit created, or `ok`.
pub(crate) fn created(reply: &Reply) -> String {
    match reply {
        Reply::Applied(a) => a
            .created
            .as_ref()
            .map_or_else(|| "ok".to_owned(), copse_core::Created::id_string),
        _ => "ok".to_owned(),
    }
}
