//! [`Replica`]: one community's document on this device, and its way to disk.
//!
//! A replica alternates between applying and persisting. While a record is being
//! appended, inputs that would change the document wait; once it is durable, everything
//! that depended on it goes out (answers, pushes to peers, events, results), then the
//! waiting inputs are applied together and one record is written for all of them. So
//! nothing leaves the device, and nothing is acknowledged, that is not on disk; and a burst
//! of changes costs one fsync per batch rather than one per change.

use crate::refused_log::RefusedLog;
use std::collections::VecDeque;

use copse_core::automerge::ChangeHash;
use copse_core::commit_meta::CommitMeta;
use copse_core::sync::InboundId;
use copse_core::{Community, LogCursor, MemberId, Timestamp};

use crate::{Done, Input, RequestId};

/// Most inputs that may wait for one replica; beyond it they are refused as busy.
pub(crate) const MAX_WAITING: usize = 4096;

/// Where the replica is in its cycle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Phase {
    /// Inputs apply at once.
    Ready,
    /// A record bringing the disk to these heads is being appended.
    Appending(Vec<ChangeHash>),
    /// Being read back from disk (a save or a merge failed).
    Reloading,
    /// Its folder is being created.
    Creating,
}

/// Something to do once everything applied so far is durable.
#[derive(Debug)]
pub(crate) enum Deferred {
    /// The document gained changes: push them to peers and tell the user.
    Changed {
        heads_before: Vec<ChangeHash>,
        /// The peer they came from (not pushed back to it).
        source: Option<MemberId>,
        local: bool,
        /// Who did what, read when the changes were applied.
        metas: Vec<CommitMeta>,
    },
    /// Answer a sync request with our heads.
    Respond(InboundId),
    /// A local request finished.
    Done(RequestId, Done),
    /// Send the community to a newcomer.
    ServeJoin(InboundId),
}

/// A community on this device.
#[derive(Debug)]
pub(crate) struct Replica {
    pub(crate) community: Community,
    cursor: LogCursor,
    pub(crate) phase: Phase,
    /// Inputs that change the document, waiting until the replica is ready.
    pub(crate) waiting: VecDeque<Input>,
    /// What to do once everything applied so far is durable, in order.
    pub(crate) deferred: Vec<Deferred>,
    /// Changed since the cached first screen was last written.
    pub(crate) view_dirty: bool,
    /// When our addresses were last recorded in it (this run).
    pub(crate) addrs_recorded_at: Option<Timestamp>,
    /// What its guard refused.
    pub(crate) refused: RefusedLog,
}

impl Replica {
    /// A replica whose document is all on disk (or, `Creating`, about to be).
    pub(crate) fn new(community: Community, phase: Phase) -> Self {
        Self {
            cursor: LogCursor::at(community.doc().get_heads()),
            community,
            phase,
            waiting: VecDeque::new(),
            deferred: Vec::new(),
            view_dirty: false,
            addrs_recorded_at: None,
            refused: RefusedLog::default(),
        }
    }

    /// Inputs apply at once.
    pub(crate) fn is_ready(&self) -> bool {
        self.phase == Phase::Ready
    }

    /// Ready, and everything in the document is on disk: what depends on it may go out.
    pub(crate) fn is_settled(&self) -> bool {
        self.is_ready() && self.cursor.is_saved(self.community.doc())
    }

    /// When ready with changes not on disk: the record that saves them; the replica is
    /// then appending until [`Self::appended`].
    pub(crate) fn start_append(&mut self) -> Option<Vec<u8>> {
        if !self.is_ready() {
            return None;
        }
        let record = self.cursor.next(self.community.doc())?;
        self.phase = Phase::Appending(record.heads);
        Some(record.bytes)
    }

    /// The record being appended is durable.
    pub(crate) fn appended(&mut self) {
        if let Phase::Appending(heads) = std::mem::replace(&mut self.phase, Phase::Ready) {
            self.cursor.confirm(heads);
        }
    }

    /// Records that the document gained changes, to go out once durable.
    pub(crate) fn note_change(&mut self, changed: Deferred) {
        self.view_dirty = true;
        self.deferred.push(changed);
    }

    /// Whether a change waiting to go out may change who is a member (a command this
    /// build does not know may).
    pub(crate) fn membership_pending(&self) -> bool {
        self.deferred.iter().any(|d| match d {
            Deferred::Changed { metas, .. } => crate::hub::touches_membership(metas),
            _ => false,
        })
    }

    /// Replaces the document with what is on disk.
    pub(crate) fn reset_to(&mut self, community: Community) {
        self.cursor = LogCursor::at(community.doc().get_heads());
        self.community = community;
        self.phase = Phase::Ready;
        self.view_dirty = true;
    }
}
