//! A merge that fails (a file or a pushed batch holding a change that contradicts the
//! history: another change under the same actor and sequence number) leaves the community
//! as it was, in memory and on disk.

#![allow(clippy::unwrap_used)]

use copse_core::automerge::transaction::Transactable;
use copse_core::automerge::{ActorId, Automerge, ChangeHash, ROOT};
use copse_core::sync::{SyncRequest, SyncResponse, Tag};
use copse_core::{Community, CommunityId};
use copse_net::{NetCommand, NetConfig, NetEvent};
use copse_peer::{Query, QueryReply};
use copse_scenarios::net::{TestPeer, converged};

/// Change chunks that contradict `doc`'s history: a valid change of a new actor, then the
/// last change rewritten (same actor and sequence number, other content), so a merge would
/// have something to take if it took anything.
fn contradicting(doc: &Automerge) -> (Vec<u8>, ChangeHash) {
    let last = doc.get_changes(&[]).last().cloned().unwrap();
    let mut fork = doc.fork_at(last.deps()).unwrap();
    fork.set_actor(last.actor_id().clone());
    fork.transact(|tx| tx.put(ROOT, "forged", "another story"))
        .unwrap();
    let forged = fork.get_changes(last.deps());
    let mut other = doc.fork();
    other.set_actor(ActorId::from([9u8; 16]));
    other
        .transact(|tx| tx.put(ROOT, "innocent", "looks fine"))
        .unwrap();
    let heads = doc.get_heads();
    let innocent = other.get_changes(&heads);
    let innocent_hash = innocent[0].hash();
    let mut bytes = Vec::new();
    for c in innocent.iter().chain(forged.iter()) {
        bytes.extend_from_slice(c.raw_bytes());
    }
    (bytes, innocent_hash)
}

async fn heads(p: &TestPeer, c: &CommunityId) -> Vec<ChangeHash> {
    match p
        .query(Query::Heads {
            community: c.clone(),
        })
        .await
    {
        QueryReply::Heads(h) => h,
        other => panic!("{other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_contradicting_file_changes_nothing_in_memory_or_on_disk() {
    let a = TestPeer::start("Ada").await;
    let id = a.create("Guild").await;
    a.post(&id, "before").await;
    let before = heads(&a, &id).await;
    let exported = a.dir.path().join("guild.am");
    a.handle.export(&id, exported.clone()).await.unwrap();
    let doc = Automerge::load(&std::fs::read(&exported).unwrap()).unwrap();
    // A file that loads on its own: the community as it was before Ada's last change, then
    // another change under that change's actor and number, then an innocent one.
    let last = doc.get_changes(&[]).last().cloned().unwrap();
    let mut fork = doc.fork_at(last.deps()).unwrap();
    fork.set_actor(last.actor_id().clone());
    fork.transact(|tx| tx.put(ROOT, "forged", "another story"))
        .unwrap();
    fork.set_actor(ActorId::from([9u8; 16]));
    fork.transact(|tx| tx.put(ROOT, "innocent", "looks fine"))
        .unwrap();
    let bad = a.dir.path().join("bad.am");
    std::fs::write(&bad, fork.save()).unwrap();

    let err = a.handle.import(bad).await.unwrap_err().to_string();
    assert!(err.contains("could not be merged"), "{err}");
    assert_eq!(heads(&a, &id).await, before, "in memory");
    // And on disk: after a restart, the same.
    let TestPeer { handle, dir, .. } = a;
    handle.shutdown().await;
    let a = TestPeer::start_in("Ada", dir).await;
    assert_eq!(heads(&a, &id).await, before, "on disk");
    let shown = a.show(&id).await;
    assert!(!shown.to_string().contains("looks fine"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_contradicting_pushed_batch_changes_nothing_in_memory_or_on_disk() {
    let a = TestPeer::start("Ada").await;
    let m = TestPeer::start("Mallory").await;
    let id = a.create("Guild").await;
    m.join(&a.invite(&id, 1).await).await.unwrap();
    a.post(&id, "before").await;
    converged(&[&a, &m], &id).await;
    let before = heads(&a, &id).await;
    let file = m.dir.path().join("copy.am");
    m.handle.export(&id, file.clone()).await.unwrap();
    let doc = Automerge::load(&std::fs::read(&file).unwrap()).unwrap();
    let (changes, _) = contradicting(&doc);

    // Mallory's device goes rogue: her identity, raw network access, no runtime.
    let seed: [u8; 32] = std::fs::read(m.dir.path().join("identity.key"))
        .unwrap()
        .try_into()
        .unwrap();
    m.handle.shutdown().await;
    let (raw, mut events, event_loop) = copse_net::new(NetConfig::loopback(seed)).unwrap();
    tokio::spawn(event_loop.run());
    raw.send(NetCommand::Dial {
        peer: Some(a.member.clone()),
        addrs: vec![a.addr.rsplit_once("/p2p/").unwrap().0.to_owned()],
    })
    .await;
    let answer = tokio::time::timeout(std::time::Duration::from_secs(60), async {
        loop {
            match events.recv().await.unwrap() {
                NetEvent::Connected { .. } => {
                    raw.send(NetCommand::SendSync {
                        peer: a.member.clone(),
                        request: SyncRequest::Changes {
                            community: id.clone(),
                            heads: vec![],
                            changes: changes.clone(),
                        },
                        tag: Tag(1),
                    })
                    .await;
                }
                NetEvent::SyncResult { result, .. } => return result,
                NetEvent::SyncRequest { id, .. } => {
                    raw.send(NetCommand::RespondSync {
                        id,
                        response: SyncResponse::Refused(copse_core::sync::Refusal::Unavailable),
                    })
                    .await;
                }
                _ => {}
            }
        }
    })
    .await
    .expect("Ada never answered");
    assert!(
        matches!(
            answer,
            Ok(SyncResponse::Refused(copse_core::sync::Refusal::BadMessage))
        ),
        "{answer:?}"
    );
    assert_eq!(heads(&a, &id).await, before, "in memory");
    let TestPeer { handle, dir, .. } = a;
    handle.shutdown().await;
    let a = TestPeer::start_in("Ada", dir).await;
    assert_eq!(heads(&a, &id).await, before, "on disk");
    // The community still loads and works.
    let _: Community = Community::load(&std::fs::read(&file).unwrap()).unwrap();
    a.post(&id, "after").await;
}
