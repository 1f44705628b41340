//! A file or a pushed batch holding a change that contradicts the history (another change
//! under the same actor and sequence number: its author equivocates) is settled as every
//! device settles it (the change with the smaller hash stays, `copse_core::equivocation`),
//! the same in memory and on disk, reported, and nothing honest is lost; it no longer
//! makes the whole merge fail.

#![allow(clippy::unwrap_used)]

use copse_core::automerge::transaction::Transactable;
use copse_core::automerge::{Automerge, ChangeHash, ROOT, ReadDoc};
use copse_core::guard::signature::{read_signature, signature_change};
use copse_core::guard::{Signer, member_of_actor};
use copse_core::sync::SyncResponse;
use copse_core::{Community, CommunityId};
use copse_peer::ask;
use copse_scenarios::net::{TestPeer, converged};
use copse_scenarios::rogue::RoguePeer;

/// The key of `p`'s device.
fn key_of(p: &TestPeer) -> Signer {
    let seed: [u8; 32] = std::fs::read(p.dir.path().join("identity.key"))
        .unwrap()
        .try_into()
        .unwrap();
    Signer::from_seed(seed)
}

/// Writes a new bio into `key`'s own member entry (an edit the guard allows), signed.
fn sign_bio(doc: &mut Automerge, key: &Signer, bio: &str) {
    let (_, members) = doc.get(ROOT, "members").unwrap().unwrap();
    let (_, entry) = doc.get(&members, key.member().as_str()).unwrap().unwrap();
    let (hash, _) = {
        let mut tx = doc.transaction();
        tx.put(&entry, "bio", bio).unwrap();
        tx.commit()
    };
    let hash = hash.unwrap();
    let change = doc.get_change_by_hash(&hash).unwrap();
    let sig = signature_change(&change, &key.sign(&hash));
    doc.apply_changes([sig]).unwrap();
}

/// A copy of `doc` that contradicts it: the last change `key` made is replaced by another
/// change under the same actor and sequence number (validly signed, and allowed by the
/// rules: only its place gives it away), then a change that builds on it.
fn contradicting_copy(doc: &Automerge, key: &Signer) -> Automerge {
    let last = doc
        .get_changes(&[])
        .into_iter()
        .rfind(|c| {
            member_of_actor(c.actor_id()).as_ref() == Some(key.member())
                && read_signature(c).is_none()
        })
        .unwrap();
    let mut fork = doc.fork_at(last.deps()).unwrap();
    fork.set_actor(last.actor_id().clone());
    sign_bio(&mut fork, key, "another story");
    fork.set_actor(key.actor(&mut rand::thread_rng()));
    sign_bio(&mut fork, key, "looks fine");
    fork
}

async fn heads(p: &TestPeer, c: &CommunityId) -> Vec<ChangeHash> {
    p.ask(ask::Heads {
        community: c.clone(),
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_contradicting_file_is_settled_alike_in_memory_and_on_disk() {
    let a = TestPeer::start("Ada").await;
    let id = a.create("Guild").await;
    a.post(&id, "before").await;
    let before = heads(&a, &id).await;
    let exported = a.dir.path().join("guild.am");
    a.handle.export(&id, exported.clone()).await.unwrap();
    let doc = Automerge::load(&std::fs::read(&exported).unwrap()).unwrap();
    // A file that loads on its own: the community as it was before Ada's last change, then
    // another change under that change's actor and number, then an innocent one.
    let fork = contradicting_copy(&doc, &key_of(&a));
    let bad = a.dir.path().join("bad.am");
    std::fs::write(&bad, fork.save()).unwrap();

    a.handle.import(bad).await.unwrap();
    let settled = heads(&a, &id).await;
    if settled != before {
        // The file's change won: Ada's own last post, dropped with hers, is written again.
        assert!(a.titles(&id).await.contains(&"before".to_owned()));
    }
    let refused = a.refused(&id).await;
    assert!(
        refused
            .iter()
            .any(|r| r.reason == copse_core::guard::Violation::Equivocation),
        "{refused:?}"
    );
    // And on disk: after a restart, the same.
    let TestPeer { handle, dir, .. } = a;
    handle.shutdown().await;
    let a = TestPeer::start_in("Ada", dir).await;
    assert_eq!(heads(&a, &id).await, settled, "on disk");
    assert!(a.titles(&id).await.contains(&"before".to_owned()));
    a.post(&id, "after").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_contradicting_pushed_batch_is_settled_alike_in_memory_and_on_disk() {
    let a = TestPeer::start("Ada").await;
    let m = TestPeer::start("Mallory").await;
    let id = a.create("Guild").await;
    m.join(&a.invite(&id, 1).await).await.unwrap();
    a.post(&id, "before").await;
    m.post(&id, "Mallory's last honest post").await;
    converged(&[&a, &m], &id).await;
    let file = m.dir.path().join("copy.am");
    m.handle.export(&id, file.clone()).await.unwrap();
    let doc = Automerge::load(&std::fs::read(&file).unwrap()).unwrap();
    // Mallory equivocates: her own last change, rewritten under its actor and number.
    let key = key_of(&m);
    let fork = contradicting_copy(&doc, &key);
    let mut changes = Vec::new();
    for c in fork.get_changes(&[]) {
        if doc.get_change_by_hash(&c.hash()).is_none() {
            changes.extend_from_slice(c.raw_bytes());
        }
    }

    // Mallory's device goes rogue: her identity, raw network access, no runtime.
    let mut rogue = RoguePeer::take_over(&m).await;
    rogue.connect(&a).await;
    let answer = rogue.push(&a.member, &id, vec![], changes).await;
    assert!(matches!(answer, Ok(SyncResponse::Ok { .. })), "{answer:?}");
    let settled = heads(&a, &id).await;
    let refused = a.refused(&id).await;
    assert!(
        refused.iter().any(|r| {
            r.reason == copse_core::guard::Violation::Equivocation
                && r.author.as_ref() == Some(&m.member)
        }),
        "{refused:?}"
    );
    let TestPeer { handle, dir, .. } = a;
    handle.shutdown().await;
    let a = TestPeer::start_in("Ada", dir).await;
    assert_eq!(heads(&a, &id).await, settled, "on disk");
    // Mallory, proven to equivocate, is removed; Ada's post stands.
    let shown = a.show(&id).await;
    assert!(
        shown["members"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["id"] == m.member.as_str() && !e["removed_at"].is_null()),
        "Mallory is removed"
    );
    assert!(a.titles(&id).await.contains(&"before".to_owned()));
    // The community still loads and works.
    let _: Community = Community::load(&std::fs::read(&file).unwrap()).unwrap();
    a.post(&id, "after").await;
}
