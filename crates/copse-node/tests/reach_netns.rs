//! Across organisations: members behind two NATs (network namespaces with iptables
//! MASQUERADE routers) reach each other through a relay that anyone can run, and hole
//! punching upgrades them to a direct connection where the NATs allow. Needs root,
//! iproute2 and iptables (as in CI); skipped otherwise.
//!
//! ```text
//!            public bridge 10.78.0.0/24
//!   R 10.78.0.10 (relay)    B 10.78.0.20
//!   NAT1 10.78.0.2          NAT2 10.78.0.3
//!    └ A 192.168.1.2         └ C 192.168.2.2
//! ```
//! A and C have no route to each other. The routers drop unsolicited inbound packets, as
//! home and office routers do (a dropped packet also leaves no connection-tracking entry
//! behind that would make the router change a port it maps).

#![allow(clippy::unwrap_used)]

mod common;

use common::netns::{in_ns, sh};
use common::{ok, ok_in};

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

fn can_run() -> bool {
    common::netns::can_run(&[&["ip", "netns", "list"], &["iptables", "--version"]])
}

/// How the routers map ports.
#[derive(Clone, Copy, PartialEq)]
enum Mapping {
    /// Plain MASQUERADE: a host keeps its source port (endpoint-independent mapping).
    KeepsPorts,
    /// MASQUERADE --random: each new destination gets a random port; punching fails.
    RandomPorts,
}

/// The namespaces of one topology, removed on drop.
struct Topology {
    tag: u32,
    names: Vec<String>,
}

impl Topology {
    fn new(mapping: Mapping) -> Self {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let tag = std::process::id() % 10_000 * 10 + NEXT.fetch_add(1, Ordering::Relaxed);
        let mut t = Self {
            tag,
            names: Vec::new(),
        };
        let public = t.add("pub");
        in_ns(&public, &["ip", "link", "add", "br0", "type", "bridge"]);
        in_ns(&public, &["ip", "link", "set", "br0", "up"]);
        let r = t.add("r");
        t.attach(&r, "10.78.0.10", "r");
        let b = t.add("b");
        t.attach(&b, "10.78.0.20", "b");
        for i in 1..=2u8 {
            let router = t.add(&format!("nat{i}"));
            let host = t.add(&format!("h{i}"));
            let public_if = t.attach(&router, &format!("10.78.0.{}", i + 1), &format!("n{i}"));
            let (inside, outside) = (format!("ci{i}{tag}"), format!("co{i}{tag}"));
            sh(&[
                "ip", "link", "add", &inside, "type", "veth", "peer", "name", &outside,
            ]);
            sh(&["ip", "link", "set", &inside, "netns", &router]);
            sh(&["ip", "link", "set", &outside, "netns", &host]);
            let lan = format!("192.168.{i}");
            in_ns(
                &router,
                &["ip", "addr", "add", &format!("{lan}.1/24"), "dev", &inside],
            );
            in_ns(&router, &["ip", "link", "set", &inside, "up"]);
            in_ns(
                &host,
                &["ip", "addr", "add", &format!("{lan}.2/24"), "dev", &outside],
            );
            in_ns(&host, &["ip", "link", "set", &outside, "up"]);
            in_ns(&host, &["ip", "link", "set", "lo", "up"]);
            in_ns(
                &host,
                &["ip", "route", "add", "default", "via", &format!("{lan}.1")],
            );
            in_ns(&router, &["sysctl", "-qw", "net.ipv4.ip_forward=1"]);
            let mut nat = vec![
                "iptables",
                "-t",
                "nat",
                "-A",
                "POSTROUTING",
                "-o",
                &public_if,
                "-j",
                "MASQUERADE",
            ];
            if mapping == Mapping::RandomPorts {
                nat.push("--random");
            }
            in_ns(&router, &nat);
            in_ns(
                &router,
                &[
                    "iptables",
                    "-A",
                    "INPUT",
                    "-i",
                    &public_if,
                    "-m",
                    "conntrack",
                    "--ctstate",
                    "NEW",
                    "-j",
                    "DROP",
                ],
            );
        }
        t
    }

    /// A namespace named after its role.
    fn add(&mut self, role: &str) -> String {
        let name = format!("copse-{role}-{}", self.tag);
        sh(&["ip", "netns", "add", &name]);
        self.names.push(name.clone());
        name
    }

    /// Puts `ns` on the public bridge at `ip`; returns its interface there.
    fn attach(&self, ns: &str, ip: &str, short: &str) -> String {
        let (inner, outer) = (
            format!("p{short}{}", self.tag),
            format!("q{short}{}", self.tag),
        );
        let public = self.ns("pub");
        sh(&[
            "ip", "link", "add", &inner, "type", "veth", "peer", "name", &outer,
        ]);
        sh(&["ip", "link", "set", &inner, "netns", ns]);
        sh(&["ip", "link", "set", &outer, "netns", &public]);
        in_ns(&public, &["ip", "link", "set", &outer, "master", "br0"]);
        in_ns(&public, &["ip", "link", "set", &outer, "up"]);
        in_ns(
            ns,
            &["ip", "addr", "add", &format!("{ip}/24"), "dev", &inner],
        );
        in_ns(ns, &["ip", "link", "set", &inner, "up"]);
        in_ns(ns, &["ip", "link", "set", "lo", "up"]);
        inner
    }

    fn ns(&self, role: &str) -> String {
        format!("copse-{role}-{}", self.tag)
    }
}

impl Drop for Topology {
    fn drop(&mut self) {
        for n in &self.names {
            let _ = Command::new("ip").args(["netns", "del", n]).status();
        }
    }
}

/// A `copse-node serve` in a namespace.
struct Node {
    child: Child,
    id: String,
}

impl Node {
    fn start(ns: &str, dir: &Path, args: &[&str]) -> Self {
        let mut child = Command::new("ip")
            .args(["netns", "exec", ns, env!("CARGO_BIN_EXE_copse-node")])
            .arg("--data-dir")
            .arg(dir)
            .arg("serve")
            .args(["--no-mdns"])
            .args(args)
            .env("COPSE_LOG", common::activity::LOG)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        common::activity::watch(child.stderr.take().unwrap(), false);
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut id = String::new();
        loop {
            let line = lines.next().expect("serve exited").unwrap();
            if let Some(m) = line.strip_prefix("member id: ") {
                id = m.to_owned();
            }
            if line.starts_with("listening on ") {
                break;
            }
        }
        std::thread::spawn(move || for _ in lines {});
        Self { child, id }
    }

    /// A member device behind its router: every interface, TCP and QUIC; through `relay`
    /// if given (else through the relays its communities list).
    fn member(ns: &str, dir: &Path, relay: Option<&str>) -> Self {
        let mut args = vec![
            "--listen",
            "/ip4/0.0.0.0/tcp/0",
            "--listen",
            "/ip4/0.0.0.0/udp/0/quic-v1",
        ];
        if let Some(r) = relay {
            args.extend(["--use-relay", r]);
        }
        Self::start(ns, dir, &args)
    }

    fn stop(mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// The relay R: not a member of anything, reachable at a public address it is told.
fn start_relay(t: &Topology, dir: &Path, extra: &[&str]) -> (Node, String) {
    if !dir.join("identity.key").exists() {
        ok(dir, &["init", "--name", "Relay"]);
    }
    let mut args = vec![
        "--relay",
        "--listen",
        "/ip4/10.78.0.10/tcp/4001",
        "--listen",
        "/ip4/10.78.0.10/udp/4001/quic-v1",
        "--external",
        "/ip4/10.78.0.10/tcp/4001",
        "--external",
        "/ip4/10.78.0.10/udp/4001/quic-v1",
    ];
    args.extend_from_slice(extra);
    let node = Node::start(&t.ns("r"), dir, &args);
    let addr = format!("/ip4/10.78.0.10/udp/4001/quic-v1/p2p/{}", node.id);
    (node, addr)
}

/// Re-checks `done` whenever a `serve` reports something, until it holds.
fn until(what: &str, done: impl FnMut() -> bool) {
    common::activity::eventually(what, Duration::from_secs(90), done);
}

fn status(dir: &Path) -> serde_json::Value {
    serde_json::from_str(&ok(dir, &["status", "--json"])).unwrap()
}

fn reserved(dir: &Path) -> bool {
    status(dir)["reach"]["relays"]
        .as_array()
        .is_some_and(|r| r.iter().any(|x| x["reserved"] == true))
}

/// How `dir`'s device reaches `member`: its `route` in `status`.
fn route(dir: &Path, member: &str) -> serde_json::Value {
    let s = status(dir);
    s["communities"][0]["peers"]
        .as_array()
        .and_then(|p| p.iter().find(|x| x["member"] == member).cloned())
        .map(|p| p["route"].clone())
        .unwrap_or(serde_json::Value::Null)
}

/// Ada behind NAT1 with a community and a reservation on the relay; Cyd behind NAT2
/// joined with her ticket through the relay and serving too. With `listed`, the relay is
/// the community's (a coordinator added it) and no device is given one; else each device
/// is given it.
struct Pair {
    dirs: Vec<PathBuf>,
    community: String,
    ada: Node,
    cyd: Node,
}

fn ada_and_cyd(t: &Topology, tmp: &Path, relay: &str, listed: bool) -> Pair {
    let dirs: Vec<PathBuf> = ["a", "c", "d"].iter().map(|n| tmp.join(n)).collect();
    ok(&dirs[0], &["init", "--name", "Ada"]);
    let community = ok(
        &dirs[0],
        &[
            "community",
            "create",
            "--name",
            "Timber",
            "--domain",
            "timber across organisations",
        ],
    );
    let given = if listed {
        ok(
            &dirs[0],
            &["community", "relays", "add", "-c", &community, relay],
        );
        assert_eq!(
            ok(&dirs[0], &["community", "relays", "list", "-c", &community]),
            relay
        );
        None
    } else {
        Some(relay)
    };
    let ada = Node::member(&t.ns("h1"), &dirs[0], given);
    until("Ada reserves on the relay", || reserved(&dirs[0]));
    until("Ada listens through the relay", || {
        ok(&dirs[0], &["status"]).contains("/p2p-circuit")
    });
    // (a) Cyd, behind the other NAT, can reach Ada only through the relay.
    let ticket = ok(&dirs[0], &["invite", "-c", &community, "--uses", "2"]);
    // One direct and one relayed address, still short enough to type or scan.
    assert!(ticket.len() <= 300, "{} characters", ticket.len());
    ok_in(
        &t.ns("h2"),
        &dirs[1],
        &[
            "join",
            &ticket,
            "--name",
            "Cyd",
            "--no-mdns",
            "--listen",
            "/ip4/0.0.0.0/tcp/0",
        ],
    );
    let cyd = Node::member(&t.ns("h2"), &dirs[1], given);
    Pair {
        dirs,
        community,
        ada,
        cyd,
    }
}

/// Whether `dir`'s copy records an address of `member` through a relay.
fn records_relayed(dir: &Path, community: &str, member: &str) -> bool {
    let list: serde_json::Value =
        serde_json::from_str(&ok(dir, &["member", "list", "-c", community, "--json"])).unwrap();
    list.as_array().is_some_and(|all| {
        all.iter().any(|m| {
            let text = m.to_string();
            text.contains(member) && text.contains("/p2p-circuit")
        })
    })
}

fn post(dir: &Path, community: &str, title: &str) {
    ok(
        dir,
        &[
            "thread",
            "new",
            "-c",
            community,
            "--title",
            title,
            "--body",
            "across the NATs",
        ],
    );
}

fn sees(dir: &Path, community: &str, title: &str) -> bool {
    ok(dir, &["thread", "list", "-c", community]).contains(title)
}

#[test]
fn members_behind_two_nats_join_and_sync_through_a_relay_and_punch_a_direct_connection() {
    if !can_run() {
        eprintln!("skipped: needs root, iproute2 and iptables");
        return;
    }
    let t = Topology::new(Mapping::KeepsPorts);
    let tmp = tempfile::tempdir().unwrap();
    let (_relay, relay) = start_relay(&t, &tmp.path().join("r"), &[]);
    let p = ada_and_cyd(&t, tmp.path(), &relay, true);
    let (a, c) = (&p.dirs[0], &p.dirs[1]);
    // (b) Posts both ways.
    post(a, &p.community, "From behind the first NAT");
    until("Cyd sees Ada's thread", || {
        sees(c, &p.community, "From behind the first NAT")
    });
    post(c, &p.community, "From behind the second NAT");
    until("Ada sees Cyd's thread", || {
        sees(a, &p.community, "From behind the second NAT")
    });
    // (c) The NATs keep ports: the relayed connection is upgraded to a direct one.
    until("Ada reaches Cyd directly", || {
        route(a, &p.cyd.id)["kind"] == "direct"
    });
    until("Cyd reaches Ada directly", || {
        route(c, &p.ada.id)["kind"] == "direct"
    });
    // (g) Ada goes offline; a newcomer on the public network, holding a ticket Ada made
    // while Cyd was a member, is admitted by Cyd through the relay.
    until("Ada holds Cyd's relayed address", || {
        records_relayed(a, &p.community, &p.cyd.id)
    });
    let ticket = ok(a, &["invite", "-c", &p.community]);
    // Cyd must hold the invite before Ada goes.
    until("Cyd holds Ada's invite", || {
        ok(a, &["heads", "-c", &p.community]) == ok(c, &["heads", "-c", &p.community])
    });
    p.ada.stop();
    ok_in(
        &t.ns("b"),
        &p.dirs[2],
        &[
            "join",
            &ticket,
            "--name",
            "Dee",
            "--no-mdns",
            "--listen",
            "/ip4/0.0.0.0/tcp/0",
        ],
    );
    assert!(sees(&p.dirs[2], &p.community, "From behind the second NAT"));
    // The relay holds nothing of the community.
    let r = tmp.path().join("r");
    let held: Vec<_> = std::fs::read_dir(r.join("communities"))
        .map(|d| d.filter_map(Result::ok).collect())
        .unwrap_or_default();
    assert!(held.is_empty(), "the relay stored {held:?}");
    assert!(!r.join("search").exists());
    drop(p.cyd);
}

#[test]
fn with_random_port_mapping_the_punch_fails_sync_stays_on_the_relay_and_survives_its_restart() {
    if !can_run() {
        eprintln!("skipped: needs root, iproute2 and iptables");
        return;
    }
    let t = Topology::new(Mapping::RandomPorts);
    let tmp = tempfile::tempdir().unwrap();
    let relay_dir = tmp.path().join("r");
    let (relay_node, relay) = start_relay(&t, &relay_dir, &[]);
    let p = ada_and_cyd(&t, tmp.path(), &relay, false);
    let (a, c) = (&p.dirs[0], &p.dirs[1]);
    // (d) The punch fails; the members stay connected through the relay.
    until("Ada tried to punch through to Cyd and could not", || {
        let r = route(a, &p.cyd.id);
        r["kind"] == "relayed" && r["hole_punch"]["Err"].is_string()
    });
    post(c, &p.community, "Still through the relay");
    until("Ada sees Cyd's thread through the relay", || {
        sees(a, &p.community, "Still through the relay")
    });
    // (e) The relay restarts: both reserve again and the members reconnect through it.
    relay_node.stop();
    let (_relay, _) = start_relay(&t, &relay_dir, &[]);
    post(a, &p.community, "After the relay came back");
    until("Cyd sees Ada's thread after the relay restarted", || {
        sees(c, &p.community, "After the relay came back")
    });
    until("both reserve on the relay again", || {
        reserved(a) && reserved(c)
    });
    drop((p.ada, p.cyd));
}

#[test]
fn a_members_only_relay_refuses_a_stranger_reservation_and_says_why() {
    if !can_run() {
        eprintln!("skipped: needs root, iproute2 and iptables");
        return;
    }
    let t = Topology::new(Mapping::KeepsPorts);
    let tmp = tempfile::tempdir().unwrap();
    let (_relay, relay) = start_relay(&t, &tmp.path().join("r"), &["--relay-members-only"]);
    let a = tmp.path().join("a");
    ok(&a, &["init", "--name", "Ada"]);
    let _ada = Node::member(&t.ns("h1"), &a, Some(&relay));
    until("the relay's refusal shows in Ada's status", || {
        let s = status(&a);
        let text = ok(&a, &["status"]);
        s["reach"]["relays"][0]["reserved"] == false
            && s["reach"]["relays"][0]["error"].is_string()
            && text.contains("reachable only on this network")
    });
}
