//! Thread lists and single threads. A page is a range scan over the `threads` map, whose keys
//! sort newest first (see `ids`), so its cost grows with the page, not with the community.

use std::ops::Bound;

use automerge::{ObjId, ObjType, ReadDoc, Value};
use serde::{Deserialize, Serialize};

use crate::doc_read::{DocRead, get_i64, get_obj, get_str, get_tags, root};
use crate::record::{Post, Thread, ThreadKind};
use crate::schema::THREADS;
use crate::schema::field;
use crate::what_stands::{WhatStands, hidden, what_stands};
use crate::{MemberId, PostId, ThreadId, Timestamp};

/// One line of a thread list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadSummary {
    /// Id.
    pub id: ThreadId,
    /// Discussion or question.
    pub kind: ThreadKind,
    /// Title.
    pub title: String,
    /// Tags.
    pub tags: Vec<String>,
    /// Who started it.
    pub author: MemberId,
    /// When.
    pub created_at: Timestamp,
    /// Replies after the opening post.
    pub replies: usize,
    /// Time of the newest post.
    pub last_activity: Timestamp,
    /// A question with an accepted answer.
    pub answered: bool,
}

/// Which threads a list shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThreadQuery {
    /// Only this kind.
    pub kind: Option<ThreadKind>,
    /// Only threads with this tag.
    pub tag: Option<String>,
    /// Start after this thread (the `next` of the previous page).
    pub after: Option<ThreadId>,
    /// Page size.
    pub limit: usize,
}

impl Default for ThreadQuery {
    fn default() -> Self {
        Self {
            kind: None,
            tag: None,
            after: None,
            limit: 50,
        }
    }
}

/// A page of threads, newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadPage {
    /// The threads.
    pub threads: Vec<ThreadSummary>,
    /// Pass as `after` for the next page; `None` on the last page.
    pub next: Option<ThreadId>,
}

/// A thread with its id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadView {
    /// Id.
    pub id: ThreadId,
    /// Everything in it (its readable posts).
    #[serde(flatten)]
    pub thread: Thread,
    /// Posts that could not be read (a malformed record): skipped, the rest still show.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub unreadable_posts: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl ThreadView {
    /// The accepted answer's post, if any.
    pub fn accepted(&self) -> Option<&crate::record::Post> {
        let id: &PostId = self.thread.accepted_post.as_ref()?;
        self.thread.posts.iter().find(|p| &p.id == id)
    }
}

fn summary<D: ReadDoc>(
    doc: &D,
    id: &str,
    obj: &ObjId,
    stands: Option<&WhatStands<'_>>,
) -> Option<ThreadSummary> {
    let kind = get_str(doc, obj, field::KIND)
        .and_then(|k| k.parse().ok())
        .unwrap_or_default();
    let created_at = Timestamp(get_i64(doc, obj, field::CREATED_AT).unwrap_or(0));
    let posts = get_obj(doc, obj, field::POSTS, ObjType::List)?;
    // The posts shown: those whose making change stands (`removal_frontier`); where
    // nothing can be hidden, the count and the last post are read without asking of each.
    let stands = stands.filter(|s| !s.hides_nothing());
    if stands.is_none() {
        let n = doc.length(&posts);
        let last_activity = match doc.get(&posts, n.saturating_sub(1)).ok().flatten() {
            Some((Value::Object(ObjType::Map), last)) => {
                get_i64(doc, &last, field::CREATED_AT).map_or(created_at, Timestamp)
            }
            _ => created_at,
        };
        return finish(doc, id, obj, kind, created_at, n, last_activity);
    }
    let shown: Vec<ObjId> = (0..doc.length(&posts))
        .filter_map(|i| match doc.get(&posts, i).ok().flatten() {
            Some((Value::Object(ObjType::Map), post)) if !hidden(stands, &post) => Some(post),
            _ => None,
        })
        .collect();
    let last_activity = shown
        .last()
        .and_then(|last| get_i64(doc, last, field::CREATED_AT))
        .map_or(created_at, Timestamp);
    finish(doc, id, obj, kind, created_at, shown.len(), last_activity)
}

/// A summary of the thread `obj` with `n` posts shown (the opening one included).
fn finish<D: ReadDoc>(
    doc: &D,
    id: &str,
    obj: &ObjId,
    kind: ThreadKind,
    created_at: Timestamp,
    n: usize,
    last_activity: Timestamp,
) -> Option<ThreadSummary> {
    let answered = get_str(doc, obj, field::ACCEPTED_POST).is_some_and(|s| !s.is_empty());
    Some(ThreadSummary {
        id: id.parse().ok()?,
        kind,
        title: get_str(doc, obj, field::TITLE)?,
        tags: get_tags(doc, obj),
        author: get_str(doc, obj, field::AUTHOR)?.parse().ok()?,
        created_at,
        replies: n.saturating_sub(1),
        last_activity,
        answered,
    })
}

/// A page of threads matching `q`, newest first.
pub fn thread_page<D: DocRead>(doc: &D, q: &ThreadQuery) -> ThreadPage {
    let Some(threads) = root(doc, THREADS) else {
        return ThreadPage::default();
    };
    let start = match &q.after {
        Some(after) => Bound::Excluded(after.to_string()),
        None => Bound::Unbounded,
    };
    let tag = q.tag.as_deref().map(str::to_lowercase);
    let mut out = Vec::new();
    let mut more = false;
    let stands = what_stands(doc);
    for item in ReadDoc::map_range(doc, &threads, (start, Bound::Unbounded)) {
        if !matches!(item.value, automerge::ValueRef::Object(ObjType::Map)) {
            continue;
        }
        let obj = item.id();
        if hidden(stands.as_ref(), &obj) {
            continue;
        }
        if let Some(kind) = q.kind
            && get_str(doc, &obj, field::KIND).as_deref() != Some(kind.as_str())
        {
            continue;
        }
        if let Some(tag) = &tag
            && !get_tags(doc, &obj).iter().any(|t| t == tag)
        {
            continue;
        }
        if out.len() == q.limit {
            more = true;
            break;
        }
        if let Some(s) = summary(doc, &item.key, &obj, stands.as_ref()) {
            out.push(s);
        }
    }
    let next = if more {
        out.last().map(|s| s.id.clone())
    } else {
        None
    };
    ThreadPage { threads: out, next }
}

/// One thread with all its posts. Read field by field and post by post, so one malformed
/// post hides only itself (counted in `unreadable_posts`), never its thread.
pub fn thread<D: DocRead>(doc: &D, id: &ThreadId) -> Option<ThreadView> {
    let threads = root(doc, THREADS)?;
    let obj = get_obj(doc, &threads, id.as_str(), ObjType::Map)?;
    let stands = what_stands(doc);
    if hidden(stands.as_ref(), &obj) {
        return None;
    }
    let mut posts = Vec::new();
    let mut unreadable_posts = 0;
    // A post's words edited beyond its author's removal read as they stood.
    let standing = doc.history().and_then(crate::what_stands::StandingDoc::new);
    if let Some(list) = get_obj(doc, &obj, field::POSTS, ObjType::List) {
        // Through `standing`, the list holds only the posts that stand.
        let n = match &standing {
            Some(s) => autosurgeon::ReadDoc::length(s, &list),
            None => ReadDoc::length(doc, &list),
        };
        for i in 0..n {
            if standing.is_none()
                && let Ok(Some((_, post))) = ReadDoc::get(doc, &list, i)
                && hidden(stands.as_ref(), &post)
            {
                continue;
            }
            let read = match &standing {
                Some(s) => autosurgeon::hydrate_prop::<_, Post, _, _>(s, &list, i),
                None => autosurgeon::hydrate_prop::<_, Post, _, _>(doc, &list, i),
            };
            match read {
                Ok(p) => posts.push(p),
                Err(_) => unreadable_posts += 1,
            }
        }
    }
    let thread = Thread {
        // A kind outside its enum reads as a discussion (no answer to accept).
        kind: get_str(doc, &obj, field::KIND)
            .and_then(|k| k.parse().ok())
            .unwrap_or_default(),
        title: get_str(doc, &obj, field::TITLE).unwrap_or_default(),
        tags: get_tags(doc, &obj),
        author: get_str(doc, &obj, field::AUTHOR)?.parse().ok()?,
        created_at: Timestamp(get_i64(doc, &obj, field::CREATED_AT).unwrap_or(0)),
        accepted_post: crate::what_stands::standing_str(
            stands.as_ref(),
            doc,
            &obj,
            field::ACCEPTED_POST,
        )
        .and_then(|p| p.parse().ok()),
        posts,
    };
    Some(ThreadView {
        id: id.clone(),
        thread,
        unreadable_posts,
    })
}

/// Number of threads (cheap: the map's length).
pub fn thread_count<D: ReadDoc>(doc: &D) -> usize {
    root(doc, THREADS).map_or(0, |t| doc.length(&t))
}
