//! `init` and `whoami`.

use copse_core::MemberId;
use copse_core::record::MemberDetails;
use copse_peer::{Whoami, ask};

use super::print::tags;
use super::run::{Run, ask, ask_as};

/// `whoami`.
pub(crate) fn whoami() -> Run {
    ask(ask::Whoami, print_whoami)
}

fn print_whoami(w: Whoami) -> String {
    format!(
        "{}\n{} ({}, {}){}",
        w.member_id,
        w.details.name,
        w.details.organisation,
        w.details.department,
        tags(&w.details.skills)
    )
}

/// `init`'s output: the member id.
pub(crate) fn print_member(m: &MemberId) -> String {
    m.to_string()
}

/// `init`'s JSON.
pub(crate) fn member_json(m: &MemberId) -> serde_json::Value {
    serde_json::json!({ "member_id": m })
}

/// `init` through a running `serve`.
pub(crate) fn init(details: MemberDetails) -> Run {
    ask_as(ask::Init { details }, |m| print_member(&m), member_json).hint_invalid("--name")
}
