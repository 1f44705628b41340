//! `rejected`: changes from members that broke the community's rules, which this device
//! did not apply (and did not pass on).

use copse_core::Timestamp;
use copse_core::guard::Refused;
use copse_peer::ask;

use super::args::CommunityArg;
use super::print::when;
use super::run::{Run, ask};

/// `rejected`.
pub(crate) fn rejected(c: CommunityArg) -> Run {
    ask(
        ask::Refused {
            community: c.community,
        },
        print_rejected,
    )
}

fn print_rejected(list: Vec<Refused>) -> String {
    if list.is_empty() {
        return "No change was rejected.".into();
    }
    list.iter()
        .map(|r| {
            let by = r.author.as_ref().map_or_else(
                || "a writer not validly signed".to_owned(),
                ToString::to_string,
            );
            let cmd = r.cmd.as_deref().unwrap_or("an edit");
            format!(
                "{}  {cmd} by {by}: {}; not applied (change {})",
                when(Timestamp(r.time)),
                r.reason,
                &r.change[..r.change.len().min(12)]
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}
