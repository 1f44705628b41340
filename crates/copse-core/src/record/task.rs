use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

use super::TaskStatus;
use crate::{MemberId, Timestamp};

/// A task on the community's board.
#[derive(Debug, Clone, PartialEq, Eq, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct Task {
    /// What to do.
    #[autosurgeon(hydrate = "super::lenient::or_default")]
    pub title: String,
    /// Details.
    #[autosurgeon(hydrate = "super::lenient::or_default")]
    pub description: String,
    /// Board column.
    #[autosurgeon(hydrate = "super::lenient::or_default")]
    pub status: TaskStatus,
    /// Who took it on.
    #[autosurgeon(hydrate = "super::lenient::or_default")]
    pub assignee: Option<MemberId>,
    /// When it should be done.
    #[autosurgeon(hydrate = "super::lenient::or_default")]
    pub due: Option<Timestamp>,
    /// Who created it.
    pub created_by: MemberId,
    /// When.
    #[autosurgeon(hydrate = "super::lenient::or_default")]
    pub created_at: Timestamp,
    /// A good first task for a newcomer (simple, low-risk). Absent in tasks made before
    /// the flag existed: false.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub good_first: bool,
    /// Related links (URLs or ids of threads and articles).
    #[autosurgeon(hydrate = "super::lenient::tag_list")]
    pub links: Vec<String>,
}
