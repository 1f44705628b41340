//! Knowledge articles and their revision history, read from Automerge's own history: every
//! change's commit message names the article it touched (see `commit_meta`).

use automerge::{ChangeHash, ObjId, ObjType, ReadDoc};
use serde::{Deserialize, Serialize};

use crate::commit_meta::CommitMeta;
use crate::doc_read::{get_i64, get_obj, get_str, root};
use crate::schema::ARTICLES;
use crate::schema::field;
use crate::{ArticleId, CommandKind, MemberId, ThreadId, Timestamp};

/// An article as the list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleSummary {
    /// Id.
    pub id: ArticleId,
    /// Title.
    pub title: String,
    /// Tags.
    pub tags: Vec<String>,
    /// Author of the first version.
    pub created_by: MemberId,
    /// When it was created.
    pub created_at: Timestamp,
    /// Last edit.
    pub updated_at: Timestamp,
    /// Who edited last.
    pub updated_by: MemberId,
    /// The thread it was promoted from.
    pub from_thread: Option<ThreadId>,
}

/// An article with its text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleView {
    /// Everything the list shows.
    #[serde(flatten)]
    pub summary: ArticleSummary,
    /// The current text.
    pub body: String,
}

/// One change to an article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revision {
    /// The Automerge change; pass it to [`article_text_at`].
    pub change: String,
    /// Who made it.
    pub by: MemberId,
    /// When (the change's time).
    pub at: Timestamp,
    /// What kind of edit (`create_article`, `edit_article`, ...).
    pub cmd: String,
}

fn article_obj<D: ReadDoc>(doc: &D, id: &ArticleId) -> Option<ObjId> {
    get_obj(doc, &root(doc, ARTICLES)?, id.as_str(), ObjType::Map)
}

fn summary<D: ReadDoc>(
    doc: &D,
    stands: Option<&crate::what_stands::WhatStands<'_>>,
    id: ArticleId,
    obj: &ObjId,
) -> Option<ArticleSummary> {
    let created_by: MemberId = get_str(doc, obj, field::CREATED_BY)?.parse().ok()?;
    let created_at = Timestamp(get_i64(doc, obj, field::CREATED_AT)?);
    Some(ArticleSummary {
        // A title written with the wrong type hides only the title.
        // One written beyond its writer's removal reads as it stood.
        title: crate::what_stands::standing_str(stands, doc, obj, field::TITLE).unwrap_or_default(),
        tags: crate::what_stands::standing_tags(stands, doc, obj),
        updated_at: get_i64(doc, obj, field::UPDATED_AT).map_or(created_at, Timestamp),
        updated_by: get_str(doc, obj, field::UPDATED_BY)
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| created_by.clone()),
        from_thread: get_str(doc, obj, field::FROM_THREAD).and_then(|s| s.parse().ok()),
        created_by,
        created_at,
        id,
    })
}

/// Every article, most recently updated first, optionally only those with `tag`.
pub fn article_list<D: crate::DocRead>(doc: &D, tag: Option<&str>) -> Vec<ArticleSummary> {
    let Some(articles) = root(doc, ARTICLES) else {
        return Vec::new();
    };
    let tag = tag.map(str::to_lowercase);
    let stands = crate::what_stands::what_stands(doc);
    let mut out: Vec<ArticleSummary> = ReadDoc::map_range(doc, &articles, ..)
        .filter(|item| !crate::what_stands::hidden(stands.as_ref(), &item.id()))
        .filter_map(|item| {
            let id: ArticleId = item.key.parse().ok()?;
            summary(doc, stands.as_ref(), id, &item.id())
        })
        .filter(|a| tag.as_ref().is_none_or(|t| a.tags.contains(t)))
        .collect();
    out.sort_by(|a, b| {
        b.updated_at
            .cmp(&a.updated_at)
            .then_with(|| a.id.cmp(&b.id))
    });
    out
}

/// One article with its current text.
pub fn article<D: crate::DocRead>(doc: &D, id: &ArticleId) -> Option<ArticleView> {
    let obj = article_obj(doc, id)?;
    let stands = crate::what_stands::what_stands(doc);
    if crate::what_stands::hidden(stands.as_ref(), &obj) {
        return None;
    }
    // Words a removed member added on a fork from before the removal are left out.
    let body = get_obj(doc, &obj, field::BODY, ObjType::Text)
        .and_then(|b| match &stands {
            Some(s) => s.standing_text(&b),
            None => ReadDoc::text(doc, &b).ok(),
        })
        .unwrap_or_default();
    Some(ArticleView {
        summary: summary(doc, stands.as_ref(), id.clone(), &obj)?,
        body,
    })
}

/// Every change that touched the article, oldest first. Reads only change metadata, but all
/// of it: call it when the history is opened, not per frame.
pub fn article_history(doc: &automerge::Automerge, id: &ArticleId) -> Vec<Revision> {
    let mut out: Vec<Revision> = doc
        .get_changes_meta(&[])
        .into_iter()
        .filter_map(|meta| {
            let parsed = CommitMeta::parse(meta.message.as_deref()?)?;
            if parsed.obj.as_deref() != Some(id.as_str())
                || !parsed.kind().is_some_and(edits_article)
            {
                return None;
            }
            Some(Revision {
                change: meta.hash.to_string(),
                by: parsed.by,
                at: Timestamp(meta.timestamp),
                cmd: parsed.cmd,
            })
        })
        .collect();
    out.sort_by(|a, b| a.at.cmp(&b.at).then_with(|| a.change.cmp(&b.change)));
    out
}

/// Whether a change of this kind writes an article.
fn edits_article(kind: CommandKind) -> bool {
    use CommandKind as K;
    matches!(
        kind,
        K::CreateArticle
            | K::PromoteToArticle
            | K::EditArticle
            | K::SpliceArticle
            | K::SetArticleMeta
    )
}

/// The article's text as it was right after `change` (from [`article_history`]).
pub fn article_text_at(doc: &automerge::Automerge, id: &ArticleId, change: &str) -> Option<String> {
    let hash: ChangeHash = change.parse().ok()?;
    doc.get_change_meta_by_hash(&hash)?;
    let heads = [hash];
    let articles = get_obj(doc, &automerge::ROOT, ARTICLES, ObjType::Map)?;
    let entry = match doc.get_at(&articles, id.as_str(), &heads).ok()?? {
        (automerge::Value::Object(ObjType::Map), obj) => obj,
        _ => return None,
    };
    let body = match doc.get_at(&entry, field::BODY, &heads).ok()?? {
        (automerge::Value::Object(ObjType::Text), obj) => obj,
        _ => return None,
    };
    doc.text_at(&body, &heads).ok()
}
