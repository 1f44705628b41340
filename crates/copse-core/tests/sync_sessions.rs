//! Sync sessions over a simulated network (in order per direction, random interleaving):
//! replicas that edit concurrently, push, and run rounds all converge.

#![allow(clippy::unwrap_used)]

mod fixture;

use std::collections::VecDeque;

use copse_core::record::ThreadKind;
use copse_core::sync::{Gate, SyncRequest, SyncResponse, SyncSession};
use copse_core::{Command, Community, MemberId, Timestamp};
use fixture::Fixture;
use proptest::prelude::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

struct Node {
    community: Community,
    me: MemberId,
    /// Session with each other node (index), if connected.
    sessions: Vec<Option<SyncSession>>,
}

/// A request in transit from `from` to `to`, and its response on the way back.
enum Msg {
    Req {
        from: usize,
        to: usize,
        req: SyncRequest,
    },
    Resp {
        from: usize,
        to: usize,
        resp: SyncResponse,
    },
}

struct Net {
    nodes: Vec<Node>,
    /// One FIFO per ordered pair, as a libp2p stream per direction would be.
    links: Vec<VecDeque<Msg>>,
    n: usize,
    now: Timestamp,
    /// Sync-protocol (round) messages delivered.
    rounds: usize,
}

impl Net {
    /// Ada and Bob, each with a copy of the fixture's community, not connected.
    fn ada_and_bob(f: &Fixture) -> Self {
        let saved = f.community.doc().save();
        Net {
            nodes: [&f.ada, &f.bob]
                .into_iter()
                .map(|m| Node {
                    community: Community::load(&saved).unwrap(),
                    me: m.clone(),
                    sessions: vec![None, None],
                })
                .collect(),
            links: (0..4).map(|_| VecDeque::new()).collect(),
            n: 2,
            now: f.now,
            rounds: 0,
        }
    }

    fn link(&mut self, from: usize, to: usize) -> &mut VecDeque<Msg> {
        &mut self.links[from * self.n + to]
    }

    fn pump(&mut self, i: usize) {
        let id = self.nodes[i].community.id().clone();
        for j in 0..self.n {
            let node = &mut self.nodes[i];
            let Some(s) = node.sessions[j].as_mut() else {
                continue;
            };
            if let Some(req) = s.poll(&id, node.community.doc()) {
                self.link(i, j).push_back(Msg::Req {
                    from: i,
                    to: j,
                    req,
                });
            }
        }
    }

    fn changed(
        &mut self,
        i: usize,
        heads_before: &[copse_core::automerge::ChangeHash],
        except: Option<usize>,
    ) {
        for (j, s) in self.nodes[i].sessions.iter_mut().enumerate() {
            if Some(j) != except
                && let Some(s) = s
            {
                s.changed_since(heads_before);
            }
        }
        self.pump(i);
    }

    /// Delivers the next message on link (a -> b), if any.
    fn deliver(&mut self, a: usize, b: usize) {
        let Some(msg) = self.link(a, b).pop_front() else {
            return;
        };
        let now = self.now;
        match msg {
            Msg::Req { from, to, req } => {
                let node = &mut self.nodes[to];
                let Some(session) = node.sessions[from].as_mut() else {
                    return;
                };
                let doc = node.community.doc_mut();
                let received = match req {
                    SyncRequest::Sync { message, .. } => session
                        .receive_sync(doc, &message, now, &Gate::accepting_unsigned())
                        .unwrap(),
                    SyncRequest::Changes { heads, changes, .. } => session
                        .receive_changes(doc, heads, &changes, now, &Gate::accepting_unsigned())
                        .unwrap(),
                };
                let heads = node.community.doc().get_heads();
                self.link(to, from).push_back(Msg::Resp {
                    from: to,
                    to: from,
                    resp: SyncResponse::Ok { heads },
                });
                if received.changed {
                    self.changed(to, &received.heads_before, Some(from));
                }
                self.pump(to);
            }
            Msg::Resp { from, to, resp } => {
                let node = &mut self.nodes[to];
                if let Some(s) = node.sessions[from].as_mut() {
                    s.on_response(resp, node.community.doc(), now).unwrap();
                }
                self.pump(to);
            }
        }
    }

    fn connect(&mut self, a: usize, b: usize) {
        self.nodes[a].sessions[b] = Some(SyncSession::resume(None, self.nodes[a].community.doc()));
        self.nodes[b].sessions[a] = Some(SyncSession::resume(None, self.nodes[b].community.doc()));
        self.pump(a);
        self.pump(b);
    }

    /// Drops the sessions between `a` and `b` and resumes them from their saved states.
    fn reconnect(&mut self, a: usize, b: usize) {
        for (x, y) in [(a, b), (b, a)] {
            let saved = self.nodes[x].sessions[y].take().map(|s| s.encoded_state());
            let resumed = SyncSession::resume(saved.as_deref(), self.nodes[x].community.doc());
            self.nodes[x].sessions[y] = Some(resumed);
        }
        self.link(a, b).clear();
        self.link(b, a).clear();
        self.pump(a);
        self.pump(b);
    }

    fn drain(&mut self) -> usize {
        let mut delivered = 0;
        while !self.quiet() {
            for a in 0..self.n {
                for b in 0..self.n {
                    if a != b && !self.links[a * self.n + b].is_empty() {
                        if let Some(Msg::Req {
                            req: SyncRequest::Sync { .. },
                            ..
                        }) = self.links[a * self.n + b].front()
                        {
                            self.rounds += 1;
                        }
                        self.deliver(a, b);
                        delivered += 1;
                    }
                }
            }
        }
        delivered
    }

    fn quiet(&self) -> bool {
        self.links.iter().all(VecDeque::is_empty)
    }
}

fn run(seed: u64, steps: usize, topology_line: bool) {
    let f = Fixture::new(seed);
    let members = [f.ada.clone(), f.bob.clone(), f.cyd.clone()];
    let saved = f.community.doc().save();
    let n = 3;
    let mut net = Net {
        nodes: members
            .iter()
            .map(|m| Node {
                community: Community::load(&saved).unwrap(),
                me: m.clone(),
                sessions: vec![None, None, None],
            })
            .collect(),
        links: (0..n * n).map(|_| VecDeque::new()).collect(),
        n,
        now: f.now,
        rounds: 0,
    };
    // A line (0-1-2) checks that changes travel on through a middle peer.
    net.connect(0, 1);
    net.connect(1, 2);
    if !topology_line {
        net.connect(0, 2);
    }
    let mut rng = StdRng::seed_from_u64(seed);
    for step in 0..steps {
        net.now = net.now.plus_millis(1000);
        if rng.gen_bool(0.3) {
            let i = rng.gen_range(0..n);
            let node = &mut net.nodes[i];
            let heads_before = node.community.doc().get_heads();
            let me = node.me.clone();
            node.community
                .apply(
                    &me,
                    net.now,
                    &mut rng,
                    Command::StartThread {
                        kind: ThreadKind::Discussion,
                        title: format!("t{step}"),
                        body: "b".into(),
                        tags: vec![],
                    },
                )
                .unwrap();
            net.changed(i, &heads_before, None);
        } else {
            let a = rng.gen_range(0..n);
            let b = rng.gen_range(0..n);
            if a != b {
                net.deliver(a, b);
            }
        }
    }
    // Drain.
    let mut guard = 0;
    while !net.quiet() {
        for a in 0..n {
            for b in 0..n {
                if a != b {
                    net.deliver(a, b);
                }
            }
        }
        guard += 1;
        assert!(guard < 10_000, "sync did not settle (seed {seed})");
    }
    let mut heads: Vec<Vec<_>> = net
        .nodes
        .iter()
        .map(|x| {
            let mut h = x.community.doc().get_heads();
            h.sort();
            h
        })
        .collect();
    heads.dedup();
    assert_eq!(heads.len(), 1, "replicas diverged (seed {seed})");
    for (i, node) in net.nodes.iter().enumerate() {
        for (j, s) in node.sessions.iter().enumerate() {
            if let Some(s) = s {
                assert!(
                    s.is_up_to_date(node.community.doc()),
                    "{i} thinks {j} is behind (seed {seed})"
                );
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]
    #[test]
    fn sessions_converge_in_a_triangle(seed in any::<u64>()) {
        run(seed, 200, false);
    }

    #[test]
    fn changes_travel_on_through_a_middle_peer(seed in any::<u64>()) {
        run(seed, 200, true);
    }
}

#[test]
fn garbage_from_a_peer_is_an_error_not_a_panic() {
    let f = Fixture::new(1);
    let mut doc = f.community.doc().clone();
    let mut s = SyncSession::resume(Some(b"not a sync state"), &doc);
    assert!(
        s.receive_sync(
            &mut doc,
            b"\x42garbage",
            Timestamp(1),
            &Gate::accepting_unsigned()
        )
        .is_err()
    );
    assert!(
        s.receive_changes(
            &mut doc,
            vec![],
            b"\x85\x6f\x4a\x83garbage",
            Timestamp(1),
            &Gate::accepting_unsigned(),
        )
        .is_err()
    );
    // A real change with one flipped byte fails its checksum.
    let mut other = f.community.doc().clone();
    let heads = other.get_heads();
    other
        .transact(|tx| {
            copse_core::automerge::transaction::Transactable::put(
                tx,
                copse_core::automerge::ROOT,
                "x",
                1,
            )
        })
        .unwrap();
    let mut bytes = other.save_after(&heads);
    let n = bytes.len();
    bytes[n - 3] ^= 0x10;
    assert!(
        s.receive_changes(
            &mut doc,
            vec![],
            &bytes,
            Timestamp(1),
            &Gate::accepting_unsigned()
        )
        .is_err()
    );
    assert_eq!(doc.get_heads(), f.community.doc().get_heads());
}

#[test]
fn reconnecting_with_saved_states_needs_no_rounds() {
    let f = Fixture::new(5);
    let mut net = Net::ada_and_bob(&f);
    net.connect(0, 1);
    net.drain();
    // Offline: both edit; then reconnect with the saved sync states.
    let mut rng = StdRng::seed_from_u64(5);
    for (i, who) in [(0usize, 0usize), (1, 0), (2, 1)] {
        let node = &mut net.nodes[who];
        let me = node.me.clone();
        node.community
            .apply(
                &me,
                net.now,
                &mut rng,
                Command::StartThread {
                    kind: ThreadKind::Discussion,
                    title: format!("offline {i}"),
                    body: "b".into(),
                    tags: vec![],
                },
            )
            .unwrap();
    }
    net.rounds = 0;
    net.reconnect(0, 1);
    net.drain();
    assert_eq!(
        net.rounds, 0,
        "a reconnect with saved states should only push"
    );
    assert_eq!(
        net.nodes[0].community.doc().get_heads().len(),
        net.nodes[1].community.doc().get_heads().len()
    );
    let mut h0 = net.nodes[0].community.doc().get_heads();
    let mut h1 = net.nodes[1].community.doc().get_heads();
    h0.sort();
    h1.sort();
    assert_eq!(h0, h1);
    for (i, node) in net.nodes.iter().enumerate() {
        let s = node.sessions[1 - i].as_ref().unwrap();
        assert!(s.is_up_to_date(node.community.doc()), "node {i}");
    }
}

#[test]
fn a_round_between_replicas_in_sync_stops_as_soon_as_both_know_it() {
    let f = Fixture::new(5);
    let mut net = Net::ada_and_bob(&f);
    // No saved state: each side says its heads once, and hears the other's.
    net.connect(0, 1);
    net.drain();
    assert!(
        net.rounds <= 4,
        "{} round messages for replicas already in sync",
        net.rounds
    );
    // A round asked for later (e.g. after a lost request) has nothing to say.
    let id = net.nodes[0].community.id().clone();
    for i in 0..2 {
        let node = &mut net.nodes[i];
        let s = node.sessions[1 - i].as_mut().unwrap();
        assert!(s.is_up_to_date(node.community.doc()), "node {i}");
        s.request_round();
        assert!(s.poll(&id, node.community.doc()).is_none(), "node {i}");
    }
}
