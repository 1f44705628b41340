//! Forms being filled in.

use copse_core::record::MemberDetails;

/// The first-run form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WelcomeDraft {
    /// Name.
    pub name: String,
    /// Organisation.
    pub organisation: String,
    /// Department.
    pub department: String,
    /// Skills, comma-separated.
    pub skills: String,
    /// Bio.
    pub bio: String,
}

impl WelcomeDraft {
    /// The details it describes.
    pub fn details(&self) -> MemberDetails {
        MemberDetails {
            name: self.name.trim().to_owned(),
            organisation: self.organisation.trim().to_owned(),
            department: self.department.trim().to_owned(),
            bio: self.bio.clone(),
            skills: split_list(&self.skills),
        }
    }
}

/// Splits "a, b ,c" into ["a", "b", "c"].
pub fn split_list(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

/// "Create a community".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewCommunityDraft {
    /// Name.
    pub name: String,
    /// Domain.
    pub domain: String,
    /// Objectives, one per line.
    pub objectives: String,
    /// Norms.
    pub norms: String,
}

/// "New discussion" / "Ask a question".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ThreadDraft {
    /// Title.
    pub title: String,
    /// Text.
    pub body: String,
    /// Tags, comma-separated.
    pub tags: String,
}

/// "Plan a meetup".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventDraft {
    /// Title.
    pub title: String,
    /// Start, "YYYY-MM-DD HH:MM" in `zone`.
    pub starts: String,
    /// End, as the start (empty: two hours after it).
    pub ends: String,
    /// The IANA zone where it happens (empty: the reader's).
    pub zone: String,
    /// Place.
    pub place: String,
    /// Description.
    pub description: String,
}

/// "Add a task".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TaskDraft {
    /// Title.
    pub title: String,
    /// Due date.
    pub due: String,
    /// A good first task for a newcomer.
    pub good_first: bool,
}

/// "Share a resource".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResourceDraft {
    /// Title.
    pub title: String,
    /// Link.
    pub url: String,
    /// Description.
    pub description: String,
    /// Tags.
    pub tags: String,
}
