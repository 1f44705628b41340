use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

use crate::{MemberId, Timestamp};

/// A shared link or reference.
#[derive(Debug, Clone, PartialEq, Eq, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct Resource {
    /// Title.
    #[autosurgeon(hydrate = "super::lenient::or_default")]
    pub title: String,
    /// Where it lives, if online.
    #[autosurgeon(hydrate = "super::lenient::or_default")]
    pub url: Option<String>,
    /// Why it is worth a look.
    #[autosurgeon(hydrate = "super::lenient::or_default")]
    pub description: String,
    /// Topic tags.
    #[autosurgeon(hydrate = "super::lenient::tag_list")]
    pub tags: Vec<String>,
    /// Who shared it.
    pub added_by: MemberId,
    /// When.
    #[autosurgeon(hydrate = "super::lenient::or_default")]
    pub added_at: Timestamp,
}
