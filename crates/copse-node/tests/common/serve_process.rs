//! A `copse-node serve` child process, for the serve tests and the flood benchmark.

#![allow(clippy::unwrap_used, dead_code)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// A running `serve` and the address it printed.
pub(crate) struct Serve {
    pub(crate) child: Child,
    pub(crate) addr: String,
}

impl Serve {
    /// Starts `serve` on `dir`, listening on 127.0.0.1 without mDNS; `quiet` drops its log.
    pub(crate) fn start(dir: &Path, quiet: bool) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_copse-node"))
            .arg("--data-dir")
            .arg(dir)
            .args(["serve", "--listen", "/ip4/127.0.0.1/tcp/0", "--no-mdns"])
            .env("COPSE_LOG", super::activity::LOG)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Its log wakes tests waiting for something to happen (echoed unless quiet).
        super::activity::watch(child.stderr.take().unwrap(), !quiet);
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let addr = loop {
            let line = lines.next().expect("serve exited").unwrap();
            if let Some(a) = line.strip_prefix("listening on ") {
                break a.to_owned();
            }
        };
        // Keep draining stdout so the child never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Self { child, addr }
    }

    /// SIGTERM, then wait; whether it shut down cleanly (exit 0).
    pub(crate) fn terminate(mut self) -> bool {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .is_ok_and(|s| s.success());
        sent && self.child.wait().is_ok_and(|s| s.success())
    }
}

// A test that fails while its node runs must not leave the process behind.
impl Drop for Serve {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
