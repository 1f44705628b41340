//! [`SyncSession`]: the sans-IO state of syncing one community with one peer.
//!
//! Two paths keep peers converged:
//! - **Rounds** of Automerge's sync protocol (bloom filters, heads) on connect and whenever
//!   something is missing. A round costs O(history) per received message.
//! - **Pushes**: a local or newly received change is sent as `save_after(heads_before)` to
//!   every session at once. Cheap; if the peer lacks a dependency it asks for a round.
//!
//! At most one request per session is in flight, so each direction is delivered in order.
//! The runtime calls [`SyncSession::poll`] after anything happened to get the next request.

use automerge::sync::{self, SyncDoc};
use automerge::{Automerge, ChangeHash};

use super::wire::{Refusal, SyncRequest, SyncResponse};
use crate::guard::{Admitted, Held, LegacyPolicy, Refused, admit_held};
use crate::{CommunityId, Timestamp};

/// Why a peer's message could not be applied. The session should be closed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SessionError {
    /// Not a valid Automerge sync message.
    #[error("invalid sync message: {0}")]
    BadMessage(String),
    /// Automerge refused the changes.
    #[error("changes could not be applied: {0}")]
    BadChanges(String),
    /// The peer refused our request.
    #[error("the peer refused: {0:?}")]
    Refused(Refusal),
}

/// What applying a peer's message did to our document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    /// Heads before; `doc.save_after(&heads_before)` are the new changes.
    pub heads_before: Vec<ChangeHash>,
    /// Whether the document changed.
    pub changed: bool,
    /// The changes applied (signature changes included).
    pub hashes: Vec<ChangeHash>,
    /// Changes the guard refused, with why.
    pub refused: Vec<Refused>,
    /// Their hashes, signature changes included.
    pub refused_hashes: Vec<ChangeHash>,
    /// An applied change writes under `members` or `invites` (the guard read it from the
    /// operations): who may sync what may have changed.
    pub membership: bool,
    /// Part of the message waits to be admitted ([`SyncSession::admit_more`]): it carried
    /// more changes than one step admits.
    pub more: bool,
    /// Proofs of equivocation the guard found.
    pub equivocations: Vec<crate::equivocation::Proof>,
    /// The document was rebuilt without these changes it held (the losing side of an
    /// equivocation, and what built on it), in causal order.
    pub dropped: Vec<ChangeHash>,
    /// Whether the document was rebuilt: written anew, heads remembered elsewhere stale.
    pub rebuilt: bool,
    /// Places found equivocated: no change at them is taken from now on.
    pub banned: Vec<crate::equivocation::Place>,
}

impl Received {
    fn nothing(heads_before: Vec<ChangeHash>) -> Self {
        Self {
            heads_before,
            changed: false,
            hashes: Vec::new(),
            refused: Vec::new(),
            refused_hashes: Vec::new(),
            membership: false,
            more: false,
            equivocations: Vec::new(),
            dropped: Vec::new(),
            rebuilt: false,
            banned: Vec::new(),
        }
    }

    fn from(
        heads_before: Vec<ChangeHash>,
        doc: &Automerge,
        admitted: Admitted,
        more: bool,
    ) -> Self {
        Self {
            changed: doc.get_heads() != heads_before,
            heads_before,
            hashes: admitted.applied,
            refused: admitted.refused,
            refused_hashes: admitted.refused_hashes,
            membership: admitted.membership,
            more,
            equivocations: admitted.equivocations,
            dropped: admitted
                .dropped
                .iter()
                .map(automerge::Change::hash)
                .collect(),
            rebuilt: admitted.rebuilt,
            banned: admitted.banned,
        }
    }
}

/// How received changes are judged: what this copy refused before, and the policy for
/// unsigned history.
pub struct Gate<'a> {
    /// Whether a change was refused before.
    pub was_refused: &'a dyn Fn(&ChangeHash) -> bool,
    /// Whether an actor's sequence number was found equivocated before.
    pub was_banned: &'a dyn Fn(&automerge::ActorId, u64) -> bool,
    /// Unsigned changes.
    pub legacy: &'a dyn LegacyPolicy,
}

impl Gate<'static> {
    /// Takes unsigned changes as they are: for tests that play several members on one copy.
    pub fn accepting_unsigned() -> Self {
        Gate {
            was_refused: &|_| false,
            was_banned: &|_, _| false,
            legacy: &crate::guard::AcceptUnsigned,
        }
    }
}

impl Gate<'_> {
    fn admit(
        &self,
        doc: &mut Automerge,
        changes: Vec<automerge::Change>,
        held: &mut Vec<Held>,
    ) -> Result<Admitted, SessionError> {
        let before = std::mem::take(held);
        let mut admitted = admit_held(
            doc,
            changes,
            before,
            STEP_CHANGES,
            &crate::guard::Known {
                was_refused: self.was_refused,
                was_banned: self.was_banned,
            },
            self.legacy,
        )
        .map_err(|e| SessionError::BadChanges(e.to_string()))?;
        let bytes: usize = admitted.waiting.iter().map(Held::bytes).sum();
        if admitted.waiting.len() <= HELD_MAX && bytes <= HELD_BYTES {
            *held = std::mem::take(&mut admitted.waiting);
        }
        Ok(admitted)
    }
}

/// What we last sent and await an answer for.
#[derive(Debug, Clone, PartialEq, Eq)]
enum InFlight {
    Round,
    Push,
}

/// The last message to a peer who was removed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
enum Farewell {
    /// Not leaving.
    #[default]
    Staying,
    /// To send: the changes pending when the removal reached us, frozen then.
    Pending(SyncRequest),
    /// Sent; kept to send again if it is lost.
    Sent(SyncRequest),
    /// Delivered (or there was nothing to say): nothing more goes to this peer.
    Done,
}

/// Sync state of one (peer, community) pair.
#[derive(Debug, Clone, Default)]
pub struct SyncSession {
    state: sync::State,
    in_flight: Option<InFlight>,
    wants_round: bool,
    push_from: Option<Vec<ChangeHash>>,
    peer_heads: Option<Vec<ChangeHash>>,
    last_exchange: Option<Timestamp>,
    /// Send our heads even if there is nothing to push (first message after a reconnect).
    hello: bool,
    farewell: Farewell,
    /// Changes from the peer that wait for something they build on (bounded).
    held: Vec<Held>,
    /// The next round tells the peer to send again whatever we lack.
    resend: bool,
    /// The part of the peer's last message not admitted yet (see [`STEP_CHANGES`]).
    backlog: Option<Backlog>,
}

/// Changes a peer sent that wait for their turn, and what to do once they are all in.
#[derive(Debug, Clone)]
struct Backlog {
    changes: std::collections::VecDeque<automerge::Change>,
    tail: Tail,
}

/// The rest of a message, applied after its changes.
#[derive(Debug, Clone)]
enum Tail {
    /// A sync message without its changes.
    Sync(Box<sync::Message>),
    /// A push's heads.
    Push(Vec<ChangeHash>),
}

/// Changes (signature changes count) admitted per step. A message may carry a hundred
/// thousand; admitted in one go they would keep the device from anything else for
/// seconds (a member's flood, or a peer back after weeks). Slices of this size take
/// tens of milliseconds, and the device answers its user and other peers between them.
pub const STEP_CHANGES: usize = 256;

/// Changes held per session while their dependencies are missing.
const HELD_MAX: usize = 50_000;
/// And at most this many bytes of them (one request may carry 32 MiB).
const HELD_BYTES: usize = 64 << 20;

/// Splits `save_after` output into its change chunks and checks each one.
pub fn parse_changes(bytes: &[u8]) -> Result<Vec<automerge::Change>, SessionError> {
    crate::change_chunk::parse_changes(bytes).map_err(|e| SessionError::BadChanges(e.0))
}

fn sorted(mut h: Vec<ChangeHash>) -> Vec<ChangeHash> {
    h.sort();
    h
}

impl SyncSession {
    /// A session resuming from a saved sync state (see [`Self::encoded_state`]); a damaged
    /// or missing state starts fresh.
    ///
    /// With a saved state both sides know a version they shared, so each starts by pushing
    /// what it has beyond it (possibly nothing, just its heads): no bloom filter, no walk of
    /// the history. A peer that finds a gap asks for a round. Without one, a round it is;
    /// also when `doc` lacks some of the saved shared heads (it lost changes it had not made
    /// durable before a crash), since pushing "after" heads we do not have means nothing.
    pub fn resume(saved: Option<&[u8]>, doc: &Automerge) -> Self {
        let state = saved
            .and_then(|b| sync::State::decode(b).ok())
            .filter(|s| {
                s.shared_heads
                    .iter()
                    .all(|h| doc.get_change_meta_by_hash(h).is_some())
            })
            .unwrap_or_default();
        if state.shared_heads.is_empty() {
            return Self {
                state: sync::State::new(),
                wants_round: true,
                ..Self::default()
            };
        }
        Self {
            push_from: Some(state.shared_heads.clone()),
            hello: true,
            state,
            ..Self::default()
        }
    }

    /// The sync state to save for the next session with this peer.
    pub fn encoded_state(&self) -> Vec<u8> {
        self.state.encode()
    }

    /// When we last heard from the peer in this session.
    pub fn last_exchange(&self) -> Option<Timestamp> {
        self.last_exchange
    }

    /// The peer's heads as last reported.
    pub fn peer_heads(&self) -> Option<&[ChangeHash]> {
        self.peer_heads.as_deref()
    }

    /// Whether the peer has everything we have, as far as we know.
    pub fn is_up_to_date(&self, doc: &Automerge) -> bool {
        self.peer_heads
            .as_ref()
            .is_some_and(|h| sorted(h.clone()) == sorted(doc.get_heads()))
    }

    /// Whether a request is awaiting its response.
    pub fn is_busy(&self) -> bool {
        self.in_flight.is_some()
    }

    /// Our document gained changes after `heads_before` (local edit or from another peer):
    /// push them.
    pub fn changed_since(&mut self, heads_before: &[ChangeHash]) {
        if self.push_from.is_none() {
            self.push_from = Some(heads_before.to_vec());
        }
    }

    /// The peer was removed: from now on only what was pending at this moment (which
    /// includes the change that removed them) goes out, frozen now so that nothing written
    /// later can follow; then nothing. No more rounds.
    pub fn leave(&mut self, community: &CommunityId, doc: &Automerge) {
        if self.farewell != Farewell::Staying {
            return;
        }
        self.wants_round = false;
        self.hello = false;
        self.farewell = match self.push_from.take() {
            Some(from) => Farewell::Pending(SyncRequest::Changes {
                community: community.clone(),
                heads: doc.get_heads(),
                changes: doc.save_after(&from),
            }),
            None => Farewell::Done,
        };
    }

    /// Whether the peer is leaving (removed).
    pub fn is_leaving(&self) -> bool {
        self.farewell != Farewell::Staying
    }

    /// A leaving peer got its last message: the session can close.
    pub fn has_left(&self) -> bool {
        self.farewell == Farewell::Done && self.in_flight.is_none()
    }

    /// Asks for a sync round (e.g. after a reconnect or a gap).
    pub fn request_round(&mut self) {
        self.wants_round = true;
    }

    /// The next request to send, if any and if none is in flight.
    pub fn poll(&mut self, community: &CommunityId, doc: &Automerge) -> Option<SyncRequest> {
        if self.in_flight.is_some() {
            return None;
        }
        if self.is_leaving() {
            return match std::mem::replace(&mut self.farewell, Farewell::Done) {
                Farewell::Pending(r) => {
                    self.in_flight = Some(InFlight::Push);
                    self.farewell = Farewell::Sent(r.clone());
                    Some(r)
                }
                other => {
                    self.farewell = other;
                    None
                }
            };
        }
        if self.wants_round {
            self.wants_round = false;
            if self.round_is_over(doc) {
                // Nothing to say, and saying so would cost Automerge a walk of the history
                // since the last shared heads (~100 ms at 100k changes) to find that out.
                let heads = doc.get_heads();
                self.state.shared_heads = heads;
            } else if let Some(mut msg) = doc.generate_sync_message(&mut self.state) {
                self.ask_for_what_held_changes_lack(doc, &mut msg);
                self.in_flight = Some(InFlight::Round);
                // A round carries every change the peer lacks: pending pushes are covered.
                self.push_from = None;
                return Some(SyncRequest::Sync {
                    community: community.clone(),
                    message: msg.encode(),
                });
            }
        }
        if let Some(from) = self.push_from.take() {
            let heads = doc.get_heads();
            if sorted(from.clone()) == sorted(heads.clone()) && !self.hello {
                return None;
            }
            self.hello = false;
            self.in_flight = Some(InFlight::Push);
            return Some(SyncRequest::Changes {
                community: community.clone(),
                heads,
                changes: doc.save_after(&from),
            });
        }
        None
    }

    /// Automerge cannot see changes the guard holds (waiting for a dependency), so it
    /// would ask for them again, and the peer, having sent them, would send nothing. Ask for
    /// their missing dependencies instead. After a stall, heads `[]` make the peer forget
    /// what it believes it sent us and send whatever our `have` lacks.
    fn ask_for_what_held_changes_lack(&mut self, doc: &Automerge, msg: &mut sync::Message) {
        if !self.held.is_empty() {
            let held: std::collections::HashSet<ChangeHash> =
                self.held.iter().flat_map(Held::hashes).collect();
            let mut need: Vec<ChangeHash> = self
                .held
                .iter()
                .flat_map(|h| h.change().deps().iter().copied())
                .filter(|d| !held.contains(d) && doc.get_change_meta_by_hash(d).is_none())
                .collect();
            need.extend(msg.need.iter().filter(|h| !held.contains(h)));
            need.sort();
            need.dedup();
            msg.need = need;
        }
        if std::mem::take(&mut self.resend) {
            msg.heads = Vec::new();
        }
    }

    /// Both sides hold the same heads, we already told the peer ours and it asked for
    /// nothing: `generate_sync_message` would return `None`.
    fn round_is_over(&self, doc: &Automerge) -> bool {
        let heads = sorted(doc.get_heads());
        self.state.have_responded
            && sorted(self.state.last_sent_heads.clone()) == heads
            && self.state.their_heads.clone().map(sorted) == Some(heads)
            && self.state.their_need.as_ref().is_none_or(|n| n.is_empty())
    }

    fn note_shared(&mut self, heads: Vec<ChangeHash>, doc: &Automerge) {
        if sorted(heads.clone()) == sorted(doc.get_heads()) {
            // Both sides hold exactly these heads: a later round starts from here.
            self.state.shared_heads = heads.clone();
            self.state.last_sent_heads = heads.clone();
            self.state.their_heads = Some(heads.clone());
        }
        self.peer_heads = Some(heads);
    }

    /// The peer answered our in-flight request.
    pub fn on_response(
        &mut self,
        response: SyncResponse,
        doc: &Automerge,
        now: Timestamp,
    ) -> Result<(), SessionError> {
        let was = self.in_flight.take();
        self.last_exchange = Some(now);
        if matches!(self.farewell, Farewell::Sent(_)) {
            self.farewell = Farewell::Done;
        }
        match response {
            SyncResponse::Ok { heads } => {
                // The peer holds changes we lack (its own push of them may have been lost):
                // a round fetches them.
                if heads
                    .iter()
                    .any(|h| doc.get_change_meta_by_hash(h).is_none())
                    && !self.is_leaving()
                {
                    self.wants_round = true;
                }
                if was == Some(InFlight::Push) {
                    self.note_shared(heads, doc);
                } else {
                    self.peer_heads = Some(heads);
                }
                Ok(())
            }
            SyncResponse::Refused(r) => Err(SessionError::Refused(r)),
        }
    }

    /// Whether the session is stuck: it is idle, the peer's heads differ from ours (or are
    /// unknown), and nothing was exchanged for `idle_ms`. Each side waits on the other in
    /// a few corners (a round's answer lost in a refusal, a push lost with a connection);
    /// a fresh round gets them moving. Never for a leaving peer.
    pub fn is_stalled(&self, doc: &Automerge, now: Timestamp, idle_ms: i64) -> bool {
        !self.is_busy()
            && !self.is_leaving()
            && !self.wants_round
            && self.push_from.is_none()
            && !self.is_up_to_date(doc)
            && self
                .last_exchange
                .is_none_or(|t| now.0.saturating_sub(t.0) >= idle_ms)
    }

    /// Starts over a round the peer stopped answering (see [`Self::is_stalled`]).
    pub fn restart_round(&mut self) {
        self.forget_sent();
        self.wants_round = true;
        // If we hold changes we cannot place, the peer may believe it sent what they
        // build on: have it send again.
        self.resend = !self.held.is_empty();
    }

    /// Forgets what the last round sent: Automerge otherwise waits for an acknowledgement
    /// that will not come and never says it again.
    fn forget_sent(&mut self) {
        self.state.in_flight = false;
        self.state.sent_hashes.clear();
        self.state.last_sent_heads.clear();
    }

    /// Our in-flight request was lost (timeout, closed stream): try again with a round (a
    /// leaving peer gets its frozen farewell again instead).
    pub fn on_failure(&mut self) {
        if self.in_flight.take() == Some(InFlight::Round) {
            // What we sent may never have arrived.
            self.forget_sent();
        }
        match std::mem::take(&mut self.farewell) {
            Farewell::Sent(r) => self.farewell = Farewell::Pending(r),
            Farewell::Staying => self.wants_round = true,
            other => self.farewell = other,
        }
    }

    /// Applies a sync protocol message from the peer.
    ///
    /// The changes it carries go through `gate` (the guard) rather than straight into the
    /// document; Automerge sees the rest of the message. Capabilities are dropped, so no
    /// peer is told we read V2 messages (one document chunk, which could not be checked
    /// change by change), and a V2 message is refused.
    pub fn receive_sync(
        &mut self,
        doc: &mut Automerge,
        message: &[u8],
        now: Timestamp,
        gate: &Gate<'_>,
    ) -> Result<Received, SessionError> {
        let mut msg =
            sync::Message::decode(message).map_err(|e| SessionError::BadMessage(e.to_string()))?;
        if msg.version == sync::MessageVersion::V2 {
            return Err(SessionError::BadMessage("a V2 sync message".into()));
        }
        msg.flags = None;
        let mut changes = Vec::with_capacity(msg.changes.len());
        for chunk in msg.changes.iter() {
            changes.extend(parse_changes(chunk)?);
        }
        msg.changes = sync::ChunkList::empty();
        self.last_exchange = Some(now);
        self.start(doc, changes, Tail::Sync(Box::new(msg)), gate)
    }

    /// Whether part of the peer's last message still waits to be admitted.
    pub fn has_more(&self) -> bool {
        self.backlog.is_some()
    }

    /// Admits the next slice of the peer's last message; once all of it is in, applies
    /// the rest of the message.
    pub fn admit_more(
        &mut self,
        doc: &mut Automerge,
        gate: &Gate<'_>,
    ) -> Result<Received, SessionError> {
        let heads_before = doc.get_heads();
        let Some(mut backlog) = self.backlog.take() else {
            return Ok(Received::nothing(heads_before));
        };
        // What was held and became ready first (`cut_short`), then the next slice.
        let n = backlog.changes.len().min(STEP_CHANGES);
        let slice: Vec<_> = backlog.changes.drain(..n).collect();
        let admitted = gate.admit(doc, slice, &mut self.held)?;
        let more = !backlog.changes.is_empty() || admitted.cut_short;
        if more {
            self.backlog = Some(backlog);
        } else {
            self.finish(doc, backlog.tail, true, &admitted)?;
        }
        Ok(Received::from(heads_before, doc, admitted, more))
    }

    /// Admits the first slice of a message's changes; the rest waits in the backlog.
    fn start(
        &mut self,
        doc: &mut Automerge,
        mut changes: Vec<automerge::Change>,
        tail: Tail,
        gate: &Gate<'_>,
    ) -> Result<Received, SessionError> {
        let heads_before = doc.get_heads();
        let carried = !changes.is_empty();
        let rest: std::collections::VecDeque<_> = if changes.len() > STEP_CHANGES {
            changes.split_off(STEP_CHANGES).into()
        } else {
            Default::default()
        };
        let admitted = gate.admit(doc, changes, &mut self.held)?;
        let more = !rest.is_empty() || admitted.cut_short;
        if more {
            self.backlog = Some(Backlog {
                changes: rest,
                tail,
            });
        } else {
            self.finish(doc, tail, carried, &admitted)?;
        }
        Ok(Received::from(heads_before, doc, admitted, more))
    }

    /// The rest of a message, once its changes are in.
    fn finish(
        &mut self,
        doc: &mut Automerge,
        tail: Tail,
        carried: bool,
        admitted: &Admitted,
    ) -> Result<(), SessionError> {
        match tail {
            Tail::Sync(msg) => {
                // As Automerge does it: the changes first, then the rest of the message
                // (which, seeing no changes, would take the peer's heads for our own last
                // sent heads).
                let last_sent = self.state.last_sent_heads.clone();
                doc.receive_sync_message(&mut self.state, *msg)
                    .map_err(|e| SessionError::BadChanges(e.to_string()))?;
                if carried {
                    self.state.last_sent_heads = last_sent;
                }
                self.peer_heads = self.state.their_heads.clone();
                // Every message in a round deserves an answer (possibly "nothing more").
                self.wants_round = true;
            }
            Tail::Push(heads) => {
                if !admitted.waiting.is_empty() {
                    self.wants_round = true;
                }
                self.note_shared(heads, doc);
            }
        }
        Ok(())
    }

    /// Applies changes the peer pushed (possibly none: a reconnect's hello). A gap (missing
    /// dependency) triggers a round.
    pub fn receive_changes(
        &mut self,
        doc: &mut Automerge,
        heads: Vec<ChangeHash>,
        changes: &[u8],
        now: Timestamp,
        gate: &Gate<'_>,
    ) -> Result<Received, SessionError> {
        // Parsed strictly: `load_incremental` would skip what it cannot read in silence.
        let parsed = parse_changes(changes)?;
        self.last_exchange = Some(now);
        self.start(doc, parsed, Tail::Push(heads), gate)
    }
}
