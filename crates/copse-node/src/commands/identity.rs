//! `init` and `whoami`.

use copse_peer::{Query, QueryReply, Reply, Request};

use super::print::{Printer, query, tags};

/// `whoami`.
pub(crate) fn whoami() -> (Request, Printer) {
    (Request::Query(Query::Whoami), print_whoami)
}

fn print_whoami(reply: &Reply) -> String {
    match query(reply) {
        Some(QueryReply::Whoami(w)) => format!(
            "{}\n{} ({}, {}){}",
            w.member_id,
            w.details.name,
            w.details.organisation,
            w.details.department,
            tags(&w.details.skills)
        ),
        _ => String::new(),
    }
}

/// `init`'s output: the member id.
pub(crate) fn print_member(reply: &Reply) -> String {
    match reply {
        Reply::Member(m) => m.to_string(),
        _ => String::new(),
    }
}
