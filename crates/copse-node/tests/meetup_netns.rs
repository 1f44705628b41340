//! A meetup without internet: three devices in separate network namespaces joined by a
//! bridge (veth pairs), no known addresses of each other. mDNS finds the members; they
//! connect and converge. Needs root and iproute2 (as in CI); skipped otherwise.

#![allow(clippy::unwrap_used)]

mod common;

use common::netns::sh;
use common::{ok, ok_in};

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Network namespaces for this test, removed on drop.
struct Lan {
    names: Vec<String>,
}

impl Lan {
    /// A bridge namespace and `n` hosts on 10.233.77.0/24.
    fn new(n: usize) -> Self {
        // Unique per Lan: tests in this binary run side by side.
        static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let lan = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let tag = std::process::id() % 100_000 * 10 + lan;
        let bridge = format!("copse-br-{tag}");
        let mut names = vec![bridge.clone()];
        sh(&["ip", "netns", "add", &bridge]);
        sh(&[
            "ip", "netns", "exec", &bridge, "ip", "link", "add", "br0", "type", "bridge",
        ]);
        sh(&[
            "ip", "netns", "exec", &bridge, "ip", "link", "set", "br0", "up",
        ]);
        for i in 1..=n {
            let host = format!("copse-h{i}-{tag}");
            let (inner, outer) = (format!("cv{i}a{tag}"), format!("cv{i}b{tag}"));
            let (inner, outer) = (&inner[..inner.len().min(15)], &outer[..outer.len().min(15)]);
            sh(&["ip", "netns", "add", &host]);
            sh(&[
                "ip", "link", "add", inner, "type", "veth", "peer", "name", outer,
            ]);
            sh(&["ip", "link", "set", inner, "netns", &host]);
            sh(&["ip", "link", "set", outer, "netns", &bridge]);
            sh(&[
                "ip", "netns", "exec", &bridge, "ip", "link", "set", outer, "master", "br0",
            ]);
            sh(&[
                "ip", "netns", "exec", &bridge, "ip", "link", "set", outer, "up",
            ]);
            sh(&[
                "ip",
                "netns",
                "exec",
                &host,
                "ip",
                "addr",
                "add",
                &format!("10.233.77.{i}/24"),
                "dev",
                inner,
            ]);
            sh(&[
                "ip", "netns", "exec", &host, "ip", "link", "set", inner, "up",
            ]);
            sh(&[
                "ip", "netns", "exec", &host, "ip", "link", "set", "lo", "up",
            ]);
            names.push(host);
        }
        Self { names }
    }

    fn host(&self, i: usize) -> &str {
        &self.names[i]
    }
}

impl Drop for Lan {
    fn drop(&mut self) {
        for n in &self.names {
            let _ = Command::new("ip").args(["netns", "del", n]).status();
        }
    }
}

struct Serve(Child);

impl Serve {
    fn start(dir: &Path, netns: Option<(&str, &str)>) -> Self {
        let bin = env!("CARGO_BIN_EXE_copse-node");
        let mut cmd = match netns {
            Some((ns, _)) => {
                let mut c = Command::new("ip");
                c.args(["netns", "exec", ns, bin]);
                c
            }
            None => Command::new(bin),
        };
        let listen = match netns {
            Some((_, ip)) => format!("/ip4/{ip}/tcp/0"),
            None => "/ip4/127.0.0.1/tcp/0".into(),
        };
        cmd.arg("--data-dir")
            .arg(dir)
            .args(["serve", "--listen", &listen]);
        if netns.is_none() {
            cmd.arg("--no-mdns");
        }
        let mut child = cmd
            .env("COPSE_LOG", common::activity::LOG)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Its log wakes the test's waits.
        common::activity::watch(child.stderr.take().unwrap(), false);
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        loop {
            let line = lines.next().expect("serve exited").unwrap();
            if line.starts_with("listening on ") {
                break;
            }
        }
        std::thread::spawn(move || for _ in lines {});
        Serve(child)
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.0.id().to_string()])
            .status();
        let _ = self.0.wait();
    }
}

fn can_run() -> bool {
    common::netns::can_run(&[&["ip", "netns", "list"]])
}

#[test]
fn three_devices_in_separate_namespaces_find_each_other_by_mdns() {
    if !can_run() {
        eprintln!("skipped: needs root and iproute2 (ip netns)");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dirs: Vec<_> = ["a", "b", "c"].iter().map(|n| tmp.path().join(n)).collect();
    // Membership first, over loopback in the host namespace.
    ok(&dirs[0], &["init", "--name", "Ada"]);
    let id = ok(
        &dirs[0],
        &[
            "community",
            "create",
            "--name",
            "Meetup",
            "--domain",
            "offline sync",
        ],
    );
    {
        let _a = Serve::start(&dirs[0], None);
        let ticket = ok(&dirs[0], &["invite", "-c", &id, "--uses", "2"]);
        for (d, name) in [(&dirs[1], "Bob"), (&dirs[2], "Cyd")] {
            ok(
                d,
                &[
                    "join",
                    &ticket,
                    "--name",
                    name,
                    "--no-mdns",
                    "--listen",
                    "/ip4/127.0.0.1/tcp/0",
                ],
            );
        }
    }
    // The meetup: three namespaces, new addresses nobody recorded; only mDNS can help.
    let lan = Lan::new(3);
    let _serves: Vec<Serve> = (0..3)
        .map(|i| {
            Serve::start(
                &dirs[i],
                Some((lan.host(i + 1), &format!("10.233.77.{}", i + 1))),
            )
        })
        .collect();
    let q = ok(
        &dirs[0],
        &[
            "thread",
            "new",
            "-c",
            &id,
            "--title",
            "Notes from the meetup",
            "--body",
            "no internet here",
        ],
    );
    assert!(!q.is_empty());
    until("the three devices converge over mDNS", || {
        let heads: Vec<String> = dirs.iter().map(|d| ok(d, &["heads", "-c", &id])).collect();
        heads[0] == heads[1] && heads[0] == heads[2]
    });
    assert!(ok(&dirs[2], &["thread", "list", "-c", &id]).contains("Notes from the meetup"));
}

/// Re-checks `done` whenever a `serve` reports something, until it holds; fails with
/// `what` after 90 s.
fn until(what: &str, done: impl FnMut() -> bool) {
    common::activity::eventually(what, Duration::from_secs(90), done);
}

fn json(dir: &Path, args: &[&str]) -> serde_json::Value {
    let mut args = args.to_vec();
    args.push("--json");
    serde_json::from_str(&ok(dir, &args)).unwrap()
}

/// Who checked in to the meetup on now, as one device sees it.
fn checked_in(dir: &Path, c: &str) -> Vec<String> {
    let m = json(dir, &["meetup", "now", "-c", c]);
    let mut v: Vec<String> = m["event"]["attended"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(Into::into))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

#[test]
fn five_devices_meet_check_in_admit_a_newcomer_and_a_late_one_reads_the_digest() {
    if !can_run() {
        eprintln!("skipped: needs root and iproute2 (ip netns)");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let names = ["Ada", "Bob", "Cyd", "Dee", "Eve", "Fay"];
    let dirs: Vec<_> = names.iter().map(|n| tmp.path().join(n)).collect();
    // Before the meetup, over loopback: four members and Fay (who will not come); Eve is
    // not a member yet.
    ok(&dirs[0], &["init", "--name", "Ada"]);
    let id = ok(
        &dirs[0],
        &[
            "community",
            "create",
            "--name",
            "Timber",
            "--domain",
            "timber",
        ],
    );
    // The meetup ran from 170 to 50 minutes ago (Oslo time): its room is open for ten more
    // minutes, and it is over, so a digest exists.
    let oslo = copse_core::local_time::zone("Europe/Oslo").unwrap();
    let now = copse_core::Timestamp(
        i64::try_from(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_millis(),
        )
        .unwrap(),
    );
    let at = |min: i64| copse_core::local_time::iso_minutes(now.plus_millis(min * 60_000), &oslo);
    let event = {
        let _a = Serve::start(&dirs[0], None);
        let ticket = ok(&dirs[0], &["invite", "-c", &id, "--uses", "4"]);
        for i in [1, 2, 3, 5] {
            ok(
                &dirs[i],
                &[
                    "join",
                    &ticket,
                    "--name",
                    names[i],
                    "--no-mdns",
                    "--listen",
                    "/ip4/127.0.0.1/tcp/0",
                ],
            );
        }
        ok(
            &dirs[0],
            &[
                "event",
                "new",
                "-c",
                &id,
                "--title",
                "Winter meetup",
                "--starts",
                &at(-170),
                "--ends",
                &at(-50),
                "--place",
                "Bergen",
                "--zone",
                "Europe/Oslo",
            ],
        )
    };
    // The meetup: a bridge and nothing else; nobody knows anyone's address there.
    let lan = Lan::new(6);
    let ip = |i: usize| format!("10.233.77.{}", i + 1);
    let mut serves: Vec<Serve> = (0..4)
        .map(|i| Serve::start(&dirs[i], Some((lan.host(i + 1), &ip(i)))))
        .collect();
    let heads = |d: &Path| ok(d, &["heads", "-c", &id]);
    until("the four members converge over mDNS", || {
        let h = heads(&dirs[0]);
        dirs[..4].iter().all(|d| heads(d) == h)
    });
    for (i, d) in dirs.iter().enumerate().take(4) {
        ok(d, &["event", "attend", "-c", &id, "--event", &event]);
        assert!(
            ok(d, &["meetup", "now", "-c", &id]).starts_with("Meetup in progress: Winter meetup"),
            "{} sees no meetup",
            names[i]
        );
    }
    // A newcomer is admitted on the spot with the ticket Ada shows (its QR's text).
    let ticket = ok(&dirs[0], &["invite", "-c", &id]);
    ok_in(
        lan.host(5),
        &dirs[4],
        &[
            "join",
            &ticket,
            "--name",
            "Eve",
            "--listen",
            &format!("/ip4/{}/tcp/0", ip(4)),
        ],
    );
    serves.push(Serve::start(&dirs[4], Some((lan.host(5), &ip(4)))));
    let bob_notes = "Glulam tour at 18:00; Cyd brings the moisture meter";
    ok(
        &dirs[1],
        &[
            "event", "notes", "-c", &id, "--event", &event, "--text", bob_notes,
        ],
    );
    ok(
        &dirs[2],
        &[
            "thread",
            "new",
            "-c",
            &id,
            "--title",
            "Site visit photos",
            "--body",
            "from today",
        ],
    );
    until(
        "all five devices here and up to date, as Ada sees it",
        || {
            ok(&dirs[0], &["meetup", "now", "-c", &id])
                .contains("all 5 devices here are up to date")
        },
    );
    // "I'm here" on Eve's device, then until every device shows it.
    let t0 = Instant::now();
    ok(&dirs[4], &["event", "attend", "-c", &id, "--event", &event]);
    let everyone = checked_in(&dirs[4], &id);
    assert_eq!(everyone.len(), 5, "{everyone:?}");
    until("Eve's check-in on all five devices", || {
        dirs[..5].iter().all(|d| checked_in(d, &id) == everyone)
    });
    eprintln!(
        "measured: \"I'm here\" on one device -> attendance shown on all five: {} ms",
        t0.elapsed().as_millis()
    );
    // Fay, who was not there, comes online afterwards and reads the digest.
    serves.push(Serve::start(&dirs[5], Some((lan.host(6), &ip(5)))));
    until("all six devices converge", || {
        let h = heads(&dirs[0]);
        dirs.iter().all(|d| heads(d) == h)
    });
    let digest = ok(&dirs[5], &["meetup", "digest", "-c", &id]);
    assert!(
        digest.starts_with("Since the last meetup: Winter meetup"),
        "{digest}"
    );
    assert!(digest.contains("came: Ada, Bob, Cyd, Dee, Eve"), "{digest}");
    assert!(digest.contains("started: Site visit photos"), "{digest}");
    assert!(digest.contains(bob_notes), "{digest}");
    // Every device ends with the same attendance and notes.
    for d in &dirs {
        assert_eq!(ok(d, &["meetup", "digest", "-c", &id]), digest);
    }
}
