//! Replays the fuzz corpus (`fuzz/corpus/<target>/*`, plus any crashers kept in
//! `fuzz/artifacts/<target>/`) through the same entry points the fuzzers use: every input
//! that once mattered stays a regression test. `COPSE_WRITE_SEEDS=1` (re)writes the valid
//! seed inputs generated below into the corpus.

#![allow(clippy::unwrap_used)]

mod fixture;

use std::path::PathBuf;

use copse_core::automerge::sync::SyncDoc;
use copse_core::fuzz_entry::{TARGETS, run};
use copse_core::sync::{JoinResponse, Refusal, SyncRequest, SyncResponse};
use copse_core::ticket::{Contact, Ticket};
use copse_core::{CommunityId, InviteId, InviteSecret, Timestamp};
use rand::SeedableRng;

fn fuzz_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz")
}

/// Valid inputs for each target, so the fuzzers start from real messages.
fn seeds() -> Vec<(&'static str, &'static str, Vec<u8>)> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(11);
    let f = fixture::Fixture::new(11);
    let doc = f.community.doc();
    let id = f.community.id().clone();
    let mut state = copse_core::automerge::sync::State::new();
    let msg = doc.generate_sync_message(&mut state).unwrap().encode();
    let changes = doc.save_after(&[]);
    let ticket = Ticket {
        v: 1,
        community: CommunityId::random(&mut rng),
        name: "Timber".into(),
        invite: InviteId::random(&mut rng),
        secret: InviteSecret::random(&mut rng),
        inviter: Contact {
            member: f.ada.clone(),
            addrs: vec!["/ip4/127.0.0.1/tcp/4001".into()],
        },
        others: vec![],
        expires_at: Timestamp(1),
    };
    vec![
        (
            "sync_request",
            "sync",
            SyncRequest::Sync {
                community: id.clone(),
                message: msg.clone(),
            }
            .encode(),
        ),
        (
            "sync_request",
            "changes",
            SyncRequest::Changes {
                community: id.clone(),
                heads: doc.get_heads(),
                changes: changes.clone(),
            }
            .encode(),
        ),
        (
            "sync_response",
            "ok",
            SyncResponse::Ok {
                heads: doc.get_heads(),
            }
            .encode(),
        ),
        (
            "sync_response",
            "refused",
            SyncResponse::Refused(Refusal::NotAMember).encode(),
        ),
        (
            "join_response",
            "admitted",
            JoinResponse::Admitted {
                community: id,
                document: doc.save(),
            }
            .encode(),
        ),
        ("ticket", "valid", ticket.encode().into_bytes()),
        ("sync_message", "first", msg),
        ("pushed_changes", "all", changes),
    ]
}

#[test]
fn corpus_replays_without_panics() {
    if std::env::var_os("COPSE_WRITE_SEEDS").is_some() {
        for (target, name, bytes) in seeds() {
            std::fs::write(
                fuzz_dir()
                    .join("corpus")
                    .join(target)
                    .join(format!("seed-{name}")),
                bytes,
            )
            .unwrap();
        }
    }
    let mut replayed = 0;
    for target in TARGETS {
        for sub in ["corpus", "artifacts"] {
            let Ok(entries) = std::fs::read_dir(fuzz_dir().join(sub).join(target)) else {
                continue;
            };
            for e in entries {
                let path = e.unwrap().path();
                let data = std::fs::read(&path).unwrap();
                let outcome = std::panic::catch_unwind(|| run(target, &data));
                assert!(outcome.is_ok(), "{} panicked", path.display());
                replayed += 1;
            }
        }
    }
    assert!(
        replayed >= TARGETS.len(),
        "the corpus is missing ({replayed} inputs)"
    );
    // Valid seeds decode (not just "do not panic").
    for (target, _, bytes) in seeds() {
        run(target, &bytes);
    }
}
