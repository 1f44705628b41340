//! Running `copse-node` as a process, for the CLI scenario tests.

#![allow(clippy::unwrap_used, dead_code)]

pub(crate) mod activity;
pub(crate) mod netns;
pub(crate) mod serve_process;

use std::path::Path;
use std::process::{Command, Output};

/// Runs `copse-node --data-dir DIR ARGS...`.
pub(crate) fn node(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_copse-node"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .output()
        .unwrap()
}

/// Runs a command that must succeed; returns its trimmed stdout.
pub(crate) fn ok(dir: &Path, args: &[&str]) -> String {
    succeeded(args, node(dir, args))
}

/// Runs `copse-node --data-dir DIR ARGS...` inside network namespace `ns`; it must succeed.
pub(crate) fn ok_in(ns: &str, dir: &Path, args: &[&str]) -> String {
    let out = Command::new("ip")
        .args(["netns", "exec", ns, env!("CARGO_BIN_EXE_copse-node")])
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .output()
        .unwrap();
    succeeded(args, out)
}

fn succeeded(args: &[&str], out: Output) -> String {
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// Runs a command that must fail without printing to stdout; returns its stderr.
pub(crate) fn fails(dir: &Path, args: &[&str]) -> String {
    let out = node(dir, args);
    assert!(!out.status.success(), "{args:?} should have failed");
    assert!(
        out.stdout.is_empty(),
        "{args:?} printed to stdout on failure"
    );
    String::from_utf8(out.stderr).unwrap()
}

/// A profile for Ada (`init --name Ada` plus `init_args`) with a community "Timber"; its id.
pub(crate) fn ada_in_timber(dir: &Path, init_args: &[&str]) -> String {
    let mut init = vec!["init", "--name", "Ada"];
    init.extend_from_slice(init_args);
    ok(dir, &init);
    ok(
        dir,
        &[
            "community",
            "create",
            "--name",
            "Timber",
            "--domain",
            "timber",
        ],
    )
}
