//! What changed, from Automerge's history: "what's new since you last looked" and each
//! member's contributions. Both read change metadata (commit messages), not operations.

use std::collections::BTreeMap;

use automerge::{Automerge, ChangeHash};
use serde::{Deserialize, Serialize};

use super::articles::article;
use super::events::event;
use super::threads::thread;
use crate::commit_meta::CommitMeta;
use crate::{CommandKind, MemberId, Timestamp};

/// One thing that happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Happening {
    /// The command (`start_thread`, `reply`, `accept_answer`, `create_article`, ...).
    pub cmd: String,
    /// Its object's id (thread, article, event, ...).
    pub obj: Option<String>,
    /// What the object is called, if it still exists.
    pub title: Option<String>,
    /// Who.
    pub by: MemberId,
    /// When.
    pub at: Timestamp,
}

/// What happened in a stretch of history, newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Digest {
    /// How many changes of each command.
    pub counts: BTreeMap<String, usize>,
    /// The most recent notable ones (threads, answers, articles, events), newest first.
    pub notable: Vec<Happening>,
}

impl Digest {
    /// Number of changes of command `cmd`.
    pub fn count(&self, cmd: &str) -> usize {
        self.counts.get(cmd).copied().unwrap_or(0)
    }
}

const NOTABLE: [CommandKind; 7] = [
    CommandKind::StartThread,
    CommandKind::Reply,
    CommandKind::AcceptAnswer,
    CommandKind::CreateArticle,
    CommandKind::PromoteToArticle,
    CommandKind::CreateEvent,
    CommandKind::Admit,
];

fn title_of(doc: &Automerge, kind: Option<CommandKind>, obj: &str) -> Option<String> {
    use CommandKind as K;
    match kind? {
        K::StartThread | K::Reply | K::AcceptAnswer => {
            thread(doc, &obj.parse().ok()?).map(|t| t.thread.title)
        }
        K::CreateArticle | K::PromoteToArticle => {
            article(doc, &obj.parse().ok()?).map(|a| a.summary.title)
        }
        K::CreateEvent => event(doc, &obj.parse().ok()?).map(|e| e.title),
        K::Admit => super::members::read_member(doc, &obj.parse().ok()?).map(|m| m.name),
        _ => None,
    }
}

fn digest_of(doc: &Automerge, metas: Vec<(CommitMeta, Timestamp)>, limit: usize) -> Digest {
    let mut d = Digest::default();
    let mut notable: Vec<(CommitMeta, Timestamp)> = Vec::new();
    for (m, at) in metas {
        *d.counts.entry(m.cmd.clone()).or_default() += 1;
        if m.kind().is_some_and(|k| NOTABLE.contains(&k)) {
            notable.push((m, at));
        }
    }
    notable.sort_by_key(|n| std::cmp::Reverse(n.1));
    d.notable = notable
        .into_iter()
        .take(limit)
        .map(|(m, at)| Happening {
            title: m.obj.as_deref().and_then(|o| title_of(doc, m.kind(), o)),
            cmd: m.cmd,
            obj: m.obj,
            by: m.by,
            at,
        })
        .collect();
    d
}

/// The commit metadata of the changes after `since`, leaving out those that do not stand
/// (`removal_frontier`).
fn metas_since(doc: &Automerge, since: &[ChangeHash]) -> Vec<(CommitMeta, Timestamp)> {
    let stands = crate::what_stands::WhatStands::new(doc);
    doc.get_changes_meta(since)
        .iter()
        .filter(|m| !stands.leaves_out(&m.actor, &m.hash))
        .filter_map(|m| {
            Some((
                CommitMeta::parse(m.message.as_deref()?)?,
                Timestamp(m.timestamp),
            ))
        })
        .collect()
}

/// Everything after `since` (heads the member saw last; unknown hashes are ignored), except
/// the member's own changes.
pub fn whats_new(doc: &Automerge, since: &[ChangeHash], me: &MemberId, limit: usize) -> Digest {
    let known: Vec<ChangeHash> = since
        .iter()
        .copied()
        .filter(|h| doc.get_change_meta_by_hash(h).is_some())
        .collect();
    let metas = metas_since(doc, &known)
        .into_iter()
        .filter(|(m, _)| &m.by != me)
        .collect();
    digest_of(doc, metas, limit)
}

/// Everything `member` did. Reads all change metadata: call it when a profile is opened.
pub fn contributions(doc: &Automerge, member: &MemberId, limit: usize) -> Digest {
    let metas = metas_since(doc, &[])
        .into_iter()
        .filter(|(m, _)| &m.by == member)
        .collect();
    digest_of(doc, metas, limit)
}
