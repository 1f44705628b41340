//! Knowledge articles: collaborative Text bodies, edited as minimal splices so concurrent
//! edits by several members merge.

use automerge::transaction::{Transactable, Transaction};
use automerge::{ObjId, ObjType, ReadDoc, ScalarValue};
use autosurgeon::reconcile_prop;

use super::{Ctx, Effect, root_map};
use crate::command::Created;
use crate::doc_read::get_obj;
use crate::input::{bounded, required, tags};
use crate::record::ThreadKind;
use crate::schema::field;
use crate::schema::{ARTICLES, limits};
use crate::view::members::read_member;
use crate::view::threads::thread;
use crate::{ArticleId, CommandError, ThreadId};

fn article_obj(tx: &Transaction<'_>, id: &ArticleId) -> Result<ObjId, CommandError> {
    let articles = root_map(tx, ARTICLES)?;
    get_obj(tx, &articles, id.as_str(), ObjType::Map)
        .ok_or_else(|| CommandError::UnknownArticle(id.clone()))
}

fn body_obj(tx: &Transaction<'_>, article: &ObjId) -> Result<ObjId, CommandError> {
    get_obj(tx, article, field::BODY, ObjType::Text)
        .ok_or_else(|| CommandError::Document("an article without a body".into()))
}

fn touch(tx: &mut Transaction<'_>, ctx: &Ctx<'_>, article: &ObjId) -> Result<(), CommandError> {
    tx.put(article, field::UPDATED_AT, ScalarValue::Int(ctx.now.0))?;
    tx.put(article, field::UPDATED_BY, ctx.me.as_str())?;
    Ok(())
}

pub(super) fn create(
    tx: &mut Transaction<'_>,
    ctx: &Ctx<'_>,
    title: &str,
    body: &str,
    tag_list: &[String],
    from_thread: Option<&ThreadId>,
) -> Result<Effect, CommandError> {
    let title = required(field::TITLE, title, limits::TITLE)?;
    let body = bounded(field::BODY, body, limits::LONG_TEXT)?;
    let tags = tags(field::TAGS, tag_list)?;
    let id = ArticleId::from_bytes(ctx.mint.next());
    let articles = root_map(tx, ARTICLES)?;
    let entry = tx.put_object(&articles, id.as_str(), ObjType::Map)?;
    tx.put(&entry, field::TITLE, title)?;
    reconcile_prop(tx, &entry, field::TAGS, &tags)?;
    tx.put(&entry, field::CREATED_BY, ctx.me.as_str())?;
    tx.put(&entry, field::CREATED_AT, ScalarValue::Int(ctx.now.0))?;
    touch(tx, ctx, &entry)?;
    match from_thread {
        Some(t) => tx.put(&entry, field::FROM_THREAD, t.as_str())?,
        None => tx.put(&entry, field::FROM_THREAD, ScalarValue::Null)?,
    }
    let text = tx.put_object(&entry, field::BODY, ObjType::Text)?;
    tx.splice_text(&text, 0, 0, &body)?;
    Ok(Effect::created(Created::Article(id.clone()), id))
}

/// The article text a thread becomes: the question and its accepted answer, or the discussion.
fn promoted_body<D: crate::doc_read::DocRead>(
    doc: &D,
    view: &crate::view::threads::ThreadView,
) -> String {
    let name = |m: &crate::MemberId| read_member(doc, m).map_or_else(|| m.to_string(), |e| e.name);
    let t = &view.thread;
    let mut out = String::new();
    match (t.kind, view.accepted()) {
        (ThreadKind::Question, Some(answer)) => {
            if let Some(q) = t.posts.first() {
                out.push_str(&format!("Question ({}):\n{}\n\n", name(&q.author), q.body));
            }
            out.push_str(&format!(
                "Answer ({}):\n{}\n",
                name(&answer.author),
                answer.body
            ));
        }
        _ => {
            for p in &t.posts {
                out.push_str(&format!("{}:\n{}\n\n", name(&p.author), p.body));
            }
        }
    }
    out
}

pub(super) fn promote(
    tx: &mut Transaction<'_>,
    ctx: &Ctx<'_>,
    thread_id: &ThreadId,
    title: Option<&str>,
) -> Result<Effect, CommandError> {
    let view =
        thread(tx, thread_id).ok_or_else(|| CommandError::UnknownThread(thread_id.clone()))?;
    let body = promoted_body(tx, &view);
    let title = title.unwrap_or(&view.thread.title).to_owned();
    let tags = view.thread.tags.clone();
    create(tx, ctx, &title, &body, &tags, Some(thread_id))
}

pub(super) fn edit(
    tx: &mut Transaction<'_>,
    ctx: &Ctx<'_>,
    id: &ArticleId,
    new_body: &str,
) -> Result<Effect, CommandError> {
    let new_body = bounded(field::BODY, new_body, limits::LONG_TEXT)?;
    let article = article_obj(tx, id)?;
    let body = body_obj(tx, &article)?;
    if tx.text(&body)? == new_body {
        return Ok(Effect::on(id));
    }
    tx.update_text(&body, new_body)?;
    touch(tx, ctx, &article)?;
    Ok(Effect::on(id))
}

pub(super) fn splice(
    tx: &mut Transaction<'_>,
    ctx: &Ctx<'_>,
    id: &ArticleId,
    pos: usize,
    delete: usize,
    insert: &str,
) -> Result<Effect, CommandError> {
    let article = article_obj(tx, id)?;
    let body = body_obj(tx, &article)?;
    let len = tx.length(&body);
    if pos > len || delete > len - pos {
        return Err(CommandError::Document(format!(
            "edit at {pos}..{} is outside the article ({len} characters)",
            pos.saturating_add(delete)
        )));
    }
    if len - delete + insert.chars().count() > limits::LONG_TEXT {
        return Err(CommandError::TooLong {
            field: "body".into(),
            max: limits::LONG_TEXT,
        });
    }
    let del =
        isize::try_from(delete).map_err(|_| CommandError::Document("edit too large".into()))?;
    tx.splice_text(&body, pos, del, insert)?;
    touch(tx, ctx, &article)?;
    Ok(Effect::on(id))
}

pub(super) fn set_meta(
    tx: &mut Transaction<'_>,
    ctx: &Ctx<'_>,
    id: &ArticleId,
    title: Option<&str>,
    tag_list: Option<&[String]>,
) -> Result<Effect, CommandError> {
    let article = article_obj(tx, id)?;
    if let Some(title) = title {
        tx.put(
            &article,
            field::TITLE,
            required(field::TITLE, title, limits::TITLE)?,
        )?;
    }
    if let Some(tag_list) = tag_list {
        reconcile_prop(tx, &article, field::TAGS, &tags(field::TAGS, tag_list)?)?;
    }
    touch(tx, ctx, &article)?;
    Ok(Effect::on(id))
}
