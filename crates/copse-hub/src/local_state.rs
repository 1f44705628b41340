//! Per-community state that never syncs: what this member has read, and the version they
//! last looked at. Kept beside each community (`local.json`); [`LocalStates`] holds them in
//! the hub and says which changed, for the store to write.

use std::collections::{BTreeMap, BTreeSet};

use copse_core::{CommunityId, ThreadId};
use serde::{Deserialize, Serialize};

/// Read markers and the last-seen version.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalState {
    /// Heads (hex) when the member last looked at the overview.
    #[serde(default)]
    pub seen_heads: Vec<String>,
    /// When (ms) the member last marked the overview seen: "For you" items after it are new.
    #[serde(default)]
    pub seen_at: i64,
    /// Story prompts answered or dismissed here (`StoryPrompt::key`): never asked again.
    #[serde(default)]
    pub story_prompts_done: BTreeSet<String>,
    /// Posts read per thread.
    #[serde(default)]
    pub read: BTreeMap<ThreadId, usize>,
}

impl LocalState {
    /// Reads the file's bytes (a damaged or missing file gives the empty state).
    pub fn from_bytes(bytes: Option<&[u8]>) -> Self {
        bytes
            .and_then(|b| serde_json::from_slice(b).ok())
            .unwrap_or_default()
    }
}

/// Every community's local state.
#[derive(Debug, Default)]
pub(crate) struct LocalStates {
    states: BTreeMap<CommunityId, LocalState>,
    dirty: BTreeSet<CommunityId>,
}

impl LocalStates {
    pub(crate) fn new(states: BTreeMap<CommunityId, LocalState>) -> Self {
        Self {
            states,
            dirty: BTreeSet::new(),
        }
    }

    pub(crate) fn get(&self, c: &CommunityId) -> LocalState {
        self.states.get(c).cloned().unwrap_or_default()
    }

    /// Changes a community's state; it will be written.
    pub(crate) fn update(&mut self, c: &CommunityId, f: impl FnOnce(&mut LocalState)) {
        f(self.states.entry(c.clone()).or_default());
        self.dirty.insert(c.clone());
    }

    /// The states changed since last taken, as file contents.
    pub(crate) fn take_writes(&mut self) -> Vec<(CommunityId, Vec<u8>)> {
        std::mem::take(&mut self.dirty)
            .into_iter()
            .filter_map(|c| {
                let bytes = serde_json::to_vec(self.states.get(&c)?).ok()?;
                Some((c, bytes))
            })
            .collect()
    }
}
