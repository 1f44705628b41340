//! `thread new / reply / edit / accept / list / show`.

use clap::Subcommand;
use copse_core::record::ThreadKind;
use copse_core::view::threads::ThreadPage;
use copse_core::view::threads::ThreadSummary;
use copse_core::view::threads::ThreadView;
use copse_core::{Command, PostId, ThreadId};
use copse_peer::ask;

use super::args::CommunityArg;
use super::print::{tags, when};
use super::run::{Run, ask, edit};

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

impl ThreadCmd {
    pub(crate) fn request(self) -> Run {
        let edit = |c: CommunityArg, command| edit(c.community, command);
        match self {
            ThreadCmd::New {
                c,
                title,
                body,
                question,
                tags,
            } => edit(
                c,
                Command::StartThread {
                    kind: if question {
                        ThreadKind::Question
                    } else {
                        ThreadKind::Discussion
                    },
                    title,
                    body,
                    tags,
                },
            ),
            ThreadCmd::Reply { c, thread, body } => edit(c, Command::Reply { thread, body }),
            ThreadCmd::Edit {
                c,
                thread,
                post,
                body,
            } => edit(c, Command::EditPost { thread, post, body }),
            ThreadCmd::Accept { c, thread, post } => edit(
                c,
                Command::AcceptAnswer {
                    thread,
                    post: Some(post),
                },
            ),
            ThreadCmd::List {
                c,
                questions,
                discussions,
                tag,
                after,
                limit,
            } => ask(
                ask::Threads {
                    community: c.community,
                    kind: match (questions, discussions) {
                        (true, _) => Some(ThreadKind::Question),
                        (_, true) => Some(ThreadKind::Discussion),
                        _ => None,
                    },
                    tag,
                    after,
                    limit,
                },
                print_list,
            ),
            ThreadCmd::Show { c, thread } => ask(
                ask::Thread {
                    community: c.community,
                    thread,
                },
                print_thread,
            ),
        }
    }
}

fn line(t: &ThreadSummary) -> String {
    let mark = match (t.kind, t.answered) {
        (ThreadKind::Question, true) => "Q✓",
        (ThreadKind::Question, false) => "Q ",
        _ => "D ",
    };
    format!(
        "{}  {mark} {} ({} replies){}",
        t.id,
        t.title,
        t.replies,
        tags(&t.tags)
    )
}

fn print_list(page: ThreadPage) -> String {
    let mut out: Vec<String> = page.threads.iter().map(line).collect();
    if let Some(next) = &page.next {
        out.push(format!("more: --after {next}"));
    }
    out.join("\n")
}

fn print_thread(t: ThreadView) -> String {
    let th = &t.thread;
    let mut out = vec![format!("{} ({}){}", th.title, th.kind, tags(&th.tags))];
    for p in &th.posts {
        let mark = if th.accepted_post.as_ref() == Some(&p.id) {
            " ✓ accepted answer"
        } else {
            ""
        };
        out.push(format!(
            "--- {} {} at {}{mark}",
            p.id,
            p.author,
            when(p.created_at)
        ));
        out.push(p.body.clone());
    }
    if t.unreadable_posts > 0 {
        out.push(format!(
            "({} post(s) could not be read: a malformed record)",
            t.unreadable_posts
        ));
    }
    out.join("\n")
}
