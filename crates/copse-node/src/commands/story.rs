//! `story tell / list / prompts / dismiss`: what came of answers and meetups.

use clap::Subcommand;
use copse_core::view::stories::StoryView;
use copse_core::{Command, EventId, PostId, ThreadId};
use copse_peer::ask;
use copse_peer::participation::PromptKind;
use copse_peer::participation::StoryPrompt;

use super::args::CommunityArg;
use super::print::when;
use super::run::{Run, ask, done, edit};

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
    pub(crate) fn request(self) -> Run {
        match self {
            StoryCmd::Tell {
                c,
                thread,
                post,
                event,
                text,
            } => edit(
                c.community,
                Command::ShareStory {
                    text,
                    thread,
                    post,
                    event,
                },
            ),
            StoryCmd::List { c, thread } => ask(
                ask::Stories {
                    community: c.community,
                    thread,
                },
                print_stories,
            ),
            StoryCmd::Prompts(c) => ask(
                ask::StoryPrompts {
                    community: c.community,
                },
                print_prompts,
            ),
            StoryCmd::Dismiss { c, key } => done(
                ask::DismissStoryPrompt {
                    community: c.community,
                    key,
                },
                |()| "dismissed".into(),
            ),
        }
    }
}

fn print_stories(list: Vec<StoryView>) -> String {
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

fn print_prompts(list: Vec<StoryPrompt>) -> String {
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
