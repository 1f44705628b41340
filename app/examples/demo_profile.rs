//! A profile with a small generated community (60 members, a year of threads, articles,
//! meetups and tasks) for looking at the app as a member would, e.g. for screenshots:
//! `cargo run -p copse --example demo_profile -- /tmp/demo`, then
//! `copse --data-dir /tmp/demo --listen /ip4/127.0.0.1/tcp/0 --no-mdns`.

#![allow(clippy::unwrap_used)]
use copse_testkit::CommunitySpec;
use copse_testkit::bench_support::{community_with_devices, profile};

fn main() {
    let Some(dir) = std::env::args().nth(1).map(std::path::PathBuf::from) else {
        eprintln!("usage: demo_profile DIR (a profile directory to create)");
        std::process::exit(2);
    };
    let spec = CommunitySpec {
        members: 60,
        threads: 400,
        posts_per_thread: 3,
        post_chars: 200,
        articles: 40,
        events: 30,
        tasks: 60,
        seed: 42,
    };
    let bytes = community_with_devices(&spec, 2);
    profile(&dir, 0, Some(&bytes)).unwrap();
}
