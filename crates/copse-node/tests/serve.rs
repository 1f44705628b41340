//! Several `copse-node` processes: two always-on peers (`serve`) and a third device joining
//! by ticket over TCP on 127.0.0.1; commands reach a running `serve` through its control
//! socket; SIGTERM shuts down cleanly.

#![allow(clippy::unwrap_used)]

mod common;

use common::ok;
use common::serve_process::Serve;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::time::Duration;

/// Re-checks `cond` whenever a `serve` reports something, until it holds (60 s at most):
/// waiting for a condition, not a duration.
fn eventually(what: &str, cond: impl FnMut() -> bool) {
    common::activity::eventually(what, Duration::from_secs(60), cond);
}

#[test]
fn two_serves_and_a_third_device_joining_by_ticket() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b, c) = (
        tmp.path().join("a"),
        tmp.path().join("b"),
        tmp.path().join("c"),
    );
    ok(&a, &["init", "--name", "Ada"]);
    let id = ok(
        &a,
        &[
            "community",
            "create",
            "--name",
            "Timber",
            "--domain",
            "wood",
        ],
    );
    let serve_a = Serve::start(&a, false);
    assert!(serve_a.addr.contains("/p2p/12D3KooW"), "{}", serve_a.addr);
    // The control socket is reachable by its owner only: in an owner-only folder, itself 0600.
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&a), 0o700);
    assert_eq!(mode(&a.join("control.sock")), 0o600);

    // Commands on a served profile go through the control socket (the store is locked).
    let ticket = ok(&a, &["invite", "-c", &id, "--uses", "2", "--expires", "1h"]);
    assert!(ticket.starts_with("copse:"));
    let joined = ok(
        &b,
        &[
            "join",
            &ticket,
            "--name",
            "Bob",
            "--no-mdns",
            "--listen",
            "/ip4/127.0.0.1/tcp/0",
        ],
    );
    assert!(joined.contains("joined Timber"), "{joined}");
    let serve_b = Serve::start(&b, false);

    let q = ok(
        &a,
        &[
            "thread",
            "new",
            "-c",
            &id,
            "--title",
            "Glue?",
            "--body",
            "PUR or MUF?",
            "--question",
        ],
    );
    eventually("Bob sees Ada's question", || {
        ok(&b, &["heads", "-c", &id]) == ok(&a, &["heads", "-c", &id])
    });
    let p = ok(
        &b,
        &[
            "thread", "reply", "-c", &id, "--thread", &q, "--body", "PUR",
        ],
    );
    eventually("Ada sees Bob's answer", || {
        ok(&b, &["heads", "-c", &id]) == ok(&a, &["heads", "-c", &id])
    });
    ok(
        &a,
        &["thread", "accept", "-c", &id, "--thread", &q, "--post", &p],
    );

    // A third device joins over TCP while both serve.
    let joined = ok(
        &c,
        &[
            "join",
            &ticket,
            "--name",
            "Cyd",
            "--no-mdns",
            "--listen",
            "/ip4/127.0.0.1/tcp/0",
        ],
    );
    assert!(joined.contains("joined Timber"), "{joined}");
    // Heads and `show` are compared in one check: a node may record a newly observed address
    // (a change to its member entry) at any moment.
    let view = |d: &std::path::Path| {
        (
            ok(d, &["heads", "-c", &id]),
            ok(d, &["show", "-c", &id, "--json"]),
        )
    };
    eventually("all three identical", || {
        let va = view(&a);
        va == view(&b) && va == view(&c)
    });
    let shown = ok(&a, &["show", "-c", &id, "--json"]);
    assert!(shown.contains("\"accepted_post\""));

    let status: serde_json::Value = serde_json::from_str(&ok(&b, &["status", "--json"])).unwrap();
    assert_eq!(status["online"], true);
    let ada = status["communities"][0]["peers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "Ada")
        .unwrap()
        .clone();
    assert_eq!(ada["connected"], true, "{status}");

    assert!(serve_a.terminate(), "serve did not shut down cleanly");
    assert!(serve_b.terminate(), "serve did not shut down cleanly");
    // After shutdown the profile opens directly again.
    assert!(ok(&a, &["status"]).contains("offline"));
}
