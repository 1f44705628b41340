//! `search`: full-text search of a community on this device's index.

use clap::Args;
use copse_core::{MemberId, Timestamp};
use copse_peer::SearchResults;
use copse_peer::ask;
use copse_peer::{SearchHit, SearchQuery, SearchTarget};

use super::args::CommunityArg;
use super::choice::SearchKindArg;
use super::parse;
use super::print::{tags, when};
use super::run::{Run, ask};

/// `search` arguments.
#[derive(Debug, Args)]
pub(crate) struct SearchArgs {
    #[command(flatten)]
    c: CommunityArg,
    /// What to find: every word must match; "a phrase" in quotes; -word leaves out.
    #[arg(required = true, num_args = 1..)]
    words: Vec<String>,
    /// Only this kind of result.
    #[arg(long, value_enum)]
    kind: Option<SearchKindArg>,
    /// Only results with this tag (members: this skill).
    #[arg(long)]
    tag: Option<String>,
    /// Only results written by this member.
    #[arg(long)]
    author: Option<MemberId>,
    /// Only results written on or after this date ("YYYY-MM-DD", UTC).
    #[arg(long, value_parser = parse::when)]
    since: Option<Timestamp>,
    /// Only results written before this date ("YYYY-MM-DD", UTC).
    #[arg(long, value_parser = parse::when)]
    until: Option<Timestamp>,
    /// At most this many results.
    #[arg(long, default_value_t = 20)]
    limit: usize,
}

impl SearchArgs {
    pub(crate) fn request(self) -> Run {
        ask(
            ask::Search {
                community: self.c.community,
                search: SearchQuery {
                    text: self.words.join(" "),
                    kind: self.kind.map(Into::into),
                    tag: self.tag,
                    author: self.author,
                    since: self.since,
                    until: self.until,
                    limit: self.limit,
                },
            },
            print_results,
        )
    }
}

fn print_results(results: SearchResults) -> String {
    if results.hits.is_empty() {
        return "Nothing found.".into();
    }
    let mut out = Vec::new();
    for (kind, hits) in results.grouped() {
        out.push(format!("{}:", kind.plural()));
        for hit in hits {
            out.push(line(hit));
        }
    }
    if results.total > results.hits.len() {
        out.push(format!(
            "({} of {} results; --limit shows more)",
            results.hits.len(),
            results.total
        ));
    }
    out.join("\n")
}

/// `  <id>  <title or thread>  <date> [tags]` then the snippet with matches in *stars*.
fn line(hit: &SearchHit) -> String {
    let id = match &hit.target {
        SearchTarget::Thread { thread } => thread.to_string(),
        SearchTarget::Post { thread, post } => format!("{thread}/{post}"),
        SearchTarget::Article { article } => article.to_string(),
        SearchTarget::Event { event } => event.to_string(),
        SearchTarget::Task { task } => task.to_string(),
        SearchTarget::Resource { resource } => resource.to_string(),
        SearchTarget::Member { member } => member.to_string(),
    };
    let title = if hit.title.text.is_empty() {
        format!("in \"{}\"", hit.context)
    } else {
        marked(&hit.title)
    };
    let mut s = format!("  {id}  {title}  {}{}", when(hit.at), tags(&hit.tags));
    let snippet = marked(&hit.snippet);
    if !snippet.trim().is_empty() {
        s.push_str("\n      ");
        s.push_str(&snippet.split_whitespace().collect::<Vec<_>>().join(" "));
    }
    s
}

fn marked(h: &copse_peer::Highlighted) -> String {
    h.pieces()
        .into_iter()
        .map(|(text, hit)| {
            if hit {
                format!("*{text}*")
            } else {
                text.to_owned()
            }
        })
        .collect()
}
