//! Real copse-peer runtimes on 127.0.0.1 for the network benches (sync, meetup).

use copse_peer::{PeerConfig, PeerEvent, PeerEvents, PeerHandle};
use copse_testkit::bench_support::profile;

/// A running device: its handle, its events and where it listens.
pub(crate) struct Peer {
    pub(crate) handle: PeerHandle,
    pub(crate) events: PeerEvents,
    /// Listen address with `/p2p/<id>`.
    pub(crate) addr: String,
    /// Its profile (removed on drop; the sync bench writes exports into it).
    #[allow(dead_code)]
    pub(crate) dir: tempfile::TempDir,
}

/// Starts device `i` in a fresh profile, once it listens.
pub(crate) async fn start(i: u8, community: Option<&[u8]>) -> Peer {
    let dir = tempfile::tempdir().unwrap();
    profile(dir.path(), i, community).unwrap();
    let (handle, mut events) =
        copse_peer::start(PeerConfig::loopback(dir.path().to_owned())).unwrap();
    let addr = loop {
        if let Some(PeerEvent::Listening { addr }) = events.recv().await {
            break format!("{addr}/p2p/{}", handle.member_id());
        }
    };
    Peer {
        handle,
        events,
        addr,
        dir,
    }
}

/// The heads of `c` on `p`, sorted: equal heads, identical documents.
pub(crate) async fn heads(
    p: &PeerHandle,
    c: &copse_core::CommunityId,
) -> Vec<copse_core::automerge::ChangeHash> {
    p.ask(copse_peer::ask::Heads {
        community: c.clone(),
    })
    .await
    .unwrap()
}
