//! What a search result points at: one record of the community (a thread with its posts,
//! an article, an event, a task, a resource or a member) and, inside a thread, one post.

use copse_core::{ArticleId, EventId, MemberId, PostId, ResourceId, TaskId, ThreadId};
use serde::{Deserialize, Serialize};

/// A record the index holds entries for; replaced as a whole when it changes.
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
        use copse_core::schema::{ARTICLES, EVENTS, MEMBERS, RESOURCES, TASKS, THREADS};
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

    /// The term every entry of this record carries (deleting it removes them all).
    pub(crate) fn term(&self) -> String {
        match self {
            Self::Thread(id) => format!("thread:{id}"),
            Self::Article(id) => format!("article:{id}"),
            Self::Event(id) => format!("event:{id}"),
            Self::Task(id) => format!("task:{id}"),
            Self::Resource(id) => format!("resource:{id}"),
            Self::Member(id) => format!("member:{id}"),
        }
    }
}

/// The kinds of result, in the order results are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SearchKind {
    /// A discussion or question (its title and tags).
    Thread,
    /// A post inside a thread.
    Post,
    /// A knowledge article.
    Article,
    /// An event.
    Event,
    /// A task.
    Task,
    /// A shared resource.
    Resource,
    /// A member.
    Member,
}

impl SearchKind {
    /// Every kind, in display order.
    pub const ALL: [SearchKind; 7] = [
        Self::Thread,
        Self::Post,
        Self::Article,
        Self::Event,
        Self::Task,
        Self::Resource,
        Self::Member,
    ];

    /// The stored and filtered name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Thread => "thread",
            Self::Post => "post",
            Self::Article => "article",
            Self::Event => "event",
            Self::Task => "task",
            Self::Resource => "resource",
            Self::Member => "member",
        }
    }

    /// A heading for a group of results.
    pub fn plural(self) -> &'static str {
        match self {
            Self::Thread => "Threads",
            Self::Post => "Posts",
            Self::Article => "Knowledge",
            Self::Event => "Events",
            Self::Task => "Tasks",
            Self::Resource => "Resources",
            Self::Member => "Members",
        }
    }
}

/// Where opening a result goes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SearchTarget {
    /// A thread.
    Thread {
        /// Which.
        thread: ThreadId,
    },
    /// A post, inside its thread.
    Post {
        /// The thread.
        thread: ThreadId,
        /// The post.
        post: PostId,
    },
    /// An article.
    Article {
        /// Which.
        article: ArticleId,
    },
    /// An event.
    Event {
        /// Which.
        event: EventId,
    },
    /// A task.
    Task {
        /// Which.
        task: TaskId,
    },
    /// A resource.
    Resource {
        /// Which.
        resource: ResourceId,
    },
    /// A member.
    Member {
        /// Who.
        member: MemberId,
    },
}

impl SearchTarget {
    /// The kind of result.
    pub fn kind(&self) -> SearchKind {
        match self {
            Self::Thread { .. } => SearchKind::Thread,
            Self::Post { .. } => SearchKind::Post,
            Self::Article { .. } => SearchKind::Article,
            Self::Event { .. } => SearchKind::Event,
            Self::Task { .. } => SearchKind::Task,
            Self::Resource { .. } => SearchKind::Resource,
            Self::Member { .. } => SearchKind::Member,
        }
    }
}
