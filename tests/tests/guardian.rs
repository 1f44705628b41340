//! A malicious member over the real protocol: Mallory's device goes rogue and pushes every
//! attack of `copse_testkit::malicious` to Ada and Bob over libp2p. Each honest peer refuses
//! each for the stated reason, stays connected to the other honest peers, and all honest
//! peers converge.

#![allow(clippy::unwrap_used, clippy::panic)]

use copse_core::ThreadId;
use copse_scenarios::net::{TestPeer, converged, wait_for};
use copse_scenarios::rogue::{RoguePeer, key_and_copy};
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
    let (key, base) = key_and_copy(&m, &id).await;
    let heads = base.get_heads();
    let mut forger = Forger::new(key, base);
    let attacks = forger.all(&a.member, Some(&thread));
    let mut rogue = RoguePeer::take_over(&m).await;
    for p in [&a, &b] {
        rogue.connect(p).await;
        for attack in &attacks {
            rogue
                .push(&p.member, &id, heads.clone(), attack.bytes())
                .await
                .ok();
        }
    }

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
