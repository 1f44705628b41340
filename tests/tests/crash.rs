//! Crash safety: a writer process is killed with SIGKILL at random moments, 200 times; every
//! post it acknowledged must be there after reopening, and every reopen must succeed.

#![allow(clippy::unwrap_used)]

use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use copse_core::record::MemberDetails;
use copse_core::view::threads::{ThreadQuery, thread_page};
use copse_core::{Community, NewCommunity, Timestamp};
use copse_scenarios::seed::test_seed;
use copse_store::ProfileDir;
use rand::{Rng, SeedableRng};

const KILLS: usize = 200;

#[test]
fn sigkill_at_random_moments_loses_no_acknowledged_post() {
    let seed = test_seed("crash");
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let dir = tempfile::tempdir().unwrap();
    let me: copse_core::MemberId = "12D3KooWCrashTester".parse().unwrap();
    let id = {
        let profile = ProfileDir::open(dir.path()).unwrap();
        let (c, _) = Community::create(
            &me,
            MemberDetails {
                name: "Crash".into(),
                ..Default::default()
            },
            NewCommunity {
                name: "Crash".into(),
                domain: "tests".into(),
                ..Default::default()
            },
            Timestamp(1),
            &mut rng,
        )
        .unwrap();
        profile.add_community(c).unwrap().community.id().clone()
    };
    let mut acked: HashSet<String> = HashSet::new();
    let mut torn = 0;
    for round in 0..KILLS {
        // Kill after a random number of acknowledgements; the writer is mid-write or
        // mid-fsync at an arbitrary point by then.
        let wait_for = rng.gen_range(0..12);
        let mut child = Command::new(env!("CARGO_BIN_EXE_crash_writer"))
            .args([
                dir.path().to_str().unwrap(),
                id.as_str(),
                me.as_str(),
                &format!("r{round}"),
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        assert_eq!(
            lines.next().unwrap().unwrap(),
            "ready",
            "seed {seed} round {round}"
        );
        for _ in 0..wait_for {
            match lines.next() {
                Some(Ok(line)) => {
                    acked.insert(line.strip_prefix("ack ").unwrap().to_owned());
                }
                other => panic!("writer stopped early: {other:?} (seed {seed}, round {round})"),
            }
        }
        child.kill().unwrap();
        child.wait().unwrap();
        // Acks printed before the kill landed still count.
        for line in lines.map_while(Result::ok) {
            if let Some(t) = line.strip_prefix("ack ") {
                acked.insert(t.to_owned());
            }
        }
        let profile = ProfileDir::open(dir.path())
            .unwrap_or_else(|e| panic!("reopen failed after kill {round}: {e} (seed {seed})"));
        let open = profile
            .open_community(&id)
            .unwrap_or_else(|e| panic!("reopen failed after kill {round}: {e} (seed {seed})"));
        if open.report.torn_tail_bytes > 0 {
            torn += 1;
        }
        assert!(
            open.report.corrupt_ranges.is_empty(),
            "seed {seed} round {round}: {:?}",
            open.report
        );
        let on_disk: HashSet<String> = thread_page(
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
        let lost: Vec<&String> = acked.iter().filter(|t| !on_disk.contains(*t)).collect();
        assert!(
            lost.is_empty(),
            "seed {seed} round {round}: lost acknowledged posts {lost:?}"
        );
    }
    eprintln!(
        "{KILLS} kills, {} acknowledged posts kept, {torn} torn tails skipped",
        acked.len()
    );
}
