//! What the clock drives: sealing old histories once, redials, sessions that stalled or
//! were refused, our recorded addresses, the cached first screens, and what is saved at
//! shutdown. Scheduled by `now`, whatever the driver's tick rate.

use std::collections::BTreeMap;

use copse_core::view::members::{self, MemberFilter};
use copse_core::{Command, CommunityId, MemberId, Timestamp};

use crate::replica::Changed;
use crate::{Hub, NetOp, StoreOp};

/// Redial members, and retry sessions closed by a refusal or stalled, this often.
const REDIAL_EVERY_MS: i64 = 2_000;
/// Refresh the cached first screens this often (and at shutdown).
const CACHE_EVERY_MS: i64 = 60_000;
/// A session whose peer differs from us and said nothing for this long gets a round.
const STALLED_MS: i64 = 10_000;

/// When periodic work is next due.
#[derive(Debug)]
pub(crate) struct Schedule {
    sealed: bool,
    next_redial: Timestamp,
    next_cache: Timestamp,
}

impl Schedule {
    pub(crate) fn starting_at(now: Timestamp) -> Self {
        Self {
            sealed: false,
            next_redial: now.plus_millis(REDIAL_EVERY_MS),
            next_cache: now.plus_millis(CACHE_EVERY_MS),
        }
    }
}

/// Whether `next` has come; if so, the next time is `every` from now.
fn due(next: &mut Timestamp, now: Timestamp, every: i64) -> bool {
    if now < *next {
        return false;
    }
    *next = now.plus_millis(every);
    true
}

impl Hub {
    pub(crate) fn tick(&mut self) {
        if !std::mem::replace(&mut self.schedule.sealed, true) {
            self.seal_histories();
        }
        self.record_own_addrs();
        if due(&mut self.schedule.next_redial, self.now, REDIAL_EVERY_MS) {
            self.redial();
            // A session either side closed (a refusal while copies disagreed on who is a
            // member) comes back while the connection stays.
            let peers: Vec<MemberId> = self.connected.keys().cloned().collect();
            for p in peers {
                self.start_sessions_with(&p);
            }
            self.restart_stalled_sessions();
            self.want_relays();
        }
        // Retry sessions whose last request failed.
        for (c, p) in self.sessions.matching(|_, _| true) {
            self.pump(&c, &p);
        }
        if due(&mut self.schedule.next_cache, self.now, CACHE_EVERY_MS) {
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
            let sealed = r.community_mut().seal_history(now);
            written_on_open(r, c, sealed, "sealed the history written before signatures");
            // A community made before the current rules moves onto them (once, by a
            // coordinator's device): what builds on the marker is judged by them.
            let upgraded = r.community_mut().upgrade_rules(now, &mut self.rng);
            written_on_open(r, c, upgraded, "moved the community onto the current rules");
        }
    }

    /// Sessions where each side waits on the other get a fresh round.
    fn restart_stalled_sessions(&mut self) {
        for (c, p) in self.sessions.matching(|_, _| true) {
            let (Some(r), Some(s)) = (self.replicas.get(&c), self.sessions.get_mut(&c, &p)) else {
                continue;
            };
            if s.sync.is_stalled(r.community().doc(), self.now, STALLED_MS) {
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
            let Some(entry) = members::current_member(r.community().doc(), &self.me) else {
                continue;
            };
            if entry.addrs == addrs {
                continue;
            }
            if !r.is_ready() || r.addrs_recorded_recently(self.now) {
                pending = true;
                continue;
            }
            let set = Command::SetMyAddrs {
                addrs: addrs.clone(),
            };
            match self.apply(&c, set) {
                Ok(_) => {
                    if let Some(r) = self.replicas.get_mut(&c) {
                        r.addrs_recorded(self.now);
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
                if !r.community().is_member(&self.me) {
                    continue;
                }
                for m in members::directory(r.community().doc(), &MemberFilter::default()) {
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
    pub(crate) fn redial(&mut self) {
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
            let Some(view) = r.take_view() else {
                continue;
            };
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

    /// Saves what should outlive the process, then stops the network.
    pub(crate) fn shutdown(&mut self) {
        self.close_sessions(|_, _| true);
        self.flush_caches();
        if let Some(bytes) = self.book.take_changes() {
            self.store(StoreOp::AddressBook { bytes });
        }
        self.net(NetOp::Shutdown);
    }
}

/// A change this device writes on its own when it opens a community (a seal, the rules
/// marker): durable and told like any edit of its own.
fn written_on_open(
    r: &mut crate::replica::Replica,
    c: &copse_core::CommunityId,
    written: Result<Option<copse_core::Applied>, copse_core::CommandError>,
    what: &str,
) {
    match written {
        Ok(Some(applied)) => {
            tracing::info!(community = %c, "{what}");
            r.changed(Changed {
                heads_before: applied.heads_before,
                source: None,
                local: true,
                metas: Vec::new(),
                membership: false,
            });
        }
        Ok(None) => {}
        Err(e) => tracing::warn!(community = %c, error = %e, "could not write on open ({what})"),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use crate::test_device::*;

    /// Regression: addresses reported by Identify from anyone were committed into every
    /// community on the next tick. A stranger's report counts for nothing, one member's is not
    /// enough, and the address set changes at most once per community per hour.
    #[test]
    fn observed_addresses_need_two_members_and_an_hour() {
        let mut a = Device::new(member(0));
        let c = a.create();
        a.feed(Input::Net(NetEvent::Listening {
            addr: "/ip4/192.0.2.10/tcp/4001".into(),
        }));
        a.advance(2_000);
        assert_eq!(a.addrs(&c), vec!["/ip4/192.0.2.10/tcp/4001".to_owned()]);

        // Two members join (as far as the hub knows: admitted with the founder's tickets).
        for (i, peer) in [member(1), member(2)].into_iter().enumerate() {
            let t = a.ticket(&c);
            a.feed(Input::Net(NetEvent::JoinRequest {
                request: join_request(&t, &peer),
                peer,
                inbound: InboundId(10 + i as u64),
            }));
        }
        let planted = "/ip4/203.0.113.66/tcp/4001";
        for _ in 0..50 {
            a.feed(Input::Net(NetEvent::ObservedAddr {
                addr: planted.into(),
                reporter: member(9),
            }));
        }
        a.feed(Input::Net(NetEvent::ObservedAddr {
            addr: planted.into(),
            reporter: member(1),
        }));
        a.advance(5_000);
        assert!(
            !a.addrs(&c).contains(&planted.to_owned()),
            "a stranger and one member planted an address"
        );

        // A second member confirms it: recorded, but not before an hour after the last change.
        a.feed(Input::Net(NetEvent::ObservedAddr {
            addr: planted.into(),
            reporter: member(2),
        }));
        a.advance(5_000);
        assert!(
            !a.addrs(&c).contains(&planted.to_owned()),
            "changed within the hour"
        );
        for _ in 0..12 {
            a.advance(5 * 60_000);
        }
        assert!(a.addrs(&c).contains(&planted.to_owned()));
    }

    /// Regression (found by the simulator): a round's answer that never comes (lost with a
    /// refusal, a reconnect) left the session waiting for good with the peer behind. An idle
    /// session whose peer differs from us gets a fresh round.
    #[test]
    fn a_stalled_session_starts_a_fresh_round() {
        let mut a = Device::new(member(0));
        let b = member(1);
        // b answers the first round reporting only the founding change's heads: behind.
        let c = admitted_and_connected(&mut a, &b, |a, c| {
            let doc = a.hub.community(c).unwrap().doc();
            vec![doc.get_changes(&[]).first().unwrap().hash()]
        });
        let mut waited = 0;
        let restarted = loop {
            a.now = a.now.plus_millis(500);
            waited += 500;
            if let Some((_, round)) = sent_to(&a.feed(Input::Tick), &b) {
                break round;
            }
            assert!(
                waited <= 15_000,
                "no fresh round after {waited} ms idle\n{}",
                a.hub.describe()
            );
        };
        assert!(restarted, "the fresh request is a round");
        assert!(
            waited >= 10_000,
            "a round only after 10 s idle, got one after {waited} ms"
        );
        let _ = c;
    }
}
