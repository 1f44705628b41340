//! The store keeps every acknowledged change across reopen, damage and failing disks.

#![allow(clippy::unwrap_used)]

use std::fs;
use std::os::unix::fs::PermissionsExt;

use copse_core::record::{MemberDetails, ThreadKind};
use copse_core::view::threads::{ThreadQuery, thread_page};
use copse_core::{Command, Community, CommunityId, MemberId, NewCommunity, Timestamp};
use copse_store::files::{LOG, SNAPSHOT};
use copse_store::{ExecuteError, Fault, OpenCommunity, ProfileDir, StoreError};
use rand::SeedableRng;
use rand::rngs::StdRng;

fn me() -> MemberId {
    "12D3KooWTester".parse().unwrap()
}

fn new_community(profile: &ProfileDir, rng: &mut StdRng) -> OpenCommunity {
    let (c, _) = Community::create(
        &me(),
        MemberDetails {
            name: "Tess".into(),
            ..Default::default()
        },
        NewCommunity {
            name: "Guild".into(),
            domain: "vfx".into(),
            ..Default::default()
        },
        Timestamp(1_000),
        rng,
    )
    .unwrap();
    profile.add_community(c).unwrap()
}

fn post(open: &mut OpenCommunity, rng: &mut StdRng, i: usize) -> Result<(), ExecuteError> {
    open.execute(
        &me(),
        Timestamp(2_000 + i as i64),
        rng,
        Command::StartThread {
            kind: ThreadKind::Discussion,
            title: format!("post {i}"),
            body: "x".repeat(200),
            tags: vec![],
        },
    )
    .map(|_| ())
}

fn titles(open: &OpenCommunity) -> Vec<String> {
    let mut t: Vec<String> = thread_page(
        open.community.doc(),
        &ThreadQuery {
            limit: usize::MAX,
            ..Default::default()
        },
    )
    .threads
    .into_iter()
    .map(|t| t.title)
    .collect();
    t.sort_by_key(|s| s[5..].parse::<usize>().unwrap());
    t
}

fn expected(range: impl Iterator<Item = usize>) -> Vec<String> {
    range.map(|i| format!("post {i}")).collect()
}

fn setup(posts: usize) -> (tempfile::TempDir, CommunityId, Vec<u8>) {
    let dir = tempfile::tempdir().unwrap();
    let mut rng = StdRng::seed_from_u64(1);
    let profile = ProfileDir::open(dir.path()).unwrap();
    let mut open = new_community(&profile, &mut rng);
    for i in 0..posts {
        post(&mut open, &mut rng, i).unwrap();
    }
    let id = open.community.id().clone();
    let log = fs::read(open.store.dir().join(LOG)).unwrap();
    (dir, id, log)
}

fn log_path(dir: &tempfile::TempDir, id: &CommunityId) -> std::path::PathBuf {
    dir.path().join("communities").join(id.as_str()).join(LOG)
}

#[test]
fn reopen_keeps_every_acknowledged_change() {
    let (dir, id, _) = setup(20);
    let profile = ProfileDir::open(dir.path()).unwrap();
    let open = profile.open_community(&id).unwrap();
    assert!(open.report.is_clean(), "{:?}", open.report);
    assert_eq!(titles(&open), expected(0..20));
    assert_eq!(profile.community_ids().unwrap(), vec![id]);
}

fn record_starts(log: &[u8]) -> Vec<usize> {
    log.windows(4)
        .enumerate()
        .filter(|(_, w)| *w == b"CPL1")
        .map(|(i, _)| i)
        .collect()
}

#[test]
fn truncation_anywhere_in_the_last_record_loses_only_that_record() {
    let (dir, id, log) = setup(5);
    let path = log_path(&dir, &id);
    let last = *record_starts(&log).last().unwrap();
    for cut in last..log.len() {
        fs::write(&path, &log[..cut]).unwrap();
        let profile = ProfileDir::open(dir.path()).unwrap();
        let open = profile.open_community(&id).unwrap();
        assert_eq!(titles(&open), expected(0..4), "cut at {cut}");
        assert_eq!(
            open.report.torn_tail_bytes,
            (cut - last) as u64,
            "cut at {cut}"
        );
    }
    // After the repair the tail is gone and appends continue cleanly.
    fs::write(&path, &log[..last + 20]).unwrap();
    let profile = ProfileDir::open(dir.path()).unwrap();
    let mut open = profile.open_community(&id).unwrap();
    assert_eq!(open.report.torn_tail_bytes, 20);
    post(&mut open, &mut StdRng::seed_from_u64(9), 4).unwrap();
    drop(open);
    let open = profile.open_community(&id).unwrap();
    assert!(open.report.is_clean(), "{:?}", open.report);
    assert_eq!(titles(&open), expected(0..5));
}

#[test]
fn a_flipped_byte_in_a_middle_record_loses_nothing() {
    let (dir, id, log) = setup(6);
    let path = log_path(&dir, &id);
    // Every record repeats its predecessor's changes, so one damaged record costs nothing
    // (unless it is the last one).
    let starts = record_starts(&log);
    assert_eq!(starts.len(), 6);
    for (n, &start) in starts[..5].iter().enumerate() {
        for offset in [4, 9, 40, 300] {
            let mut damaged = log.clone();
            damaged[start + offset] ^= 0x01;
            fs::write(&path, &damaged).unwrap();
            let profile = ProfileDir::open(dir.path()).unwrap();
            let open = profile.open_community(&id).unwrap();
            assert_eq!(titles(&open), expected(0..6), "record {n}, offset {offset}");
            assert_eq!(open.report.corrupt_ranges.len(), 1, "record {n}");
        }
    }
    // Damage in the last record loses that record only.
    let mut damaged = log.clone();
    damaged[starts[5] + 50] ^= 0x80;
    fs::write(&path, &damaged).unwrap();
    let profile = ProfileDir::open(dir.path()).unwrap();
    let open = profile.open_community(&id).unwrap();
    assert_eq!(titles(&open), expected(0..5));
}

#[test]
fn a_full_disk_fails_the_command_and_the_store_stays_usable() {
    let dir = tempfile::tempdir().unwrap();
    let mut rng = StdRng::seed_from_u64(2);
    let profile = ProfileDir::open(dir.path()).unwrap();
    let mut open = new_community(&profile, &mut rng);
    post(&mut open, &mut rng, 0).unwrap();
    for (written, errno) in [(0, 28), (7, 28), (100, 5), (30, 30)] {
        open.store.inject_fault(Fault::Append { written, errno });
        let err = post(&mut open, &mut rng, 1).unwrap_err();
        assert!(
            matches!(err, ExecuteError::NotSaved(StoreError::Io { .. })),
            "{err}"
        );
        // The failed edit is gone from memory too: nothing shows that is not on disk.
        assert_eq!(titles(&open), expected(0..1));
    }
    let msg = {
        open.store.inject_fault(Fault::Append {
            written: 0,
            errno: 28,
        });
        post(&mut open, &mut rng, 1).unwrap_err().to_string()
    };
    assert!(msg.contains("disk is full"), "{msg}");
    post(&mut open, &mut rng, 1).unwrap();
    post(&mut open, &mut rng, 2).unwrap();
    drop(open);
    let open = profile
        .open_community(profile.community_ids().unwrap().first().unwrap())
        .unwrap();
    assert!(open.report.is_clean(), "{:?}", open.report);
    assert_eq!(titles(&open), expected(0..3));
}

#[test]
fn compaction_keeps_everything_and_survives_a_crash_between_steps() {
    let (dir, id, log) = setup(10);
    let profile = ProfileDir::open(dir.path()).unwrap();
    let mut open = profile.open_community(&id).unwrap();
    assert!(open.store.compact(open.community.doc()).unwrap());
    assert_eq!(open.store.log_len(), 0);
    drop(open);
    // A crash after the new snapshot but before the log was emptied: the old log replays
    // idempotently on top.
    fs::write(log_path(&dir, &id), &log).unwrap();
    let open = profile.open_community(&id).unwrap();
    assert!(open.report.is_clean());
    assert_eq!(titles(&open), expected(0..10));
}

#[test]
fn a_second_process_gets_profile_in_use() {
    let dir = tempfile::tempdir().unwrap();
    let _first = ProfileDir::open(dir.path()).unwrap();
    match ProfileDir::open(dir.path()) {
        Err(e @ StoreError::ProfileInUse(_)) => assert!(e.to_string().contains("in use")),
        other => panic!("{other:?}"),
    }
}

#[test]
fn device_key_is_private_and_never_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let profile = ProfileDir::open(dir.path()).unwrap();
    assert!(profile.device_key().unwrap().is_none());
    let key = copse_store::DeviceKey::generate(&mut StdRng::seed_from_u64(5));
    profile.create_device_key(&key).unwrap();
    let mode = fs::metadata(dir.path().join("identity.key"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    assert_eq!(profile.device_key().unwrap(), Some(key.clone()));
    assert!(
        profile
            .create_device_key(&copse_store::DeviceKey::generate(
                &mut StdRng::seed_from_u64(6)
            ))
            .is_err()
    );
    assert_eq!(profile.device_key().unwrap(), Some(key));
    fs::write(dir.path().join("identity.key"), b"short").unwrap();
    assert!(matches!(
        profile.device_key(),
        Err(StoreError::IdentityDamaged(_))
    ));
}

#[test]
fn damaged_or_missing_communities_give_clear_errors() {
    let (dir, id, _) = setup(1);
    let profile = ProfileDir::open(dir.path()).unwrap();
    let unknown: CommunityId = "00000000000000000000000000".parse().unwrap();
    assert!(matches!(
        profile.open_community(&unknown),
        Err(StoreError::UnknownCommunity(_))
    ));
    let snap = dir
        .path()
        .join("communities")
        .join(id.as_str())
        .join(SNAPSHOT);
    let original = fs::read(&snap).unwrap();
    fs::write(&snap, b"garbage").unwrap();
    let err = profile.open_community(&id).unwrap_err();
    assert!(matches!(err, StoreError::SnapshotDamaged { .. }), "{err}");
    // Nothing was changed on disk by the failed open.
    assert_eq!(fs::read(&snap).unwrap(), b"garbage");
    fs::write(&snap, original).unwrap();
    assert!(profile.open_community(&id).is_ok());
}

/// A compaction taken while appends go on keeps every record written after it started.
#[test]
fn compaction_off_the_appending_thread_keeps_later_appends() {
    let (dir, id, _) = setup(10);
    let profile = ProfileDir::open(dir.path()).unwrap();
    let mut open = profile.open_community(&id).unwrap();
    let mut rng = StdRng::seed_from_u64(7);
    let input = open.store.compaction_input().unwrap();
    // Appends continue while another thread compacts.
    let worker = std::thread::spawn(move || input.compact());
    for i in 10..15 {
        post(&mut open, &mut rng, i).unwrap();
    }
    let compacted = worker.join().unwrap().unwrap().unwrap();
    open.store.install(compacted).unwrap();
    post(&mut open, &mut rng, 15).unwrap();
    assert!(open.store.log_len() > 0);
    drop(open);
    let open = profile.open_community(&id).unwrap();
    assert!(open.report.is_clean(), "{:?}", open.report);
    assert_eq!(titles(&open), expected(0..16));
}

/// Regression: after compaction replaced the log, a failed folder fsync or log reopen must
/// not leave appends going to the old (unlinked) file, where a crash would lose them.
#[test]
fn failed_fsync_or_reopen_during_compaction_loses_no_later_append() {
    for fault in [
        Fault::SyncDir { skip: 0 },
        Fault::SyncDir { skip: 1 },
        Fault::ReopenLog,
    ] {
        let (dir, id, _) = setup(5);
        let profile = ProfileDir::open(dir.path()).unwrap();
        let mut open = profile.open_community(&id).unwrap();
        let mut rng = StdRng::seed_from_u64(8);
        open.store.inject_fault(fault);
        let doc = open.community.doc().clone();
        assert!(open.store.compact(&doc).is_err(), "{fault:?} did not fail");
        // The next appends are acknowledged only once they are in the file the folder names.
        post(&mut open, &mut rng, 5).unwrap();
        post(&mut open, &mut rng, 6).unwrap();
        // A crash now: only what is on disk counts.
        drop(open);
        let open = profile.open_community(&id).unwrap();
        assert_eq!(titles(&open), expected(0..7), "{fault:?}");
    }
}

/// When the folder cannot be synced, appends fail (nothing is acknowledged) until it can.
#[test]
fn an_unsynced_folder_blocks_acknowledgements_until_it_syncs() {
    let (dir, id, _) = setup(3);
    let profile = ProfileDir::open(dir.path()).unwrap();
    let mut open = profile.open_community(&id).unwrap();
    let mut rng = StdRng::seed_from_u64(9);
    open.store.inject_fault(Fault::SyncDir { skip: 1 });
    let doc = open.community.doc().clone();
    assert!(open.store.compact(&doc).is_err());
    open.store.inject_fault(Fault::SyncDir { skip: 0 });
    assert!(
        post(&mut open, &mut rng, 3).is_err(),
        "acknowledged before the folder synced"
    );
    assert_eq!(titles(&open), expected(0..3));
    post(&mut open, &mut rng, 3).unwrap();
    drop(open);
    let open = profile.open_community(&id).unwrap();
    assert_eq!(titles(&open), expected(0..4));
}

#[test]
fn the_durable_document_loads_as_the_community() {
    let (dir, id, _) = setup(8);
    let profile = ProfileDir::open(dir.path()).unwrap();
    let open = profile.open_community(&id).unwrap();
    let bytes = open.store.durable_document().unwrap();
    let loaded = Community::load(&bytes).unwrap();
    assert_eq!(loaded.doc().get_heads(), open.community.doc().get_heads());
}

#[test]
fn the_profile_is_owner_only_whatever_the_umask() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("profile");
    fs::create_dir_all(&root).unwrap();
    fs::set_permissions(&root, fs::Permissions::from_mode(0o777)).unwrap();
    let profile = ProfileDir::open(&root).unwrap();
    let mut rng = StdRng::seed_from_u64(3);
    let mut open = new_community(&profile, &mut rng);
    post(&mut open, &mut rng, 0).unwrap();
    profile.write_local("known.json", b"{}").unwrap();
    let mode = |p: &std::path::Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&root), 0o700);
    for f in [
        root.join("lock"),
        root.join("known.json"),
        open.store.dir().join(LOG),
        open.store.dir().join(SNAPSHOT),
    ] {
        assert_eq!(mode(&f), 0o600, "{}", f.display());
    }
}

/// A document rebuilt without some changes (an equivocation's losing side) replaces
/// everything on disk: reopened, the dropped changes do not come back from the log, and
/// later appends go on from the replacement.
#[test]
fn a_replaced_document_is_what_reopens_and_later_appends_follow_it() {
    let (dir, id, _) = setup(6);
    let profile = ProfileDir::open(dir.path()).unwrap();
    let mut open = profile.open_community(&id).unwrap();
    let mut rng = StdRng::seed_from_u64(9);
    // The last two posts leave.
    let all = open.community.doc().get_changes(&[]);
    let dropped: std::collections::HashSet<_> =
        all[all.len() - 2..].iter().map(|c| c.hash()).collect();
    let (rebuilt, gone) =
        copse_core::equivocation::rebuilt_without(open.community.doc(), &dropped).unwrap();
    assert_eq!(gone.len(), 2);
    open.store
        .replace(&rebuilt.save(), rebuilt.get_heads())
        .unwrap();
    *open.community.doc_mut() = rebuilt;
    post(&mut open, &mut rng, 10).unwrap();
    drop(open);
    let open = profile.open_community(&id).unwrap();
    assert!(open.report.is_clean(), "{:?}", open.report);
    let mut want = expected(0..4);
    want.push("post 10".into());
    assert_eq!(titles(&open), want);
}
