//! Names and version of the community document's layout (documented in `docs/schema.md`).

/// The layout version this build writes and understands.
pub const SCHEMA_VERSION: u64 = 1;

/// Root keys.
pub const SCHEMA_VERSION_KEY: &str = "schema_version";
/// Root key holding the community id, so a file carries its own identity.
pub const COMMUNITY_ID_KEY: &str = "community_id";
/// Root key marking the document as a Copse community.
pub const KIND_KEY: &str = "kind";
/// Value of [`KIND_KEY`].
pub const KIND_VALUE: &str = "copse.community";
/// Root map: name, domain, objectives, norms.
pub const PROFILE: &str = "profile";
/// Root map: member id -> member.
pub const MEMBERS: &str = "members";
/// Root map: invite id -> invite.
pub const INVITES: &str = "invites";
/// Root map: thread id -> thread.
pub const THREADS: &str = "threads";
/// Root map: article id -> article.
pub const ARTICLES: &str = "articles";
/// Root map: event id -> event.
pub const EVENTS: &str = "events";
/// Root map: task id -> task.
pub const TASKS: &str = "tasks";
/// Root map: resource id -> resource.
pub const RESOURCES: &str = "resources";

/// Profile keys of the participation thresholds (absent: `LevelRule::default()`).
pub const LEVEL_KEYS: [&str; 3] = [
    "levels_window_days",
    "levels_active_from",
    "levels_core_from",
];

/// Every root map a community document must have.
pub const ROOT_MAPS: [&str; 8] = [
    PROFILE, MEMBERS, INVITES, THREADS, ARTICLES, EVENTS, TASKS, RESOURCES,
];

/// Limits on what a member may type, so one field cannot bloat every member's copy.
pub mod limits {
    /// A title or name.
    pub const TITLE: usize = 200;
    /// A post, description or bio.
    pub const BODY: usize = 64 * 1024;
    /// An article body or event notes.
    pub const LONG_TEXT: usize = 1024 * 1024;
    /// A tag or skill.
    pub const TAG: usize = 40;
    /// Tags or skills on one item.
    pub const TAGS: usize = 20;
    /// A URL.
    pub const URL: usize = 2048;
    /// A value story.
    pub const STORY: usize = 2000;
    /// Addresses a member advertises.
    pub const ADDRS: usize = 16;
}
