//! Test helper for `tests/crash.rs`: writes posts into a community as fast as it can and
//! prints `ack <title>` after each one is durable. The test kills it with SIGKILL.
//!
//! Usage: crash_writer PROFILE_DIR COMMUNITY_ID MEMBER_ID PREFIX

use std::io::Write;

use anyhow::Context;
use copse_core::record::ThreadKind;
use copse_core::{Command, Timestamp};
use copse_store::ProfileDir;
use rand::SeedableRng;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let [_, dir, community, member, prefix] = args.as_slice() else {
        anyhow::bail!("usage: crash_writer PROFILE_DIR COMMUNITY_ID MEMBER_ID PREFIX");
    };
    let profile = ProfileDir::open(dir.as_ref()).context("opening profile")?;
    let mut open = profile
        .open_community(&community.parse().map_err(anyhow::Error::msg)?)
        .context("opening community")?;
    let me = member.parse().map_err(anyhow::Error::msg)?;
    let mut rng = rand::rngs::StdRng::from_entropy();
    let mut out = std::io::stdout().lock();
    writeln!(out, "ready")?;
    out.flush()?;
    for i in 0u64.. {
        let title = format!("{prefix}-{i}");
        open.execute(
            &me,
            Timestamp(1_800_000_000_000 + i as i64),
            &mut rng,
            Command::StartThread {
                kind: ThreadKind::Discussion,
                title: title.clone(),
                body: "b".repeat(200),
                tags: vec![],
            },
        )?;
        writeln!(out, "ack {title}")?;
        out.flush()?;
    }
    Ok(())
}
