//! Value stories: what members say came of answers and meetups, from every member's
//! entry (`members/<id>.stories`). A story that cannot be read is left out.

use automerge::{ObjId, ObjType, ROOT, ReadDoc};
use serde::{Deserialize, Serialize};

use crate::doc_read::{get_i64, get_obj, get_str};
use crate::schema::MEMBERS;
use crate::schema::field;
use crate::{EventId, MemberId, PostId, StoryId, ThreadId, Timestamp};

/// One story.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoryView {
    /// Its id.
    pub id: StoryId,
    /// Who told it.
    pub by: MemberId,
    /// What came of it.
    pub text: String,
    /// The thread it cites.
    pub thread: Option<ThreadId>,
    /// The post in that thread (the answer), if it names one.
    pub post: Option<PostId>,
    /// The meetup it cites.
    pub event: Option<EventId>,
    /// When it was told.
    pub created_at: Timestamp,
}

fn parsed<D: ReadDoc, T: std::str::FromStr>(doc: &D, obj: &ObjId, key: &str) -> Option<T> {
    get_str(doc, obj, key)?.parse().ok()
}

fn read_story<D: ReadDoc>(doc: &D, by: &MemberId, id: &str, obj: &ObjId) -> Option<StoryView> {
    let thread: Option<ThreadId> = parsed(doc, obj, field::THREAD);
    let event: Option<EventId> = parsed(doc, obj, field::EVENT);
    if thread.is_none() == event.is_none() {
        return None;
    }
    Some(StoryView {
        id: id.parse().ok()?,
        by: by.clone(),
        text: get_str(doc, obj, field::TEXT)?,
        thread,
        post: parsed(doc, obj, field::POST),
        event,
        created_at: Timestamp(get_i64(doc, obj, field::CREATED_AT)?),
    })
}

/// Every story, newest first; only those citing `thread` if given.
pub fn stories<D: ReadDoc>(doc: &D, thread: Option<&ThreadId>) -> Vec<StoryView> {
    let Some(members) = get_obj(doc, &ROOT, MEMBERS, ObjType::Map) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for key in doc.keys(&members) {
        if let Ok(by) = key.parse::<MemberId>() {
            out.extend(
                stories_of(doc, &members, &by)
                    .into_iter()
                    .filter(|s| thread.is_none_or(|t| s.thread.as_ref() == Some(t))),
            );
        }
    }
    out.sort_by(|a, b| (b.created_at, &b.id).cmp(&(a.created_at, &a.id)));
    out
}

/// `member`'s own stories, newest first.
pub fn stories_by<D: ReadDoc>(doc: &D, member: &MemberId) -> Vec<StoryView> {
    let Some(members) = get_obj(doc, &ROOT, MEMBERS, ObjType::Map) else {
        return Vec::new();
    };
    let mut out = stories_of(doc, &members, member);
    out.sort_by(|a, b| (b.created_at, &b.id).cmp(&(a.created_at, &a.id)));
    out
}

fn stories_of<D: ReadDoc>(doc: &D, members: &ObjId, by: &MemberId) -> Vec<StoryView> {
    let Some(stories) = get_obj(doc, members, by.as_str(), ObjType::Map)
        .and_then(|m| get_obj(doc, &m, field::STORIES, ObjType::Map))
    else {
        return Vec::new();
    };
    doc.keys(&stories)
        .filter_map(|id| {
            let obj = get_obj(doc, &stories, &id, ObjType::Map)?;
            read_story(doc, by, &id, &obj)
        })
        .collect()
}
