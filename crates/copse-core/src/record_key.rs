//! [`RecordKey`]: which record of the community something is about.

use crate::{ArticleId, EventId, MemberId, ResourceId, TaskId, ThreadId};

/// One record of a community: a thread (with its posts), an article, an event, a task, a
/// resource or a member entry. Derived views (the search index, the participation ledger)
/// replace what they hold of a record as a whole when it changes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RecordKey {
    /// A thread: one entry for it and one per post.
    Thread(ThreadId),
    /// A knowledge article.
    Article(ArticleId),
    /// An event.
    Event(EventId),
    /// A task.
    Task(TaskId),
    /// A shared resource.
    Resource(ResourceId),
    /// A member's directory entry.
    Member(MemberId),
}

impl RecordKey {
    /// The key of `section[id]` (a root map of the document), if that section is searched
    /// and `id` is well-formed.
    pub fn of(section: &str, id: &str) -> Option<Self> {
        use crate::schema::{ARTICLES, EVENTS, MEMBERS, RESOURCES, TASKS, THREADS};
        Some(match section {
            THREADS => Self::Thread(id.parse().ok()?),
            ARTICLES => Self::Article(id.parse().ok()?),
            EVENTS => Self::Event(id.parse().ok()?),
            TASKS => Self::Task(id.parse().ok()?),
            RESOURCES => Self::Resource(id.parse().ok()?),
            MEMBERS => Self::Member(id.parse().ok()?),
            _ => return None,
        })
    }
}
