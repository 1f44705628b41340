//! The app's own settings (this device's, never the community's): a small JSON file in the
//! profile, read when the app starts and written when the member changes one.

use std::path::Path;

use serde::{Deserialize, Serialize};

/// The file's name in the profile directory.
pub const FILE: &str = "app-settings.json";

/// What the member chose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppSettings {
    /// Desktop notifications for what is "for you" (on unless turned off).
    #[serde(default = "on")]
    pub notifications: bool,
}

fn on() -> bool {
    true
}

impl Default for AppSettings {
    fn default() -> Self {
        Self {
            notifications: on(),
        }
    }
}

/// The settings in `dir`; a missing or unreadable file gives the defaults.
pub fn read(dir: &Path) -> AppSettings {
    std::fs::read(dir.join(FILE))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default()
}

/// Writes the settings into `dir` (aside, then renamed: a crash leaves the old or the new).
pub fn write(dir: &Path, settings: &AppSettings) -> std::io::Result<()> {
    // One name per write: two quick changes never write into each other's file.
    static WRITES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = WRITES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp = dir.join(format!("{FILE}.{}.{n}.tmp", std::process::id()));
    let bytes = serde_json::to_vec_pretty(settings).map_err(std::io::Error::other)?;
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(tmp, dir.join(FILE))
}
