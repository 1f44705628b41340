//! Entry points for fuzzing every decoder of untrusted bytes. The `fuzz/` targets call these,
//! and an ordinary test replays the saved corpus through them. None may panic.

use automerge::Automerge;

use crate::Timestamp;
use crate::sync::{Gate, JoinRequest, JoinResponse, SyncRequest, SyncResponse, SyncSession};
use crate::ticket::Ticket;

/// Names of the targets, as in `fuzz/fuzz_targets/<name>.rs` and `fuzz/corpus/<name>/`.
pub const TARGETS: [&str; 7] = [
    "sync_request",
    "sync_response",
    "join_request",
    "join_response",
    "ticket",
    "sync_message",
    "pushed_changes",
];

/// Runs `data` through the decoder named `target`.
pub fn run(target: &str, data: &[u8]) {
    match target {
        "sync_request" => {
            if let Ok(r) = SyncRequest::decode(data) {
                assert_eq!(SyncRequest::decode(&r.encode()).ok(), Some(r));
            }
        }
        "sync_response" => {
            if let Ok(r) = SyncResponse::decode(data) {
                assert_eq!(SyncResponse::decode(&r.encode()).ok(), Some(r));
            }
        }
        "join_request" => {
            let _ = JoinRequest::decode(data);
        }
        "join_response" => {
            if let Ok(r) = JoinResponse::decode(data) {
                let _ = r.encode();
            }
        }
        "ticket" => {
            if let Ok(text) = std::str::from_utf8(data)
                && let Ok(t) = Ticket::decode(text)
            {
                // Encoding writes today's format (which keeps only dialable addresses):
                // everything else survives, and a second round changes nothing.
                let again = Ticket::decode(&t.encode()).expect("a ticket re-encodes");
                assert_eq!(
                    (&again.community, &again.invite, &again.secret, &again.name),
                    (&t.community, &t.invite, &t.secret, &t.name)
                );
                assert_eq!(again.expires_at, t.expires_at);
                assert_eq!(Ticket::decode(&again.encode()).ok(), Some(again));
            }
        }
        "sync_message" => {
            let mut doc = Automerge::new();
            let mut session = SyncSession::resume(None, &doc);
            let _ = session.receive_sync(&mut doc, data, Timestamp(0), &Gate::accepting_unsigned());
        }
        "pushed_changes" => {
            let mut doc = Automerge::new();
            let mut session = SyncSession::resume(None, &doc);
            let _ = session.receive_changes(
                &mut doc,
                Vec::new(),
                data,
                Timestamp(0),
                &Gate::accepting_unsigned(),
            );
        }
        _ => {}
    }
}
