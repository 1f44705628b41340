//! A meetup without internet: three devices in separate network namespaces joined by a
//! bridge (veth pairs), no known addresses of each other. mDNS finds the members; they
//! connect and converge. Needs root and iproute2 (as in CI); skipped otherwise.

#![allow(clippy::unwrap_used)]

mod common;

use common::ok;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn sh(args: &[&str]) {
    let out = Command::new(args[0]).args(&args[1..]).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Network namespaces for this test, removed on drop.
struct Lan {
    names: Vec<String>,
}

impl Lan {
    /// A bridge namespace and `n` hosts on 10.233.77.0/24.
    fn new(n: usize) -> Self {
        let tag = std::process::id();
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
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
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
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.trim_ascii() == b"0");
    let ip = Command::new("ip")
        .args(["netns", "list"])
        .output()
        .is_ok_and(|o| o.status.success());
    root && ip
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
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let heads: Vec<String> = dirs.iter().map(|d| ok(d, &["heads", "-c", &id])).collect();
        if heads[0] == heads[1] && heads[0] == heads[2] {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the three devices did not converge over mDNS"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(ok(&dirs[2], &["thread", "list", "-c", &id]).contains("Notes from the meetup"));
}
