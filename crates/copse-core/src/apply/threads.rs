//! Discussions and questions: start, reply, edit, accept an answer.

use automerge::transaction::{Transactable, Transaction};
use automerge::{ObjId, ObjType, ReadDoc, ScalarValue};
use autosurgeon::{reconcile_insert, reconcile_prop};

use super::{Ctx, Effect, root_map};
use crate::command::Created;
use crate::doc_read::{get_obj, get_str};
use crate::input::{required, tags};
use crate::record::{Post, Thread, ThreadKind};
use crate::record_mint::minted_thread;
use crate::schema::field;
use crate::schema::{THREADS, limits};
use crate::{CommandError, PostId, ThreadId};

pub(super) fn thread_obj(tx: &Transaction<'_>, id: &ThreadId) -> Result<ObjId, CommandError> {
    let threads = root_map(tx, THREADS)?;
    get_obj(tx, &threads, id.as_str(), ObjType::Map)
        .ok_or_else(|| CommandError::UnknownThread(id.clone()))
}

pub(super) fn posts_obj(tx: &Transaction<'_>, thread: &ObjId) -> Result<ObjId, CommandError> {
    get_obj(tx, thread, field::POSTS, ObjType::List)
        .ok_or_else(|| CommandError::Document("a thread without posts".into()))
}

/// Index and object of a post in a thread's post list.
fn find_post(tx: &Transaction<'_>, posts: &ObjId, id: &PostId) -> Option<(usize, ObjId)> {
    (0..tx.length(posts)).find_map(|i| match tx.get(posts, i).ok()?? {
        (automerge::Value::Object(ObjType::Map), obj)
            if get_str(tx, &obj, field::ID).as_deref() == Some(id.as_str()) =>
        {
            Some((i, obj))
        }
        _ => None,
    })
}

pub(super) fn start(
    tx: &mut Transaction<'_>,
    ctx: &Ctx<'_>,
    kind: ThreadKind,
    title: &str,
    body: &str,
    tag_list: &[String],
) -> Result<Effect, CommandError> {
    let title = required(field::TITLE, title, limits::TITLE)?;
    let body = required(field::BODY, body, limits::BODY)?;
    let tags = tags(field::TAGS, tag_list)?;
    let id = minted_thread(ctx.now.0, ctx.mint.next());
    let thread = Thread {
        kind,
        title,
        tags,
        author: ctx.me.clone(),
        created_at: ctx.now,
        accepted_post: None,
        posts: vec![Post {
            id: PostId::from_bytes(ctx.mint.next()),
            author: ctx.me.clone(),
            body,
            created_at: ctx.now,
            edited_at: None,
        }],
    };
    let threads = root_map(tx, THREADS)?;
    reconcile_prop(tx, &threads, id.as_str(), &thread)?;
    Ok(Effect::created(Created::Thread(id.clone()), id))
}

pub(super) fn reply(
    tx: &mut Transaction<'_>,
    ctx: &Ctx<'_>,
    thread: &ThreadId,
    body: &str,
) -> Result<Effect, CommandError> {
    let body = required(field::BODY, body, limits::BODY)?;
    let obj = thread_obj(tx, thread)?;
    let posts = posts_obj(tx, &obj)?;
    let id = PostId::from_bytes(ctx.mint.next());
    let post = Post {
        id: id.clone(),
        author: ctx.me.clone(),
        body,
        created_at: ctx.now,
        edited_at: None,
    };
    let n = tx.length(&posts);
    reconcile_insert(tx, posts, n, &post)?;
    Ok(Effect::created(Created::Post(id), thread))
}

pub(super) fn edit_post(
    tx: &mut Transaction<'_>,
    ctx: &Ctx<'_>,
    thread: &ThreadId,
    post: &PostId,
    body: &str,
) -> Result<Effect, CommandError> {
    let body = required(field::BODY, body, limits::BODY)?;
    let obj = thread_obj(tx, thread)?;
    let posts = posts_obj(tx, &obj)?;
    let (_, post_obj) =
        find_post(tx, &posts, post).ok_or_else(|| CommandError::UnknownPost(post.clone()))?;
    if get_str(tx, &post_obj, field::AUTHOR).as_deref() != Some(ctx.me.as_str()) {
        return Err(CommandError::NotYourPost);
    }
    tx.put(&post_obj, field::BODY, body)?;
    tx.put(&post_obj, field::EDITED_AT, ScalarValue::Int(ctx.now.0))?;
    Ok(Effect::on(thread))
}

pub(super) fn accept_answer(
    tx: &mut Transaction<'_>,
    ctx: &Ctx<'_>,
    thread: &ThreadId,
    post: Option<&PostId>,
) -> Result<Effect, CommandError> {
    let obj = thread_obj(tx, thread)?;
    if get_str(tx, &obj, field::KIND).as_deref() != Some(ThreadKind::Question.as_str()) {
        return Err(CommandError::NotAQuestion);
    }
    let asker = get_str(tx, &obj, field::AUTHOR);
    if asker.as_deref() != Some(ctx.me.as_str()) && !ctx.coordinator {
        return Err(CommandError::NotAskerOrCoordinator);
    }
    match post {
        Some(post) => {
            let posts = posts_obj(tx, &obj)?;
            let (idx, _) = find_post(tx, &posts, post)
                .ok_or_else(|| CommandError::UnknownPost(post.clone()))?;
            if idx == 0 {
                return Err(CommandError::OpeningPostNotAnAnswer);
            }
            tx.put(&obj, field::ACCEPTED_POST, post.as_str())?;
        }
        None => tx.put(&obj, field::ACCEPTED_POST, ScalarValue::Null)?,
    }
    Ok(Effect::on(thread))
}
