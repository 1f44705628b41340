//! Helpers shared by the benchmark binaries: cached generated communities, percentiles,
//! memory readings and a description of the machine.

use std::path::PathBuf;
use std::time::Duration;

use copse_core::Community;

use crate::{CommunitySpec, generate};

/// The community the network benches run on: the realistic one, or with
/// `COPSE_BENCH_SMALL=1` the same with 200 threads (a quick check of the steps).
pub fn bench_spec() -> CommunitySpec {
    if std::env::var_os("COPSE_BENCH_SMALL").is_some() {
        CommunitySpec {
            threads: 200,
            ..CommunitySpec::realistic()
        }
    } else {
        CommunitySpec::realistic()
    }
}

/// Where benchmarks keep generated documents between runs (under `target/`).
pub fn cache_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    target.join("copse-bench")
}

/// The saved bytes of the community for `spec`, generated once and cached on disk.
pub fn community_bytes(spec: &CommunitySpec) -> Vec<u8> {
    cached(&spec.cache_name(), || {
        generate(spec, None, &[]).community.doc().save()
    })
}

/// The same community written before signatures (see `generate_unsigned`), cached.
pub fn community_bytes_unsigned(spec: &CommunitySpec) -> Vec<u8> {
    cached(&format!("unsigned-{}", spec.cache_name()), || {
        crate::generate_unsigned(spec).community.doc().save()
    })
}

/// The community saved in the bench cache as `name`, made by `make` if it is missing or
/// not a community this build opens.
fn cached(name: &str, make: impl FnOnce() -> Vec<u8>) -> Vec<u8> {
    let path = cache_dir().join(name);
    if let Ok(bytes) = std::fs::read(&path)
        && Community::load(&bytes).is_ok()
    {
        return bytes;
    }
    eprintln!("generating {name} (once; cached in {})", path.display());
    let bytes = make();
    let _ = std::fs::create_dir_all(cache_dir());
    let _ = std::fs::write(&path, &bytes);
    bytes
}

/// The `p`-th percentile (0..=100) of `samples` (sorted in place).
pub fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    if samples.is_empty() {
        return Duration::ZERO;
    }
    samples.sort();
    let idx = ((p / 100.0) * (samples.len() - 1) as f64).round() as usize;
    samples[idx.min(samples.len() - 1)]
}

/// Milliseconds with two decimals.
pub fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// `(VmRSS, VmHWM)` of this process in KiB, from /proc.
pub fn rss_kib() -> (u64, u64) {
    rss_kib_of("self")
}

/// `(VmRSS, VmHWM)` in KiB of process `pid` ("self" or a number), from /proc.
pub fn rss_kib_of(pid: &str) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// CPU time (user + system) process `pid` ("self" or a number) has used, from /proc.
pub fn cpu_time_of(pid: &str) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // The fields after the command name, which is in parentheses and may hold spaces;
    // utime and stime are the 14th and 15th of the line, so the 12th and 13th after it.
    let after_name = stat.rfind(')').map_or("", |i| &stat[i + 1..]);
    let ticks: u64 = after_name
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|f| f.parse::<u64>().ok())
        .sum();
    // USER_HZ is 100 on Linux.
    Duration::from_millis(ticks * 10)
}

/// CPU model and core count.
pub fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|s| s.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!("{cpu}, {cores} cores")
}

/// The device seed of benchmark device `i` (its member id is fixed, so generated
/// communities that include it can be cached).
pub fn device_seed(i: u8) -> [u8; 32] {
    [i.wrapping_add(100); 32]
}

/// The saved community for `spec` whose founder is benchmark device 0 and whose members
/// include devices `1..n` (keys from [`device_seed`]), generated once and cached.
pub fn community_with_devices(spec: &CommunitySpec, n: u8) -> Vec<u8> {
    let path = cache_dir().join(format!("devices{n}-{}", spec.cache_name()));
    if let Ok(b) = std::fs::read(&path) {
        return b;
    }
    eprintln!("generating {} (once)", path.display());
    let key = |i| copse_core::guard::Signer::from_seed(device_seed(i));
    let extra: Vec<_> = (1..n).map(key).collect();
    let bytes = generate(spec, Some(key(0)), &extra).community.doc().save();
    let _ = std::fs::create_dir_all(cache_dir());
    let _ = std::fs::write(&path, &bytes);
    bytes
}

/// Fills the profile at `dir` as device `i`'s (the key from [`device_seed`], named
/// "Device i") and, if given, with the community `bytes` and its cached first screen: the
/// one way benchmarks, examples and process tests set up a device.
pub fn profile(dir: &std::path::Path, i: u8, bytes: Option<&[u8]>) -> Result<(), String> {
    use copse_store::{DeviceKey, ProfileDir};
    let fail = |what: &str, e: &dyn std::fmt::Display| format!("{what}: {e}");
    let p = ProfileDir::open(dir).map_err(|e| fail("opening the profile", &e))?;
    p.create_device_key(&DeviceKey::from_seed(device_seed(i)))
        .map_err(|e| fail("writing the device key", &e))?;
    p.set_me(&copse_core::record::MemberDetails {
        name: format!("Device {i}"),
        ..Default::default()
    })
    .map_err(|e| fail("writing the details", &e))?;
    if let Some(bytes) = bytes {
        let community = Community::load(bytes).map_err(|e| fail("loading the community", &e))?;
        let open = p
            .add_community(community)
            .map_err(|e| fail("adding the community", &e))?;
        open.write_cached_view()
            .map_err(|e| fail("writing its first screen", &e))?;
    }
    Ok(())
}
