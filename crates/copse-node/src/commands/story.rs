//! `story tell / list / prompts / dismiss`: what came of answers and meetups.

use clap::Subcommand;
use copse_core::{Command, EventId, PostId, ThreadId};
use copse_peer::participation::PromptKind;
use copse_peer::{Query, QueryReply, Reply, Request};

use super::args::CommunityArg;
use super::print::{Printer, created, query, when};

#[derive(Debug, Subcommand)]
pub(crate) enum StoryCmd {
    /// Tell what came of an answer (--thread, and --post for the answer) or a meetup
    /// (--event). Shared with the community.
    Tell {
        #[command(flatten)]
        c: CommunityArg,
        /// The thread it cites.
        #[arg(long, conflicts_with = "event", required_unless_present = "event")]
        thread: Option<ThreadId>,
        /// The post in that thread (the answer).
        #[arg(long, requires = "thread")]
        post: Option<PostId>,
        /// The meetup it cites.
        #[arg(long)]
        event: Option<EventId>,
        /// What came of it (at most 2000 characters).
        #[arg(long)]
        text: String,
    },
    /// Members' stories, newest first (--thread: those citing it).
    List {
        #[command(flatten)]
        c: CommunityArg,
        /// Only stories citing this thread.
        #[arg(long)]
        thread: Option<ThreadId>,
    },
    /// What you could tell a story about now (two weeks after an accepted answer or a
    /// meetup you attended).
    Prompts(CommunityArg),
    /// Stop being asked about one (its key from `story prompts`).
    Dismiss {
        #[command(flatten)]
        c: CommunityArg,
        /// The prompt's key (`thread:<id>` or `event:<id>`).
        #[arg(long)]
        key: String,
    },
}

impl StoryCmd {
    pub(crate) fn request(self) -> (Request, Printer) {
        match self {
            StoryCmd::Tell {
                c,
                thread,
                post,
                event,
                text,
            } => (
                Request::Edit {
                    community: c.community,
                    command: Command::ShareStory {
                        text,
                        thread,
                        post,
                        event,
                    },
                },
                created,
            ),
            StoryCmd::List { c, thread } => (
                Request::Query(Query::Stories {
                    community: c.community,
                    thread,
                }),
                print_stories,
            ),
            StoryCmd::Prompts(c) => (
                Request::Query(Query::StoryPrompts {
                    community: c.community,
                }),
                print_prompts,
            ),
            StoryCmd::Dismiss { c, key } => (
                Request::DismissStoryPrompt {
                    community: c.community,
                    key,
                },
                print_nothing,
            ),
        }
    }
}

fn print_nothing(_: &Reply) -> String {
    String::new()
}

fn print_stories(reply: &Reply) -> String {
    let Some(QueryReply::Stories(list)) = query(reply) else {
        return String::new();
    };
    if list.is_empty() {
        return "No stories yet.".into();
    }
    list.iter()
        .map(|s| {
            let cites = match (&s.thread, &s.event) {
                (Some(t), _) => format!("thread {t}"),
                (None, Some(e)) => format!("meetup {e}"),
                (None, None) => String::new(),
            };
            format!("{}  {} ({cites}): {}", when(s.created_at), s.by, s.text)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn print_prompts(reply: &Reply) -> String {
    let Some(QueryReply::StoryPrompts(list)) = query(reply) else {
        return String::new();
    };
    if list.is_empty() {
        return "Nothing to tell about right now.".into();
    }
    list.iter()
        .map(|p| {
            let what = match p.kind {
                PromptKind::Answer => "the answer you accepted in",
                PromptKind::Meetup => "the meetup",
            };
            format!(
                "{}  What came of {what} \"{}\"?  (key {})",
                when(p.at),
                p.title,
                p.key()
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}
