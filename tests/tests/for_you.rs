//! "For you" over real runtimes on 127.0.0.1: a reply and a mention written on one device
//! reach the other member's list once they land there, marked new until they look.

#![allow(clippy::unwrap_used)]

use copse_core::Command;
use copse_core::record::ThreadKind;
use copse_peer::participation::{ForYouItem, ForYouKind};
use copse_peer::{PeerEvent, ask};
use copse_scenarios::net::{TestPeer, converged, wait_for};

async fn for_you(p: &TestPeer, community: &copse_core::CommunityId) -> Vec<ForYouItem> {
    p.ask(ask::ForYou {
        community: community.clone(),
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_that_mentions_the_asker_is_for_them_on_their_device() {
    let a = TestPeer::start("Ada").await;
    let b = TestPeer::start("Bob").await;
    let id = a.create("Timber").await;
    let ticket = a.invite(&id, 1).await;
    b.join(&ticket).await.unwrap();
    converged(&[&a, &b], &id).await;
    assert!(for_you(&a, &id).await.is_empty(), "nothing yet");

    let thread = a
        .exec(
            &id,
            Command::StartThread {
                kind: ThreadKind::Question,
                title: "Charring of spruce".into(),
                body: "What rate do you assume?".into(),
                tags: vec!["fire".into()],
            },
        )
        .await;
    converged(&[&a, &b], &id).await;
    b.exec(
        &id,
        Command::Reply {
            thread: thread.parse().unwrap(),
            body: "0.65 mm/min, @Ada, as EN 1995-1-2 says.".into(),
        },
    )
    .await;
    wait_for(&[&a], "A received the reply", || async {
        a.saw(|e| matches!(e, PeerEvent::CommunityChanged { local: false, changes, .. } if changes.iter().any(|c| c.cmd == "reply"))).await
    })
    .await;
    let items = for_you(&a, &id).await;
    let kinds: Vec<ForYouKind> = items.iter().map(|i| i.kind).collect();
    assert_eq!(
        kinds,
        [ForYouKind::Mention, ForYouKind::Replies],
        "{items:?}"
    );
    assert!(items.iter().all(|i| i.new && i.by == [b.member.clone()]));
    assert!(for_you(&b, &id).await.is_empty(), "nothing of it is Bob's");

    // Once Ada marks the overview seen, they are no longer new.
    a.ask(ask::MarkSeen {
        community: id.clone(),
    })
    .await;
    assert!(for_you(&a, &id).await.iter().all(|i| !i.new));
}
