//! [`Hub`]: the rules of a Copse device, without I/O. `handle(now, input) -> outputs`.
//!
//! It owns the communities' documents and decides who gets what, when, from whom: which
//! sessions exist (only with current members), what is pushed to whom, how membership
//! changes open and close sessions, how newcomers are admitted and how this device joins,
//! whom to redial and when, and which of its own addresses it records. It never waits: a
//! network send, a store write, an event for the user are outputs, and their outcomes come
//! back as inputs.

use std::collections::{BTreeMap, BTreeSet};
use std::panic::{AssertUnwindSafe, catch_unwind};

use copse_core::automerge::ChangeHash;
use copse_core::commit_meta::CommitMeta;
use copse_core::guard::{NoLegacy, Signer};
use copse_core::record::{MemberDetails, Role};
use copse_core::sync::{
    Gate, InboundId, JoinRefusal, JoinRequest, JoinResponse, Refusal, SyncRequest, SyncResponse,
    Tag,
};
use copse_core::ticket::{Contact, Ticket};
use copse_core::view::cached::CachedView;
use copse_core::view::members::{self, MemberFilter};
use copse_core::{
    Admission, Command, CommandKind, Community, CommunityId, Created, InviteSecret, MemberId,
    NewCommunity, Timestamp,
};
use rand::SeedableRng;
use rand::rngs::StdRng;

use crate::address_book::AddressBook;
use crate::backoff::Backoff;
use crate::bounded_map::BoundedMap;
use crate::joiner::{Adopting, Attempt, Joiner, PendingJoin};
use crate::own_addresses::{OwnAddresses, RECORD_EVERY_MS};
use crate::refused_log::{RefusedLog, noted};
use crate::replica::{Deferred, MAX_WAITING, Phase, Replica};
use crate::session_table::SessionTable;
use crate::{
    AccessList, AdoptSource, Adopted, CommunityStatus, Done, EditApplied, Imported, Input,
    Invitation, JoinFailure, Joined, NetOp, Output, PeerError, PeerEvent, PeerStatus, RequestId,
    Status, StoreOp, StoreResult,
};

/// Up to this many other members go into a ticket, so any of them can admit the newcomer.
const TICKET_CONTACTS: usize = 4;
/// Redial every this many ticks.
const REDIAL_TICKS: u64 = 4;
/// Refresh the cached first screens every this many ticks (and at shutdown).
const CACHE_TICKS: u64 = 120;
/// A session a member refused is tried again after this long.
const RETRY_REFUSED_MS: i64 = 30_000;
/// A session whose peer differs from us and said nothing for this long gets a round.
const STALLED_MS: i64 = 10_000;
/// Refusals remembered.
const REFUSALS: usize = 4096;

/// Who the hub runs as, and its randomness.
#[derive(Debug, Clone)]
pub struct HubConfig {
    /// This device's key: its member id, and what signs its changes.
    pub signer: Signer,
    /// Seeds every random choice (ids, secrets, actor ids): a simulation replays a seed.
    pub seed: u64,
}

/// What a hub starts from.
#[derive(Debug, Default)]
pub struct Loaded {
    /// The communities on disk.
    pub communities: Vec<Community>,
    /// Sync states saved per (community, member).
    pub sync_states: Vec<((CommunityId, MemberId), Vec<u8>)>,
    /// The saved address book (`known-addrs.json`), if any.
    pub address_book: Option<Vec<u8>>,
    /// Each community's refused changes (`refused.json`), if any.
    pub refused: Vec<(CommunityId, Vec<u8>)>,
}

/// A device's rules. See the module doc.
#[derive(Debug)]
pub struct Hub {
    me: MemberId,
    signer: Signer,
    rng: StdRng,
    now: Timestamp,
    replicas: BTreeMap<CommunityId, Replica>,
    sessions: SessionTable,
    next_tag: u64,
    /// Peers connected now and the address of the connection.
    connected: BTreeMap<MemberId, String>,
    blocked: BTreeSet<MemberId>,
    backoff: Backoff,
    book: AddressBook,
    own: OwnAddresses,
    joiner: Joiner,
    /// Communities being created, and the request to answer.
    creating: BTreeMap<CommunityId, RequestId>,
    /// Every member of our communities with the addresses they recorded; `None` when stale.
    contacts: Option<BTreeMap<MemberId, Vec<String>>>,
    access: AccessList,
    membership_dirty: bool,
    /// When a member last refused a session with us, per community (its copy said we
    /// were not a member): sessions are retried after a while, not on every tick.
    refused: BoundedMap<(CommunityId, MemberId), Timestamp>,
    ticks: u64,
    out: Vec<Output>,
}

/// Whether changes with these metadata may change who is a member. A command this build
/// does not know (a newer Copse's) may.
pub(crate) fn touches_membership(metas: &[CommitMeta]) -> bool {
    metas
        .iter()
        .any(|m| m.kind().is_none_or(CommandKind::changes_membership))
}

impl Hub {
    /// A hub over the communities on disk. Returns its first outputs (who may sync what).
    pub fn new(config: HubConfig, loaded: Loaded, now: Timestamp) -> (Self, Vec<Output>) {
        let mut rng = StdRng::seed_from_u64(config.seed);
        let mut refused: BTreeMap<CommunityId, Vec<u8>> = loaded.refused.into_iter().collect();
        let replicas = loaded
            .communities
            .into_iter()
            .map(|mut c| {
                c.sign_as(config.signer.clone(), &mut rng);
                let id = c.id().clone();
                let mut r = Replica::new(c, Phase::Ready);
                if let Some(bytes) = refused.remove(&id) {
                    r.refused = RefusedLog::from_bytes(&bytes);
                }
                (id, r)
            })
            .collect();
        let mut hub = Self {
            me: config.signer.member().clone(),
            signer: config.signer,
            rng,
            now,
            replicas,
            sessions: SessionTable::with_saved(loaded.sync_states),
            next_tag: 1,
            connected: BTreeMap::new(),
            blocked: BTreeSet::new(),
            backoff: Backoff::default(),
            book: AddressBook::load(loaded.address_book.as_deref()),
            own: OwnAddresses::default(),
            joiner: Joiner::default(),
            creating: BTreeMap::new(),
            contacts: None,
            access: AccessList::default(),
            membership_dirty: true,
            refused: BoundedMap::new(REFUSALS),
            ticks: 0,
            out: Vec::new(),
        };
        hub.refresh_access();
        let first = std::mem::take(&mut hub.out);
        (hub, first)
    }

    /// What `c`'s guard refused (kept to show), oldest first.
    pub fn refused(&self, c: &CommunityId) -> Vec<copse_core::guard::Refused> {
        self.replicas
            .get(c)
            .map(|r| r.refused.shown())
            .unwrap_or_default()
    }

    /// This device's member id.
    pub fn me(&self) -> &MemberId {
        &self.me
    }

    /// A community on this device.
    pub fn community(&self, id: &CommunityId) -> Option<&Community> {
        self.replicas.get(id).map(|r| &r.community)
    }

    /// The communities on this device.
    pub fn community_ids(&self) -> Vec<CommunityId> {
        self.replicas.keys().cloned().collect()
    }

    /// Who may sync which community with us (as last sent to the network).
    pub fn access(&self) -> &AccessList {
        &self.access
    }

    /// Reacts to one input at `now`; returns what to do, in order.
    pub fn handle(&mut self, now: Timestamp, input: Input) -> Vec<Output> {
        self.now = self.now.max(now);
        self.dispatch(input);
        let ids: Vec<CommunityId> = self.replicas.keys().cloned().collect();
        for c in ids {
            self.settle(&c);
        }
        self.refresh_access();
        std::mem::take(&mut self.out)
    }

    // ----- dispatch -----

    /// The community whose document `input` would change, if it must wait for it.
    fn target(&self, input: &Input) -> Option<CommunityId> {
        match input {
            Input::Edit { community, .. } | Input::Invite { community, .. } => {
                Some(community.clone())
            }
            Input::SyncRequest { peer, request, .. } => {
                let c = request.community();
                self.shares(c, peer).then(|| c.clone())
            }
            Input::JoinRequest { request, .. } => Some(request.community.clone()),
            Input::Stored(StoreResult::Adopted {
                result:
                    Ok(Adopted {
                        community,
                        fresh: false,
                        ..
                    }),
                ..
            }) => Some(community.id().clone()),
            _ => None,
        }
    }

    fn dispatch(&mut self, input: Input) {
        if let Some(c) = self.target(&input)
            && let Some(r) = self.replicas.get_mut(&c)
            && !r.is_ready()
        {
            if r.waiting.len() < MAX_WAITING {
                r.waiting.push_back(input);
            } else {
                self.refuse_busy(input);
            }
            return;
        }
        match input {
            Input::Edit {
                request,
                community,
                command,
            } => self.edit(request, &community, command),
            Input::Invite {
                request,
                community,
                valid_ms,
                uses,
                role,
            } => self.invite(request, &community, valid_ms, uses, role),
            Input::Create {
                request,
                spec,
                details,
            } => self.create(request, spec, details),
            Input::Join {
                request,
                ticket,
                details,
            } => self.join(request, ticket, details),
            Input::Import { request, path } => {
                self.joiner.adopting.insert(request, Adopting::Import);
                self.store(StoreOp::Adopt {
                    request,
                    source: AdoptSource::File(path),
                });
            }
            Input::CancelJoins { request } => {
                let cancelled = self.joiner.cancel_asking();
                if cancelled.is_empty() && self.joiner.is_loading_join() {
                    self.done(
                        request,
                        Err(PeerError::Invalid(
                            "the community has arrived and is being loaded; it can no longer be cancelled".into(),
                        )),
                    );
                } else {
                    self.membership_dirty = true;
                    for r in cancelled {
                        self.done(r, Err(JoinFailure::Cancelled.into()));
                    }
                    self.done(request, Ok(Done::Nothing));
                }
            }
            Input::Block { member } => {
                self.blocked.insert(member.clone());
                self.net(NetOp::Block { peer: member });
            }
            Input::Unblock { member } => {
                self.blocked.remove(&member);
                self.net(NetOp::Unblock {
                    peer: member.clone(),
                });
                // Redial at once rather than after the backoff the block built up.
                self.backoff.reset(&member);
                self.redial();
            }
            Input::Dial { addrs } => {
                for addr in addrs {
                    let (bare, peer) = match addr.rsplit_once("/p2p/") {
                        Some((a, id)) => (a.to_owned(), id.parse::<MemberId>().ok()),
                        None => (addr, None),
                    };
                    self.net(NetOp::Dial {
                        peer,
                        addrs: vec![bare],
                    });
                }
            }
            Input::Shutdown => self.shutdown(),
            Input::Listening { addr } => {
                self.own.listening(&addr, self.now);
                self.event(PeerEvent::Listening { addr });
            }
            Input::ObservedAddr { addr, reporter } => {
                // Only members' reports count; a stranger cannot plant an address.
                if self.is_member_anywhere(&reporter) {
                    self.own.observed(&addr, &reporter, self.now);
                }
            }
            Input::Connected {
                peer,
                addr,
                outbound,
            } => self.connected(peer, addr, outbound),
            Input::Disconnected { peer } => {
                self.connected.remove(&peer);
                if self.is_member_anywhere(&peer) {
                    self.backoff.back_off(&peer, self.now);
                }
                self.close_sessions(|_, m| m == &peer);
                self.event(PeerEvent::PeerDisconnected { member: peer });
            }
            Input::Discovered { peer, addrs } => {
                if !self.connected.contains_key(&peer)
                    && !self.blocked.contains(&peer)
                    && self.is_member_anywhere(&peer)
                {
                    self.net(NetOp::Dial {
                        peer: Some(peer),
                        addrs,
                    });
                }
            }
            Input::DialFailed { peer } => {
                if let Some(p) = peer
                    && self.is_member_anywhere(&p)
                {
                    self.backoff.back_off(&p, self.now);
                }
            }
            Input::SyncRequest {
                peer,
                inbound,
                request,
            } => self.sync_request(peer, inbound, request),
            Input::SyncResult { peer, tag, result } => self.sync_result(&peer, tag, result),
            Input::JoinRequest {
                peer,
                inbound,
                request,
            } => self.join_request(peer, inbound, request),
            Input::JoinResult { peer, tag, result } => self.join_result(peer, tag, result),
            Input::BadInbound { peer } => {
                tracing::warn!(%peer, "dropped a malformed message; closing that peer's sessions");
                self.close_sessions(|_, m| m == &peer);
                self.net(NetOp::Disconnect { peer });
            }
            Input::Stored(result) => self.stored(result),
            Input::Tick => self.tick(),
        }
    }

    /// A replica has too much waiting: refuse rather than grow without bound.
    fn refuse_busy(&mut self, input: Input) {
        match input {
            Input::Edit { request, .. } | Input::Invite { request, .. } => {
                self.done(request, Err(PeerError::Busy));
            }
            Input::SyncRequest { inbound, .. } => self.net(NetOp::RespondSync {
                inbound,
                response: SyncResponse::Refused(Refusal::Unavailable),
            }),
            Input::JoinRequest { inbound, .. } => self.net(NetOp::RespondJoin {
                inbound,
                response: JoinResponse::Refused(JoinRefusal::Unavailable),
            }),
            Input::Stored(StoreResult::Adopted { request, .. }) => {
                self.joiner.adopting.remove(&request);
                self.done(request, Err(PeerError::Busy));
            }
            _ => {}
        }
    }

    // ----- the durability cycle -----

    /// Moves replica `c` on: appends what is not on disk; once everything is, lets out
    /// what waited for it and applies the inputs that waited.
    fn settle(&mut self, c: &CommunityId) {
        loop {
            let Some(r) = self.replicas.get_mut(c) else {
                return;
            };
            if !r.is_ready() {
                return;
            }
            if let Some(record) = r.start_append() {
                self.store(StoreOp::Append {
                    community: c.clone(),
                    record,
                });
                return;
            }
            let deferred = std::mem::take(&mut r.deferred);
            let flushed = !deferred.is_empty();
            for d in deferred {
                self.flush(c, d);
            }
            if flushed {
                self.pump_all(c);
            }
            let Some(r) = self.replicas.get_mut(c) else {
                return;
            };
            if r.waiting.is_empty() {
                return;
            }
            let mut batch = std::mem::take(&mut r.waiting);
            while let Some(input) = batch.pop_front() {
                self.dispatch(input);
                let Some(r) = self.replicas.get_mut(c) else {
                    return;
                };
                // A change of membership ends the batch: whoever it removes must get
                // nothing applied after it, so it goes out on its own.
                if !r.is_ready() || r.membership_pending() {
                    let meanwhile = std::mem::take(&mut r.waiting);
                    r.waiting.extend(batch);
                    r.waiting.extend(meanwhile);
                    break;
                }
            }
        }
    }

    /// Lets out one thing that waited for durability.
    fn flush(&mut self, c: &CommunityId, d: Deferred) {
        match d {
            Deferred::Changed {
                heads_before,
                source,
                local,
                metas,
            } => self.changed(c, &heads_before, source.as_ref(), local, metas),
            Deferred::Respond(inbound) => {
                let heads = self
                    .replicas
                    .get(c)
                    .map(|r| r.community.doc().get_heads())
                    .unwrap_or_default();
                self.net(NetOp::RespondSync {
                    inbound,
                    response: SyncResponse::Ok { heads },
                });
            }
            Deferred::Done(request, done) => self.done(request, Ok(done)),
            Deferred::ServeJoin(inbound) => self.store(StoreOp::ServeJoin {
                community: c.clone(),
                inbound,
            }),
        }
    }

    /// What waited on replica `c` fails: its changes are not on disk.
    fn fail_deferred(&mut self, c: &CommunityId, why: &str) {
        let Some(r) = self.replicas.get_mut(c) else {
            return;
        };
        for d in std::mem::take(&mut r.deferred) {
            match d {
                Deferred::Changed { .. } => {}
                Deferred::Respond(inbound) => self.net(NetOp::RespondSync {
                    inbound,
                    response: SyncResponse::Refused(Refusal::Unavailable),
                }),
                Deferred::Done(request, _) => {
                    self.done(request, Err(PeerError::Store(why.to_owned())))
                }
                Deferred::ServeJoin(inbound) => self.net(NetOp::RespondJoin {
                    inbound,
                    response: JoinResponse::Refused(JoinRefusal::Unavailable),
                }),
            }
        }
    }

    /// The document of `c` may hold half-applied changes (a failed merge) or lost its
    /// unsaved ones (a failed append): read it back from disk; nothing else touches it
    /// meanwhile.
    fn reload(&mut self, c: &CommunityId, why: &str) {
        self.fail_deferred(c, why);
        if let Some(r) = self.replicas.get_mut(c) {
            r.phase = Phase::Reloading;
            self.store(StoreOp::Reload {
                community: c.clone(),
            });
        }
    }

    fn stored(&mut self, result: StoreResult) {
        match result {
            StoreResult::Appended { community } => {
                if let Some(r) = self.replicas.get_mut(&community) {
                    r.appended();
                }
            }
            StoreResult::AppendFailed { community, error } => {
                tracing::error!(%community, %error, "could not save changes");
                self.event(PeerEvent::Error {
                    message: format!("could not save changes: {error}"),
                });
                self.reload(&community, &error);
            }
            StoreResult::Reloaded { community, result } => match result {
                Ok(mut doc) => {
                    doc.sign_as(self.signer.clone(), &mut self.rng);
                    if let Some(r) = self.replicas.get_mut(&community) {
                        r.reset_to(*doc);
                    }
                    // Sessions may hold heads we no longer have: start them afresh.
                    for (c, m) in self.sessions.matching(|c, _| c == &community) {
                        self.sessions.drop_session(&c, &m);
                    }
                    self.sessions.forget_saved(&community);
                    self.membership_dirty = true;
                    let peers: Vec<MemberId> = self.connected.keys().cloned().collect();
                    for p in peers {
                        self.start_sessions_with(&p);
                    }
                }
                Err(error) => {
                    tracing::error!(%community, %error, "could not read a community back");
                    self.event(PeerEvent::Error {
                        message: format!("community {community} could not be read back from disk: {error}; restart Copse"),
                    });
                    self.fail_deferred(&community, &error);
                    self.close_sessions(|c, _| c == &community);
                    if let Some(r) = self.replicas.remove(&community) {
                        for input in r.waiting {
                            self.refuse_busy(input);
                        }
                    }
                    self.membership_dirty = true;
                }
            },
            StoreResult::Created { community, result } => {
                let request = self.creating.remove(&community);
                match result {
                    Ok(()) => {
                        if let Some(r) = self.replicas.get_mut(&community) {
                            r.phase = Phase::Ready;
                        }
                        self.own.touch(self.now);
                        if let Some(request) = request {
                            self.done(request, Ok(Done::Created(community)));
                        }
                    }
                    Err(error) => {
                        self.replicas.remove(&community);
                        self.membership_dirty = true;
                        if let Some(request) = request {
                            self.done(request, Err(PeerError::Store(error)));
                        }
                    }
                }
            }
            StoreResult::Adopted { request, result } => self.adopted(request, result),
            StoreResult::JoinDocument {
                inbound,
                community,
                result,
            } => {
                let response = match result {
                    Ok(document) => JoinResponse::Admitted {
                        community,
                        document,
                    },
                    Err(error) => {
                        tracing::error!(%community, %error, "could not read the community for a newcomer");
                        JoinResponse::Refused(JoinRefusal::Unavailable)
                    }
                };
                self.net(NetOp::RespondJoin { inbound, response });
            }
        }
    }

    // ----- local requests -----

    fn edit(&mut self, request: RequestId, c: &CommunityId, command: Command) {
        match self.apply(c, command) {
            Ok(applied) => {
                if let Some(r) = self.replicas.get_mut(c) {
                    r.deferred
                        .push(Deferred::Done(request, Done::Applied(applied)));
                }
            }
            Err(e) => self.done(request, Err(e)),
        }
    }

    /// Applies a command as this device's member; the change goes out once durable.
    fn apply(&mut self, c: &CommunityId, command: Command) -> Result<EditApplied, PeerError> {
        let Some(r) = self.replicas.get_mut(c) else {
            return Err(PeerError::UnknownCommunity(c.clone()));
        };
        let me = &self.me;
        let now = self.now;
        let rng = &mut self.rng;
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            r.community.apply(me, now, rng, command)
        }));
        let applied = match outcome {
            Ok(Ok(a)) => a,
            Ok(Err(e)) => return Err(PeerError::Refused(e)),
            Err(_) => {
                tracing::error!(community = %c, "automerge panicked applying a command");
                self.reload(c, "the edit could not be applied");
                return Err(PeerError::Invalid(
                    "the edit could not be applied to this community".into(),
                ));
            }
        };
        if let Some(change) = applied.change {
            let metas = r
                .community
                .doc()
                .get_change_meta_by_hash(&change)
                .and_then(|m| CommitMeta::parse(m.message.as_deref()?))
                .into_iter()
                .collect();
            r.note_change(Deferred::Changed {
                heads_before: applied.heads_before,
                source: None,
                local: true,
                metas,
            });
        }
        Ok(EditApplied {
            created: applied.created,
            change: applied.change,
        })
    }

    fn invite(
        &mut self,
        request: RequestId,
        c: &CommunityId,
        valid_ms: i64,
        uses: u64,
        role: Role,
    ) {
        if valid_ms <= 0 {
            self.done(
                request,
                Err(PeerError::Invalid(
                    "an invite must be valid for some time (--expires)".into(),
                )),
            );
            return;
        }
        let secret = InviteSecret::random(&mut self.rng);
        let expires_at = self.now.plus_millis(valid_ms);
        let applied = self.apply(
            c,
            Command::CreateInvite {
                role,
                expires_at,
                max_uses: uses,
                secret_hash: secret.hash_hex(),
            },
        );
        let invite = match applied {
            Ok(EditApplied {
                created: Some(Created::Invite(id)),
                ..
            }) => id,
            Ok(_) => {
                self.done(
                    request,
                    Err(PeerError::Invalid("the invite was not created".into())),
                );
                return;
            }
            Err(e) => {
                self.done(request, Err(e));
                return;
            }
        };
        let Some(r) = self.replicas.get_mut(c) else {
            return;
        };
        let doc = r.community.doc();
        let everyone = members::directory(doc, &MemberFilter::default());
        let recorded = everyone
            .iter()
            .find(|m| m.id == self.me)
            .map(|m| m.member.addrs.clone())
            .unwrap_or_default();
        let mut others: Vec<Contact> = everyone
            .into_iter()
            .filter(|m| m.id != self.me && !m.member.addrs.is_empty())
            .map(|m| Contact {
                member: m.id,
                addrs: m.member.addrs,
            })
            .collect();
        others.truncate(TICKET_CONTACTS);
        let mine = self.own.recordable();
        let ticket = Ticket {
            v: 2,
            community: c.clone(),
            name: r.community.name(),
            invite: invite.clone(),
            secret,
            inviter: Contact {
                member: self.me.clone(),
                addrs: if mine.is_empty() { recorded } else { mine },
            },
            others,
            expires_at,
        };
        r.deferred.push(Deferred::Done(
            request,
            Done::Invited(Invitation {
                ticket: ticket.encode(),
                invite,
                expires_at,
            }),
        ));
    }

    fn create(&mut self, request: RequestId, spec: NewCommunity, details: MemberDetails) {
        let created =
            Community::create_signed(&self.signer, details, spec, self.now, &mut self.rng);
        let community = match created {
            Ok((c, _)) => c,
            Err(e) => {
                self.done(request, Err(PeerError::Refused(e)));
                return;
            }
        };
        let id = community.id().clone();
        let saved = community.doc().save();
        self.replicas
            .insert(id.clone(), Replica::new(community, Phase::Creating));
        self.creating.insert(id.clone(), request);
        self.membership_dirty = true;
        self.store(StoreOp::Create {
            community: id,
            saved,
        });
    }

    fn join(&mut self, request: RequestId, ticket: Ticket, details: MemberDetails) {
        if let Some(r) = self.replicas.get(&ticket.community)
            && r.community.is_member(&self.me)
        {
            let name = r.community.name();
            self.done(request, Err(JoinFailure::AlreadyMember(name).into()));
            return;
        }
        if !self.joiner.has_room() || self.joiner.is_joining(&ticket.community) {
            self.done(request, Err(PeerError::Busy));
            return;
        }
        self.book
            .remember(&ticket.inviter.member, &ticket.inviter.addrs);
        for c in &ticket.others {
            self.book.remember(&c.member, &c.addrs);
        }
        let message = JoinRequest {
            community: ticket.community.clone(),
            invite: ticket.invite.clone(),
            secret: ticket.secret.clone(),
            details,
        };
        let pending = Joiner::start(request, ticket, message, &self.me);
        self.ask(pending);
    }

    fn ask(&mut self, pending: PendingJoin) {
        self.membership_dirty = true;
        let tag = self.tag();
        match self.joiner.next(pending, tag) {
            Attempt::Ask {
                tag,
                peer,
                addrs,
                message,
            } => self.net(NetOp::SendJoin {
                peer,
                addrs,
                tag,
                request: message,
            }),
            Attempt::GaveUp(request, failure) => self.done(request, Err(failure.into())),
        }
    }

    fn join_result(&mut self, peer: MemberId, tag: Tag, result: Result<JoinResponse, String>) {
        let Some(mut pending) = self.joiner.answered(tag) else {
            return;
        };
        self.membership_dirty = true;
        match result {
            Ok(JoinResponse::Admitted { document, .. }) => {
                self.joiner.adopting.insert(
                    pending.request,
                    Adopting::Join {
                        name: pending.ticket.name.clone(),
                        admitted_by: peer,
                    },
                );
                self.store(StoreOp::Adopt {
                    request: pending.request,
                    source: AdoptSource::Joined {
                        document,
                        expected: pending.ticket.community.clone(),
                        me: self.me.clone(),
                    },
                });
            }
            Ok(JoinResponse::Refused(refusal)) => self.done(
                pending.request,
                Err(JoinFailure::Refused {
                    refusal,
                    expires_at: pending.ticket.expires_at,
                }
                .into()),
            ),
            Err(e) => {
                pending.failed(&peer, &e);
                self.ask(pending);
            }
        }
    }

    /// A community read in for a join or an import.
    fn adopted(&mut self, request: RequestId, result: Result<Adopted, PeerError>) {
        let Some(kind) = self.joiner.adopting.remove(&request) else {
            return;
        };
        self.membership_dirty = true;
        let Adopted {
            mut community,
            fresh,
            refused,
        } = match result {
            Ok(a) => a,
            Err(e) => {
                self.done(request, Err(e));
                return;
            }
        };
        let id = community.id().clone();
        let done = match &kind {
            Adopting::Join { name, admitted_by } => Done::Joined(Joined {
                community: id.clone(),
                name: name.clone(),
                admitted_by: admitted_by.clone(),
            }),
            Adopting::Import => Done::Imported(Imported {
                id: id.clone(),
                created: fresh,
            }),
        };
        let refused_hashes: Vec<ChangeHash> = refused
            .iter()
            .filter_map(|r| r.change.parse().ok())
            .collect();
        if fresh {
            community.sign_as(self.signer.clone(), &mut self.rng);
            let mut replica = Replica::new(*community, Phase::Ready);
            let outs = noted(&mut replica.refused, &id, refused, &refused_hashes);
            self.out.extend(outs);
            self.replicas.insert(id.clone(), replica);
            self.membership_dirty = true;
            self.contacts = None;
            self.own.touch(self.now);
            self.done(request, Ok(done));
            if matches!(kind, Adopting::Join { .. }) {
                self.event(PeerEvent::Joined {
                    community: id.clone(),
                });
            }
            let peers: Vec<MemberId> = self.connected.keys().cloned().collect();
            for p in peers {
                self.start_sessions_with(&p);
            }
            return;
        }
        let Some(r) = self.replicas.get_mut(&id) else {
            self.done(
                request,
                Err(PeerError::Store(format!(
                    "community {id} is on this device but could not be opened; restart Copse"
                ))),
            );
            return;
        };
        self.out
            .extend(noted(&mut r.refused, &id, refused, &refused_hashes));
        let heads_before = r.community.doc().get_heads();
        // What this copy lacks passes the guard as this copy's own sessions' changes do:
        // checked on its own, the file could still contradict this copy (another creation,
        // a change refused here before).
        let theirs = r.community.doc().get_changes_added(community.doc());
        let log = &r.refused;
        let was_refused = |h: &ChangeHash| log.contains(h);
        let doc = r.community.doc_mut();
        let merged = catch_unwind(AssertUnwindSafe(|| {
            copse_core::guard::admit(doc, theirs, &was_refused, &NoLegacy)
        }));
        let merged = merged.map(|r2| {
            r2.map(|a| {
                let outs = noted(&mut r.refused, &id, a.refused, &a.refused_hashes);
                self.out.extend(outs);
                a.applied
            })
        });
        match merged {
            Ok(Ok(hashes)) => {
                if !hashes.is_empty() {
                    let metas = metas_of(&r.community, &hashes);
                    r.note_change(Deferred::Changed {
                        heads_before,
                        source: None,
                        local: true,
                        metas,
                    });
                    if kind_is_join(&kind) {
                        self.own.touch(self.now);
                    }
                }
                r.deferred.push(Deferred::Done(request, done));
            }
            failed => {
                let why = match failed {
                    Ok(Err(e)) => e.to_string(),
                    _ => "Automerge panicked".to_owned(),
                };
                let damaged =
                    r.community.doc().get_heads() != heads_before || why.contains("panicked");
                tracing::warn!(community = %id, %why, "a merge failed; reading the community back");
                self.done(
                    request,
                    Err(PeerError::Invalid(format!(
                        "the community could not be merged into your copy ({why}); nothing was changed"
                    ))),
                );
                if damaged {
                    self.reload(&id, &why);
                }
            }
        }
    }

    // ----- sync -----

    fn sync_request(&mut self, peer: MemberId, inbound: InboundId, request: SyncRequest) {
        let c = request.community().clone();
        tracing::trace!(community = %c, %peer, kind = request_kind(&request), "received");
        if !self.shares(&c, &peer) {
            // An unknown community and a non-member look the same from outside.
            self.net(NetOp::RespondSync {
                inbound,
                response: SyncResponse::Refused(Refusal::NotAMember),
            });
            self.cut_off_stranger(&peer);
            return;
        }
        if !self.sessions.contains(&c, &peer)
            && let Some(r) = self.replicas.get(&c)
        {
            self.sessions.open(&c, &peer, r.community.doc());
        }
        let (Some(r), Some(s)) = (self.replicas.get_mut(&c), self.sessions.get_mut(&c, &peer))
        else {
            return;
        };
        let now = self.now;
        let heads_before = r.community.doc().get_heads();
        let log = &r.refused;
        let was_refused = |h: &ChangeHash| log.contains(h);
        let gate = Gate {
            was_refused: &was_refused,
            legacy: &NoLegacy,
        };
        let doc = r.community.doc_mut();
        let outcome = catch_unwind(AssertUnwindSafe(|| match request {
            SyncRequest::Sync { message, .. } => s.sync.receive_sync(doc, &message, now, &gate),
            SyncRequest::Changes { heads, changes, .. } => {
                s.sync.receive_changes(doc, heads, &changes, now, &gate)
            }
        }));
        let why = match outcome {
            Ok(Ok(received)) => {
                let outs = noted(
                    &mut r.refused,
                    &c,
                    received.refused.clone(),
                    &received.refused_hashes,
                );
                self.out.extend(outs);
                if received.changed {
                    let metas = if received.hashes.is_empty() {
                        r.community
                            .doc()
                            .get_changes_meta(&received.heads_before)
                            .iter()
                            .filter_map(|m| CommitMeta::parse(m.message.as_deref()?))
                            .collect()
                    } else {
                        metas_of(&r.community, &received.hashes)
                    };
                    r.note_change(Deferred::Changed {
                        heads_before: received.heads_before,
                        source: Some(peer),
                        local: false,
                        metas,
                    });
                }
                r.deferred.push(Deferred::Respond(inbound));
                return;
            }
            Ok(Err(e)) => e.to_string(),
            Err(_) => "Automerge panicked on the message".to_owned(),
        };
        tracing::warn!(community = %c, %peer, %why, "closing a sync session: bad message");
        let damaged = r.community.doc().get_heads() != heads_before || why.contains("panicked");
        self.sessions.drop_session(&c, &peer);
        self.net(NetOp::RespondSync {
            inbound,
            response: SyncResponse::Refused(Refusal::BadMessage),
        });
        if damaged {
            self.reload(&c, &why);
        }
    }

    fn sync_result(&mut self, peer: &MemberId, tag: Tag, result: Result<SyncResponse, String>) {
        tracing::trace!(%peer, %tag, ok = result.is_ok(), "answered");
        let Some((c, p)) = self.sessions.take(tag) else {
            return;
        };
        debug_assert_eq!(&p, peer);
        let (Some(r), Some(s)) = (self.replicas.get(&c), self.sessions.get_mut(&c, &p)) else {
            return;
        };
        match result {
            // Busy, or reading its copy back from disk: not an end, like a lost request.
            // Closing the session here would drop what it owes the peer (the answer to a
            // round the peer started meanwhile), and the peer would wait for it for good.
            Ok(SyncResponse::Refused(Refusal::Unavailable)) => {
                tracing::debug!(community = %c, %peer, "peer unavailable; will retry");
                s.sync.on_failure();
            }
            Ok(response) => {
                if matches!(response, SyncResponse::Ok { .. }) {
                    self.backoff.reset(&p);
                }
                if let Err(e) = s.sync.on_response(response, r.community.doc(), self.now) {
                    tracing::info!(community = %c, %peer, error = %e, "sync session ended by the peer");
                    self.refused.insert((c.clone(), p.clone()), self.now);
                    self.close_session(&c, &p);
                    return;
                }
                self.pump(&c, &p);
            }
            Err(e) => {
                // Retried on the next tick, not at once: a peer that is not connected fails
                // every request immediately, and an immediate retry would never end.
                tracing::debug!(community = %c, %peer, error = %e, "sync request failed; will retry");
                s.sync.on_failure();
            }
        }
    }

    /// Sends the session's next request, if it has one, nothing is in flight, and the
    /// document holds nothing that is not on disk.
    fn pump(&mut self, c: &CommunityId, peer: &MemberId) {
        let Some(r) = self.replicas.get(c) else {
            return;
        };
        if !r.is_settled() {
            // Pumped again once what it holds is on disk.
            return;
        }
        let Some(s) = self.sessions.get_mut(c, peer) else {
            return;
        };
        let doc = r.community.doc();
        let request = match catch_unwind(AssertUnwindSafe(|| s.sync.poll(c, doc))) {
            Ok(r) => r,
            Err(_) => {
                tracing::error!(community = %c, %peer, "automerge panicked generating a sync message; closing the session");
                self.sessions.drop_session(c, peer);
                return;
            }
        };
        let leaving_done = s.sync.has_left();
        let up = s.sync.is_up_to_date(doc);
        let report = (up != s.up_to_date).then(|| {
            s.up_to_date = up;
            up
        });
        if let Some(request) = request {
            let tag = self.tag();
            tracing::trace!(community = %c, %peer, %tag, kind = request_kind(&request), "sending");
            self.sessions.track(tag, c, peer);
            self.net(NetOp::SendSync {
                peer: peer.clone(),
                tag,
                request,
            });
        }
        if leaving_done {
            tracing::info!(community = %c, %peer, "closed the session of a removed member");
            self.close_session(c, peer);
            if self.is_shunned(peer) {
                self.net(NetOp::Disconnect { peer: peer.clone() });
            }
            return;
        }
        if let Some(up_to_date) = report {
            self.event(PeerEvent::SyncState {
                community: c.clone(),
                member: peer.clone(),
                up_to_date,
            });
        }
    }

    fn pump_all(&mut self, c: &CommunityId) {
        for p in self.sessions.members_of(c) {
            self.pump(c, &p);
        }
    }

    /// The changes of `c` after `heads_before` are durable: push them to every other
    /// session, tell the user, react to membership changes.
    fn changed(
        &mut self,
        c: &CommunityId,
        heads_before: &[ChangeHash],
        source: Option<&MemberId>,
        local: bool,
        metas: Vec<CommitMeta>,
    ) {
        if let Some(r) = self.replicas.get_mut(c) {
            r.view_dirty = true;
        }
        for p in self.sessions.members_of(c) {
            if Some(&p) == source {
                continue;
            }
            if let Some(s) = self.sessions.get_mut(c, &p)
                && !s.sync.is_leaving()
            {
                s.sync.changed_since(heads_before);
            }
        }
        let membership = touches_membership(&metas);
        if membership
            || metas.iter().any(|m| {
                matches!(
                    m.kind(),
                    Some(CommandKind::SetMyAddrs | CommandKind::UpdateMyDetails)
                )
            })
        {
            self.contacts = None;
        }
        self.event(PeerEvent::CommunityChanged {
            community: c.clone(),
            local,
            changes: metas,
        });
        if membership {
            self.membership_changed(c);
        }
    }

    fn membership_changed(&mut self, c: &CommunityId) {
        self.membership_dirty = true;
        let Some(r) = self.replicas.get(c) else {
            return;
        };
        if !r.community.is_member(&self.me) {
            let name = r.community.name();
            self.close_sessions(|cc, _| cc == c);
            self.event(PeerEvent::Removed {
                community: c.clone(),
                name,
            });
            return;
        }
        let peers: Vec<MemberId> = self.connected.keys().cloned().collect();
        for p in peers {
            let has = self.sessions.contains(c, &p);
            let member = self.shares(c, &p);
            if member && !has {
                if let Some(r) = self.replicas.get(c) {
                    self.sessions.open(c, &p, r.community.doc());
                }
            } else if !member && has {
                tracing::debug!(community = %c, peer = %p, "a member was removed; sending them the news, then closing");
                if let (Some(s), Some(r)) = (self.sessions.get_mut(c, &p), self.replicas.get(c)) {
                    // What they get is frozen now: nothing written later may follow.
                    s.sync.leave(c, r.community.doc());
                }
            }
        }
    }

    // ----- joining: the admitting side -----

    fn join_request(&mut self, peer: MemberId, inbound: InboundId, request: JoinRequest) {
        let c = request.community.clone();
        let now = self.now;
        let ours = self
            .replicas
            .get(&c)
            .is_some_and(|r| r.community.is_member(&self.me));
        let decision = if ours {
            self.replicas.get(&c).map(|r| {
                r.community
                    .admission(&peer, &request.invite, &request.secret, now)
            })
        } else {
            None
        };
        let refusal = match decision {
            None => JoinRefusal::NotAccepted,
            Some(Err(code)) => code,
            Some(Ok(Admission::AlreadyAdmitted)) => {
                if let Some(r) = self.replicas.get_mut(&c) {
                    r.deferred.push(Deferred::ServeJoin(inbound));
                }
                return;
            }
            Some(Ok(Admission::New)) => {
                let admitted = self.apply(
                    &c,
                    Command::Admit {
                        member: peer.clone(),
                        details: request.details,
                        invite: request.invite,
                        secret: request.secret,
                    },
                );
                match admitted {
                    Ok(_) => {
                        tracing::info!(community = %c, newcomer = %peer, "admitted a newcomer");
                        if let Some(r) = self.replicas.get_mut(&c) {
                            r.deferred.push(Deferred::ServeJoin(inbound));
                        }
                        return;
                    }
                    Err(PeerError::Refused(e)) => JoinRefusal::for_admit_error(&e),
                    Err(_) => JoinRefusal::Unavailable,
                }
            }
        };
        tracing::info!(community = %c, newcomer = %peer, ?refusal, "refused a newcomer");
        self.net(NetOp::RespondJoin {
            inbound,
            response: JoinResponse::Refused(refusal),
        });
        self.cut_off_stranger(&peer);
    }

    // ----- connections -----

    fn connected(&mut self, peer: MemberId, addr: String, outbound: bool) {
        tracing::debug!(%peer, %addr, outbound, "connected");
        let member = self.is_member_anywhere(&peer);
        if outbound && member {
            self.book.remember(&peer, std::slice::from_ref(&addr));
        }
        self.connected.insert(peer.clone(), addr);
        if self.is_shunned(&peer) {
            tracing::info!(%peer, "refusing a removed member");
            self.net(NetOp::Disconnect { peer });
            return;
        }
        self.event(PeerEvent::PeerConnected {
            member: peer.clone(),
        });
        self.start_sessions_with(&peer);
    }

    /// A peer that shares no community with us and is not joining one of ours gets
    /// disconnected after a refusal.
    fn cut_off_stranger(&mut self, peer: &MemberId) {
        if !self.is_member_anywhere(peer) && !self.joiner.asked().any(|m| m == peer) {
            self.net(NetOp::Disconnect { peer: peer.clone() });
        }
    }

    /// Starts a session for every community we share with a connected peer.
    fn start_sessions_with(&mut self, peer: &MemberId) {
        if !self.connected.contains_key(peer) {
            return;
        }
        let ids: Vec<CommunityId> = self.replicas.keys().cloned().collect();
        for c in ids {
            if self.sessions.contains(&c, peer) || !self.shares(&c, peer) {
                continue;
            }
            let key = (c.clone(), peer.clone());
            if self
                .refused
                .get(&key)
                .is_some_and(|t| self.now.0.saturating_sub(t.0) < RETRY_REFUSED_MS)
            {
                continue;
            }
            if let Some(r) = self.replicas.get(&c) {
                self.sessions.open(&c, peer, r.community.doc());
            }
            self.pump(&c, peer);
        }
    }

    fn close_session(&mut self, c: &CommunityId, peer: &MemberId) {
        if let Some(state) = self.sessions.close(c, peer) {
            self.store(StoreOp::SyncState {
                community: c.clone(),
                peer: peer.clone(),
                state,
            });
        }
    }

    fn close_sessions(&mut self, which: impl Fn(&CommunityId, &MemberId) -> bool) {
        for (c, m) in self.sessions.matching(which) {
            self.close_session(&c, &m);
        }
    }

    // ----- membership queries -----

    /// Whether `peer` is a current member of `c` and so are we.
    fn shares(&self, c: &CommunityId, peer: &MemberId) -> bool {
        self.replicas
            .get(c)
            .is_some_and(|r| r.community.is_member(peer) && r.community.is_member(&self.me))
    }

    fn is_member_anywhere(&self, peer: &MemberId) -> bool {
        self.replicas.keys().any(|c| self.shares(c, peer))
    }

    /// A removed member who shares no community with us any more (and whom we are not
    /// asking to admit us). Only communities we are a current member of count: a removed
    /// device's stale copy shuns nobody.
    fn is_shunned(&self, peer: &MemberId) -> bool {
        if self.joiner.asked().any(|m| m == peer) {
            return false;
        }
        let mut removed = false;
        for r in self.replicas.values() {
            if !r.community.is_member(&self.me) {
                continue;
            }
            match members::read_member(r.community.doc(), peer) {
                Some(m) if m.is_current() => return false,
                Some(_) => removed = true,
                None => {}
            }
        }
        removed
    }

    /// Recomputes who may sync what, and tells the network if it changed.
    fn refresh_access(&mut self) {
        if !self.membership_dirty {
            return;
        }
        self.membership_dirty = false;
        let mut access = AccessList::default();
        for (c, r) in &self.replicas {
            let doc = r.community.doc();
            if !r.community.is_member(&self.me) {
                continue;
            }
            for m in members::directory(doc, &MemberFilter::default()) {
                if m.id != self.me {
                    access.members.entry(m.id).or_default().insert(c.clone());
                }
            }
        }
        // A member we are asking to admit us pushes to us as soon as it has: we refuse
        // (we do not hold the community yet) but must not cut it off as a stranger.
        for m in self.joiner.asked() {
            access.members.entry(m.clone()).or_default();
        }
        if access != self.access {
            self.access = access.clone();
            // First: the network must know the new members before anything sent to them.
            self.out.insert(0, Output::Net(NetOp::Access(access)));
        }
    }

    // ----- periodic work -----

    fn tick(&mut self) {
        self.ticks += 1;
        if self.ticks == 1 {
            self.seal_histories();
        }
        self.record_own_addrs();
        if self.ticks.is_multiple_of(REDIAL_TICKS) {
            self.redial();
            // A session either side closed (a refusal while copies disagreed on who is a
            // member) comes back while the connection stays.
            let peers: Vec<MemberId> = self.connected.keys().cloned().collect();
            for p in peers {
                self.start_sessions_with(&p);
            }
            self.restart_stalled_sessions();
        }
        // Retry sessions whose last request failed.
        for (c, p) in self.sessions.matching(|_, _| true) {
            self.pump(&c, &p);
        }
        if self.ticks.is_multiple_of(CACHE_TICKS) {
            self.flush_caches();
        }
        if let Some(bytes) = self.book.take_changes() {
            self.store(StoreOp::AddressBook { bytes });
        }
    }

    /// Communities from before signatures: a coordinator's device seals their history once
    /// (see `copse_core::guard::legacy`), so that newcomers can check it.
    fn seal_histories(&mut self) {
        let now = self.now;
        for (c, r) in &mut self.replicas {
            if !r.is_ready() {
                continue;
            }
            match r.community.seal_history(now) {
                Ok(Some(applied)) => {
                    tracing::info!(community = %c, "sealed the history written before signatures");
                    r.note_change(Deferred::Changed {
                        heads_before: applied.heads_before,
                        source: None,
                        local: true,
                        metas: Vec::new(),
                    });
                }
                Ok(None) => {}
                Err(e) => tracing::warn!(community = %c, error = %e, "could not seal the history"),
            }
        }
    }

    /// Sessions where each side waits on the other get a fresh round.
    fn restart_stalled_sessions(&mut self) {
        for (c, p) in self.sessions.matching(|_, _| true) {
            let (Some(r), Some(s)) = (self.replicas.get(&c), self.sessions.get_mut(&c, &p)) else {
                continue;
            };
            if s.sync.is_stalled(r.community.doc(), self.now, STALLED_MS) {
                tracing::debug!(community = %c, peer = %p, "session stalled; starting a round");
                s.sync.restart_round();
            }
        }
    }

    /// Keeps our addresses in each community's address book current, at most one change
    /// per community per hour.
    fn record_own_addrs(&mut self) {
        if !self.own.due(self.now) {
            return;
        }
        let addrs = self.own.recordable();
        if addrs.is_empty() {
            self.own.recorded(false);
            return;
        }
        let mut pending = false;
        let ids: Vec<CommunityId> = self.replicas.keys().cloned().collect();
        for c in ids {
            let Some(r) = self.replicas.get(&c) else {
                continue;
            };
            let Some(entry) = members::current_member(r.community.doc(), &self.me) else {
                continue;
            };
            if entry.addrs == addrs {
                continue;
            }
            let recent = r
                .addrs_recorded_at
                .is_some_and(|t| self.now.0.saturating_sub(t.0) < RECORD_EVERY_MS);
            if !r.is_ready() || recent {
                pending = true;
                continue;
            }
            match self.apply(
                &c,
                Command::SetMyAddrs {
                    addrs: addrs.clone(),
                },
            ) {
                Ok(_) => {
                    if let Some(r) = self.replicas.get_mut(&c) {
                        r.addrs_recorded_at = Some(self.now);
                    }
                }
                Err(e) => {
                    tracing::warn!(community = %c, error = %e, "could not record our addresses")
                }
            }
        }
        self.own.recorded(pending);
    }

    /// Every current member of a community we belong to, with the addresses recorded in
    /// the document. Cached: rebuilt only after membership or address changes.
    fn contacts(&mut self) -> &BTreeMap<MemberId, Vec<String>> {
        if self.contacts.is_none() {
            let mut all: BTreeMap<MemberId, Vec<String>> = BTreeMap::new();
            for r in self.replicas.values() {
                if !r.community.is_member(&self.me) {
                    continue;
                }
                for m in members::directory(r.community.doc(), &MemberFilter::default()) {
                    if m.id != self.me {
                        all.entry(m.id).or_default().extend(m.member.addrs);
                    }
                }
            }
            self.contacts = Some(all);
        }
        self.contacts.get_or_insert_with(BTreeMap::new)
    }

    /// Dials members we are not connected to, with backoff: the addresses they recorded,
    /// then where we last reached them.
    fn redial(&mut self) {
        let contacts = self.contacts().clone();
        for (m, recorded) in contacts {
            if self.connected.contains_key(&m) || self.blocked.contains(&m) {
                continue;
            }
            let mut addrs = recorded;
            for a in self.book.get(&m) {
                if !addrs.contains(a) {
                    addrs.push(a.clone());
                }
            }
            if addrs.is_empty() || !self.backoff.take_turn(&m, self.now) {
                continue;
            }
            self.net(NetOp::Dial {
                peer: Some(m),
                addrs,
            });
        }
    }

    /// Refreshes the cached first screens that changed.
    fn flush_caches(&mut self) {
        let mut writes = Vec::new();
        for (c, r) in self.replicas.iter_mut() {
            if !r.view_dirty || !r.is_settled() {
                continue;
            }
            r.view_dirty = false;
            let view = CachedView::build(&r.community);
            if let Ok(bytes) = serde_json::to_vec(&view) {
                writes.push(StoreOp::CachedView {
                    community: c.clone(),
                    bytes,
                });
            }
        }
        for w in writes {
            self.store(w);
        }
    }

    fn shutdown(&mut self) {
        self.close_sessions(|_, _| true);
        self.flush_caches();
        if let Some(bytes) = self.book.take_changes() {
            self.store(StoreOp::AddressBook { bytes });
        }
    }

    /// A one-paragraph account of the hub's state, for diagnosing a stuck simulation.
    pub fn describe(&self) -> String {
        let mut out = Vec::new();
        for (c, r) in &self.replicas {
            out.push(format!(
                "community {c}: {:?}, settled {}, {} waiting, {} deferred, member {}",
                r.phase,
                r.is_settled(),
                r.waiting.len(),
                r.deferred.len(),
                r.community.is_member(&self.me)
            ));
            for m in self.sessions.members_of(c) {
                if let Some(s) = self.sessions.get(c, &m) {
                    out.push(format!(
                        "  session {m}: busy {}, leaving {}, up to date {}",
                        s.sync.is_busy(),
                        s.sync.is_leaving(),
                        s.up_to_date
                    ));
                }
            }
        }
        out.push(format!(
            "connected: {:?}",
            self.connected.keys().collect::<Vec<_>>()
        ));
        for ((c, m), t) in self.refused.iter() {
            out.push(format!("refused by {m} in {c} at {}", t.0));
        }
        for c in self.replicas.keys() {
            for m in self.connected.keys() {
                out.push(format!("shares {c} with {m}: {}", self.shares(c, m)));
            }
        }
        out.push(format!("now {}, ticks {}", self.now.0, self.ticks));
        out.join("\n")
    }

    // ----- status -----

    /// Network and sync status, per community and member.
    pub fn status(&self) -> Status {
        let communities = self
            .replicas
            .keys()
            .filter_map(|c| self.community_status(c))
            .collect();
        let mut addrs: Vec<String> = self.own.listen_addrs().to_vec();
        for a in self.own.recordable() {
            if !addrs.contains(&a) {
                addrs.push(a);
            }
        }
        Status {
            online: true,
            member: self.me.clone(),
            addrs,
            connected: self.connected.keys().cloned().collect(),
            communities,
        }
    }

    /// Sync status of one community: every other current member.
    pub fn community_status(&self, c: &CommunityId) -> Option<CommunityStatus> {
        let r = self.replicas.get(c)?;
        let doc = r.community.doc();
        let peers = members::directory(doc, &MemberFilter::default())
            .into_iter()
            .filter(|m| m.id != self.me)
            .map(|m| {
                let session = self.sessions.get(c, &m.id);
                PeerStatus {
                    connected: self.connected.contains_key(&m.id),
                    last_sync: self.sessions.last_sync(c, &m.id),
                    up_to_date: session.is_some_and(|s| s.sync.is_up_to_date(doc)),
                    name: m.member.name,
                    member: m.id,
                }
            })
            .collect();
        Some(CommunityStatus {
            id: c.clone(),
            name: r.community.name(),
            peers,
        })
    }

    /// The current members of `c` connected now, with their sync state: the room at a
    /// meetup. Reads only those members' entries.
    pub fn connected_members(&self, c: &CommunityId) -> Vec<PeerStatus> {
        let Some(r) = self.replicas.get(c) else {
            return Vec::new();
        };
        let doc = r.community.doc();
        let mut here: Vec<PeerStatus> = self
            .connected
            .keys()
            .filter(|m| **m != self.me)
            .filter_map(|m| {
                let member = members::current_member(doc, m)?;
                let session = self.sessions.get(c, m);
                Some(PeerStatus {
                    connected: true,
                    last_sync: self.sessions.last_sync(c, m),
                    up_to_date: session.is_some_and(|s| s.sync.is_up_to_date(doc)),
                    name: member.name,
                    member: m.clone(),
                })
            })
            .collect();
        here.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.member.cmp(&b.member)));
        here
    }

    // ----- outputs -----

    fn tag(&mut self) -> Tag {
        let t = Tag(self.next_tag);
        self.next_tag += 1;
        t
    }

    fn net(&mut self, op: NetOp) {
        self.out.push(Output::Net(op));
    }

    fn store(&mut self, op: StoreOp) {
        self.out.push(Output::Store(op));
    }

    fn event(&mut self, event: PeerEvent) {
        self.out.push(Output::Event(event));
    }

    fn done(&mut self, request: RequestId, result: Result<Done, PeerError>) {
        self.out.push(Output::Done { request, result });
    }
}

fn request_kind(r: &SyncRequest) -> &'static str {
    match r {
        SyncRequest::Sync { .. } => "round",
        SyncRequest::Changes { .. } => "push",
    }
}

fn kind_is_join(kind: &Adopting) -> bool {
    matches!(kind, Adopting::Join { .. })
}

/// The commit metadata of the changes `hashes` (a few lookups each).
fn metas_of(c: &Community, hashes: &[ChangeHash]) -> Vec<CommitMeta> {
    let doc = c.doc();
    hashes
        .iter()
        .filter_map(|h| {
            let m = doc.get_change_meta_by_hash(h)?;
            CommitMeta::parse(m.message.as_deref()?)
        })
        .collect()
}
