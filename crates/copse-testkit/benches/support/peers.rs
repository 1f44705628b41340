//! Real copse-peer runtimes on 127.0.0.1 for the network benches (sync, meetup).

use std::path::Path;

use copse_core::Community;
use copse_core::record::MemberDetails;
use copse_peer::{PeerConfig, PeerEvent, PeerEvents, PeerHandle};
use copse_store::{DeviceKey, ProfileDir};
use copse_testkit::bench_support::device_seed;

/// A profile holding device `i`'s key and, if given, the community.
fn profile(dir: &Path, i: u8, community: Option<&[u8]>) {
    let p = ProfileDir::open(dir).unwrap();
    p.create_device_key(&DeviceKey::from_seed(device_seed(i)))
        .unwrap();
    p.set_me(&MemberDetails {
        name: format!("Device {i}"),
        ..Default::default()
    })
    .unwrap();
    if let Some(bytes) = community {
        p.add_community(Community::load(bytes).unwrap()).unwrap();
    }
}

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
    profile(dir.path(), i, community);
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
