//! Value stories: what came of an accepted answer or a meetup, told by a member and kept
//! in their own directory entry (`members/<me>.stories`), where only they write.

use automerge::transaction::{Transactable, Transaction};
use automerge::{ObjType, ReadDoc, ScalarValue};
use rand::RngCore;

use super::{Ctx, Effect, root_map};
use crate::command::Created;
use crate::doc_read::{get_obj, get_str};
use crate::input::required;
use crate::schema::field;
use crate::schema::{EVENTS, MEMBERS, THREADS, limits};
use crate::{CommandError, EventId, PostId, StoryId, ThreadId};

/// What a story cites: a thread (and the post in it, e.g. the accepted answer) or a meetup.
pub(super) struct Cited {
    pub(super) thread: Option<ThreadId>,
    pub(super) post: Option<PostId>,
    pub(super) event: Option<EventId>,
}

pub(super) fn share(
    tx: &mut Transaction<'_>,
    ctx: &Ctx<'_>,
    rng: &mut dyn RngCore,
    text: &str,
    cited: Cited,
) -> Result<Effect, CommandError> {
    let text = required("story", text, limits::STORY)?;
    match (&cited.thread, &cited.event) {
        (Some(thread), None) => {
            let threads = root_map(tx, THREADS)?;
            let Some(t) = get_obj(tx, &threads, thread.as_str(), ObjType::Map) else {
                return Err(CommandError::UnknownThread(thread.clone()));
            };
            if let Some(post) = &cited.post {
                let posts = get_obj(tx, &t, field::POSTS, ObjType::List);
                let found = posts.is_some_and(|posts| {
                    (0..tx.length(&posts)).any(|i| match tx.get(&posts, i) {
                        Ok(Some((automerge::Value::Object(ObjType::Map), p))) => {
                            get_str(tx, &p, field::ID).as_deref() == Some(post.as_str())
                        }
                        _ => false,
                    })
                });
                if !found {
                    return Err(CommandError::UnknownPost(post.clone()));
                }
            }
        }
        (None, Some(event)) => {
            let events = root_map(tx, EVENTS)?;
            if get_obj(tx, &events, event.as_str(), ObjType::Map).is_none() {
                return Err(CommandError::UnknownEvent(event.clone()));
            }
        }
        _ => {
            return Err(CommandError::InvalidStory(
                "a story cites one thread or one meetup".into(),
            ));
        }
    }
    if cited.post.is_some() && cited.thread.is_none() {
        return Err(CommandError::InvalidStory(
            "a post is cited with its thread".into(),
        ));
    }
    let members = root_map(tx, MEMBERS)?;
    let me = crate::member_entry::member_entry(tx, &members, ctx.me.as_str())
        .ok_or(CommandError::NotAMember)?;
    let stories = match get_obj(tx, &me, field::STORIES, ObjType::Map) {
        Some(s) => s,
        None => tx.put_object(&me, field::STORIES, ObjType::Map)?,
    };
    let id = StoryId::random(rng);
    let story = tx.put_object(&stories, id.as_str(), ObjType::Map)?;
    tx.put(&story, field::TEXT, text)?;
    for (key, value) in [
        (field::THREAD, cited.thread.map(|t| t.to_string())),
        (field::POST, cited.post.map(|p| p.to_string())),
        (field::EVENT, cited.event.map(|e| e.to_string())),
    ] {
        match value {
            Some(v) => tx.put(&story, key, v)?,
            None => tx.put(&story, key, ScalarValue::Null)?,
        }
    }
    tx.put(&story, field::CREATED_AT, ctx.now.0)?;
    Ok(Effect::created(Created::Story(id), ctx.me.as_str()))
}
