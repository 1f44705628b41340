//! How a community reads its members' participation: the window contributions are counted
//! over and the counts from which a member is active or core. Set by coordinators, stored
//! as three Uints in the profile; a community that never set them uses the defaults.

use serde::{Deserialize, Serialize};

/// Thresholds for the participation levels (peripheral, active, core).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LevelRule {
    /// Contributions count when they happened within this many days.
    pub window_days: u32,
    /// Contributions in the window from which a member is active (below: peripheral).
    pub active_from: u32,
    /// Contributions in the window from which a member is core.
    pub core_from: u32,
}

impl Default for LevelRule {
    /// 90 days; active from 3 contributions (a question, an answer and a reply in a
    /// season), core from 20 (about one and a half a week).
    fn default() -> Self {
        Self {
            window_days: 90,
            active_from: 3,
            core_from: 20,
        }
    }
}

impl LevelRule {
    /// Longest window a coordinator may set.
    pub const MAX_WINDOW_DAYS: u32 = 730;
    /// Highest threshold a coordinator may set.
    pub const MAX_THRESHOLD: u32 = 10_000;

    /// Why these thresholds cannot be used, if they cannot.
    pub fn problem(&self) -> Option<String> {
        if !(7..=Self::MAX_WINDOW_DAYS).contains(&self.window_days) {
            return Some(format!(
                "the window must be 7 to {} days",
                Self::MAX_WINDOW_DAYS
            ));
        }
        if self.active_from == 0 {
            return Some("active must start from at least 1 contribution".into());
        }
        if self.core_from <= self.active_from || self.core_from > Self::MAX_THRESHOLD {
            return Some(format!(
                "core must start above active and at most at {}",
                Self::MAX_THRESHOLD
            ));
        }
        None
    }
}
