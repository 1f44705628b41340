//! Commands for the tests that build network namespaces (root, iproute2, iptables).

#![allow(clippy::unwrap_used, dead_code)]

use std::process::Command;

/// Runs a command that must succeed.
pub(crate) fn sh(args: &[&str]) {
    let out = Command::new(args[0]).args(&args[1..]).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Runs a command inside namespace `ns`; it must succeed.
pub(crate) fn in_ns(ns: &str, args: &[&str]) {
    let mut all = vec!["ip", "netns", "exec", ns];
    all.extend_from_slice(args);
    sh(&all);
}

/// Whether this machine can build namespaces: root, and each of `tools` answers
/// (`["ip", "netns", "list"]`, `["iptables", "--version"]`).
pub(crate) fn can_run(tools: &[&[&str]]) -> bool {
    let root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.trim_ascii() == b"0");
    root && tools.iter().all(|t| {
        Command::new(t[0])
            .args(&t[1..])
            .output()
            .is_ok_and(|o| o.status.success())
    })
}
