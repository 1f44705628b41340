//! A device's own edit, judged by the same rules as everyone else's before it is kept: so
//! no device writes what its peers will refuse (which would refuse, everywhere else, the
//! edit and everything its author builds on it). `apply/` checks what needs the command's
//! intent and says why in the member's words; this is the check that every device makes.

use std::collections::HashSet;

use automerge::{Automerge, Change};

use super::judge::{Actors, Judge};
use super::legacy::NoLegacy;
use super::paths::{PathCache, Paths};
use super::rules::At;
use super::verdict::{Proof, Verdict};
use super::violation::Violation;

/// Judges `change`, just committed and signed on `doc` by this device, at its deps.
pub fn judge_own(doc: &Automerge, change: &Change) -> Result<(), Violation> {
    let deps_max_op = change
        .deps()
        .iter()
        .filter_map(|d| doc.get_change_meta_by_hash(d).map(|m| m.max_op))
        .max()
        .unwrap_or(0);
    let none = HashSet::new();
    let at = At {
        heads: change.deps(),
        exact: true,
        deps_max_op,
        made_ahead: &none,
    };
    let mut cache = PathCache::default();
    let mut paths = Paths::new(doc, &mut cache);
    let mut actors = Actors::default();
    let mut judge = Judge {
        doc,
        actors: &mut actors,
        paths: &mut paths,
        legacy: &NoLegacy,
    };
    match judge.judge(change, Proof::Verified, at, change.deps().is_empty()) {
        Verdict::Pass(_) => Ok(()),
        Verdict::Refuse(r) => Err(r.reason),
        // Every object a change of this copy writes into is in this copy.
        Verdict::WaitForObject(_) => Err(Violation::MissingObject),
        Verdict::Unsure => Err(Violation::Unknown(
            "a change the rules could not decide".into(),
        )),
    }
}
