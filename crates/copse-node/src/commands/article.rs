//! `article new / promote / edit / list / show [--at CHANGE] / history`.

use clap::Subcommand;
use copse_core::view::articles::ArticleSummary;
use copse_core::view::articles::Revision;
use copse_core::{ArticleId, Command, ThreadId};
use copse_peer::{ArticleNow, RevisionText, ask};

use super::args::CommunityArg;
use super::print::{tags, when};
use super::run::{Run, ask, edit};

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

impl ArticleCmd {
    pub(crate) fn request(self) -> Run {
        let edit = |c: CommunityArg, command| edit(c.community, command);
        match self {
            ArticleCmd::New {
                c,
                title,
                body,
                tags,
            } => edit(c, Command::CreateArticle { title, body, tags }),
            ArticleCmd::Promote { c, thread, title } => {
                edit(c, Command::PromoteToArticle { thread, title })
            }
            ArticleCmd::Edit { c, article, body } => edit(
                c,
                Command::EditArticle {
                    article,
                    body,
                    base: None,
                },
            ),
            ArticleCmd::List { c, tag } => ask(
                ask::Articles {
                    community: c.community,
                    tag,
                },
                print_list,
            ),
            ArticleCmd::Show { c, article, at } => match at {
                None => ask(
                    ask::Article {
                        community: c.community,
                        article,
                    },
                    print_article,
                ),
                Some(change) => ask(
                    ask::ArticleAt {
                        community: c.community,
                        article,
                        change,
                    },
                    print_revision,
                ),
            },
            ArticleCmd::History { c, article } => ask(
                ask::ArticleHistory {
                    community: c.community,
                    article,
                },
                print_history,
            ),
        }
    }
}

fn print_list(list: Vec<ArticleSummary>) -> String {
    list.iter()
        .map(|a| {
            format!(
                "{}  {} (updated {}){}",
                a.id,
                a.title,
                when(a.updated_at),
                tags(&a.tags)
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn print_article(a: ArticleNow) -> String {
    format!("{}\n\n{}", a.article.summary.title, a.article.body)
}

fn print_revision(r: RevisionText) -> String {
    format!("{}\n\n{}", r.title, r.body)
}

fn print_history(revs: Vec<Revision>) -> String {
    revs.iter()
        .map(|r| format!("{}  {} by {} ({})", r.change, when(r.at), r.by, r.cmd))
        .collect::<Vec<_>>()
        .join("\n")
}
