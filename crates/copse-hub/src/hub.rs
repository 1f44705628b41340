//! [`Hub`]: the rules of a Copse device, without I/O. `handle(now, input) -> outputs`.
//!
//! This file is the dispatcher: it owns the state and sends each input to the room whose
//! job it is.
//!
//! | room | job |
//! |---|---|
//! | `replica` | one community's document and its durability cycle |
//! | `durability` | driving the cycles; what the store answers |
//! | `local` | this member's requests: edits, invites, founding |
//! | `admitting` | a newcomer asks us to admit them |
//! | `joining` | this device joins with a ticket |
//! | `adoption` | a community read in (a join's answer, a file) |
//! | `syncing` | sync sessions: requests, answers, pushes, membership reactions |
//! | `connections` | who is connected, who may sync what, strangers |
//! | `reach` | relay reservations, confirmed addresses, hole punches |
//! | `housekeeping` | the clock: redials, stalled sessions, addresses, caches |
//! | `status` | what the device shows of all this |

use std::collections::{BTreeMap, BTreeSet};

use copse_core::guard::{Refused, Signer};
use copse_core::record::MemberDetails;
use copse_core::sync::{JoinRefusal, JoinResponse, Refusal, SyncResponse, Tag};
use copse_core::{Community, CommunityId, MemberId, Timestamp};
use rand::SeedableRng;
use rand::rngs::StdRng;

use crate::address_book::AddressBook;
use crate::backoff::Backoff;
use crate::bounded_map::BoundedMap;
use crate::housekeeping::Schedule;
use crate::joiner::{Adopting, Joiner};
use crate::local_state::LocalStates;
use crate::own_addresses::OwnAddresses;
use crate::reach::Reach;
use crate::replica::{Phase, Replica, Step};
use crate::session_table::SessionTable;
use crate::{
    AccessList, AdoptSource, Done, Input, JoinFailure, LocalState, NetEvent, NetOp, Output,
    PeerError, PeerEvent, RequestId, StoreOp, StoreResult,
};

/// Refusals remembered.
const REFUSALS: usize = 4096;

/// Who the hub runs as, and its randomness.
#[derive(Debug, Clone)]
pub struct HubConfig {
    /// This device's key: its member id, and what signs its changes.
    pub signer: Signer,
    /// Seeds every random choice (ids, secrets, actor ids): a simulation replays a seed.
    pub seed: u64,
    /// What the member said about themselves (founding and joining use it).
    pub details: MemberDetails,
    /// Whether a network runs (joining needs one).
    pub online: bool,
    /// Relays this device was given (addresses ending in `/p2p/<relay id>`); the
    /// communities' own lists follow them.
    pub relays: Vec<String>,
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
    /// This device's last edits in each community (`own-edits.json`), if any.
    pub own_edits: Vec<(CommunityId, Vec<u8>)>,
    /// Each community's local state (`local.json`), if any.
    pub locals: Vec<(CommunityId, LocalState)>,
}

/// A device's rules. See the module doc.
#[derive(Debug)]
pub struct Hub {
    pub(crate) me: MemberId,
    pub(crate) signer: Signer,
    pub(crate) details: MemberDetails,
    online: bool,
    pub(crate) locals: LocalStates,
    pub(crate) rng: StdRng,
    pub(crate) now: Timestamp,
    pub(crate) replicas: BTreeMap<CommunityId, Replica>,
    pub(crate) sessions: SessionTable,
    next_tag: u64,
    /// Peers connected now and the address of the connection.
    pub(crate) connected: BTreeMap<MemberId, String>,
    pub(crate) blocked: BTreeSet<MemberId>,
    pub(crate) backoff: Backoff,
    pub(crate) book: AddressBook,
    pub(crate) own: OwnAddresses,
    pub(crate) reach: Reach,
    pub(crate) joiner: Joiner,
    /// Communities being created, and the request to answer.
    pub(crate) creating: BTreeMap<CommunityId, RequestId>,
    /// Every member of our communities with the addresses they recorded; `None` when stale.
    pub(crate) contacts: Option<BTreeMap<MemberId, Vec<String>>>,
    pub(crate) access: AccessList,
    pub(crate) membership_dirty: bool,
    /// When a member last refused a session with us, per community (its copy said we
    /// were not a member): sessions are retried after a while, not on every tick.
    pub(crate) refused: BoundedMap<(CommunityId, MemberId), Timestamp>,
    pub(crate) schedule: Schedule,
    out: Vec<Output>,
}

impl Hub {
    /// A hub over the communities on disk. Returns its first outputs (who may sync what).
    pub fn new(config: HubConfig, loaded: Loaded, now: Timestamp) -> (Self, Vec<Output>) {
        let mut rng = StdRng::seed_from_u64(config.seed);
        let mut refused: BTreeMap<CommunityId, Vec<u8>> = loaded.refused.into_iter().collect();
        let mut own_edits: BTreeMap<CommunityId, Vec<u8>> = loaded.own_edits.into_iter().collect();
        let replicas = loaded
            .communities
            .into_iter()
            .map(|mut c| {
                c.sign_as(config.signer.clone(), &mut rng);
                let id = c.id().clone();
                let mut r = Replica::new(c, Phase::Ready);
                if let Some(bytes) = refused.remove(&id) {
                    r = r.with_refused(&bytes);
                }
                if let Some(bytes) = own_edits.remove(&id) {
                    r = r.with_own_edits(&bytes);
                }
                (id, r)
            })
            .collect();
        let mut hub = Self {
            me: config.signer.member().clone(),
            signer: config.signer,
            details: config.details,
            online: config.online,
            locals: LocalStates::new(loaded.locals.into_iter().collect()),
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
            reach: Reach::default(),
            joiner: Joiner::default(),
            creating: BTreeMap::new(),
            contacts: None,
            access: AccessList::default(),
            membership_dirty: true,
            refused: BoundedMap::new(REFUSALS),
            schedule: Schedule::starting_at(now),
            out: Vec::new(),
        };
        hub.reach.given = config.relays;
        // A copy read back from a disk that a rebuild had not reached yet is rebuilt again.
        let ids: Vec<CommunityId> = hub.replicas.keys().cloned().collect();
        for c in ids {
            let dropped = hub
                .replicas
                .get_mut(&c)
                .map(Replica::drop_again)
                .unwrap_or_default();
            if !dropped.is_empty() {
                hub.write_again(&c, &dropped);
            }
        }
        hub.refresh_access();
        hub.want_relays();
        let first = std::mem::take(&mut hub.out);
        (hub, first)
    }

    /// What `c`'s guard refused (kept to show), oldest first.
    pub fn refused(&self, c: &CommunityId) -> Vec<Refused> {
        self.replicas
            .get(c)
            .map(Replica::refusals)
            .unwrap_or_default()
    }

    /// This device's member id.
    pub fn me(&self) -> &MemberId {
        &self.me
    }

    /// What this device's member said about themselves.
    pub fn details(&self) -> &MemberDetails {
        &self.details
    }

    /// Whether a network runs.
    pub fn is_online(&self) -> bool {
        self.online
    }

    /// A community on this device.
    pub fn community(&self, id: &CommunityId) -> Option<&Community> {
        self.replicas.get(id).map(Replica::community)
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

    /// The community whose document `input` would change, if it must wait for it.
    fn target(&self, input: &Input) -> Option<CommunityId> {
        match input {
            Input::Edit { community, .. } | Input::Invite { community, .. } => {
                Some(community.clone())
            }
            Input::Net(NetEvent::SyncRequest { peer, request, .. }) => {
                let c = request.community();
                self.shares(c, peer).then(|| c.clone())
            }
            Input::Net(NetEvent::JoinRequest { request, .. }) => Some(request.community.clone()),
            Input::AdmitMore { community, .. } => Some(community.clone()),
            Input::Stored(StoreResult::Adopted {
                result: Ok(adopted),
                ..
            }) if !adopted.fresh => Some(adopted.community.id().clone()),
            _ => None,
        }
    }

    pub(crate) fn dispatch(&mut self, input: Input) {
        if let Some(c) = self.target(&input)
            && let Some(r) = self.replicas.get_mut(&c)
            && !r.is_ready()
        {
            if let Some(input) = r.wait(input) {
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
            Input::Create { request, spec } => self.create(request, spec),
            Input::Join {
                request,
                ticket,
                details,
            } => self.join(request, &ticket, details),
            Input::SetDetails { request, details } => self.set_details(request, details),
            Input::Export {
                request,
                community,
                path,
            } => self.export(request, community, path),
            Input::Compact { request, community } => self.compact(request, community),
            Input::MarkRead {
                request,
                community,
                thread,
                posts,
            } => self.mark_read(request, &community, thread, posts),
            Input::MarkSeen { request, community } => self.mark_seen(request, &community),
            Input::DismissStoryPrompt {
                request,
                community,
                key,
            } => self.dismiss_story_prompt(request, &community, key),
            Input::FirstLook { community } => self.first_look(&community),
            Input::UseRelays { relays } => self.use_relays(relays),
            Input::Import { request, path } => {
                self.joiner.adopting.insert(request, Adopting::Import);
                self.store(StoreOp::Adopt {
                    request,
                    source: AdoptSource::File(path),
                });
            }
            Input::CancelJoins { request } => self.cancel_joins(request),
            Input::Block { member } => self.block(member),
            Input::Unblock { member } => self.unblock(member),
            Input::Dial { addrs } => self.dial(addrs),
            Input::Shutdown => self.shutdown(),
            Input::Net(event) => self.network(event),
            Input::Stored(result) => self.stored(result),
            Input::Tick => self.tick(),
            Input::AdmitMore {
                community,
                peer,
                inbound,
            } => self.admit_more(community, peer, inbound),
        }
    }

    /// A replica has too much waiting: refuse rather than grow without bound.
    pub(crate) fn refuse_busy(&mut self, input: Input) {
        match input {
            Input::Edit { request, .. } => self.done(request, Done::Applied(Err(PeerError::Busy))),
            Input::Invite { request, .. } => {
                self.done(request, Done::Invited(Err(PeerError::Busy)));
            }
            Input::Net(NetEvent::SyncRequest { inbound, .. }) => self.net(NetOp::RespondSync {
                inbound,
                response: SyncResponse::Refused(Refusal::Unavailable),
            }),
            Input::Net(NetEvent::JoinRequest { inbound, .. }) => self.net(NetOp::RespondJoin {
                inbound,
                response: JoinResponse::Refused(JoinRefusal::Unavailable),
            }),
            Input::Stored(StoreResult::Adopted { request, .. }) => {
                if let Some(kind) = self.joiner.adopting.remove(&request) {
                    self.done(request, kind.failed(PeerError::Busy));
                }
            }
            _ => {}
        }
    }

    /// Moves replica `c` through its cycle as far as it goes now.
    fn settle(&mut self, c: &CommunityId) {
        loop {
            let Some(r) = self.replicas.get_mut(c) else {
                return;
            };
            match r.step() {
                Step::Idle => return,
                Step::Append(record) => {
                    self.store(StoreOp::Append {
                        community: c.clone(),
                        record,
                    });
                    return;
                }
                Step::Replace(saved, heads) => {
                    self.store(StoreOp::Replace {
                        community: c.clone(),
                        saved,
                        heads,
                    });
                    return;
                }
                Step::Release(deferred) => {
                    for d in deferred {
                        self.release(c, d);
                    }
                    self.pump_all(c);
                }
                Step::Apply(mut batch) => {
                    while let Some(input) = batch.pop_front() {
                        self.dispatch(input);
                        let Some(r) = self.replicas.get_mut(c) else {
                            return;
                        };
                        if r.ends_batch(&mut batch) {
                            break;
                        }
                    }
                }
            }
        }
    }

    /// Stops joins still waiting for an answer; one being loaded can no longer stop.
    fn cancel_joins(&mut self, request: RequestId) {
        let cancelled = self.joiner.cancel_asking();
        if cancelled.is_empty() && self.joiner.is_loading_join() {
            self.done(request, Done::Nothing(Err(JoinFailure::Arrived.into())));
            return;
        }
        self.membership_dirty = true;
        for r in cancelled {
            self.done(r, Done::Joined(Err(JoinFailure::Cancelled.into())));
        }
        self.done(request, Done::Nothing(Ok(())));
    }

    // ----- outputs -----

    pub(crate) fn tag(&mut self) -> Tag {
        let t = Tag(self.next_tag);
        self.next_tag += 1;
        t
    }

    /// Hands `input` back to the driver, to be fed after what already waits.
    pub(crate) fn continue_with(&mut self, input: Input) {
        self.out.push(Output::Continue(input));
    }

    pub(crate) fn net(&mut self, op: NetOp) {
        self.out.push(Output::Net(op));
    }

    pub(crate) fn store(&mut self, op: StoreOp) {
        self.out.push(Output::Store(op));
    }

    pub(crate) fn event(&mut self, event: PeerEvent) {
        self.out.push(Output::Event(event));
    }

    pub(crate) fn done(&mut self, request: RequestId, done: Done) {
        self.out.push(Output::Done { request, done });
    }

    /// `c`'s document moved: its search index should catch up.
    pub(crate) fn index(&mut self, c: &CommunityId) {
        self.out.push(Output::Index {
            community: c.clone(),
        });
    }

    pub(crate) fn emit(&mut self, outputs: Vec<Output>) {
        self.out.extend(outputs);
    }

    /// The network must know who may sync before anything is sent to them.
    pub(crate) fn emit_first(&mut self, output: Output) {
        self.out.insert(0, output);
    }
}
