//! Names and version of the community document's layout (documented in `docs/schema.md`).

/// The layout version this build writes and understands.
pub const SCHEMA_VERSION: u64 = 1;

/// Root keys.
pub const SCHEMA_VERSION_KEY: &str = "schema_version";
/// Root key holding the community id, so a file carries its own identity.
pub const COMMUNITY_ID_KEY: &str = "community_id";
/// Root key naming the rules a change is judged by (absent: the first rules). Written at
/// creation, or once by a coordinator's upgraded device in an older community: every
/// change whose causal past holds it is judged by those rules (see `guard::rules`).
pub const RULES_KEY: &str = "rules";
/// The rules this build writes: minted record ids and admission proofs.
pub const RULES_VERSION: u64 = 2;
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

/// The root maps of what members make (posts and threads, articles, meetups, tasks,
/// resources): the views leave out a record made by a change that does not stand
/// (`removal_frontier`), so the guard judges a change that writes only here by its
/// signer's own entry.
pub const CONTENT_MAPS: [&str; 5] = [THREADS, ARTICLES, EVENTS, TASKS, RESOURCES];

/// Limits on what a member may type, so one field cannot bloat every member's copy.
pub mod limits {
    /// A title or name.
    pub const TITLE: usize = 200;
    /// A post, description or bio.
    pub const BODY: usize = 64 * 1024;
    /// An article body or event notes (a long article: about a hundred printed pages).
    /// One edit rewriting all of it is the largest change a command writes (see
    /// `guard::bounds`).
    pub const LONG_TEXT: usize = 256 * 1024;
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
    /// Relays a community lists.
    pub const RELAYS: usize = 8;
}

/// Field names inside records (see `docs/schema.md`): every reader and writer, and the
/// guard's rule table, name fields through these.
pub mod field {
    /// `accepted_post`.
    pub const ACCEPTED_POST: &str = "accepted_post";
    /// `added_at`.
    pub const ADDED_AT: &str = "added_at";
    /// `added_by`.
    pub const ADDED_BY: &str = "added_by";
    /// `addrs`.
    pub const ADDRS: &str = "addrs";
    /// `assignee`.
    pub const ASSIGNEE: &str = "assignee";
    /// `attended`.
    pub const ATTENDED: &str = "attended";
    /// `author`.
    pub const AUTHOR: &str = "author";
    /// `bio`.
    pub const BIO: &str = "bio";
    /// `body`.
    pub const BODY: &str = "body";
    /// `created_at`.
    pub const CREATED_AT: &str = "created_at";
    /// `created_by`.
    pub const CREATED_BY: &str = "created_by";
    /// `department`.
    pub const DEPARTMENT: &str = "department";
    /// `description`.
    pub const DESCRIPTION: &str = "description";
    /// `domain`.
    pub const DOMAIN: &str = "domain";
    /// `due`.
    pub const DUE: &str = "due";
    /// `edited_at`.
    pub const EDITED_AT: &str = "edited_at";
    /// `ends_at`.
    pub const ENDS_AT: &str = "ends_at";
    /// `event`.
    pub const EVENT: &str = "event";
    /// `expires_at`.
    pub const EXPIRES_AT: &str = "expires_at";
    /// `from_thread`.
    pub const FROM_THREAD: &str = "from_thread";
    /// `good_first`.
    pub const GOOD_FIRST: &str = "good_first";
    /// `id`.
    pub const ID: &str = "id";
    /// `invited_by`.
    pub const INVITED_BY: &str = "invited_by";
    /// `invite` (in a member entry: the invite that admitted them last).
    pub const INVITE: &str = "invite";
    /// `joined_at`.
    pub const JOINED_AT: &str = "joined_at";
    /// `kind`.
    pub const KIND: &str = "kind";
    /// `links`.
    pub const LINKS: &str = "links";
    /// `max_uses`.
    pub const MAX_USES: &str = "max_uses";
    /// `name`.
    pub const NAME: &str = "name";
    /// `norms`.
    pub const NORMS: &str = "norms";
    /// `notes`.
    pub const NOTES: &str = "notes";
    /// `objectives`.
    pub const OBJECTIVES: &str = "objectives";
    /// `organisation`.
    pub const ORGANISATION: &str = "organisation";
    /// `place`.
    pub const PLACE: &str = "place";
    /// `post`.
    pub const POST: &str = "post";
    /// `relays` (the profile's: relays the community's devices use).
    pub const RELAYS: &str = "relays";
    /// `posts`.
    pub const POSTS: &str = "posts";
    /// `removed_at`.
    pub const REMOVED_AT: &str = "removed_at";
    /// `equivocation`: the proof that the member's key signed two changes at one place
    /// (`equivocation::Proof`), written with their removal.
    pub const EQUIVOCATION: &str = "equivocation";
    /// `revoked`.
    pub const REVOKED: &str = "revoked";
    /// `role`.
    pub const ROLE: &str = "role";
    /// `rsvp`.
    pub const RSVP: &str = "rsvp";
    /// `secret_hash` (invites made before invite keys).
    pub const SECRET_HASH: &str = "secret_hash";
    /// `key` (an invite's public key).
    pub const KEY: &str = "key";
    /// `invite_sig` (an admission's proof of the ticket).
    pub const INVITE_SIG: &str = "invite_sig";
    /// `consent_sig` (an admission's consent by the newcomer).
    pub const CONSENT_SIG: &str = "consent_sig";
    /// `skills`.
    pub const SKILLS: &str = "skills";
    /// `starts_at`.
    pub const STARTS_AT: &str = "starts_at";
    /// `status`.
    pub const STATUS: &str = "status";
    /// `stories`.
    pub const STORIES: &str = "stories";
    /// `tags`.
    pub const TAGS: &str = "tags";
    /// `text`.
    pub const TEXT: &str = "text";
    /// `thread`.
    pub const THREAD: &str = "thread";
    /// `title`.
    pub const TITLE: &str = "title";
    /// `updated_at`.
    pub const UPDATED_AT: &str = "updated_at";
    /// `updated_by`.
    pub const UPDATED_BY: &str = "updated_by";
    /// `url`.
    pub const URL: &str = "url";
    /// `used_by`.
    pub const USED_BY: &str = "used_by";
    /// `zone`.
    pub const ZONE: &str = "zone";
}
