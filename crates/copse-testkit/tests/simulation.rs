//! The simulator in CI: random scenarios of 3 to 6 devices (joins, edits, removals,
//! partitions, crashes, full disks) on a lossy, reordering network, each checked for
//! convergence, kept acknowledgements and who received what.
//!
//! Every run uses fresh seeds and prints its base; a failing seed is printed with the line
//! that replays it: `COPSE_SIM_SEED=N cargo test -p copse-testkit --test simulation`.

use std::time::Instant;

/// Seeds per shard; four shards run in parallel.
const PER_SHARD: u64 = 130;

fn base() -> u64 {
    static BASE: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    *BASE.get_or_init(|| {
        std::env::var("COPSE_SIM_BASE")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_secs() * 1_000)
                    .unwrap_or(1)
            })
    })
}

fn shard(index: u64) {
    let replay: Option<u64> = std::env::var("COPSE_SIM_SEED")
        .ok()
        .and_then(|s| s.parse().ok());
    let seeds: Vec<u64> = match replay {
        Some(seed) if index == 0 => vec![seed],
        Some(_) => return,
        None => {
            let base = base();
            eprintln!(
                "simulation shard {index}: base {base} (COPSE_SIM_BASE={base} replays the run)"
            );
            (0..PER_SHARD)
                .map(|i| base + index * PER_SHARD + i)
                .collect()
        }
    };
    let started = Instant::now();
    let mut total = copse_testkit::sim::Outcome::default();
    for seed in &seeds {
        match copse_testkit::sim::run(*seed) {
            Ok(o) => {
                total.acked += o.acked;
                total.joins += o.joins;
                total.removals += o.removals;
                total.crashes += o.crashes;
                total.partitions += o.partitions;
                total.forgeries += o.forgeries;
                total.beyond_removal += o.beyond_removal;
                total.settle_s = total.settle_s.max(o.settle_s);
            }
            Err(e) => panic!(
                "simulation seed {seed} failed: {e}\nreplay: COPSE_SIM_SEED={seed} cargo test -p copse-testkit --test simulation"
            ),
        }
    }
    eprintln!(
        "simulation shard {index}: {} seeds in {:.1} s: {} edits acknowledged, {} joins, {} removals, {} crashes, {} partitions, {} forgeries refused, {} threads written beyond a removal (none shown while it holds); slowest settle {} s (virtual)",
        seeds.len(),
        started.elapsed().as_secs_f64(),
        total.acked,
        total.joins,
        total.removals,
        total.crashes,
        total.partitions,
        total.forgeries,
        total.beyond_removal,
        total.settle_s
    );
}

#[test]
fn simulated_seeds_shard_0() {
    shard(0);
}

#[test]
fn simulated_seeds_shard_1() {
    shard(1);
}

#[test]
fn simulated_seeds_shard_2() {
    shard(2);
}

#[test]
fn simulated_seeds_shard_3() {
    shard(3);
}
