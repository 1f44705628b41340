//! [`World`]: several devices, each a real [`Hub`] over a [`MemoryStore`], on a simulated
//! network with a virtual clock. The network delays, drops, duplicates and reorders
//! messages, partitions and heals; devices crash (losing what their store had not finished)
//! and restart from their disk. Every message is inspected on its way: a non-member must
//! never receive a byte of a community, and a removed member nothing written after its
//! removal reached the sender.

use std::collections::{BTreeMap, BTreeSet};

use copse_core::automerge::ChangeHash;
use copse_core::automerge::sync::Message;
use copse_core::guard::Signer;
use copse_core::record::MemberDetails;
use copse_core::sync::session::parse_changes;
use copse_core::sync::{InboundId, JoinResponse, Refusal, SyncRequest, SyncResponse, Tag};
use copse_core::view::members::{self, MemberFilter};
use copse_core::{CommunityId, MemberId, Timestamp};
use copse_hub::{
    AccessList, Done, Hub, HubConfig, Input, NetEvent, NetOp, Output, RequestId, StoreOp,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::agenda::Agenda;
use copse_hub::memory_store::MemoryStore;

/// A device's index.
pub type Dev = usize;

/// How hostile the network is.
#[derive(Debug, Clone, Copy)]
pub struct NetFaults {
    /// Chance that a request or its answer is lost (the sender times out).
    pub drop: f64,
    /// Chance that a request is delivered twice.
    pub duplicate: f64,
    /// Largest one-way delay, in milliseconds (each message draws its own: reordering).
    pub max_delay_ms: i64,
}

/// How long a sender waits for an answer before giving up.
const TIMEOUT_MS: i64 = 5_000;
/// Tick period.
const TICK_MS: i64 = 500;

#[derive(Debug)]
enum Event {
    /// An input for a device's hub (dropped if the device restarted since: `epoch`).
    Input {
        dev: Dev,
        epoch: u64,
        input: Box<Input>,
    },
    /// A store operation completes.
    Stored { dev: Dev, epoch: u64, op: StoreOp },
    /// A device's clock ticks.
    Tick { dev: Dev, epoch: u64 },
}

/// What a device did that the checks need.
#[derive(Debug, Default)]
pub struct Journal {
    /// Changes of edits acknowledged to the member.
    pub acked: Vec<ChangeHash>,
    /// How local requests ended, by request.
    pub done: BTreeMap<u64, Done>,
}

/// One simulated device.
#[derive(Debug)]
pub struct Device {
    /// Its member id (its key's).
    pub member: MemberId,
    /// Its key.
    pub signer: Signer,
    /// Its hub while it runs.
    pub hub: Option<Hub>,
    /// Its disk.
    pub store: MemoryStore,
    /// Restarts so far (stale events carry an older epoch).
    pub epoch: u64,
    /// When its store finishes what it was given.
    store_free_at: Timestamp,
    /// Its partition group.
    pub group: u8,
    /// The last access list its hub gave the network.
    access: AccessList,
    /// What it did.
    pub journal: Journal,
    /// Members whose removal this device has applied, with every change it held then.
    removal_seen: BTreeMap<(CommunityId, MemberId), BTreeSet<ChangeHash>>,
}

/// The changes in one chunk of a sync message: a change, or (V2) a whole saved document.
fn chunk_hashes(chunk: &[u8]) -> Vec<ChangeHash> {
    if let Ok(change) = copse_core::automerge::Change::try_from(chunk) {
        return vec![change.hash()];
    }
    copse_core::automerge::Automerge::load(chunk)
        .map(|doc| doc.get_changes(&[]).iter().map(|c| c.hash()).collect())
        .unwrap_or_default()
}

/// A network operation in a line.
fn short(op: &NetOp) -> String {
    let text = format!("{op:?}");
    text.chars().take(160).collect()
}

/// A pending request: who asked, with which tag; `None` tag for a duplicate whose answer
/// is thrown away.
type Pending = BTreeMap<(Dev, u64), (Dev, Option<Tag>)>;

/// The simulation.
pub struct World {
    /// The devices.
    pub devices: Vec<Device>,
    agenda: Agenda<Event>,
    /// Virtual now.
    pub now: Timestamp,
    rng: ChaCha8Rng,
    seed: u64,
    faults: NetFaults,
    conns: BTreeSet<(Dev, Dev)>,
    /// When each device last hears of its link to a peer: `(device, peer)`.
    link_heard_at: BTreeMap<(Dev, Dev), Timestamp>,
    blocked: BTreeSet<(Dev, Dev)>,
    sync_pending: Pending,
    join_pending: Pending,
    next_inbound: u64,
    next_request: u64,
    /// Invariants broken so far (the run fails if any).
    pub violations: Vec<String>,
    /// Print what happens (`COPSE_SIM_TRACE=1`).
    trace: bool,
    /// Requests injected so far (see [`World::inject`]).
    injected: u64,
}

/// Device `i`'s key: the same in every run, so traces read alike.
fn key_of(i: Dev) -> Signer {
    let mut seed = [7u8; 32];
    seed[..8].copy_from_slice(&(i as u64).to_le_bytes());
    Signer::from_seed(seed)
}

fn listen_addr(i: Dev) -> String {
    format!("/ip4/10.0.{}.{}/tcp/4001", i / 250, i % 250 + 1)
}

fn pair(a: Dev, b: Dev) -> (Dev, Dev) {
    (a.min(b), a.max(b))
}

impl World {
    /// `n` devices, none started yet.
    pub fn new(seed: u64, n: usize, faults: NetFaults) -> Self {
        let devices = (0..n)
            .map(|i| Device {
                member: key_of(i).member().clone(),
                signer: key_of(i),
                hub: None,
                store: MemoryStore::default(),
                epoch: 0,
                store_free_at: Timestamp(0),
                group: 0,
                access: AccessList::default(),
                journal: Journal::default(),
                removal_seen: BTreeMap::new(),
            })
            .collect();
        Self {
            devices,
            agenda: Agenda::default(),
            now: Timestamp(1_800_000_000_000),
            rng: ChaCha8Rng::seed_from_u64(seed),
            seed,
            faults,
            conns: BTreeSet::new(),
            link_heard_at: BTreeMap::new(),
            blocked: BTreeSet::new(),
            sync_pending: BTreeMap::new(),
            join_pending: BTreeMap::new(),
            next_inbound: 0,
            next_request: 1,
            violations: Vec::new(),
            trace: std::env::var_os("COPSE_SIM_TRACE").is_some(),
            injected: 0,
        }
    }

    /// The simulation's randomness (for scenarios).
    pub fn rng(&mut self) -> &mut ChaCha8Rng {
        &mut self.rng
    }

    /// The device of a member id.
    pub fn dev_of(&self, m: &MemberId) -> Option<Dev> {
        self.devices.iter().position(|d| &d.member == m)
    }

    /// Whether device `d` runs.
    pub fn is_up(&self, d: Dev) -> bool {
        self.devices[d].hub.is_some()
    }

    fn delay(&mut self) -> i64 {
        self.rng.gen_range(1..=self.faults.max_delay_ms.max(1))
    }

    fn later(&mut self) -> Timestamp {
        let d = self.delay();
        self.now.plus_millis(d)
    }

    fn deliver_at(&mut self, at: Timestamp, dev: Dev, input: Input) {
        let epoch = self.devices[dev].epoch;
        self.agenda.at(
            at,
            Event::Input {
                dev,
                epoch,
                input: Box::new(input),
            },
        );
    }

    fn deliver_later(&mut self, dev: Dev, input: Input) {
        let at = self.later();
        self.deliver_at(at, dev, input);
    }

    // ----- devices -----

    /// Starts (or restarts) device `d` from its disk.
    pub fn start(&mut self, d: Dev) {
        if self.is_up(d) {
            return;
        }
        let dev = &mut self.devices[d];
        dev.epoch += 1;
        let config = HubConfig {
            signer: dev.signer.clone(),
            seed: self
                .seed
                .wrapping_mul(0x9E37_79B9_7F4A_7C15)
                .wrapping_add((d as u64) << 32 | dev.epoch),
            details: details(d),
            online: true,
        };
        let (hub, first) = Hub::new(config, dev.store.loaded(), self.now);
        dev.hub = Some(hub);
        dev.store_free_at = self.now;
        dev.access = AccessList::default();
        self.outputs(d, first);
        self.deliver_later(
            d,
            Input::Net(NetEvent::Listening {
                addr: listen_addr(d),
            }),
        );
        let epoch = self.devices[d].epoch;
        let first_tick = self.now.plus_millis(TICK_MS);
        self.agenda.at(first_tick, Event::Tick { dev: d, epoch });
        self.discover(d);
    }

    /// Device `d` crashes: its hub is gone, unfinished store work is lost, connections drop.
    pub fn crash(&mut self, d: Dev) {
        if self.devices[d].hub.take().is_none() {
            return;
        }
        self.devices[d].epoch += 1;
        let mut rng = ChaCha8Rng::seed_from_u64(self.rng.r#gen());
        self.devices[d].store.crash(&mut rng);
        let peers: Vec<(Dev, Dev)> = self
            .conns
            .iter()
            .filter(|(a, b)| *a == d || *b == d)
            .copied()
            .collect();
        for (a, b) in peers {
            self.close(a, b);
        }
    }

    /// mDNS on the same network: `d` and everyone it can reach find each other.
    pub fn discover(&mut self, d: Dev) {
        for o in 0..self.devices.len() {
            if o != d && self.is_up(o) && self.reachable(d, o) {
                let (md, mo) = (
                    self.devices[d].member.clone(),
                    self.devices[o].member.clone(),
                );
                self.deliver_later(
                    d,
                    Input::Net(NetEvent::Discovered {
                        peer: mo,
                        addrs: vec![listen_addr(o)],
                    }),
                );
                self.deliver_later(
                    o,
                    Input::Net(NetEvent::Discovered {
                        peer: md,
                        addrs: vec![listen_addr(d)],
                    }),
                );
            }
        }
    }

    /// Splits the devices into partition groups; connections across break.
    pub fn partition(&mut self, groups: &[u8]) {
        for (d, g) in groups.iter().enumerate() {
            self.devices[d].group = *g;
        }
        let cut: Vec<(Dev, Dev)> = self
            .conns
            .iter()
            .filter(|(a, b)| self.devices[*a].group != self.devices[*b].group)
            .copied()
            .collect();
        for (a, b) in cut {
            self.close(a, b);
        }
    }

    /// Heals every partition; devices rediscover each other.
    pub fn heal(&mut self) {
        for d in &mut self.devices {
            d.group = 0;
        }
        for d in 0..self.devices.len() {
            if self.is_up(d) {
                self.discover(d);
            }
        }
    }

    fn reachable(&self, a: Dev, b: Dev) -> bool {
        self.is_up(a)
            && self.is_up(b)
            && self.devices[a].group == self.devices[b].group
            && !self.blocked.contains(&(a, b))
            && !self.blocked.contains(&(b, a))
    }

    /// Gives device `d` a local request; returns its id.
    pub fn request(&mut self, d: Dev, make: impl FnOnce(RequestId) -> Input) -> Option<u64> {
        if !self.is_up(d) {
            return None;
        }
        let id = self.next_request;
        self.next_request += 1;
        let input = make(RequestId(id));
        if self.trace {
            let text: String = format!("{input:?}").chars().take(200).collect();
            eprintln!("t={} dev {d} asks {id}: {text}", self.now.0);
        }
        self.handle(d, input);
        Some(id)
    }

    // ----- running -----

    /// Runs until virtual time `until`.
    pub fn run_until(&mut self, until: Timestamp) {
        while let Some((at, ev)) = self.agenda.next_until(until) {
            self.now = self.now.max(at);
            match ev {
                Event::Input { dev, epoch, input } => {
                    if self.devices[dev].epoch == epoch {
                        self.handle(dev, *input);
                    }
                }
                Event::Stored { dev, epoch, op } => {
                    if self.devices[dev].epoch == epoch
                        && let Some(result) = self.devices[dev].store.run(op)
                    {
                        self.handle(dev, Input::Stored(result));
                    }
                }
                Event::Tick { dev, epoch } => {
                    if self.devices[dev].epoch == epoch {
                        self.handle(dev, Input::Tick);
                        let next = self.now.plus_millis(TICK_MS);
                        self.agenda.at(next, Event::Tick { dev, epoch });
                    }
                }
            }
        }
        self.now = self.now.max(until);
    }

    /// Runs for `ms` more virtual milliseconds.
    pub fn run_for(&mut self, ms: i64) {
        let until = self.now.plus_millis(ms);
        self.run_until(until);
    }

    fn handle(&mut self, d: Dev, input: Input) {
        let now = self.now;
        let Some(hub) = self.devices[d].hub.as_mut() else {
            return;
        };
        let outputs = hub.handle(now, input);
        self.note_removals(d);
        self.outputs(d, outputs);
    }

    fn outputs(&mut self, d: Dev, outputs: Vec<Output>) {
        for o in outputs {
            match o {
                Output::Net(op) => self.net(d, op),
                // No search index in the simulation.
                Output::Index { .. } => {}
                Output::Store(op) => {
                    let latency = self.rng.gen_range(1..=5);
                    let dev = &mut self.devices[d];
                    // The store works in order: each operation after the one before.
                    let at = dev.store_free_at.max(self.now).plus_millis(latency);
                    dev.store_free_at = at;
                    let epoch = dev.epoch;
                    self.agenda.at(at, Event::Stored { dev: d, epoch, op });
                }
                Output::Event(copse_hub::PeerEvent::Refused { refused, .. }) if self.trace => {
                    for r in refused {
                        eprintln!(
                            "t={} dev {d} refused {} by {:?}: {}",
                            self.now.0, r.change, r.author, r.reason
                        );
                    }
                }
                Output::Event(_) => {}
                Output::Done { request, done } => {
                    if self.trace {
                        eprintln!("t={} dev {d} request {} -> {done:?}", self.now.0, request.0);
                    }
                    if let Done::Applied(Ok(a)) = &done
                        && let Some(h) = a.change
                    {
                        self.devices[d].journal.acked.push(h);
                    }
                    self.devices[d].journal.done.insert(request.0, done);
                }
            }
        }
    }

    /// Records, for every member device `d` sees removed for the first time, the changes `d`
    /// holds now: whatever it sends that member later must be among them.
    fn note_removals(&mut self, d: Dev) {
        let Some(hub) = self.devices[d].hub.as_ref() else {
            return;
        };
        let mut seen = Vec::new();
        let mut readmitted = Vec::new();
        for c in hub.community_ids() {
            let Some(community) = hub.community(&c) else {
                continue;
            };
            let doc = community.doc();
            let all = members::directory(
                doc,
                &MemberFilter {
                    include_removed: true,
                    ..MemberFilter::default()
                },
            );
            for m in all {
                let key = (c.clone(), m.id);
                if self.trace
                    && m.member.is_current() == self.devices[d].removal_seen.contains_key(&key)
                {
                    eprintln!(
                        "t={} dev {d} sees {} current: {}",
                        self.now.0,
                        key.1,
                        m.member.is_current()
                    );
                }
                if m.member.is_current() {
                    // Invited again: the removal no longer holds.
                    readmitted.push(key);
                    continue;
                }
                if !self.devices[d].removal_seen.contains_key(&key) {
                    let held: BTreeSet<ChangeHash> =
                        doc.get_changes(&[]).iter().map(|ch| ch.hash()).collect();
                    seen.push((key, held));
                }
            }
        }
        let dev = &mut self.devices[d];
        for key in readmitted {
            dev.removal_seen.remove(&key);
        }
        dev.removal_seen.extend(seen);
    }

    // ----- the network -----

    fn net(&mut self, a: Dev, op: NetOp) {
        if self.trace && !matches!(op, NetOp::Access(_)) {
            eprintln!("t={} dev {a} net {}", self.now.0, short(&op));
        }
        match op {
            NetOp::Dial { peer, addrs } => {
                let target = peer.as_ref().and_then(|m| self.dev_of(m)).or_else(|| {
                    addrs
                        .iter()
                        .find_map(|x| (0..self.devices.len()).find(|i| listen_addr(*i) == *x))
                });
                // As copse-net: a dial to a peer already connected fails (libp2p's
                // `DisconnectedAndNotDialing` condition).
                match target {
                    Some(b)
                        if b != a && self.reachable(a, b) && !self.conns.contains(&pair(a, b)) =>
                    {
                        self.connect(a, b)
                    }
                    _ => self.deliver_later(
                        a,
                        Input::Net(NetEvent::DialFailed {
                            peer,
                            error: "unreachable".into(),
                        }),
                    ),
                }
            }
            NetOp::SendSync { peer, tag, request } => self.send_sync(a, peer, tag, request, true),
            NetOp::RespondSync { inbound, response } => {
                if let Some((to, Some(tag))) = self.sync_pending.remove(&(a, inbound.0)) {
                    let from = self.devices[a].member.clone();
                    let result = if self.rng.gen_bool(self.faults.drop) {
                        let at = self.now.plus_millis(TIMEOUT_MS);
                        self.deliver_at(
                            at,
                            to,
                            Input::Net(NetEvent::SyncResult {
                                peer: from,
                                tag,
                                result: Err("timeout".into()),
                            }),
                        );
                        return;
                    } else {
                        Ok(response)
                    };
                    self.deliver_later(
                        to,
                        Input::Net(NetEvent::SyncResult {
                            peer: from,
                            tag,
                            result,
                        }),
                    );
                }
            }
            NetOp::SendJoin {
                peer, tag, request, ..
            } => {
                let Some(b) = self.dev_of(&peer) else {
                    self.deliver_later(
                        a,
                        Input::Net(NetEvent::JoinResult {
                            peer,
                            tag,
                            result: Err("unknown peer".into()),
                        }),
                    );
                    return;
                };
                if !self.conns.contains(&pair(a, b)) {
                    if self.reachable(a, b) {
                        self.connect(a, b);
                    } else {
                        self.deliver_later(
                            a,
                            Input::Net(NetEvent::JoinResult {
                                peer,
                                tag,
                                result: Err("unreachable".into()),
                            }),
                        );
                        return;
                    }
                }
                let inbound = self.inbound();
                self.join_pending.insert((b, inbound.0), (a, Some(tag)));
                let me = self.devices[a].member.clone();
                let at = self.now.plus_millis(2 * self.faults.max_delay_ms.max(1));
                self.deliver_at(
                    at,
                    b,
                    Input::Net(NetEvent::JoinRequest {
                        peer: me,
                        inbound,
                        request,
                    }),
                );
            }
            NetOp::RespondJoin { inbound, response } => {
                if let Some((to, Some(tag))) = self.join_pending.remove(&(a, inbound.0)) {
                    if let JoinResponse::Admitted { document, .. } = &response {
                        self.check_admitted(a, to, document);
                    }
                    let from = self.devices[a].member.clone();
                    self.deliver_later(
                        to,
                        Input::Net(NetEvent::JoinResult {
                            peer: from,
                            tag,
                            result: Ok(response),
                        }),
                    );
                }
            }
            NetOp::Disconnect { peer } => {
                if let Some(b) = self.dev_of(&peer) {
                    self.close(a, b);
                }
            }
            NetOp::Block { peer } => {
                if let Some(b) = self.dev_of(&peer) {
                    self.blocked.insert((a, b));
                    self.close(a, b);
                }
            }
            NetOp::Unblock { peer } => {
                if let Some(b) = self.dev_of(&peer) {
                    self.blocked.remove(&(a, b));
                }
            }
            NetOp::Access(list) => self.devices[a].access = list,
            // A device stopping: `crash`/`restart` take it off the network.
            NetOp::Shutdown => {}
        }
    }

    fn inbound(&mut self) -> InboundId {
        self.next_inbound += 1;
        InboundId(self.next_inbound)
    }

    /// When `to` hears next of its link to `peer`: later than anything it heard of that
    /// link before, since libp2p reports one peer's connection events in order (a
    /// `Disconnected` overtaking the next `Connected` would leave the device believing it
    /// is cut off from a peer it is connected to).
    fn link_event_at(&mut self, to: Dev, peer: Dev) -> Timestamp {
        let mut at = self.later();
        if let Some(last) = self.link_heard_at.get(&(to, peer))
            && at <= *last
        {
            at = last.plus_millis(1);
        }
        self.link_heard_at.insert((to, peer), at);
        at
    }

    fn connect(&mut self, a: Dev, b: Dev) {
        if !self.conns.insert(pair(a, b)) {
            return;
        }
        let (ma, mb) = (
            self.devices[a].member.clone(),
            self.devices[b].member.clone(),
        );
        let at = self.link_event_at(a, b);
        self.deliver_at(
            at,
            a,
            Input::Net(NetEvent::Connected {
                peer: mb,
                addr: listen_addr(b),
                outbound: true,
            }),
        );
        let at = self.link_event_at(b, a);
        self.deliver_at(
            at,
            b,
            Input::Net(NetEvent::Connected {
                peer: ma,
                addr: "/ip4/10.9.9.9/tcp/50000".into(),
                outbound: false,
            }),
        );
    }

    /// Closes the connection between `a` and `b`; requests under way between them fail.
    fn close(&mut self, a: Dev, b: Dev) {
        if !self.conns.remove(&pair(a, b)) {
            return;
        }
        let (ma, mb) = (
            self.devices[a].member.clone(),
            self.devices[b].member.clone(),
        );
        for (x, other, peer) in [(a, b, mb.clone()), (b, a, ma.clone())] {
            let heard = self.link_event_at(x, other);
            self.deliver_at(heard, x, Input::Net(NetEvent::Disconnected { peer }));
        }
        let at = self.later();
        let broken = |p: &Pending| -> Vec<(Dev, u64)> {
            p.iter()
                .filter(|((to, _), (from, _))| pair(*to, *from) == pair(a, b))
                .map(|(k, _)| *k)
                .collect()
        };
        for key in broken(&self.sync_pending) {
            if let Some((from, Some(tag))) = self.sync_pending.remove(&key) {
                let peer = self.devices[key.0].member.clone();
                self.deliver_at(
                    at,
                    from,
                    Input::Net(NetEvent::SyncResult {
                        peer,
                        tag,
                        result: Err("connection closed".into()),
                    }),
                );
            }
        }
        for key in broken(&self.join_pending) {
            if let Some((from, Some(tag))) = self.join_pending.remove(&key) {
                let peer = self.devices[key.0].member.clone();
                self.deliver_at(
                    at,
                    from,
                    Input::Net(NetEvent::JoinResult {
                        peer,
                        tag,
                        result: Err("connection closed".into()),
                    }),
                );
            }
        }
    }

    /// Sends `request` from `from` to `to` as `from`'s hub never would (a modified client
    /// on `from`'s device); the answer goes to a tag the hub never uses, so it is dropped.
    pub fn inject(&mut self, from: Dev, to: Dev, request: SyncRequest) {
        self.injected += 1;
        let peer = self.devices[to].member.clone();
        // What honest hubs may send is checked; a modified client's sends are its own.
        self.send_sync(from, peer, Tag(u64::MAX - self.injected), request, false);
    }

    fn send_sync(&mut self, a: Dev, peer: MemberId, tag: Tag, request: SyncRequest, honest: bool) {
        let Some(b) = self.dev_of(&peer) else {
            return;
        };
        let from = self.devices[a].member.clone();
        if !self.conns.contains(&pair(a, b)) {
            self.deliver_at(
                self.now,
                a,
                Input::Net(NetEvent::SyncResult {
                    peer,
                    tag,
                    result: Err("not connected".into()),
                }),
            );
            return;
        }
        if honest {
            self.check_sync(a, b, &request);
        }
        // The network layer refuses a request naming a community the sender may not sync,
        // before the receiver's hub sees it (and cuts off a stranger).
        let c = request.community().clone();
        if !self.devices[b].access.allows(&from, &c) {
            let stranger = !self.devices[b].access.knows(&from);
            self.deliver_later(
                a,
                Input::Net(NetEvent::SyncResult {
                    peer,
                    tag,
                    result: Ok(SyncResponse::Refused(Refusal::NotAMember)),
                }),
            );
            if stranger {
                self.close(a, b);
            }
            return;
        }
        if self.rng.gen_bool(self.faults.drop) {
            let at = self.now.plus_millis(TIMEOUT_MS);
            self.deliver_at(
                at,
                a,
                Input::Net(NetEvent::SyncResult {
                    peer,
                    tag,
                    result: Err("timeout".into()),
                }),
            );
            return;
        }
        let copies = if self.rng.gen_bool(self.faults.duplicate) {
            2
        } else {
            1
        };
        for copy in 0..copies {
            let inbound = self.inbound();
            let answer_to = (copy == 0).then_some(tag);
            self.sync_pending.insert((b, inbound.0), (a, answer_to));
            self.deliver_later(
                b,
                Input::Net(NetEvent::SyncRequest {
                    peer: from.clone(),
                    inbound,
                    request: request.clone(),
                }),
            );
        }
    }

    // ----- what the network inspects -----

    /// Whether `m` was ever a member of `c`, in any device's copy.
    fn ever_member(&self, c: &CommunityId, m: &MemberId) -> bool {
        self.devices.iter().any(|d| {
            let docs = d
                .hub
                .as_ref()
                .and_then(|h| h.community(c).cloned())
                .or_else(|| d.store.community(c));
            docs.is_some_and(|doc| members::read_member(doc.doc(), m).is_some())
        })
    }

    /// A sync request from `a` to `b`: `b` must be a member, and if `a` knows `b` was
    /// removed, it carries only changes `a` held when it learned that.
    fn check_sync(&mut self, a: Dev, b: Dev, request: &SyncRequest) {
        let c = request.community().clone();
        let mb = self.devices[b].member.clone();
        if !self.ever_member(&c, &mb) {
            self.violations.push(format!(
                "t={} device {a} sent community {c} to device {b}, which was never a member",
                self.now.0
            ));
            return;
        }
        let Some(held) = self.devices[a].removal_seen.get(&(c.clone(), mb)) else {
            return;
        };
        let hashes: Vec<ChangeHash> = match request {
            SyncRequest::Changes { changes, .. } => parse_changes(changes)
                .map(|cs| cs.iter().map(|c| c.hash()).collect())
                .unwrap_or_default(),
            SyncRequest::Sync { message, .. } => Message::decode(message)
                .map(|m| m.changes.iter().flat_map(chunk_hashes).collect())
                .unwrap_or_default(),
        };
        for h in hashes {
            if !held.contains(&h) {
                self.violations.push(format!(
                    "t={} device {a} sent removed device {b} change {h}, written after the removal reached it",
                    self.now.0
                ));
            }
        }
    }

    /// A member admitted `to` and sends it the community: it must be a member in it.
    fn check_admitted(&mut self, from: Dev, to: Dev, document: &[u8]) {
        let mt = self.devices[to].member.clone();
        match copse_core::Community::load(document) {
            Ok(c) if c.is_member(&mt) => {}
            _ => self.violations.push(format!(
                "t={} device {from} sent a community to device {to}, which it does not hold as a member",
                self.now.0
            )),
        }
    }
}

/// What a simulated device's member says about themselves.
pub fn details(d: usize) -> MemberDetails {
    MemberDetails {
        name: format!("Device {d}"),
        skills: vec!["simulation".into()],
        ..MemberDetails::default()
    }
}
