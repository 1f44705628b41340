//! What the guard decides about a change, typed: every decision is made on these, never on
//! the text of a reason.

use automerge::Change;
use automerge::legacy::OpId;
use serde::{Deserialize, Serialize};

use super::violation::Violation;
use crate::MemberId;
use crate::commit_meta::CommitMeta;

/// A change that was not applied, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refused {
    /// The change's hash (hex).
    pub change: String,
    /// Who signed it, if anyone.
    pub author: Option<MemberId>,
    /// The command its message names, if any (shown to people; never decided on).
    pub cmd: Option<String>,
    /// When its author says it was made (ms).
    pub time: i64,
    /// The rule it broke.
    pub reason: Violation,
}

/// The refusal of `change` for `reason`.
pub(crate) fn refusal(change: &Change, author: Option<MemberId>, reason: Violation) -> Refused {
    Refused {
        change: change.hash().to_string(),
        author,
        cmd: change.message().and_then(CommitMeta::parse).map(|m| m.cmd),
        time: change.timestamp(),
        reason,
    }
}

/// What a change that passed touches, read from its operations.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Passed {
    /// It writes under `members` or `invites`: who may sync, and what judging later
    /// changes reads, may have changed.
    pub(crate) membership: bool,
    /// It may change how later changes are judged (`rules::changes_standing`): nothing
    /// after it is judged ahead of it.
    pub(crate) standing: bool,
    /// The records (section, key) it makes.
    pub(crate) made: Vec<(String, String)>,
    /// The places its proofs of equivocation name (no change stays at them).
    pub(crate) bans: Vec<crate::equivocation::Place>,
}

/// Why the rule table did not pass a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Fault {
    /// It broke a rule.
    Broke(Violation),
    /// It writes into an object this copy does not hold yet (the operation `OpId` made
    /// it). Another device may hold the object and accept the change, so refusing here
    /// would split the two: the change waits for the object.
    MissingObject(OpId),
    /// Judged ahead of its deps, the rules cannot be sure (what a delete leaves depends on
    /// values written since): it must be judged again at its own deps.
    Unsure,
}

impl From<Violation> for Fault {
    fn from(v: Violation) -> Self {
        Fault::Broke(v)
    }
}

/// How a change's signature stands, established once per change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Proof {
    /// A signature change of its own, canonical and valid (or a later one of the same
    /// actor, whose past covers it).
    Verified,
    /// No signature came with it.
    Missing,
    /// Its signature change came and does not verify.
    Forged,
}

/// The guard's decision about one change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Signed by a member (or accepted unsigned history) and allowed.
    Pass(Passed),
    /// Refused.
    Refuse(Refused),
    /// Waits for the object this operation made (see [`Fault::MissingObject`]).
    WaitForObject(OpId),
    /// Judged ahead of its deps and not surely allowed: judge again at its deps.
    Unsure,
}
