//! What opening a community found on disk.

/// Damage found (and skipped) while opening a community. Empty on a healthy store.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OpenReport {
    /// Records loaded from the change log.
    pub records: usize,
    /// Bytes of an unfinished last write (a crash mid-append), skipped and cut off.
    pub torn_tail_bytes: u64,
    /// Damaged stretches of the log (byte ranges), each skipped alone.
    pub corrupt_ranges: Vec<(u64, u64)>,
    /// Intact records Automerge refused to load.
    pub rejected_records: usize,
    /// Lost changes that later changes build on; those wait until a peer sends the gap.
    pub missing_changes: usize,
}

impl OpenReport {
    /// Whether anything was wrong.
    pub fn is_clean(&self) -> bool {
        self.torn_tail_bytes == 0
            && self.corrupt_ranges.is_empty()
            && self.rejected_records == 0
            && self.missing_changes == 0
    }

    /// One line for the user, or `None` if clean.
    pub fn summary(&self) -> Option<String> {
        if self.is_clean() {
            return None;
        }
        let mut parts = Vec::new();
        if self.torn_tail_bytes > 0 {
            parts.push(format!(
                "skipped an unfinished write of {} bytes (from a crash; it was never confirmed)",
                self.torn_tail_bytes
            ));
        }
        for (from, to) in &self.corrupt_ranges {
            parts.push(format!("skipped damaged log bytes {from}..{to}"));
        }
        if self.rejected_records > 0 {
            parts.push(format!("{} unreadable log records", self.rejected_records));
        }
        if self.missing_changes > 0 {
            parts.push(format!(
                "{} lost changes hold back later ones until a member syncs them back",
                self.missing_changes
            ));
        }
        Some(parts.join("; "))
    }
}
