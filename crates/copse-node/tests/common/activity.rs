//! What the tests' `serve` processes report, as wake-ups: each logs every event it sees
//! (`COPSE_LOG=info`), and a test re-checks its condition whenever one of them writes a
//! line, rather than on a timer.

use std::io::{BufRead, BufReader, Read};
use std::sync::{Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant};

fn lines_seen() -> &'static (Mutex<u64>, Condvar) {
    static SEEN: OnceLock<(Mutex<u64>, Condvar)> = OnceLock::new();
    SEEN.get_or_init(|| (Mutex::new(0), Condvar::new()))
}

/// The log filter a watched `serve` runs with: every event is a line.
pub(crate) const LOG: &str = "info,automerge=off,libp2p=warn";

/// Reads `stream` line by line on a thread of its own; each line wakes the waiting test
/// (and is echoed to stderr if `echo`).
pub(crate) fn watch(stream: impl Read + Send + 'static, echo: bool) {
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            if echo {
                eprintln!("{line}");
            }
            let (count, cv) = lines_seen();
            *count.lock().unwrap_or_else(|e| e.into_inner()) += 1;
            cv.notify_all();
        }
    });
}

/// Re-checks `cond` whenever a watched process writes a line, until it holds; fails with
/// `what` after `limit`.
pub(crate) fn eventually(what: &str, limit: Duration, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    let (count, cv) = lines_seen();
    loop {
        let seen = *count.lock().unwrap_or_else(|e| e.into_inner());
        if cond() {
            return;
        }
        let mut now = count.lock().unwrap_or_else(|e| e.into_inner());
        while *now == seen {
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(!left.is_zero(), "timed out waiting for: {what}");
            now = cv
                .wait_timeout(now, left)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }
}
