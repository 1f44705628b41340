//! What the network tests share.

use std::time::Duration;

use copse_net::NetEvent;
use tokio::sync::mpsc::Receiver;

/// The next event matching `f` (others are passed over); fails after 60 s.
pub(crate) async fn next_matching(
    events: &mut Receiver<NetEvent>,
    mut f: impl FnMut(&NetEvent) -> bool,
) -> NetEvent {
    tokio::time::timeout(Duration::from_secs(60), async {
        loop {
            let ev = events.recv().await.expect("network stopped");
            if f(&ev) {
                return ev;
            }
        }
    })
    .await
    .expect("event never came")
}
