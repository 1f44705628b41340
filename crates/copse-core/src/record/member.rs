use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

use super::Role;
use crate::{MemberId, Timestamp};

/// What a member says about themselves: the part of a member entry they edit.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberDetails {
    /// Display name.
    pub name: String,
    /// Employer or home organisation.
    #[serde(default)]
    pub organisation: String,
    /// Department or team.
    #[serde(default)]
    pub department: String,
    /// A few sentences about themselves.
    #[serde(default)]
    pub bio: String,
    /// What they know about: free-form tags.
    #[serde(default)]
    pub skills: Vec<String>,
}

/// A member entry in the community document, keyed by [`MemberId`].
#[derive(Debug, Clone, PartialEq, Eq, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct Member {
    /// Display name.
    #[autosurgeon(hydrate = "super::lenient::or_default")]
    pub name: String,
    /// Employer or home organisation.
    #[autosurgeon(hydrate = "super::lenient::or_default")]
    pub organisation: String,
    /// Department or team.
    #[autosurgeon(hydrate = "super::lenient::or_default")]
    pub department: String,
    /// About them.
    #[autosurgeon(hydrate = "super::lenient::or_default")]
    pub bio: String,
    /// Skill tags.
    #[autosurgeon(hydrate = "super::lenient::tag_list")]
    pub skills: Vec<String>,
    /// What they may do.
    #[autosurgeon(hydrate = "super::lenient::or_default")]
    pub role: Role,
    /// When they were admitted.
    #[autosurgeon(hydrate = "super::lenient::or_default")]
    pub joined_at: Timestamp,
    /// Who admitted them (none for the founder).
    #[autosurgeon(hydrate = "super::lenient::or_default")]
    pub invited_by: Option<MemberId>,
    /// Network addresses they were last reachable at (multiaddrs).
    #[autosurgeon(hydrate = "super::lenient::addr_list")]
    pub addrs: Vec<String>,
    /// Set when a coordinator removed them.
    pub removed_at: Option<Timestamp>,
}

impl Member {
    /// A new entry from what the member told us.
    pub fn new(
        details: MemberDetails,
        role: Role,
        joined_at: Timestamp,
        invited_by: Option<MemberId>,
    ) -> Self {
        Self {
            name: details.name,
            organisation: details.organisation,
            department: details.department,
            bio: details.bio,
            skills: details.skills,
            role,
            joined_at,
            invited_by,
            addrs: Vec::new(),
            removed_at: None,
        }
    }

    /// Whether they are still a member.
    pub fn is_current(&self) -> bool {
        self.removed_at.is_none()
    }

    /// Whether they may steer the community.
    pub fn is_coordinator(&self) -> bool {
        self.is_current() && self.role == Role::Coordinator
    }
}
