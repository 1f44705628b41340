//! A malicious member over the real protocol: Mallory's device goes rogue and pushes every
//! attack of `copse_testkit::malicious` to Ada and Bob over libp2p. Each honest peer refuses
//! each for the stated reason, stays connected to the other honest peers, and all honest
//! peers converge.

#![allow(clippy::unwrap_used, clippy::panic)]

use std::time::Duration;

use copse_core::ThreadId;
use copse_core::automerge::Automerge;
use copse_core::guard::Signer;
use copse_core::sync::{Refusal, SyncRequest, SyncResponse, Tag};
use copse_net::{NetConfig, NetEvent, NetOp};
use copse_scenarios::net::{TestPeer, converged, wait_for};
use copse_testkit::malicious::Forger;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_attack_is_refused_by_every_honest_peer_for_its_reason() {
    let a = TestPeer::start("Ada").await;
    let b = TestPeer::start("Bob").await;
    let c = TestPeer::start("Cyd").await;
    let m = TestPeer::start("Mallory").await;
    let id = a.create("Guild").await;
    let thread: ThreadId = a.post(&id, "Glulam spans").await.parse().unwrap();
    let ticket = a.invite(&id, 3).await;
    for p in [&b, &c, &m] {
        p.join(&ticket).await.unwrap();
    }
    converged(&[&a, &b, &c, &m], &id).await;

    // Mallory's device goes rogue: her key, her copy, raw network access, no runtime.
    let seed: [u8; 32] = std::fs::read(m.dir.path().join("identity.key"))
        .unwrap()
        .try_into()
        .unwrap();
    let file = m.dir.path().join("copy.am");
    m.handle.export(&id, file.clone()).await.unwrap();
    let base = Automerge::load(&std::fs::read(&file).unwrap()).unwrap();
    let heads = base.get_heads();
    m.handle.shutdown().await;
    let mut forger = Forger::new(Signer::from_seed(seed), base);
    let attacks = forger.all(&a.member, Some(&thread));
    let (raw, mut events, event_loop) = copse_net::new(NetConfig::loopback(seed)).unwrap();
    tokio::spawn(event_loop.run());
    for p in [&a, &b] {
        raw.send(NetOp::Dial {
            peer: Some(p.member.clone()),
            addrs: vec![p.addr.rsplit_once("/p2p/").unwrap().0.to_owned()],
        })
        .await;
    }
    let targets = [a.member.clone(), b.member.clone()];
    let mut connected = 0;
    let mut answers = Vec::new();
    tokio::time::timeout(Duration::from_secs(60), async {
        while answers.len() < attacks.len() * targets.len() {
            match events.recv().await.unwrap() {
                NetEvent::Connected { peer, .. } if targets.contains(&peer) => {
                    connected += 1;
                    for (i, attack) in attacks.iter().enumerate() {
                        raw.send(NetOp::SendSync {
                            peer: peer.clone(),
                            request: SyncRequest::Changes {
                                community: id.clone(),
                                heads: heads.clone(),
                                changes: attack.bytes(),
                            },
                            tag: Tag((connected * 100 + i) as u64),
                        })
                        .await;
                    }
                }
                NetEvent::SyncResult { result, .. } => answers.push(result),
                // Mallory answers nothing the honest peers ask.
                NetEvent::SyncRequest { inbound, .. } => {
                    raw.send(NetOp::RespondSync {
                        inbound,
                        response: SyncResponse::Refused(Refusal::Unavailable),
                    })
                    .await;
                }
                _ => {}
            }
        }
    })
    .await
    .expect("the honest peers never answered every push");

    for p in [&a, &b] {
        wait_for(&[p], "every attack refused", || async {
            p.refused(&id).await.len() >= attacks.len()
        })
        .await;
        let got = p.refused(&id).await;
        for attack in &attacks {
            let r = got
                .iter()
                .find(|r| r.change == attack.hash().to_string())
                .unwrap_or_else(|| panic!("{}: {} was not refused", p.name, attack.name));
            assert_eq!(r.reason, attack.reason, "{}: {}", p.name, attack.name);
        }
    }
    // The honest peers still talk to each other and converge; nothing of Mallory's shows.
    b.post(&id, "after the attacks").await;
    let shown = converged(&[&a, &b, &c], &id).await;
    let text = shown.to_string();
    assert!(text.contains("after the attacks"));
    for forged in ["whatever I like", "I resign", "../../etc"] {
        assert!(!text.contains(forged), "{forged} got in");
    }
    let status = a.handle.status().await.unwrap();
    assert!(status.connected.contains(&b.member) && status.connected.contains(&c.member));
}
