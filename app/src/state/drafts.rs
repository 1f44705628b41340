//! Forms being filled in.

use copse_core::local_time::{self, TimeZone};
use copse_core::record::MemberDetails;
use copse_core::{NewCommunity, Timestamp};

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

impl NewCommunityDraft {
    /// The community it describes, once it has a name and a domain.
    pub fn spec(&self) -> Option<NewCommunity> {
        let (name, domain) = (self.name.trim(), self.domain.trim());
        if name.is_empty() || domain.is_empty() {
            return None;
        }
        Some(NewCommunity {
            name: name.to_owned(),
            domain: domain.to_owned(),
            objectives: self
                .objectives
                .lines()
                .map(str::to_owned)
                .filter(|l| !l.trim().is_empty())
                .collect(),
            norms: self.norms.clone(),
        })
    }
}

/// "New discussion" / "Ask a question".
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ThreadDraft {
    /// Title.
    pub title: String,
    /// Text.
    pub body: String,
    /// Tags, comma-separated.
    pub tags: String,
}

impl ThreadDraft {
    /// Whether it can be posted: a title and a text.
    pub fn ready(&self) -> bool {
        !self.title.trim().is_empty() && !self.body.trim().is_empty()
    }
}

/// "Plan a meetup".
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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

impl EventDraft {
    /// The zone the times are read in: the draft's, else the reader's.
    pub fn time_zone(&self, reader: &TimeZone) -> TimeZone {
        local_time::zone(&self.zone).unwrap_or_else(|| reader.clone())
    }

    /// Start and end as typed, read in [`time_zone`](Self::time_zone); no end means two
    /// hours after the start.
    pub fn times(&self, reader: &TimeZone) -> (Option<Timestamp>, Option<Timestamp>) {
        let tz = self.time_zone(reader);
        let starts = local_time::parse_local(&self.starts, &tz);
        let ends = if self.ends.trim().is_empty() {
            starts.map(|s| s.plus_millis(copse_core::view::events::DEFAULT_LENGTH_MS))
        } else {
            local_time::parse_local(&self.ends, &tz)
        };
        (starts, ends)
    }

    /// Whether it can be created: a title and times that read.
    pub fn ready(&self, reader: &TimeZone) -> bool {
        let (starts, ends) = self.times(reader);
        !self.title.trim().is_empty() && starts.is_some() && ends.is_some()
    }

    /// Nothing written in it yet (Esc may close it).
    pub fn is_untouched(&self) -> bool {
        self.title.is_empty()
            && self.starts.is_empty()
            && self.ends.is_empty()
            && self.place.is_empty()
            && self.description.is_empty()
    }
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

impl TaskDraft {
    /// The due date typed, read as UTC.
    pub fn due(&self) -> Option<Timestamp> {
        Timestamp::parse_utc(&self.due)
    }

    /// Whether it can be added: a title, and a due date that reads or none.
    pub fn ready(&self) -> bool {
        !self.title.trim().is_empty() && (self.due.trim().is_empty() || self.due().is_some())
    }
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
