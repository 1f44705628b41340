use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

use super::ObjectiveStatus;
use crate::{MemberId, ObjectiveId, Timestamp};

/// One of the community's objectives.
#[derive(Debug, Clone, PartialEq, Eq, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct Objective {
    /// Stable id, so concurrent edits of two objectives do not collide.
    pub id: ObjectiveId,
    /// What the community wants to reach.
    pub text: String,
    /// Where it stands.
    pub status: ObjectiveStatus,
}

/// The community's identity: what it is about and how it works.
#[derive(Debug, Clone, PartialEq, Eq, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct Profile {
    /// Name.
    pub name: String,
    /// The domain the community shares.
    pub domain: String,
    /// Objectives in order.
    pub objectives: Vec<Objective>,
    /// How members work together.
    pub norms: String,
    /// When the community was created.
    pub created_at: Timestamp,
    /// Its founder.
    pub created_by: MemberId,
    /// Relays the community's devices use, in order (communities from before relays have
    /// none).
    #[autosurgeon(missing = "Vec::new")]
    #[serde(default)]
    pub relays: Vec<String>,
}
