//! Regression: the app forwarded the runtime's events into a bounded queue only as frames
//! were drawn; a minimised window draws none, the queue filled, and the runtime blocked on
//! it. Events are now drained in the background into a bounded inbox: with no frame drawn,
//! thousands of events later the runtime still answers, the inbox stays bounded, and the
//! window learns it missed some (and reloads what it shows).

#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use copse_app::backend::{Backend, NetOptions};
use copse_app::state::AppEvent;
use copse_core::record::{MemberDetails, ThreadKind};
use copse_core::{Command, NewCommunity};
use copse_peer::PeerEvent;

#[test]
fn a_window_that_draws_nothing_never_blocks_the_runtime() {
    let dir = tempfile::tempdir().unwrap();
    copse_peer::Profile::open(dir.path())
        .unwrap()
        .init(MemberDetails {
            name: "Ada".into(),
            ..MemberDetails::default()
        })
        .unwrap();
    let net = NetOptions {
        listen: vec!["/ip4/127.0.0.1/tcp/0".into()],
        mdns: false,
        relays: Vec::new(),
        upnp: false,
    };
    // The backend asks for a repaint whenever it has news, the peer's start among them.
    let (woken, wakes) = std::sync::mpsc::channel();
    let repaint = move || {
        // The test may have stopped listening.
        let _ = woken.send(());
    };
    let mut backend = Backend::start(dir.path().to_owned(), net, repaint).unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    let peer = loop {
        if let Some(p) = backend.peer() {
            break p;
        }
        let left = deadline.saturating_duration_since(Instant::now());
        assert!(wakes.recv_timeout(left).is_ok(), "the peer never started");
    };
    let c = backend
        .block_on(peer.create_community(NewCommunity {
            name: "Guild".into(),
            domain: "tests".into(),
            ..NewCommunity::default()
        }))
        .unwrap();
    // More events than the inbox holds, and nobody draws a frame. One edit at a time:
    // edits in flight together become durable together and are told in one event, so
    // only one at a time makes as many events as edits, whatever the machine's speed.
    let edits = 4_500;
    backend.block_on(async {
        for i in 0..edits {
            peer.edit(
                &c,
                Command::StartThread {
                    kind: ThreadKind::Discussion,
                    title: format!("post {i}"),
                    body: "b".into(),
                    tags: vec![],
                },
            )
            .await
            .unwrap();
        }
    });
    // The runtime still answers at once.
    let t = Instant::now();
    backend.block_on(peer.status()).unwrap();
    assert!(t.elapsed() < Duration::from_secs(5));
    assert!(backend.waiting() <= 4_096 + 16, "{}", backend.waiting());
    // The window, when it looks again, is told it missed events.
    // (Dropped by the bounded inbox, or already missed by the background drain when the
    // broadcast channel outran it: either way a `Lagged` is among what the window gets.)
    let events = backend.poll();
    assert!(
        events
            .iter()
            .any(|e| matches!(e, AppEvent::Peer(PeerEvent::Lagged { .. }))),
        "{:?}",
        events.first()
    );
    backend.shutdown();
}
