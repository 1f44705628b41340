//! [`AddressBook`]: where this device last reached each member (tickets, its own dials),
//! kept in the profile (`known-addrs.json`) beside the addresses members record in the
//! document. Only members and ticket contacts get an entry, and it is bounded.

use std::collections::BTreeMap;

use copse_core::MemberId;

use crate::bounded_map::BoundedMap;

/// Addresses kept per member.
const PER_MEMBER: usize = 8;
/// Members kept.
const CAP: usize = 4096;

/// Last known addresses of members.
#[derive(Debug)]
pub(crate) struct AddressBook {
    entries: BoundedMap<MemberId, Vec<String>>,
    dirty: bool,
}

impl AddressBook {
    /// Reads the saved book (a damaged one starts empty: it is only a cache).
    pub(crate) fn load(bytes: Option<&[u8]>) -> Self {
        let mut entries = BoundedMap::new(CAP);
        let saved: BTreeMap<MemberId, Vec<String>> = bytes
            .and_then(|b| serde_json::from_slice(b).ok())
            .unwrap_or_default();
        for (m, mut addrs) in saved {
            addrs.truncate(PER_MEMBER);
            entries.insert(m, addrs);
        }
        Self {
            entries,
            dirty: false,
        }
    }

    /// Remembers that `member` was reached at `addrs` (most recent first).
    pub(crate) fn remember(&mut self, member: &MemberId, addrs: &[String]) {
        if addrs.is_empty() {
            return;
        }
        let entry = self.entries.entry_or_insert_with(member.clone(), Vec::new);
        let before = entry.clone();
        for a in addrs.iter().rev() {
            entry.retain(|x| x != a);
            entry.insert(0, a.clone());
        }
        entry.truncate(PER_MEMBER);
        if *entry != before {
            self.dirty = true;
        }
    }

    /// Where `member` was last reached.
    pub(crate) fn get(&self, member: &MemberId) -> &[String] {
        self.entries.get(member).map_or(&[], Vec::as_slice)
    }

    /// The book's bytes, if it changed since last taken.
    pub(crate) fn take_changes(&mut self) -> Option<Vec<u8>> {
        if !self.dirty {
            return None;
        }
        self.dirty = false;
        let all: BTreeMap<&MemberId, &Vec<String>> = self.entries.iter().collect();
        serde_json::to_vec(&all).ok()
    }
}
