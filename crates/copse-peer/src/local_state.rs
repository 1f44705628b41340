//! Per-community state that never syncs: what this member has read, and the version they
//! last looked at. Kept beside the community (`local.json`).

use std::collections::BTreeMap;

use copse_core::ThreadId;
use copse_store::OpenCommunity;
use serde::{Deserialize, Serialize};

const FILE: &str = "local.json";

/// Read markers and the last-seen version.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalState {
    /// Heads (hex) when the member last looked at the overview.
    #[serde(default)]
    pub seen_heads: Vec<String>,
    /// Posts read per thread.
    #[serde(default)]
    pub read: BTreeMap<ThreadId, usize>,
}

impl LocalState {
    /// Reads it (a damaged or missing file gives the empty state).
    pub fn load(open: &OpenCommunity) -> Self {
        open.store
            .read_side_file(FILE)
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    }

    /// Saves it.
    pub fn save(&self, open: &OpenCommunity) -> Result<(), copse_store::StoreError> {
        let bytes = serde_json::to_vec(self).unwrap_or_default();
        open.store.write_side_file(FILE, &bytes)
    }
}
