use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

use super::TaskStatus;
use crate::{MemberId, Timestamp};

/// A task on the community's board.
#[derive(Debug, Clone, PartialEq, Eq, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct Task {
    /// What to do.
    pub title: String,
    /// Details.
    pub description: String,
    /// Board column.
    pub status: TaskStatus,
    /// Who took it on.
    pub assignee: Option<MemberId>,
    /// When it should be done.
    pub due: Option<Timestamp>,
    /// Who created it.
    pub created_by: MemberId,
    /// When.
    pub created_at: Timestamp,
    /// A good first task for a newcomer (simple, low-risk). Absent in tasks made before
    /// the flag existed: false.
    #[autosurgeon(missing = "Default::default")]
    #[serde(default)]
    pub good_first: bool,
    /// Related links (URLs or ids of threads and articles).
    pub links: Vec<String>,
}
