//! The searchable text of each record, read from the community document: one [`Entry`] per
//! thread, post, article, event, task, resource and current member.

use automerge::{ObjType, ROOT, ReadDoc, Value};
use copse_core::schema::{ARTICLES, EVENTS, MEMBERS, RESOURCES, TASKS, THREADS};
use copse_core::view::{articles, events, members, resources, tasks, threads};
use copse_core::{DocRead, MemberId, Timestamp};

use crate::plain_text::plain_text;
use copse_core::record_key::RecordKey;

use crate::record_key::SearchTarget;

/// One searchable thing.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// What opening it shows.
    pub target: SearchTarget,
    /// Its title or name (searched, weighted most).
    pub title: String,
    /// Its text (searched; snippets come from it): Markdown bodies as their plain text.
    pub body: String,
    /// Other words that find it: tags, skills, organisation, place, links (searched).
    pub extra: String,
    /// Shown beside it: a post's thread title, a member's organisation.
    pub context: String,
    /// Tags (or a member's skills), for the tag filter.
    pub tags: Vec<String>,
    /// Who wrote it, for the author filter.
    pub author: Option<MemberId>,
    /// When it was written (an event: when it starts), for the date filter.
    pub at: Timestamp,
    /// Members whose expertise in its tags it shows (an answer's author, an article's
    /// writer and last editor), and how much (see [`weight`]).
    pub credit: Vec<MemberId>,
    /// What it earns each credited member per tag.
    pub weight: u64,
}

/// What an entry earns the members it credits, per tag: an accepted answer weighs most,
/// then an answer to a question, then an article written or edited (declared skills are
/// counted apart, never as earned).
pub mod weight {
    /// An answer the asker (or a coordinator) accepted.
    pub const ACCEPTED_ANSWER: u64 = 5;
    /// A reply to someone else's question.
    pub const ANSWER: u64 = 3;
    /// An article written, or last edited.
    pub const ARTICLE: u64 = 2;
}

/// Every record the index should hold, in document order.
pub fn all_records<D: ReadDoc>(doc: &D) -> Vec<RecordKey> {
    let mut out = Vec::new();
    for section in [THREADS, ARTICLES, EVENTS, TASKS, RESOURCES, MEMBERS] {
        let Ok(Some((Value::Object(ObjType::Map), map))) = doc.get(&ROOT, section) else {
            continue;
        };
        out.extend(doc.keys(&map).filter_map(|k| RecordKey::of(section, &k)));
    }
    out
}

/// The entries of `key` as the document holds it now; none if it is gone or unreadable.
/// Records come from other members' devices: a reader that panics on one costs that record
/// its place in the index, never the caller (the runtime, or the search thread).
pub fn entries<D: DocRead>(doc: &D, key: &RecordKey) -> Vec<Entry> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| read_entries(doc, key)))
        .unwrap_or_else(|_| {
            tracing::warn!("{key:?} could not be read for the search index");
            Vec::new()
        })
}

fn read_entries<D: DocRead>(doc: &D, key: &RecordKey) -> Vec<Entry> {
    match key {
        RecordKey::Thread(id) => thread_entries(doc, id),
        RecordKey::Article(id) => articles::article(doc, id)
            .map(|a| Entry {
                target: SearchTarget::Article {
                    article: id.clone(),
                },
                title: a.summary.title,
                body: plain_text(&a.body),
                extra: a.summary.tags.join(" "),
                context: String::new(),
                tags: a.summary.tags,
                credit: if a.summary.updated_by == a.summary.created_by {
                    vec![a.summary.created_by.clone()]
                } else {
                    vec![a.summary.created_by.clone(), a.summary.updated_by]
                },
                weight: weight::ARTICLE,
                author: Some(a.summary.created_by),
                at: a.summary.updated_at,
            })
            .into_iter()
            .collect(),
        RecordKey::Event(id) => events::event(doc, id)
            .map(|e| Entry {
                target: SearchTarget::Event { event: id.clone() },
                title: e.title,
                body: if e.notes.is_empty() {
                    e.description
                } else {
                    format!("{}\n\n{}", e.description, e.notes)
                },
                extra: e.place.clone(),
                context: e.place,
                tags: Vec::new(),
                author: Some(e.created_by),
                at: e.starts_at,
                credit: Vec::new(),
                weight: 0,
            })
            .into_iter()
            .collect(),
        RecordKey::Task(id) => tasks::task(doc, id)
            .map(|t| Entry {
                target: SearchTarget::Task { task: id.clone() },
                title: t.title,
                body: t.description,
                extra: t.links.join(" "),
                context: t.status.as_str().to_owned(),
                tags: Vec::new(),
                author: Some(t.created_by),
                at: t.created_at,
                credit: Vec::new(),
                weight: 0,
            })
            .into_iter()
            .collect(),
        RecordKey::Resource(id) => resources::resource(doc, id)
            .map(|r| Entry {
                target: SearchTarget::Resource {
                    resource: id.clone(),
                },
                title: r.title,
                body: r.description,
                extra: format!("{} {}", r.url.clone().unwrap_or_default(), r.tags.join(" ")),
                context: r.url.unwrap_or_default(),
                tags: r.tags,
                author: Some(r.added_by),
                at: r.added_at,
                credit: Vec::new(),
                weight: 0,
            })
            .into_iter()
            .collect(),
        RecordKey::Member(id) => members::read_member(doc, id)
            .filter(|m| m.removed_at.is_none())
            .map(|m| Entry {
                target: SearchTarget::Member { member: id.clone() },
                title: m.name,
                body: m.bio,
                extra: format!("{} {} {}", m.organisation, m.department, m.skills.join(" ")),
                context: m.organisation,
                tags: m.skills,
                author: None,
                at: m.joined_at,
                credit: Vec::new(),
                weight: 0,
            })
            .into_iter()
            .collect(),
    }
}

/// A thread's entry and one per readable post (the thread's tags go with each post, so
/// the tag filter finds them).
fn thread_entries<D: DocRead>(doc: &D, id: &copse_core::ThreadId) -> Vec<Entry> {
    let Some(view) = threads::thread(doc, id) else {
        return Vec::new();
    };
    let t = view.thread;
    let mut out = Vec::with_capacity(t.posts.len() + 1);
    out.push(Entry {
        target: SearchTarget::Thread { thread: id.clone() },
        title: t.title.clone(),
        body: String::new(),
        extra: t.tags.join(" "),
        context: t.kind.as_str().to_owned(),
        tags: t.tags.clone(),
        author: Some(t.author.clone()),
        at: t.created_at,
        credit: Vec::new(),
        weight: 0,
    });
    // Answers: replies to a question by others than the asker. Each answerer is credited
    // once per question, on their accepted answer if they have one, else their first.
    let mut credited: std::collections::BTreeMap<&MemberId, &copse_core::PostId> =
        std::collections::BTreeMap::new();
    if t.kind == copse_core::record::ThreadKind::Question {
        for p in t.posts.iter().filter(|p| p.author != t.author) {
            let accepted = t.accepted_post.as_ref() == Some(&p.id);
            let e = credited.entry(&p.author).or_insert(&p.id);
            if accepted {
                *e = &p.id;
            }
        }
    }
    let credited: std::collections::BTreeSet<copse_core::PostId> =
        credited.into_values().cloned().collect();
    for p in t.posts {
        let answer = credited.contains(&p.id);
        let weight = if !answer {
            0
        } else if t.accepted_post.as_ref() == Some(&p.id) {
            weight::ACCEPTED_ANSWER
        } else {
            weight::ANSWER
        };
        out.push(Entry {
            target: SearchTarget::Post {
                thread: id.clone(),
                post: p.id,
            },
            title: String::new(),
            body: plain_text(&p.body),
            extra: String::new(),
            context: t.title.clone(),
            tags: t.tags.clone(),
            credit: if answer {
                vec![p.author.clone()]
            } else {
                Vec::new()
            },
            weight,
            author: Some(p.author),
            at: p.created_at,
        });
    }
    out
}
