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

/// Paused time jumps to the next timer whenever the runtime has nothing to run, and that
/// includes the moments it waits for the store thread (an OS thread tokio cannot see): the
/// clock would then leap to the runtime's own next deadline. A task that always has work
/// keeps the clock where the test puts it with `advance`.
fn hold_the_clock() -> tokio::task::JoinHandle<()> {
    tokio::spawn(async {
        loop {
            tokio::task::yield_now().await;
        }
    })
}

/// The cached name once the runtime had every chance to act at this instant: it runs its
/// due timers and hands the store their jobs within a few turns, the clock standing still.
async fn written_within_the_same_instant(
    peer: &PeerHandle,
    dir: &Path,
    id: &CommunityId,
) -> Option<String> {
    for _ in 0..50 {
        tokio::task::yield_now().await;
        store_caught_up(peer).await;
        if let Some(name) = cached_name(dir, id) {
            return Some(name);
        }
    }
    None
}

fn cached_name(dir: &Path, id: &CommunityId) -> Option<String> {
    let path = dir.join("communities").join(id.as_str()).join("view.json");
    let view: serde_json::Value = serde_json::from_slice(&std::fs::read(path).ok()?).ok()?;
    view["profile"]["name"].as_str().map(str::to_owned)
}

#[tokio::test(flavor = "current_thread", start_paused = true)]
async fn the_first_screen_is_cached_a_minute_after_a_change_not_before() {
    let clock = hold_the_clock();
    let dir = tempfile::tempdir().unwrap();
    let (peer, id) = device(dir.path()).await;
    let rename = Command::UpdateProfile {
        name: Some("Clockmakers".into()),
        domain: None,
        norms: None,
    };
    peer.edit(&id, rename).await.unwrap();
    tokio::time::advance(Duration::from_secs(30)).await;
    assert_eq!(
        written_within_the_same_instant(&peer, dir.path(), &id).await,
        None,
        "written before its minute"
    );
    tokio::time::advance(Duration::from_secs(31)).await;
    assert_eq!(
        written_within_the_same_instant(&peer, dir.path(), &id)
            .await
            .as_deref(),
        Some("Clockmakers")
    );
    clock.abort();
    peer.shutdown().await;
}

#[tokio::test(flavor = "current_thread", start_paused = true)]
async fn what_the_member_saw_is_stamped_with_the_runtimes_time() {
    // Read before the runtime starts: its clock starts at the wall clock then and moves on
    // with virtual time, which stands still while the setup takes real milliseconds.
    let before = copse_peer::now();
    let dir = tempfile::tempdir().unwrap();
    let (peer, id) = device(dir.path()).await;
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
