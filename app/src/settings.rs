//! The app's own settings (this device's, never the community's): a small JSON file in the
//! profile, read when the app starts and written when the member changes one.

use std::path::Path;

use serde::{Deserialize, Serialize};

/// The file's name in the profile directory.
pub const FILE: &str = "app-settings.json";

/// What the member chose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppSettings {
    /// Desktop notifications for what is "for you" (on unless turned off).
    #[serde(default = "on")]
    pub notifications: bool,
    /// Light, dark, or as the system is set.
    #[serde(default)]
    pub theme: ThemeChoice,
    /// Text size in percent of the default (80 to 160).
    #[serde(default = "hundred")]
    pub text_percent: u16,
    /// Relays this device keeps a reservation on besides its communities' (each ends in
    /// `/p2p/<relay id>`): a relay an organisation runs for its own people, say.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub relays: Vec<String>,
}

/// The window's colours.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ThemeChoice {
    /// As the system is set (light where it cannot be told).
    #[default]
    System,
    /// Always light.
    Light,
    /// Always dark.
    Dark,
}

impl ThemeChoice {
    /// Every choice, for a picker.
    pub const ALL: [ThemeChoice; 3] = [ThemeChoice::System, ThemeChoice::Light, ThemeChoice::Dark];

    /// The picker's words.
    pub fn label(self) -> &'static str {
        match self {
            ThemeChoice::System => "As the system",
            ThemeChoice::Light => "Light",
            ThemeChoice::Dark => "Dark",
        }
    }
}

/// The text sizes offered, in percent.
pub const TEXT_PERCENT: std::ops::RangeInclusive<u16> = 80..=160;

fn on() -> bool {
    true
}

fn hundred() -> u16 {
    100
}

impl Default for AppSettings {
    fn default() -> Self {
        Self {
            notifications: on(),
            theme: ThemeChoice::default(),
            text_percent: hundred(),
            relays: Vec::new(),
        }
    }
}

impl AppSettings {
    /// The zoom the text size asks for (an out-of-range file value is clamped).
    pub fn zoom(&self) -> f32 {
        f32::from(
            self.text_percent
                .clamp(*TEXT_PERCENT.start(), *TEXT_PERCENT.end()),
        ) / 100.0
    }
}

/// The settings in `dir`; a missing or unreadable file gives the defaults.
pub fn read(dir: &Path) -> AppSettings {
    let mut s: AppSettings = std::fs::read(dir.join(FILE))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default();
    // A hand-edited size outside the range is brought back into it.
    s.text_percent = s
        .text_percent
        .clamp(*TEXT_PERCENT.start(), *TEXT_PERCENT.end());
    s
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
