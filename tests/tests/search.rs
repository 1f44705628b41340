//! Search over real runtimes on 127.0.0.1: what a member writes on one device is found on
//! another's index once it lands, edits replace what was found, and an index that missed
//! changes (the device was stopped) catches up when it starts again.

#![allow(clippy::unwrap_used)]

use copse_core::Command;
use copse_core::record::ThreadKind;
use copse_peer::{PeerEvent, SearchKind, SearchQuery, SearchTarget, ask};
use copse_scenarios::net::{TestPeer, converged, wait_for};

async fn search(
    p: &TestPeer,
    community: &copse_core::CommunityId,
    text: &str,
) -> Vec<SearchTarget> {
    p.ask(ask::Search {
        community: community.clone(),
        search: SearchQuery {
            text: text.into(),
            ..SearchQuery::default()
        },
    })
    .await
    .hits
    .into_iter()
    .map(|h| h.target)
    .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_post_from_another_member_is_found_where_it_lands() {
    let a = TestPeer::start("Ada").await;
    let b = TestPeer::start("Bob").await;
    let id = a.create("Timber").await;
    let ticket = a.invite(&id, 1).await;
    b.join(&ticket).await.unwrap();
    converged(&[&a, &b], &id).await;
    // The joined community is indexed from scratch on B.
    assert_eq!(search(&b, &id, "Ada").await.len(), 1, "A's directory entry");

    let thread = a
        .exec(
            &id,
            Command::StartThread {
                kind: ThreadKind::Question,
                title: "Charring of spruce".into(),
                body: "What charring rate do you assume for spruce glulam?".into(),
                tags: vec!["fire".into()],
            },
        )
        .await;
    // Once B reports the change, a search it is asked afterwards sees it.
    wait_for(&[&b], "B received the thread", || async {
        b.saw(|e| matches!(e, PeerEvent::CommunityChanged { local: false, changes, .. } if changes.iter().any(|c| c.cmd == "start_thread"))).await
    })
    .await;
    let found = search(&b, &id, "charring spruce").await;
    assert_eq!(found.len(), 2, "the thread and its opening post: {found:?}");
    assert!(found.iter().all(|t| matches!(t, SearchTarget::Thread { thread: x } | SearchTarget::Post { thread: x, .. } if x.to_string() == thread)));

    // B stops; A edits and replies meanwhile; B's index catches up when it starts again.
    let post = match found.iter().find(|t| t.kind() == SearchKind::Post).unwrap() {
        SearchTarget::Post { post, .. } => post.clone(),
        _ => unreachable!(),
    };
    let b_dir = {
        let TestPeer { handle, dir, .. } = b;
        handle.shutdown().await;
        dir
    };
    a.exec(
        &id,
        Command::EditPost {
            thread: thread.parse().unwrap(),
            post,
            body: "What rate do you assume for larch?".into(),
        },
    )
    .await;
    let b = TestPeer::start_in("Bob", b_dir).await;
    converged(&[&a, &b], &id).await;
    // The edit may land before or after the index reopens: either way it is found.
    wait_for(&[&b], "B's index has the edit", || async {
        search(&b, &id, "larch").await.len() == 1
    })
    .await;
    assert_eq!(
        search(&b, &id, "spruce").await.len(),
        1,
        "only the title still says spruce"
    );
    assert_eq!(
        search(&a, &id, "larch").await.len(),
        1,
        "the author's own index too"
    );
}
