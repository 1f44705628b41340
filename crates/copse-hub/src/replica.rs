//! [`Replica`]: one community's document on this device, and its way to disk.
//!
//! A replica alternates between applying and persisting. While a record is being
//! appended, inputs that would change the document wait; once it is durable, everything
//! that depended on it goes out (answers, pushes to peers, events, results), then the
//! waiting inputs are applied together and one record is written for all of them. So
//! nothing leaves the device, and nothing is acknowledged, that is not on disk; and a burst
//! of changes costs one fsync per batch rather than one per change. The hub drives the
//! cycle with [`Replica::step`]; the replica alone decides what the next step is.

use std::collections::VecDeque;

use copse_core::automerge::{Automerge, ChangeHash};
use copse_core::commit_meta::CommitMeta;
use copse_core::guard::Refused;
use copse_core::sync::InboundId;
use copse_core::view::cached::CachedView;
use copse_core::{Community, CommunityId, LogCursor, MemberId, Timestamp};

use copse_core::sync::STEP_CHANGES;

use crate::own_addresses::RECORD_EVERY_MS;
use crate::own_edits::OwnEdits;
use crate::refused_log::{RefusedLog, noted};
use crate::{Done, Input, Output, RequestId};

/// Most inputs that may wait for one replica; beyond it they are refused as busy.
const MAX_WAITING: usize = 4096;

/// Where the replica is in its cycle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Phase {
    /// Inputs apply at once.
    Ready,
    /// A record bringing the disk to these heads is being appended.
    Appending(Vec<ChangeHash>),
    /// Everything on disk is being replaced by the document at these heads (it was
    /// rebuilt without changes the disk holds).
    Replacing(Vec<ChangeHash>),
    /// Being read back from disk (a save or a merge failed).
    Reloading,
    /// Its folder is being created.
    Creating,
}

/// Something to do once everything applied so far is durable.
#[derive(Debug)]
pub(crate) enum Deferred {
    /// The document gained changes: push them to peers and tell the user.
    Changed(Changed),
    /// Answer a sync request with our heads.
    Respond(InboundId),
    /// A local request finished.
    Done(RequestId, Done),
    /// Send the community to a newcomer.
    ServeJoin(InboundId),
    /// Keep this device's last edits on disk (once the changes they made are there).
    OwnEdits,
}

/// Changes the document gained.
#[derive(Debug)]
pub(crate) struct Changed {
    /// Heads before them: `save_after(heads_before)` are the changes.
    pub(crate) heads_before: Vec<ChangeHash>,
    /// The peer they came from (not pushed back to it).
    pub(crate) source: Option<MemberId>,
    /// Made on this device.
    pub(crate) local: bool,
    /// Who did what, read when the changes were applied (for the user; never decided on).
    pub(crate) metas: Vec<CommitMeta>,
    /// They write under `members` or `invites`: who may sync what may have changed. From
    /// the guard's reading of the operations (or this device's own command).
    pub(crate) membership: bool,
}

/// What the hub must do next for a replica.
#[derive(Debug)]
pub(crate) enum Step {
    /// Nothing until the store answers, or nothing at all.
    Idle,
    /// Append this record; the replica waits until [`Replica::appended`].
    Append(Vec<u8>),
    /// Replace everything on disk with this saved document; the replica waits until
    /// [`Replica::appended`].
    Replace(Vec<u8>, Vec<ChangeHash>),
    /// Everything applied is durable: let these out, in order.
    Release(Vec<Deferred>),
    /// Apply these inputs, which waited, in order (see [`Replica::ends_batch`]).
    Apply(VecDeque<Input>),
}

/// A community on this device.
#[derive(Debug)]
pub(crate) struct Replica {
    community: Community,
    cursor: LogCursor,
    phase: Phase,
    /// Inputs that change the document, waiting until the replica is ready.
    waiting: VecDeque<Input>,
    /// What to do once everything applied so far is durable, in order.
    deferred: Vec<Deferred>,
    /// Changed since the cached first screen was last written.
    view_dirty: bool,
    /// When our addresses were last recorded in it (this run).
    addrs_recorded_at: Option<Timestamp>,
    /// What its guard refused.
    refused: RefusedLog,
    /// This device's last edits, to write again should they leave the document.
    own: OwnEdits,
    /// The document was rebuilt: the disk must be replaced, not appended to.
    rewrite: bool,
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
            own: OwnEdits::default(),
            rewrite: false,
        }
    }

    /// With this device's last edits as kept on disk (`own-edits.json`).
    pub(crate) fn with_own_edits(mut self, bytes: &[u8]) -> Self {
        self.own = OwnEdits::from_bytes(bytes);
        self
    }

    /// This device's last edits.
    pub(crate) fn own_edits(&mut self) -> &mut OwnEdits {
        &mut self.own
    }

    /// This device's last edits, as kept on disk.
    pub(crate) fn own_edits_bytes(&self) -> Vec<u8> {
        self.own.to_bytes()
    }

    /// The document was rebuilt without `dropped` (see `copse_core::equivocation`): the
    /// disk is replaced before anything else is written, and a copy read back that still
    /// holds them is rebuilt again.
    /// Places found equivocated: no change at them is taken from now on.
    pub(crate) fn note_banned(&mut self, places: &[copse_core::equivocation::Place]) {
        self.refused.note_banned(places);
    }

    pub(crate) fn rebuilt(&mut self, dropped: &[ChangeHash]) {
        self.refused.note_dropped(dropped);
        self.rewrite = true;
        self.view_dirty = true;
    }

    /// If the document holds changes it was rebuilt without before (read back from a disk
    /// the rebuild had not reached yet), rebuilds it again: the changes dropped, oldest
    /// first.
    pub(crate) fn drop_again(&mut self) -> Vec<ChangeHash> {
        let doc = self.community.doc();
        let held: std::collections::HashSet<ChangeHash> = self
            .refused
            .dropped()
            .filter(|h| doc.get_change_meta_by_hash(h).is_some())
            .copied()
            .collect();
        if held.is_empty() {
            return Vec::new();
        }
        let all = copse_core::equivocation::built_on(doc, &held);
        match copse_core::equivocation::rebuilt_without(doc, &all) {
            Ok((rebuilt, gone)) => {
                *self.community.doc_mut() = rebuilt;
                let gone: Vec<ChangeHash> = gone.iter().map(|c| c.hash()).collect();
                self.rebuilt(&gone);
                gone
            }
            Err(e) => {
                tracing::error!(error = %e, "could not rebuild a community without an equivocation's losing side");
                Vec::new()
            }
        }
    }

    /// With the refusals kept on disk (`refused.json`).
    pub(crate) fn with_refused(mut self, bytes: &[u8]) -> Self {
        self.refused = RefusedLog::from_bytes(bytes);
        self
    }

    pub(crate) fn community(&self) -> &Community {
        &self.community
    }

    /// The community, to apply changes to; they go out once durable (see [`Self::changed`]).
    pub(crate) fn community_mut(&mut self) -> &mut Community {
        &mut self.community
    }

    /// Inputs apply at once.
    pub(crate) fn is_ready(&self) -> bool {
        self.phase == Phase::Ready
    }

    /// Ready, and everything in the document is on disk: what depends on it may go out.
    pub(crate) fn is_settled(&self) -> bool {
        self.is_ready() && self.cursor.is_saved(self.community.doc())
    }

    /// The next step of the cycle.
    pub(crate) fn step(&mut self) -> Step {
        if !self.is_ready() {
            return Step::Idle;
        }
        if std::mem::take(&mut self.rewrite) {
            let doc = self.community.doc();
            let heads = doc.get_heads();
            self.phase = Phase::Replacing(heads.clone());
            return Step::Replace(doc.save(), heads);
        }
        if let Some(record) = self.cursor.next(self.community.doc()) {
            self.phase = Phase::Appending(record.heads);
            return Step::Append(record.bytes);
        }
        if !self.deferred.is_empty() {
            return Step::Release(std::mem::take(&mut self.deferred));
        }
        if !self.waiting.is_empty() {
            return Step::Apply(std::mem::take(&mut self.waiting));
        }
        Step::Idle
    }

    /// After one input of a batch was applied: whether the batch ends here. It does when
    /// the replica stopped being ready, or a change of membership waits to go out:
    /// whoever it removes must get nothing applied after it; or the batch applied a
    /// step's worth of changes (`STEP_CHANGES`): the driver gets to answer the user and
    /// other peers before the next. The rest of the batch then waits again, ahead of
    /// what arrived meanwhile.
    pub(crate) fn ends_batch(&mut self, rest: &mut VecDeque<Input>) -> bool {
        let membership = self.deferred.iter().any(|d| match d {
            Deferred::Changed(c) => c.membership,
            _ => false,
        });
        let applied: usize = self
            .deferred
            .iter()
            .map(|d| match d {
                Deferred::Changed(c) => c.metas.len(),
                _ => 0,
            })
            .sum();
        // Metas count changes without their signature changes: half of what a step takes.
        let full = applied >= STEP_CHANGES / 2;
        if self.is_ready() && !membership && !full {
            return false;
        }
        let meanwhile = std::mem::take(&mut self.waiting);
        self.waiting.extend(rest.drain(..));
        self.waiting.extend(meanwhile);
        true
    }

    /// Keeps an input until the replica is ready; gives it back when too many wait.
    pub(crate) fn wait(&mut self, input: Input) -> Option<Input> {
        if self.waiting.len() < MAX_WAITING {
            self.waiting.push_back(input);
            None
        } else {
            Some(input)
        }
    }

    /// The record being appended is durable.
    pub(crate) fn appended(&mut self) {
        match std::mem::replace(&mut self.phase, Phase::Ready) {
            Phase::Appending(heads) => self.cursor.confirm(heads),
            Phase::Replacing(heads) => self.cursor = LogCursor::at(heads),
            _ => {}
        }
    }

    /// Its folder exists now.
    pub(crate) fn created(&mut self) {
        self.phase = Phase::Ready;
    }

    /// To do once everything applied so far is durable.
    pub(crate) fn defer(&mut self, deferred: Deferred) {
        if matches!(deferred, Deferred::OwnEdits)
            && self
                .deferred
                .iter()
                .any(|d| matches!(d, Deferred::OwnEdits))
        {
            // One write of the journal as it then stands covers both.
            return;
        }
        self.deferred.push(deferred);
    }

    /// The document gained changes, to go out once durable.
    pub(crate) fn changed(&mut self, changed: Changed) {
        self.view_dirty = true;
        self.deferred.push(Deferred::Changed(changed));
    }

    /// What waited for durability, which will not come (the changes are lost).
    pub(crate) fn take_deferred(&mut self) -> Vec<Deferred> {
        std::mem::take(&mut self.deferred)
    }

    /// Being read back from disk: nothing touches it meanwhile.
    pub(crate) fn start_reload(&mut self) {
        self.phase = Phase::Reloading;
    }

    /// Replaces the document with what is on disk (rebuilt again if the disk still held
    /// changes it was rebuilt without: see [`Self::drop_again`]).
    pub(crate) fn reset_to(&mut self, community: Community) -> Vec<ChangeHash> {
        self.cursor = LogCursor::at(community.doc().get_heads());
        self.community = community;
        self.phase = Phase::Ready;
        self.view_dirty = true;
        self.drop_again()
    }

    /// The inputs still waiting (the replica is going away).
    pub(crate) fn into_waiting(self) -> VecDeque<Input> {
        self.waiting
    }

    /// The cached first screen, if it changed since last taken and all of it is on disk.
    pub(crate) fn take_view(&mut self) -> Option<CachedView> {
        if !self.view_dirty || !self.is_settled() {
            return None;
        }
        self.view_dirty = false;
        Some(CachedView::build(&self.community))
    }

    /// Whether our addresses were recorded in it within the last hour.
    pub(crate) fn addrs_recorded_recently(&self, now: Timestamp) -> bool {
        self.addrs_recorded_at
            .is_some_and(|t| now.0.saturating_sub(t.0) < RECORD_EVERY_MS)
    }

    /// Our addresses were recorded now.
    pub(crate) fn addrs_recorded(&mut self, now: Timestamp) {
        self.addrs_recorded_at = Some(now);
    }

    /// The document, to admit received changes into, and what its guard refused before
    /// (what builds on those is refused too). What is applied goes out once durable (see
    /// [`Self::changed`]).
    /// Runs `admit` on the document with the gate of its guard (what it refused before,
    /// no unsigned history).
    pub(crate) fn admit_with<T>(
        &mut self,
        admit: impl FnOnce(&mut Automerge, &copse_core::sync::Gate<'_>) -> T,
    ) -> T {
        let (doc, log) = self.admission();
        let was_refused = |h: &ChangeHash| log.contains(h);
        let was_banned = |a: &copse_core::automerge::ActorId, s: u64| log.is_banned(a, s);
        let gate = copse_core::sync::Gate {
            was_refused: &was_refused,
            was_banned: &was_banned,
            legacy: &copse_core::guard::NoLegacy,
        };
        admit(doc, &gate)
    }

    pub(crate) fn admission(&mut self) -> (&mut Automerge, &RefusedLog) {
        (self.community.doc_mut(), &self.refused)
    }

    /// What its guard refused, oldest first.
    pub(crate) fn refusals(&self) -> Vec<Refused> {
        self.refused.shown()
    }

    /// Notes refusals; the outputs that keep them and tell the user, if any is new.
    pub(crate) fn note_refusals(
        &mut self,
        id: &CommunityId,
        refused: Vec<Refused>,
        hashes: &[ChangeHash],
    ) -> Vec<Output> {
        noted(&mut self.refused, id, refused, hashes)
    }

    /// One line for diagnosing a stuck simulation.
    pub(crate) fn describe(&self) -> String {
        format!(
            "{:?}, settled {}, {} waiting, {} deferred",
            self.phase,
            self.is_settled(),
            self.waiting.len(),
            self.deferred.len()
        )
    }
}
