//! The runtime on paused tokio time (no network): what it does on its timers happens when
//! virtual time says so, never by waiting for real seconds.

#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::time::Duration;

use copse_core::record::MemberDetails;
use copse_core::{Command, CommunityId, NewCommunity};
use copse_peer::{PeerHandle, ask};

/// A device with one community, without a network.
async fn device(dir: &Path) -> (PeerHandle, CommunityId) {
    copse_peer::Profile::open(dir)
        .unwrap()
        .init(MemberDetails {
            name: "Ada".into(),
            ..MemberDetails::default()
        })
        .unwrap();
    let (peer, _events) = copse_peer::start_offline(dir.to_owned()).unwrap();
    let id = peer
        .create_community(NewCommunity {
            name: "Guild".into(),
            domain: "clocks".into(),
            ..NewCommunity::default()
        })
        .await
        .unwrap();
    (peer, id)
}

/// Whatever the store thread was handed before this is done once this is answered (it
/// runs its jobs in order).
async fn store_caught_up(peer: &PeerHandle) {
    peer.ask(ask::Init {
        details: MemberDetails {
            name: "Ada".into(),
            ..MemberDetails::default()
        },
    })
    .await
    .unwrap();
}

fn cached_name(dir: &Path, id: &CommunityId) -> Option<String> {
    let path = dir.join("communities").join(id.as_str()).join("view.json");
    let view: serde_json::Value = serde_json::from_slice(&std::fs::read(path).ok()?).ok()?;
    view["profile"]["name"].as_str().map(str::to_owned)
}

#[tokio::test(flavor = "current_thread", start_paused = true)]
async fn the_first_screen_is_cached_a_minute_after_a_change_not_before() {
    let dir = tempfile::tempdir().unwrap();
    let (peer, id) = device(dir.path()).await;
    let rename = Command::UpdateProfile {
        name: Some("Clockmakers".into()),
        domain: None,
        norms: None,
    };
    peer.edit(&id, rename).await.unwrap();
    tokio::time::sleep(Duration::from_secs(30)).await;
    store_caught_up(&peer).await;
    assert_eq!(
        cached_name(dir.path(), &id),
        None,
        "written before its minute"
    );
    tokio::time::sleep(Duration::from_secs(31)).await;
    store_caught_up(&peer).await;
    assert_eq!(cached_name(dir.path(), &id).as_deref(), Some("Clockmakers"));
    peer.shutdown().await;
}

#[tokio::test(flavor = "current_thread", start_paused = true)]
async fn what_the_member_saw_is_stamped_with_the_runtimes_time() {
    let dir = tempfile::tempdir().unwrap();
    let (peer, id) = device(dir.path()).await;
    let before = copse_peer::now();
    tokio::time::sleep(Duration::from_secs(3 * 3600)).await;
    peer.ask(ask::MarkSeen {
        community: id.clone(),
    })
    .await
    .unwrap();
    let seen = peer.ask(ask::ReadState { community: id }).await.unwrap();
    assert!(
        seen.seen_at >= before.plus_millis(3 * 3_600_000).0,
        "seen at {} (started {})",
        seen.seen_at,
        before.0
    );
    peer.shutdown().await;
}
