//! The command tree: each area's subcommands live in `commands/<area>.rs`.

use std::path::PathBuf;

use clap::{Parser, Subcommand};
use copse_core::MemberId;

use crate::commands::args::{CommunityArg, Details};
use crate::commands::article::ArticleCmd;
use crate::commands::community::{self, CommunityCmd};
use crate::commands::event::EventCmd;
use crate::commands::for_you;
use crate::commands::meetup::MeetupCmd;
use crate::commands::member::MemberCmd;
use crate::commands::network::{self, InviteArgs, JoinArgs, ServeArgs};
use crate::commands::resource::ResourceCmd;
use crate::commands::run::Run;
use crate::commands::search::SearchArgs;
use crate::commands::start_here;
use crate::commands::story::StoryCmd;
use crate::commands::task::TaskCmd;
use crate::commands::thread::ThreadCmd;
use crate::commands::{files, guard, identity};

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
    /// The meetup in progress, and what happened at the last one.
    #[command(subcommand)]
    Meetup(MeetupCmd),
    /// The task board.
    #[command(subcommand)]
    Task(TaskCmd),
    /// Shared links and references.
    #[command(subcommand)]
    Resource(ResourceCmd),
    /// The member directory and roles.
    #[command(subcommand)]
    Member(MemberCmd),
    /// Value stories: what came of answers and meetups.
    #[command(subcommand)]
    Story(StoryCmd),
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
    /// Rewrite a community's files as one snapshot now (done on its own as the log grows).
    Compact(CommunityArg),
    /// Read an exported community: added if new here, merged into your copy if known.
    Import {
        /// The exported file.
        file: PathBuf,
    },
    /// Create an invitation; prints a one-line ticket to give to the newcomer.
    Invite(InviteArgs),
    /// Join a community with a ticket: reaches the inviter (or another member) and is admitted.
    Join(JoinArgs),
    /// Run an always-on peer until SIGINT/SIGTERM; other commands on this profile go through it.
    Serve(ServeArgs),
    /// Connected peers, and for each community whether each member is up to date with us.
    Status,
    /// The community document's heads (equal heads: identical documents).
    Heads(CommunityArg),
    /// Changes from members that broke the community's rules: not applied, not passed on.
    Rejected(CommunityArg),
    /// Full-text search: threads, posts, knowledge, events, tasks, resources and members.
    Search(SearchArgs),
    /// What concerns you: replies to your threads, your accepted answers, mentions of you,
    /// questions waiting in what you know, meetups within a day (* marks what is new).
    ForYou(CommunityArg),
    /// A newcomer's first steps: good first tasks, questions in your skills, the next
    /// meetup and someone to ask (with `community show` for the norms).
    StartHere(CommunityArg),
}

impl Cmd {
    /// What a command runs and how its answer prints. `me` is this device's member (a
    /// default for some commands). `init`, `join` and `serve` are handled before.
    pub(crate) fn request(self, me: &MemberId) -> anyhow::Result<Run> {
        Ok(match self {
            Cmd::Init(d) => identity::init(d.into()),
            Cmd::Whoami => identity::whoami(),
            Cmd::Community(c) => c.request()?,
            Cmd::Thread(t) => t.request(),
            Cmd::Article(a) => a.request(),
            Cmd::Event(e) => e.request(me),
            Cmd::Meetup(m) => m.request(),
            Cmd::Task(t) => t.request(),
            Cmd::Resource(r) => r.request(),
            Cmd::Member(m) => m.request(),
            Cmd::Show(c) => community::show(c),
            Cmd::Export { c, out } => files::export(c, out),
            Cmd::Import { file } => files::import(file)?,
            Cmd::Compact(c) => files::compact(c),
            Cmd::Invite(i) => i.request(),
            Cmd::Status => network::status(),
            Cmd::Heads(c) => community::heads(c),
            Cmd::Rejected(c) => guard::rejected(c),
            Cmd::Search(s) => s.request(),
            Cmd::ForYou(c) => for_you::for_you(c),
            Cmd::StartHere(c) => start_here::start_here(c),
            Cmd::Story(s) => s.request(),
            Cmd::Join(_) | Cmd::Serve(_) => anyhow::bail!("handled before"),
        })
    }
}
