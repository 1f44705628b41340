//! Who contributed what and when, kept on the device from the community's document: built
//! once (reading every record and the changes' metadata) and then updated from what the
//! new changes touched, never by walking the history again.

use std::collections::{BTreeSet, HashMap};

use automerge::{
    Automerge, ChangeHash, ObjType, ReadDoc, ScalarValue, ScalarValueRef, Value, ValueRef,
};
use copse_core::commit_meta::CommitMeta;
use copse_core::doc_read::{get_i64, get_obj, get_str, get_str_list, root};
use copse_core::record::Role;
use copse_core::schema::{ARTICLES, EVENTS, MEMBERS, TASKS, THREADS};
use copse_core::{ArticleId, CommandKind, EventId, MemberId, PostId, TaskId, ThreadId};

use crate::contribution::ContributionKind;
use crate::levels::DAY_MS;
use copse_core::changed_records::{Changed, changed_records};
use copse_core::record_key::RecordKey;

/// One contribution: who (an index into the ledger's members), what, when (ms).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Contribution {
    pub(crate) member: u32,
    pub(crate) kind: ContributionKind,
    pub(crate) at: i64,
}

/// What the health panel needs of a member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MemberFacts {
    pub(crate) name: String,
    pub(crate) coordinator: bool,
    pub(crate) joined_at: i64,
    pub(crate) removed_at: Option<i64>,
    pub(crate) skills: Vec<String>,
}

/// A thread: for "waiting for an answer" and for what concerns a member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ThreadFacts {
    pub(crate) title: String,
    pub(crate) tags: Vec<String>,
    pub(crate) question: bool,
    pub(crate) asked_by: MemberId,
    pub(crate) asked_at: i64,
    /// Someone other than the asker replied (to a question).
    pub(crate) answered: bool,
    pub(crate) accepted: bool,
    /// The accepted answer (a question's reply by someone else).
    pub(crate) accepted_post: Option<PostId>,
    /// Posts that may mention someone (their text has an `@`), lowercased.
    pub(crate) mentions: Vec<MentionFacts>,
}

/// A post whose text has an `@`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MentionFacts {
    pub(crate) post: PostId,
    pub(crate) by: u32,
    pub(crate) at: i64,
    pub(crate) text: String,
}

/// A meetup, for its rhythm.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MeetupFacts {
    pub(crate) title: String,
    pub(crate) starts_at: i64,
    pub(crate) ends_at: i64,
    pub(crate) attended: usize,
    /// Who was there (ledger member indices).
    pub(crate) attendees: Vec<u32>,
}

/// A task, for a newcomer's first steps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TaskFacts {
    pub(crate) title: String,
    /// Not done yet.
    pub(crate) open: bool,
    pub(crate) good_first: bool,
    pub(crate) assignee: Option<MemberId>,
}

/// An article, for "untouched for a year".
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ArticleFacts {
    pub(crate) title: String,
    pub(crate) updated_at: i64,
}

/// The change of history the ledger cannot follow by records: a rebuild is needed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NeedsRebuild;

/// Contributions and the facts around them, derived from one community's document.
#[derive(Debug, Default)]
pub struct Ledger {
    /// Members by the index contributions name them with, and the other way round.
    member_index: HashMap<MemberId, u32>,
    members: Vec<MemberId>,
    /// The same, by the text the document holds (most reads find it here, unparsed).
    raw_index: HashMap<String, u32>,
    /// Contributions read from records (threads, events, tasks), replaced when one changes.
    by_record: HashMap<RecordKey, Vec<Contribution>>,
    /// Article edits, from the changes' metadata (the document keeps only the last editor).
    article_edits: HashMap<ArticleId, Vec<Contribution>>,
    /// Each task's last `move_task`: when and who (when a task was done); ties go to the
    /// greater member id, so every order of reading the history agrees.
    task_moves: HashMap<TaskId, (i64, MemberId)>,
    pub(crate) directory: HashMap<MemberId, MemberFacts>,
    pub(crate) threads: HashMap<ThreadId, ThreadFacts>,
    pub(crate) meetups: HashMap<EventId, MeetupFacts>,
    pub(crate) tasks: HashMap<TaskId, TaskFacts>,
    /// When each thread's answer was last accepted (from the changes' metadata).
    pub(crate) accepted_at: HashMap<ThreadId, i64>,
    pub(crate) articles: HashMap<ArticleId, ArticleFacts>,
    heads: Vec<ChangeHash>,
}

const ARTICLE_EDITS: [CommandKind; 5] = [
    CommandKind::CreateArticle,
    CommandKind::PromoteToArticle,
    CommandKind::EditArticle,
    CommandKind::SpliceArticle,
    CommandKind::SetArticleMeta,
];

impl Ledger {
    /// Reads the whole community (every record, every change's metadata): once per open.
    pub fn build(doc: &Automerge) -> Self {
        let mut ledger = Self::default();
        ledger.read_metas(doc, &[]);
        let mut keys = BTreeSet::new();
        for section in [THREADS, EVENTS, TASKS, MEMBERS, ARTICLES] {
            if let Some(map) = root(doc, section) {
                keys.extend(doc.keys(&map).filter_map(|k| RecordKey::of(section, &k)));
            }
        }
        for key in &keys {
            ledger.reread(doc, key);
        }
        ledger.heads = doc.get_heads();
        ledger
    }

    /// The heads this ledger reflects.
    pub fn heads(&self) -> &[ChangeHash] {
        &self.heads
    }

    /// Brings the ledger up to `doc` from the changes since its heads: the records they
    /// touched are read again, their metadata adds article edits and task moves. Costs
    /// what the new changes cost, not the community. A history the ledger cannot follow
    /// (its heads are gone, a whole section was rewritten) needs a [`Ledger::build`].
    pub fn update(&mut self, doc: &Automerge) -> Result<(), NeedsRebuild> {
        let now = doc.get_heads();
        if now == self.heads {
            return Ok(());
        }
        let before = self.heads.clone();
        let mut keys = match changed_records(doc, &before) {
            Changed::Records(keys) => keys,
            Changed::Everything => return Err(NeedsRebuild),
        };
        // A move read from a change's message counts even if its operations missed the task.
        keys.extend(
            self.read_metas(doc, &before)
                .into_iter()
                .map(RecordKey::Task),
        );
        for key in &keys {
            self.reread(doc, key);
        }
        self.heads = now;
        Ok(())
    }

    /// How many changes `doc` has that the ledger has not seen (`usize::MAX` if the heads
    /// it reflects are not in `doc`): reads change metadata only.
    pub fn behind(&self, doc: &Automerge) -> usize {
        if self
            .heads
            .iter()
            .any(|h| doc.get_change_meta_by_hash(h).is_none())
        {
            return usize::MAX;
        }
        doc.get_changes_meta(&self.heads).len()
    }

    /// Every contribution, in no particular order.
    pub(crate) fn contributions(&self) -> impl Iterator<Item = &Contribution> {
        self.by_record
            .values()
            .chain(self.article_edits.values())
            .flatten()
    }

    /// Contributions read from each record.
    pub(crate) fn records(&self) -> impl Iterator<Item = (&RecordKey, &Vec<Contribution>)> {
        self.by_record.iter()
    }

    /// The member behind index `i`.
    pub(crate) fn member_at(&self, i: u32) -> Option<&MemberId> {
        self.members.get(i as usize)
    }

    pub(crate) fn index_of(&self, member: &MemberId) -> Option<u32> {
        self.member_index.get(member).copied()
    }

    fn intern(&mut self, member: &MemberId) -> u32 {
        if let Some(i) = self.member_index.get(member) {
            return *i;
        }
        let i = u32::try_from(self.members.len()).unwrap_or(u32::MAX);
        self.members.push(member.clone());
        self.member_index.insert(member.clone(), i);
        i
    }

    /// The index of the member whose id is `raw`, if it is a member id.
    fn intern_str(&mut self, raw: &str) -> Option<u32> {
        if let Some(i) = self.raw_index.get(raw) {
            return Some(*i);
        }
        let i = self.intern(&raw.parse().ok()?);
        self.raw_index.insert(raw.to_owned(), i);
        Some(i)
    }

    /// Article edits and task moves from the metadata of the changes since `since`; the
    /// tasks whose last move changed.
    fn read_metas(&mut self, doc: &Automerge, since: &[ChangeHash]) -> BTreeSet<TaskId> {
        let mut moved = BTreeSet::new();
        for meta in doc.get_changes_meta(since) {
            // Most changes are posts and signatures: skip them before parsing any JSON.
            let Some(message) = meta.message.as_deref() else {
                continue;
            };
            if !message.contains("article")
                && !message.contains("move_task")
                && !message.contains("accept_answer")
            {
                continue;
            }
            let Some(parsed) = CommitMeta::parse(message) else {
                continue;
            };
            let Some(kind) = parsed.kind() else { continue };
            let at = meta.timestamp;
            if ARTICLE_EDITS.contains(&kind) {
                let Some(id) = parsed.obj.as_deref().and_then(|o| o.parse().ok()) else {
                    continue;
                };
                // The editor sends as the member types: a day's edits of one article by one
                // member are one contribution (at the first of them).
                let member = self.intern(&parsed.by);
                let day = at.div_euclid(DAY_MS);
                let edits = self.article_edits.entry(id).or_default();
                match edits
                    .iter_mut()
                    .find(|c| c.member == member && c.at.div_euclid(DAY_MS) == day)
                {
                    Some(c) => c.at = c.at.min(at),
                    None => edits.push(Contribution {
                        member,
                        kind: ContributionKind::ArticleEdit,
                        at,
                    }),
                }
            } else if kind == CommandKind::AcceptAnswer {
                // When an answer was accepted (the document keeps which, not when).
                let Some(id) = parsed.obj.as_deref().and_then(|o| o.parse().ok()) else {
                    continue;
                };
                let last = self.accepted_at.entry(id).or_insert(at);
                *last = (*last).max(at);
            } else if kind == CommandKind::MoveTask {
                let Some(id) = parsed.obj.as_deref().and_then(|o| o.parse().ok()) else {
                    continue;
                };
                let this = (at, parsed.by);
                if self.task_moves.get(&id).is_none_or(|last| this > *last) {
                    self.task_moves.insert(id.clone(), this);
                    moved.insert(id);
                }
            }
        }
        moved
    }

    /// Reads `key` again; a record that is gone, malformed or whose reading panics
    /// contributes nothing (records come from other members' devices).
    fn reread(&mut self, doc: &Automerge, key: &RecordKey) {
        self.by_record.remove(key);
        match key {
            RecordKey::Thread(id) => {
                self.threads.remove(id);
            }
            RecordKey::Event(id) => {
                self.meetups.remove(id);
            }
            RecordKey::Member(id) => {
                self.directory.remove(id);
            }
            RecordKey::Task(id) => {
                self.tasks.remove(id);
            }
            RecordKey::Article(id) => {
                self.articles.remove(id);
            }
            RecordKey::Resource(_) => return,
        }
        let read =
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.read_record(doc, key)));
        if read.is_err() {
            tracing::warn!("{key:?} could not be read for participation");
        }
    }

    fn read_record(&mut self, doc: &Automerge, key: &RecordKey) -> Option<()> {
        match key {
            RecordKey::Thread(id) => self.read_thread(doc, id),
            RecordKey::Event(id) => self.read_event(doc, id),
            RecordKey::Task(id) => self.read_task(doc, id),
            RecordKey::Member(id) => {
                let obj = get_obj(doc, &root(doc, MEMBERS)?, id.as_str(), ObjType::Map)?;
                let facts = MemberFacts {
                    name: get_str(doc, &obj, "name")?,
                    coordinator: get_str(doc, &obj, "role").as_deref()
                        == Some(Role::Coordinator.as_str()),
                    joined_at: get_i64(doc, &obj, "joined_at")?,
                    removed_at: get_i64(doc, &obj, "removed_at"),
                    skills: get_str_list(doc, &obj, "skills"),
                };
                self.directory.insert(id.clone(), facts);
                Some(())
            }
            RecordKey::Article(id) => {
                let obj = get_obj(doc, &root(doc, ARTICLES)?, id.as_str(), ObjType::Map)?;
                let facts = ArticleFacts {
                    title: get_str(doc, &obj, "title")?,
                    updated_at: get_i64(doc, &obj, "updated_at")?,
                };
                self.articles.insert(id.clone(), facts);
                Some(())
            }
            RecordKey::Resource(_) => Some(()),
        }
    }

    fn read_thread(&mut self, doc: &Automerge, id: &ThreadId) -> Option<()> {
        let obj = get_obj(doc, &root(doc, THREADS)?, id.as_str(), ObjType::Map)?;
        // The thread's fields in one pass too (a seek per field adds up over 10k threads).
        let (mut question, mut asker, mut asked_at) = (false, None, None);
        let (mut accepted_post, mut title, mut tags, mut posts) = (None, String::new(), None, None);
        for field in doc.map_range(&obj, ..) {
            match (field.key.as_ref(), &field.value) {
                ("kind", ValueRef::Scalar(ScalarValueRef::Str(k))) => question = k == "question",
                ("author", ValueRef::Scalar(ScalarValueRef::Str(a))) => {
                    asker = a.parse::<MemberId>().ok();
                }
                (
                    "created_at",
                    ValueRef::Scalar(ScalarValueRef::Int(t) | ScalarValueRef::Timestamp(t)),
                ) => asked_at = Some(*t),
                ("accepted_post", ValueRef::Scalar(ScalarValueRef::Str(p))) => {
                    accepted_post = Some(p.to_string());
                }
                ("title", ValueRef::Scalar(ScalarValueRef::Str(t))) => title = t.to_string(),
                ("tags", ValueRef::Object(ObjType::List)) => tags = Some(field.id()),
                ("posts", ValueRef::Object(ObjType::List)) => posts = Some(field.id()),
                _ => {}
            }
        }
        let (asker, asked_at, posts) = (asker?, asked_at?, posts?);
        let tags: Vec<String> = tags
            .map(|list| {
                doc.list_range(&list, ..)
                    .filter_map(|t| match &t.value {
                        ValueRef::Scalar(ScalarValueRef::Str(s)) => Some(s.to_string()),
                        _ => None,
                    })
                    .collect()
            })
            .unwrap_or_default();
        let asker_index = self.intern(&asker);
        let mut out = vec![Contribution {
            member: asker_index,
            kind: ContributionKind::ThreadStarted,
            at: asked_at,
        }];
        let (mut answered, mut accepted) = (false, false);
        let mut accepted_id = None;
        let mut mentions = Vec::new();
        // One pass over the posts and over each post's fields (a lookup per field costs a
        // seek each: three times as long at 100k posts).
        // The opening post counts as the thread started; it may still mention someone.
        for item in doc.list_range(&posts, ..) {
            let opening = item.index == 0;
            if !matches!(item.value, ValueRef::Object(ObjType::Map)) {
                continue;
            }
            let (mut author, mut at, mut is_accepted) = (None, None, false);
            let (mut post_id, mut text) = (None, None);
            for field in doc.map_range(item.id(), ..) {
                let ValueRef::Scalar(value) = &field.value else {
                    continue;
                };
                match (field.key.as_ref(), value) {
                    ("author", ScalarValueRef::Str(s)) => author = self.intern_str(s),
                    ("created_at", ScalarValueRef::Int(t) | ScalarValueRef::Timestamp(t)) => {
                        at = Some(*t);
                    }
                    ("id", ScalarValueRef::Str(s)) => {
                        is_accepted = accepted_post.as_deref() == Some(s.as_ref());
                        // Keys come in order ("body" before "id"): the id is kept only
                        // for the posts that need it, not parsed for every post.
                        if is_accepted || text.is_some() {
                            post_id = s.parse::<PostId>().ok();
                        }
                    }
                    ("body", ScalarValueRef::Str(s)) if s.contains('@') => {
                        text = Some(mention_windows(s));
                    }
                    _ => {}
                }
            }
            let (Some(member), Some(at)) = (author, at) else {
                continue;
            };
            if let (Some(post), Some(text)) = (post_id.clone(), text) {
                mentions.push(MentionFacts {
                    post,
                    by: member,
                    at,
                    text,
                });
            }
            if opening {
                continue;
            }
            let answer = question && member != asker_index;
            answered |= answer;
            out.push(Contribution {
                member,
                kind: if answer {
                    ContributionKind::Answer
                } else {
                    ContributionKind::Reply
                },
                at,
            });
            if answer && is_accepted {
                accepted = true;
                accepted_id = post_id.clone();
                out.push(Contribution {
                    member,
                    kind: ContributionKind::AcceptedAnswer,
                    at,
                });
            }
        }
        self.threads.insert(
            id.clone(),
            ThreadFacts {
                title,
                tags,
                question,
                asked_by: asker,
                asked_at,
                answered,
                accepted,
                accepted_post: accepted_id,
                mentions,
            },
        );
        self.by_record.insert(RecordKey::Thread(id.clone()), out);
        Some(())
    }

    fn read_event(&mut self, doc: &Automerge, id: &EventId) -> Option<()> {
        let obj = get_obj(doc, &root(doc, EVENTS)?, id.as_str(), ObjType::Map)?;
        let starts_at = get_i64(doc, &obj, "starts_at")?;
        let attended: Vec<MemberId> = get_obj(doc, &obj, "attended", ObjType::Map)
            .map(|a| doc.keys(&a).filter_map(|k| k.parse().ok()).collect())
            .unwrap_or_default();
        let out: Vec<Contribution> = attended
            .iter()
            .map(|m| Contribution {
                member: self.intern(m),
                kind: ContributionKind::MeetupAttended,
                at: starts_at,
            })
            .collect();
        self.meetups.insert(
            id.clone(),
            MeetupFacts {
                title: get_str(doc, &obj, "title").unwrap_or_default(),
                starts_at,
                ends_at: get_i64(doc, &obj, "ends_at").unwrap_or(starts_at),
                attended: attended.len(),
                attendees: out.iter().map(|c| c.member).collect(),
            },
        );
        self.by_record.insert(RecordKey::Event(id.clone()), out);
        Some(())
    }

    fn read_task(&mut self, doc: &Automerge, id: &TaskId) -> Option<()> {
        let obj = get_obj(doc, &root(doc, TASKS)?, id.as_str(), ObjType::Map)?;
        let done = get_str(doc, &obj, "status").as_deref() == Some("done");
        self.tasks.insert(
            id.clone(),
            TaskFacts {
                title: get_str(doc, &obj, "title").unwrap_or_default(),
                open: !done,
                good_first: matches!(
                    doc.get(&obj, "good_first"),
                    Ok(Some((Value::Scalar(s), _))) if matches!(s.as_ref(), ScalarValue::Boolean(true))
                ),
                assignee: get_str(doc, &obj, "assignee").and_then(|a| a.parse().ok()),
            },
        );
        if !done {
            return Some(());
        }
        let moved = self.task_moves.get(id).cloned();
        let assignee = get_str(doc, &obj, "assignee").and_then(|a| a.parse::<MemberId>().ok());
        let creator = get_str(doc, &obj, "created_by").and_then(|a| a.parse::<MemberId>().ok());
        let member = match (assignee, &moved, creator) {
            (Some(a), _, _) => self.intern(&a),
            (None, Some((_, mover)), _) => self.intern(mover),
            (None, None, Some(c)) => self.intern(&c),
            (None, None, None) => return None,
        };
        let at = moved.map_or_else(|| get_i64(doc, &obj, "created_at"), |(at, _)| Some(at))?;
        self.by_record.insert(
            RecordKey::Task(id.clone()),
            vec![Contribution {
                member,
                kind: ContributionKind::TaskDone,
                at,
            }],
        );
        Some(())
    }
}

/// Mentions looked for per post, and characters kept after each `@` (a name's length).
const MENTIONS: usize = 8;
const MENTION_CHARS: usize = 80;

/// The lowercased text after each of a post's first `@`s, each starting with the `@`:
/// all a mention needs, whatever the post's length.
fn mention_windows(body: &str) -> String {
    body.match_indices('@')
        .take(MENTIONS)
        .map(|(i, _)| body[i..].chars().take(MENTION_CHARS).collect::<String>())
        .collect::<Vec<_>>()
        .join("\n")
        .to_lowercase()
}
