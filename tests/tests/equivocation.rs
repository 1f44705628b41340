//! A member who tells two devices two different changes at one place (equivocates), over
//! the real protocol and while the two devices are apart: once they meet, they hold the
//! same history (neither change, anywhere), the member is removed with the proof on both,
//! and the honest post each made on top of what it was told stands on both, written again
//! by its own device.

#![allow(clippy::unwrap_used)]

use copse_core::automerge::transaction::Transactable;
use copse_core::automerge::{Automerge, ROOT, ReadDoc};
use copse_core::guard::Signer;
use copse_core::guard::signature::signature_change;
use copse_core::sync::SyncResponse;
use copse_scenarios::net::{TestPeer, converged, wait_for};
use copse_scenarios::rogue::{RoguePeer, key_and_copy};

/// The bytes of a signed change to `key`'s own bio on `copy` (under `actor`), with its
/// signature change.
fn signed_bio(
    copy: &Automerge,
    key: &Signer,
    actor: &copse_core::automerge::ActorId,
    bio: &str,
) -> Vec<u8> {
    let mut doc = copy.fork();
    doc.set_actor(actor.clone());
    let (_, members) = doc.get(ROOT, "members").unwrap().unwrap();
    let (_, entry) = doc.get(&members, key.member().as_str()).unwrap().unwrap();
    let meta = copse_core::commit_meta::CommitMeta {
        by: key.member().clone(),
        cmd: "update_my_details".into(),
        obj: None,
    };
    let mut tx = doc.transaction();
    tx.put(&entry, "bio", bio).unwrap();
    let (hash, _) = tx.commit_with(
        copse_core::automerge::transaction::CommitOptions::default()
            .with_message(meta.to_message()),
    );
    let hash = hash.unwrap();
    let change = doc.get_change_by_hash(&hash).unwrap();
    let sig = signature_change(&change, &key.sign(&hash));
    let mut bytes = change.raw_bytes().to_vec();
    bytes.extend_from_slice(sig.raw_bytes());
    bytes
}

fn is_removed(shown: &serde_json::Value, member: &copse_core::MemberId) -> bool {
    shown["members"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["id"] == member.as_str() && !e["removed_at"].is_null())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn devices_told_different_changes_converge_remove_the_member_and_keep_honest_edits() {
    let a = TestPeer::start("Ada").await;
    let id = a.create("Guild").await;
    let c = TestPeer::start("Cyd").await;
    c.join(&a.invite(&id, 1).await).await.unwrap();
    let m = TestPeer::start("Mallory").await;
    m.join(&a.invite(&id, 1).await).await.unwrap();
    converged(&[&a, &c, &m], &id).await;
    let (key, copy) = key_and_copy(&m, &id).await;
    // Two changes at one place: one actor (fresh, so one sequence number), two bios.
    let actor = key.actor(&mut rand::thread_rng());
    let told_ada = signed_bio(&copy, &key, &actor, "glulam");
    let told_cyd = signed_bio(&copy, &key, &actor, "steel");
    let mallory = m.member.clone();
    let mut rogue = RoguePeer::take_over(&m).await;

    // Cyd is away; Ada is told one change and writes on top of it.
    let TestPeer { handle, dir, .. } = c;
    handle.shutdown().await;
    rogue.connect(&a).await;
    let answer = rogue.push(&a.member, &id, vec![], told_ada).await;
    assert!(matches!(answer, Ok(SyncResponse::Ok { .. })), "{answer:?}");
    a.post(&id, "Ada's post").await;
    // Ada is away; Cyd is told the other and writes on top of it.
    let TestPeer {
        handle,
        dir: ada_dir,
        ..
    } = a;
    handle.shutdown().await;
    let c = TestPeer::start_in("Cyd", dir).await;
    rogue.connect(&c).await;
    let answer = rogue.push(&c.member, &id, vec![], told_cyd).await;
    assert!(matches!(answer, Ok(SyncResponse::Ok { .. })), "{answer:?}");
    c.post(&id, "Cyd's post").await;
    drop(rogue);

    // They meet.
    let a = TestPeer::start_in("Ada", ada_dir).await;
    a.handle.dial(vec![c.addr.clone()]).await.unwrap();
    wait_for(
        &[&a, &c],
        "both posts on both devices, Mallory removed",
        || async {
            for p in [&a, &c] {
                let titles = p.titles(&id).await;
                if !titles.contains(&"Ada's post".to_owned())
                    || !titles.contains(&"Cyd's post".to_owned())
                    || !is_removed(&p.show(&id).await, &mallory)
                {
                    return false;
                }
            }
            true
        },
    )
    .await;
    let shown = converged(&[&a, &c], &id).await;
    let bios = shown.to_string();
    assert!(
        !bios.contains("glulam") && !bios.contains("steel"),
        "neither of the two changes stands"
    );
    for p in [&a, &c] {
        assert!(
            p.refused(&id)
                .await
                .iter()
                .any(|r| r.reason == copse_core::guard::Violation::Equivocation),
            "{} reports the equivocation",
            p.name
        );
    }
    // The same after a restart: the disk holds what memory holds.
    let before = a.heads(&id).await;
    let TestPeer { handle, dir, .. } = a;
    handle.shutdown().await;
    let a = TestPeer::start_in("Ada", dir).await;
    assert_eq!(a.heads(&id).await, before);
    a.post(&id, "after").await;
}
