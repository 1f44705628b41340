//! [`World`]: several devices, each a real [`Hub`] over a [`MemoryStore`], on a simulated
//! network with a virtual clock. The network delays, drops, duplicates and reorders
//! messages, partitions and heals; devices crash (losing what their store had not finished)
//! and restart from their disk. Every message is inspected on its way: a non-member must
//! never receive a byte of a community, and a removed member nothing written after its
//! removal reached the sender.

use std::collections::{BTreeMap, BTreeSet};

use copse_core::automerge::ChangeHash;
use copse_core::guard::Signer;
use copse_core::record::MemberDetails;
use copse_core::sync::Tag;
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
pub(super) const TIMEOUT_MS: i64 = 5_000;
/// Tick period.
pub(super) const TICK_MS: i64 = 500;

#[derive(Debug)]
pub(super) enum Event {
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
    pub(super) store_free_at: Timestamp,
    /// Its partition group.
    pub group: u8,
    /// The last access list its hub gave the network.
    pub(super) access: AccessList,
    /// What it did.
    pub journal: Journal,
    /// Members whose removal this device has applied, with every change it held then.
    pub(super) removal_seen: BTreeMap<(CommunityId, MemberId), BTreeSet<ChangeHash>>,
}

/// The changes in one chunk of a sync message: a change, or (V2) a whole saved document.
pub(super) fn chunk_hashes(chunk: &[u8]) -> Vec<ChangeHash> {
    if let Ok(change) = copse_core::automerge::Change::try_from(chunk) {
        return vec![change.hash()];
    }
    copse_core::automerge::Automerge::load(chunk)
        .map(|doc| doc.get_changes(&[]).iter().map(|c| c.hash()).collect())
        .unwrap_or_default()
}

/// A network operation in a line.
pub(super) fn short(op: &NetOp) -> String {
    let text = format!("{op:?}");
    text.chars().take(160).collect()
}

/// A pending request: who asked, with which tag; `None` tag for a duplicate whose answer
/// is thrown away.
pub(super) type Pending = BTreeMap<(Dev, u64), (Dev, Option<Tag>)>;

/// The simulation.
pub struct World {
    /// The devices.
    pub devices: Vec<Device>,
    pub(super) agenda: Agenda<Event>,
    /// Virtual now.
    pub now: Timestamp,
    pub(super) rng: ChaCha8Rng,
    pub(super) seed: u64,
    pub(super) faults: NetFaults,
    pub(super) conns: BTreeSet<(Dev, Dev)>,
    /// When each device last hears of its link to a peer: `(device, peer)`.
    pub(super) link_heard_at: BTreeMap<(Dev, Dev), Timestamp>,
    pub(super) blocked: BTreeSet<(Dev, Dev)>,
    pub(super) sync_pending: Pending,
    pub(super) join_pending: Pending,
    pub(super) next_inbound: u64,
    pub(super) next_request: u64,
    /// Invariants broken so far (the run fails if any).
    pub violations: Vec<String>,
    /// Print what happens (`COPSE_SIM_TRACE=1`).
    pub(super) trace: bool,
    /// Requests injected so far (see [`World::inject`]).
    pub(super) injected: u64,
}

/// Device `i`'s key: the same in every run, so traces read alike.
pub(super) fn key_of(i: Dev) -> Signer {
    let mut seed = [7u8; 32];
    seed[..8].copy_from_slice(&(i as u64).to_le_bytes());
    Signer::from_seed(seed)
}

pub(super) fn listen_addr(i: Dev) -> String {
    format!("/ip4/10.0.{}.{}/tcp/4001", i / 250, i % 250 + 1)
}

pub(super) fn pair(a: Dev, b: Dev) -> (Dev, Dev) {
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

    pub(super) fn delay(&mut self) -> i64 {
        self.rng.gen_range(1..=self.faults.max_delay_ms.max(1))
    }

    pub(super) fn later(&mut self) -> Timestamp {
        let d = self.delay();
        self.now.plus_millis(d)
    }

    pub(super) fn deliver_at(&mut self, at: Timestamp, dev: Dev, input: Input) {
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

    pub(super) fn deliver_later(&mut self, dev: Dev, input: Input) {
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
            relays: Vec::new(),
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

    pub(super) fn reachable(&self, a: Dev, b: Dev) -> bool {
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

    pub(super) fn handle(&mut self, d: Dev, input: Input) {
        let now = self.now;
        let Some(hub) = self.devices[d].hub.as_mut() else {
            return;
        };
        let outputs = hub.handle(now, input);
        self.note_removals(d);
        self.outputs(d, outputs);
    }

    pub(super) fn outputs(&mut self, d: Dev, outputs: Vec<Output>) {
        for o in outputs {
            match o {
                Output::Net(op) => self.net(d, op),
                // No search index in the simulation.
                Output::Index { .. } => {}
                // After whatever else is due now.
                Output::Continue(input) => {
                    let epoch = self.devices[d].epoch;
                    self.agenda.at(
                        self.now,
                        Event::Input {
                            dev: d,
                            epoch,
                            input: Box::new(input),
                        },
                    );
                }
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
}

/// What a simulated device's member says about themselves.
pub fn details(d: usize) -> MemberDetails {
    MemberDetails {
        name: format!("Device {d}"),
        skills: vec!["simulation".into()],
        ..MemberDetails::default()
    }
}
