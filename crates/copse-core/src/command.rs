//! Every mutation a member makes, as data. The app and the CLI build these; `Community::apply`
//! checks and applies them, one Automerge commit each.

use serde::{Deserialize, Serialize};

use crate::CommandKind;
use crate::admission_proof::AdmissionProof;
use crate::record::{
    LevelRule, MemberDetails, ObjectiveStatus, Role, Rsvp, TaskStatus, ThreadKind,
};
use crate::{
    ArticleId, EventId, InviteId, MemberId, ObjectiveId, PostId, ResourceId, StoryId, TaskId,
    ThreadId, Timestamp,
};

/// A member's edit of a community.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "cmd", rename_all = "snake_case")]
pub enum Command {
    /// Coordinators: rename, change the domain or the norms.
    UpdateProfile {
        /// New name.
        name: Option<String>,
        /// New domain.
        domain: Option<String>,
        /// New norms.
        norms: Option<String>,
    },
    /// Coordinators: add an objective.
    AddObjective {
        /// What to reach.
        text: String,
    },
    /// Coordinators: reword an objective or change its status.
    SetObjective {
        /// Which.
        id: ObjectiveId,
        /// New wording.
        text: Option<String>,
        /// New status.
        status: Option<ObjectiveStatus>,
    },
    /// Coordinators: how participation levels are read (window and thresholds).
    SetLevelRule(LevelRule),
    /// Coordinators: add a relay the community's devices keep a reservation on and reach
    /// each other through (a multiaddr ending in `/p2p/<relay id>`), after the others.
    AddRelay {
        /// Its address.
        relay: String,
    },
    /// Coordinators: stop using a relay.
    RemoveRelay {
        /// Its address, as listed.
        relay: String,
    },
    /// Any member: update what they say about themselves.
    UpdateMyDetails(MemberDetails),
    /// Any member: record where their device can be reached.
    SetMyAddrs {
        /// Multiaddrs.
        addrs: Vec<String>,
    },
    /// Coordinators: make someone a coordinator or a member.
    SetRole {
        /// Whom.
        member: MemberId,
        /// Their new role.
        role: Role,
    },
    /// Coordinators: remove a member. They keep what they had but get nothing new.
    RemoveMember {
        /// Whom.
        member: MemberId,
    },
    /// Any member: remove a member whose key signed two different changes at one place,
    /// with the proof (`equivocation::Proof` bytes); coordinators may do it without one
    /// (a proof too large to write).
    ReportEquivocation {
        /// Whom.
        member: MemberId,
        /// The proof.
        proof: Option<Vec<u8>>,
    },
    /// Any member: create an invitation (coordinators only for the coordinator role).
    CreateInvite {
        /// Role the newcomer gets.
        role: Role,
        /// After this it admits nobody.
        expires_at: Timestamp,
        /// How many may use it.
        max_uses: u64,
        /// The public half of the invite key whose seed goes into the ticket
        /// (`InviteSecret::public_key_hex`).
        key: String,
    },
    /// The invite's creator or a coordinator: withdraw it.
    RevokeInvite {
        /// Which.
        invite: InviteId,
    },
    /// Any member, on behalf of a newcomer who presented a ticket: check it and admit them.
    Admit {
        /// The newcomer.
        member: MemberId,
        /// What they told us about themselves.
        details: MemberDetails,
        /// The invite they presented.
        invite: InviteId,
        /// Their two signatures: with the ticket's invite key, and with their own.
        proof: Box<AdmissionProof>,
    },
    /// Start a discussion or ask a question.
    StartThread {
        /// Discussion or question.
        kind: ThreadKind,
        /// Title.
        title: String,
        /// Opening post.
        body: String,
        /// Topic tags.
        tags: Vec<String>,
    },
    /// Reply in a thread.
    Reply {
        /// Where.
        thread: ThreadId,
        /// What.
        body: String,
    },
    /// Edit one's own post.
    EditPost {
        /// Where.
        thread: ThreadId,
        /// Which post.
        post: PostId,
        /// New text.
        body: String,
    },
    /// The asker or a coordinator: accept a reply as the answer (`None` clears it).
    AcceptAnswer {
        /// The question.
        thread: ThreadId,
        /// The reply, or none.
        post: Option<PostId>,
    },
    /// Turn a thread into a knowledge article (question plus accepted answer, or the discussion).
    PromoteToArticle {
        /// Which thread.
        thread: ThreadId,
        /// Title; the thread's title if absent.
        title: Option<String>,
    },
    /// Write a new knowledge article.
    CreateArticle {
        /// Title.
        title: String,
        /// Body text.
        body: String,
        /// Topic tags.
        tags: Vec<String>,
    },
    /// Replace an article's text; stored as the minimal edit, so concurrent edits merge.
    EditArticle {
        /// Which.
        article: ArticleId,
        /// The whole new text.
        body: String,
        /// Document heads (hex) of the version the editor started from. The edit is diffed
        /// against that version and merged with anything that happened since, so an editor
        /// that has not yet seen others' edits does not undo them. Default: the current heads.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        base: Option<Vec<String>>,
    },
    /// Insert and delete in an article's text at a position (character offsets).
    SpliceArticle {
        /// Which.
        article: ArticleId,
        /// Where.
        pos: usize,
        /// Characters to delete at `pos`.
        delete: usize,
        /// Text to insert at `pos`.
        insert: String,
    },
    /// Retitle or retag an article.
    SetArticleMeta {
        /// Which.
        article: ArticleId,
        /// New title.
        title: Option<String>,
        /// New tags.
        tags: Option<Vec<String>>,
    },
    /// Plan a meetup or other event.
    CreateEvent {
        /// Title.
        title: String,
        /// What it is about.
        description: String,
        /// Start.
        starts_at: Timestamp,
        /// End.
        ends_at: Timestamp,
        /// Where (address or link).
        place: String,
        /// The IANA time zone where it happens (`Europe/Oslo`), so everyone reads its
        /// local time right; none: readers see it in their own zone.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        zone: Option<String>,
    },
    /// Answer an event invitation.
    Rsvp {
        /// Which event.
        event: EventId,
        /// Coming or not.
        answer: Rsvp,
    },
    /// Record whether someone attended (themselves; others: coordinators and the organiser).
    RecordAttendance {
        /// Which event.
        event: EventId,
        /// Who.
        member: MemberId,
        /// Attended or not.
        present: bool,
    },
    /// Replace the shared notes of an event (stored as the minimal edit).
    EditEventNotes {
        /// Which event.
        event: EventId,
        /// The whole new text.
        notes: String,
        /// Heads of the version the editor started from (see `EditArticle`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        base: Option<Vec<String>>,
    },
    /// Add a task to the board.
    CreateTask {
        /// What.
        title: String,
        /// Details.
        description: String,
        /// Who takes it on.
        assignee: Option<MemberId>,
        /// When it is due.
        due: Option<Timestamp>,
        /// A good first task for a newcomer.
        #[serde(default)]
        good_first: bool,
    },
    /// Mark a task as a good first task for a newcomer, or unmark it.
    SetGoodFirstTask {
        /// Which.
        task: TaskId,
        /// Good for a first contribution.
        good_first: bool,
    },
    /// Any member: tell what came of an answer or a meetup (kept in their own entry).
    ShareStory {
        /// The story.
        text: String,
        /// The thread it cites (with `post`, the answer), or none.
        thread: Option<ThreadId>,
        /// The post in that thread it cites, if any.
        #[serde(default)]
        post: Option<PostId>,
        /// The meetup it cites, or none.
        event: Option<EventId>,
    },
    /// Give a task to someone, or to nobody.
    AssignTask {
        /// Which.
        task: TaskId,
        /// Who.
        assignee: Option<MemberId>,
    },
    /// Move a task to another column.
    MoveTask {
        /// Which.
        task: TaskId,
        /// Column.
        status: TaskStatus,
    },
    /// Set or clear a task's due date.
    SetTaskDue {
        /// Which.
        task: TaskId,
        /// When.
        due: Option<Timestamp>,
    },
    /// Share a link or reference.
    AddResource {
        /// Title.
        title: String,
        /// Link.
        url: Option<String>,
        /// Why it matters.
        description: String,
        /// Topic tags.
        tags: Vec<String>,
    },
    /// Take a shared resource down (whoever shared it, or a coordinator).
    RemoveResource {
        /// Which.
        resource: ResourceId,
    },
}

impl Command {
    /// The version an edit was made against, for commands that carry one.
    pub fn base(&self) -> Option<&[String]> {
        match self {
            Command::EditArticle { base, .. } | Command::EditEventNotes { base, .. } => {
                base.as_deref()
            }
            _ => None,
        }
    }

    /// Short name, recorded in the commit message.
    pub fn name(&self) -> &'static str {
        self.kind().name()
    }

    /// The kind of edit.
    pub fn kind(&self) -> CommandKind {
        use CommandKind as K;
        match self {
            Command::UpdateProfile { .. } => K::UpdateProfile,
            Command::AddObjective { .. } => K::AddObjective,
            Command::SetObjective { .. } => K::SetObjective,
            Command::SetLevelRule(_) => K::SetLevelRule,
            Command::AddRelay { .. } => K::AddRelay,
            Command::RemoveRelay { .. } => K::RemoveRelay,
            Command::UpdateMyDetails(_) => K::UpdateMyDetails,
            Command::SetMyAddrs { .. } => K::SetMyAddrs,
            Command::SetRole { .. } => K::SetRole,
            Command::RemoveMember { .. } => K::RemoveMember,
            Command::ReportEquivocation { .. } => K::ReportEquivocation,
            Command::CreateInvite { .. } => K::CreateInvite,
            Command::RevokeInvite { .. } => K::RevokeInvite,
            Command::Admit { .. } => K::Admit,
            Command::StartThread { .. } => K::StartThread,
            Command::Reply { .. } => K::Reply,
            Command::EditPost { .. } => K::EditPost,
            Command::AcceptAnswer { .. } => K::AcceptAnswer,
            Command::PromoteToArticle { .. } => K::PromoteToArticle,
            Command::CreateArticle { .. } => K::CreateArticle,
            Command::EditArticle { .. } => K::EditArticle,
            Command::SpliceArticle { .. } => K::SpliceArticle,
            Command::SetArticleMeta { .. } => K::SetArticleMeta,
            Command::CreateEvent { .. } => K::CreateEvent,
            Command::Rsvp { .. } => K::Rsvp,
            Command::RecordAttendance { .. } => K::RecordAttendance,
            Command::EditEventNotes { .. } => K::EditEventNotes,
            Command::CreateTask { .. } => K::CreateTask,
            Command::AssignTask { .. } => K::AssignTask,
            Command::MoveTask { .. } => K::MoveTask,
            Command::SetTaskDue { .. } => K::SetTaskDue,
            Command::SetGoodFirstTask { .. } => K::SetGoodFirstTask,
            Command::ShareStory { .. } => K::ShareStory,
            Command::AddResource { .. } => K::AddResource,
            Command::RemoveResource { .. } => K::RemoveResource,
        }
    }
}

/// The id of what a command created, if it created something.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Created {
    /// A thread.
    Thread(ThreadId),
    /// A post.
    Post(PostId),
    /// An article.
    Article(ArticleId),
    /// An event.
    Event(EventId),
    /// A task.
    Task(TaskId),
    /// A resource.
    Resource(ResourceId),
    /// An invite.
    Invite(InviteId),
    /// An objective.
    Objective(ObjectiveId),
    /// A member.
    Member(MemberId),
    /// A story.
    Story(StoryId),
}

impl Created {
    /// The created id as text.
    pub fn id_string(&self) -> String {
        match self {
            Created::Thread(id) => id.to_string(),
            Created::Post(id) => id.to_string(),
            Created::Article(id) => id.to_string(),
            Created::Event(id) => id.to_string(),
            Created::Task(id) => id.to_string(),
            Created::Resource(id) => id.to_string(),
            Created::Story(id) => id.to_string(),
            Created::Invite(id) => id.to_string(),
            Created::Objective(id) => id.to_string(),
            Created::Member(id) => id.to_string(),
        }
    }
}
