use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

use crate::{MemberId, Timestamp};

/// A shared link or reference.
#[derive(Debug, Clone, PartialEq, Eq, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct Resource {
    /// Title.
    pub title: String,
    /// Where it lives, if online.
    pub url: Option<String>,
    /// Why it is worth a look.
    pub description: String,
    /// Topic tags.
    pub tags: Vec<String>,
    /// Who shared it.
    pub added_by: MemberId,
    /// When.
    pub added_at: Timestamp,
}
