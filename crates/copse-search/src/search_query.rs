//! What a search asks and what it answers.

use copse_core::{MemberId, Timestamp};
use serde::{Deserialize, Serialize};

use crate::record_key::{SearchKind, SearchTarget};

/// A search: words, and optional filters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SearchQuery {
    /// What to find: every word must match (in a title, text, tags or names); `"a b"`
    /// finds the phrase, `-word` leaves out what has it.
    pub text: String,
    /// Only this kind of result.
    pub kind: Option<SearchKind>,
    /// Only results with this tag (a member: this skill).
    pub tag: Option<String>,
    /// Only results written by this member.
    pub author: Option<MemberId>,
    /// Only results written at or after this time.
    pub since: Option<Timestamp>,
    /// Only results written before this time.
    pub until: Option<Timestamp>,
    /// At most this many results (0: a default of 50).
    pub limit: usize,
}

/// Text with the parts that matched.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Highlighted {
    /// The text (for a snippet, the part of the text around the matches).
    pub text: String,
    /// Byte ranges of `text` that matched a word searched for.
    pub matches: Vec<(usize, usize)>,
}

impl Highlighted {
    /// The text in pieces, each saying whether it matched (for rendering).
    pub fn pieces(&self) -> Vec<(&str, bool)> {
        let mut out = Vec::new();
        let mut at = 0;
        for &(start, end) in &self.matches {
            let (Some(before), Some(hit)) = (self.text.get(at..start), self.text.get(start..end))
            else {
                continue;
            };
            if !before.is_empty() {
                out.push((before, false));
            }
            out.push((hit, true));
            at = end;
        }
        if let Some(rest) = self.text.get(at..)
            && !rest.is_empty()
        {
            out.push((rest, false));
        }
        out
    }
}

/// One result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchHit {
    /// What opening it shows.
    pub target: SearchTarget,
    /// Its title or name, matches marked.
    pub title: Highlighted,
    /// The part of its text around the matches, matches marked.
    pub snippet: Highlighted,
    /// A post's thread title, an event's place, a member's organisation, a task's status.
    pub context: String,
    /// Its tags (a member: skills).
    pub tags: Vec<String>,
    /// Who wrote it.
    pub author: Option<MemberId>,
    /// When it was written (an event: when it starts).
    pub at: Timestamp,
}

impl SearchHit {
    /// The kind of result.
    pub fn kind(&self) -> SearchKind {
        self.target.kind()
    }
}

/// What a search found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchResults {
    /// The best results, most relevant first.
    pub hits: Vec<SearchHit>,
    /// How many results match in all.
    pub total: usize,
}

impl SearchResults {
    /// The results grouped by kind (in [`SearchKind::ALL`] order), best first in each.
    pub fn grouped(&self) -> Vec<(SearchKind, Vec<&SearchHit>)> {
        SearchKind::ALL
            .into_iter()
            .map(|k| {
                (
                    k,
                    self.hits
                        .iter()
                        .filter(|h| h.kind() == k)
                        .collect::<Vec<_>>(),
                )
            })
            .filter(|(_, hits)| !hits.is_empty())
            .collect()
    }
}
