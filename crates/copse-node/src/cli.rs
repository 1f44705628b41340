//! Command-line arguments.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use copse_core::{
    ArticleId, CommunityId, EventId, MemberId, ObjectiveId, PostId, ResourceId, TaskId, ThreadId,
};

/// Copse's headless node: scripting CLI and always-on peer for communities of practice.
#[derive(Debug, Parser)]
#[command(name = "copse-node", version, about, propagate_version = true)]
pub(crate) struct Cli {
    /// Profile directory (default: $COPSE_HOME, else the platform data dir, e.g. ~/.local/share/copse).
    #[arg(long, global = true, value_name = "DIR")]
    pub(crate) data_dir: Option<PathBuf>,
    /// Print machine-readable JSON.
    #[arg(long, global = true)]
    pub(crate) json: bool,
    #[command(subcommand)]
    pub(crate) command: Cmd,
}

#[derive(Debug, Args)]
pub(crate) struct Details {
    /// Your name as members see it.
    #[arg(long)]
    pub(crate) name: String,
    /// Your organisation.
    #[arg(long, default_value = "")]
    pub(crate) organisation: String,
    /// Your department or team.
    #[arg(long, default_value = "")]
    pub(crate) department: String,
    /// A few words about you.
    #[arg(long, default_value = "")]
    pub(crate) bio: String,
    /// What you know about, comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub(crate) skills: Vec<String>,
}

#[derive(Debug, Args)]
pub(crate) struct CommunityArg {
    /// Community id (see `community list`).
    #[arg(long, short = 'c')]
    pub(crate) community: CommunityId,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Cmd {
    /// Create this device's identity and record your details; prints your member id.
    Init(Details),
    /// Show your member id and details.
    Whoami,
    /// Create and list communities, edit their profile.
    #[command(subcommand)]
    Community(CommunityCmd),
    /// Discussions and questions.
    #[command(subcommand)]
    Thread(ThreadCmd),
    /// Knowledge articles.
    #[command(subcommand)]
    Article(ArticleCmd),
    /// Meetups and other events.
    #[command(subcommand)]
    Event(EventCmd),
    /// The task board.
    #[command(subcommand)]
    Task(TaskCmd),
    /// Shared links and references.
    #[command(subcommand)]
    Resource(ResourceCmd),
    /// The member directory and roles.
    #[command(subcommand)]
    Member(MemberCmd),
    /// Print the whole community (profile, members, threads with posts, articles, events, tasks).
    Show(CommunityArg),
    /// Write the community as a plain Automerge document (Automerge::save bytes).
    Export {
        #[command(flatten)]
        c: CommunityArg,
        /// Output file.
        #[arg(long)]
        out: PathBuf,
    },
    /// Read an exported community: added if new here, merged into your copy if known.
    Import {
        /// The exported file.
        file: PathBuf,
    },
    /// Create an invitation; prints a one-line ticket to give to the newcomer.
    Invite {
        #[command(flatten)]
        c: CommunityArg,
        /// How long it is valid: 90s, 30m, 12h, 7d.
        #[arg(long, default_value = "7d")]
        expires: String,
        /// How many newcomers may use it.
        #[arg(long, default_value_t = 1)]
        uses: u64,
        /// member or coordinator (coordinators only).
        #[arg(long, default_value = "member")]
        role: String,
    },
    /// Join a community with a ticket: reaches the inviter (or another member) and is admitted.
    Join {
        /// The ticket (copse-invite:...).
        ticket: String,
        /// Your name (needed if this profile has no identity yet).
        #[arg(long)]
        name: Option<String>,
        /// Your organisation.
        #[arg(long)]
        organisation: Option<String>,
        /// Your department.
        #[arg(long)]
        department: Option<String>,
        /// About you.
        #[arg(long)]
        bio: Option<String>,
        /// Your skills, comma-separated.
        #[arg(long, value_delimiter = ',')]
        skills: Vec<String>,
        /// Address to listen on while joining (repeatable).
        #[arg(long = "listen", default_values_t = [String::from("/ip4/0.0.0.0/tcp/0")])]
        listen: Vec<String>,
        /// Do not look for members on the local network (mDNS).
        #[arg(long)]
        no_mdns: bool,
    },
    /// Run an always-on peer until SIGINT/SIGTERM; other commands on this profile go through it.
    Serve {
        /// Address to listen on (repeatable).
        #[arg(long = "listen", default_values_t = [String::from("/ip4/0.0.0.0/tcp/4001"), String::from("/ip4/0.0.0.0/udp/4001/quic-v1")])]
        listen: Vec<String>,
        /// Do not look for members on the local network (mDNS).
        #[arg(long)]
        no_mdns: bool,
        /// A peer to dial at start, e.g. /ip4/203.0.113.5/tcp/4001/p2p/12D3KooW... (repeatable).
        #[arg(long)]
        bootstrap: Vec<String>,
    },
    /// Connected peers, and for each community whether each member is up to date with us.
    Status,
    /// The community document's heads (equal heads: identical documents).
    Heads(CommunityArg),
}

#[derive(Debug, Subcommand)]
pub(crate) enum CommunityCmd {
    /// Found a community; you become its coordinator. Prints its id.
    Create {
        /// Name.
        #[arg(long)]
        name: String,
        /// The domain members share.
        #[arg(long)]
        domain: String,
        /// An objective (repeat for several).
        #[arg(long = "objective")]
        objectives: Vec<String>,
        /// How members work together.
        #[arg(long, default_value = "")]
        norms: String,
    },
    /// Communities on this device.
    List,
    /// Coordinators: change name, domain or norms.
    Update {
        #[command(flatten)]
        c: CommunityArg,
        /// New name.
        #[arg(long)]
        name: Option<String>,
        /// New domain.
        #[arg(long)]
        domain: Option<String>,
        /// New norms.
        #[arg(long)]
        norms: Option<String>,
    },
    /// Coordinators: add an objective.
    AddObjective {
        #[command(flatten)]
        c: CommunityArg,
        /// The objective.
        #[arg(long)]
        text: String,
    },
    /// Coordinators: reword an objective or set its status (planned, active, achieved, dropped).
    SetObjective {
        #[command(flatten)]
        c: CommunityArg,
        /// Objective id (see `show`).
        #[arg(long)]
        objective: ObjectiveId,
        /// New wording.
        #[arg(long)]
        text: Option<String>,
        /// New status.
        #[arg(long)]
        status: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum ThreadCmd {
    /// Start a discussion (or a question with --question). Prints its id.
    New {
        #[command(flatten)]
        c: CommunityArg,
        /// Title.
        #[arg(long)]
        title: String,
        /// Opening post.
        #[arg(long)]
        body: String,
        /// Ask a question that can have an accepted answer.
        #[arg(long)]
        question: bool,
        /// Tags, comma-separated.
        #[arg(long, value_delimiter = ',')]
        tags: Vec<String>,
    },
    /// Reply in a thread. Prints the post id.
    Reply {
        #[command(flatten)]
        c: CommunityArg,
        /// Thread id.
        #[arg(long)]
        thread: ThreadId,
        /// Reply text.
        #[arg(long)]
        body: String,
    },
    /// Edit one of your posts.
    Edit {
        #[command(flatten)]
        c: CommunityArg,
        /// Thread id.
        #[arg(long)]
        thread: ThreadId,
        /// Post id.
        #[arg(long)]
        post: PostId,
        /// New text.
        #[arg(long)]
        body: String,
    },
    /// Accept a reply as the answer to a question (asker or coordinator).
    Accept {
        #[command(flatten)]
        c: CommunityArg,
        /// Question id.
        #[arg(long)]
        thread: ThreadId,
        /// The reply's post id.
        #[arg(long)]
        post: PostId,
    },
    /// List threads, newest first.
    List {
        #[command(flatten)]
        c: CommunityArg,
        /// Only questions.
        #[arg(long, conflicts_with = "discussions")]
        questions: bool,
        /// Only discussions.
        #[arg(long)]
        discussions: bool,
        /// Only threads with this tag.
        #[arg(long)]
        tag: Option<String>,
        /// Continue after this thread id.
        #[arg(long)]
        after: Option<ThreadId>,
        /// Page size.
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
    /// Show a thread with its posts.
    Show {
        #[command(flatten)]
        c: CommunityArg,
        /// Thread id.
        #[arg(long)]
        thread: ThreadId,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum ArticleCmd {
    /// Write a new article. Prints its id.
    New {
        #[command(flatten)]
        c: CommunityArg,
        /// Title.
        #[arg(long)]
        title: String,
        /// Text.
        #[arg(long)]
        body: String,
        /// Tags, comma-separated.
        #[arg(long, value_delimiter = ',')]
        tags: Vec<String>,
    },
    /// Turn a thread into an article (question + accepted answer, or the discussion).
    Promote {
        #[command(flatten)]
        c: CommunityArg,
        /// Thread id.
        #[arg(long)]
        thread: ThreadId,
        /// Title (default: the thread's).
        #[arg(long)]
        title: Option<String>,
    },
    /// Replace an article's text (merged with others' concurrent edits).
    Edit {
        #[command(flatten)]
        c: CommunityArg,
        /// Article id.
        #[arg(long)]
        article: ArticleId,
        /// The new text.
        #[arg(long)]
        body: String,
    },
    /// List articles.
    List {
        #[command(flatten)]
        c: CommunityArg,
        /// Only with this tag.
        #[arg(long)]
        tag: Option<String>,
    },
    /// Show an article, now or at a revision (--at CHANGE from `history`).
    Show {
        #[command(flatten)]
        c: CommunityArg,
        /// Article id.
        #[arg(long)]
        article: ArticleId,
        /// A change from `article history`.
        #[arg(long)]
        at: Option<String>,
    },
    /// Who changed the article, and when.
    History {
        #[command(flatten)]
        c: CommunityArg,
        /// Article id.
        #[arg(long)]
        article: ArticleId,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum EventCmd {
    /// Plan an event. Times are UTC: "2026-12-03 18:00". Prints its id.
    New {
        #[command(flatten)]
        c: CommunityArg,
        /// Title.
        #[arg(long)]
        title: String,
        /// Start (UTC).
        #[arg(long)]
        starts: String,
        /// End (UTC; default: two hours after the start).
        #[arg(long)]
        ends: Option<String>,
        /// Where.
        #[arg(long, default_value = "")]
        place: String,
        /// What it is about.
        #[arg(long, default_value = "")]
        description: String,
    },
    /// Answer yes, no or maybe.
    Rsvp {
        #[command(flatten)]
        c: CommunityArg,
        /// Event id.
        #[arg(long)]
        event: EventId,
        /// yes, no or maybe.
        #[arg(long)]
        answer: String,
    },
    /// Record attendance (yours, or anyone's if you organise or coordinate).
    Attend {
        #[command(flatten)]
        c: CommunityArg,
        /// Event id.
        #[arg(long)]
        event: EventId,
        /// Member id (default: you).
        #[arg(long)]
        member: Option<MemberId>,
        /// Record absence instead.
        #[arg(long)]
        absent: bool,
    },
    /// Replace the shared notes.
    Notes {
        #[command(flatten)]
        c: CommunityArg,
        /// Event id.
        #[arg(long)]
        event: EventId,
        /// The notes.
        #[arg(long)]
        text: String,
    },
    /// Upcoming events (or --past).
    List {
        #[command(flatten)]
        c: CommunityArg,
        /// Past events instead.
        #[arg(long)]
        past: bool,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum TaskCmd {
    /// Add a task. Prints its id.
    New {
        #[command(flatten)]
        c: CommunityArg,
        /// What to do.
        #[arg(long)]
        title: String,
        /// Details.
        #[arg(long, default_value = "")]
        description: String,
        /// Member id to assign.
        #[arg(long)]
        assignee: Option<MemberId>,
        /// Due date (UTC).
        #[arg(long)]
        due: Option<String>,
    },
    /// Assign a task (omit --member to unassign).
    Assign {
        #[command(flatten)]
        c: CommunityArg,
        /// Task id.
        #[arg(long)]
        task: TaskId,
        /// Member id.
        #[arg(long)]
        member: Option<MemberId>,
    },
    /// Move a task to todo, doing or done.
    Move {
        #[command(flatten)]
        c: CommunityArg,
        /// Task id.
        #[arg(long)]
        task: TaskId,
        /// todo, doing or done.
        #[arg(long)]
        status: String,
    },
    /// Set (or with no --due, clear) the due date.
    Due {
        #[command(flatten)]
        c: CommunityArg,
        /// Task id.
        #[arg(long)]
        task: TaskId,
        /// Due date (UTC).
        #[arg(long)]
        due: Option<String>,
    },
    /// The board.
    List(CommunityArg),
}

#[derive(Debug, Subcommand)]
pub(crate) enum ResourceCmd {
    /// Share a link or reference. Prints its id.
    Add {
        #[command(flatten)]
        c: CommunityArg,
        /// Title.
        #[arg(long)]
        title: String,
        /// Link.
        #[arg(long)]
        url: Option<String>,
        /// Why it matters.
        #[arg(long, default_value = "")]
        description: String,
        /// Tags, comma-separated.
        #[arg(long, value_delimiter = ',')]
        tags: Vec<String>,
    },
    /// Take a resource down.
    Remove {
        #[command(flatten)]
        c: CommunityArg,
        /// Resource id.
        #[arg(long)]
        resource: ResourceId,
    },
    /// List resources.
    List {
        #[command(flatten)]
        c: CommunityArg,
        /// Only with this tag.
        #[arg(long)]
        tag: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum MemberCmd {
    /// The directory; filter by skill or organisation ("who can help with X").
    List {
        #[command(flatten)]
        c: CommunityArg,
        /// Skill (substring).
        #[arg(long)]
        skill: Option<String>,
        /// Organisation (substring).
        #[arg(long)]
        organisation: Option<String>,
    },
    /// Update your entry in a community (defaults to your `init` details).
    Update {
        #[command(flatten)]
        c: CommunityArg,
        #[command(flatten)]
        details: Details,
    },
    /// Coordinators: set a member's role (member or coordinator).
    Role {
        #[command(flatten)]
        c: CommunityArg,
        /// Member id.
        #[arg(long)]
        member: MemberId,
        /// member or coordinator.
        #[arg(long)]
        role: String,
    },
    /// Coordinators: remove a member.
    Remove {
        #[command(flatten)]
        c: CommunityArg,
        /// Member id.
        #[arg(long)]
        member: MemberId,
    },
}
