//! What a search result points at: one record of the community (a thread with its posts,
//! an article, an event, a task, a resource or a member) and, inside a thread, one post;
//! and the term each record's entries carry in the index.

use copse_core::record_key::RecordKey;
use copse_core::{ArticleId, EventId, MemberId, PostId, ResourceId, TaskId, ThreadId};
use serde::{Deserialize, Serialize};

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

/// The term every entry of `key` carries in the index (deleting it removes them all).
pub(crate) fn term(key: &RecordKey) -> String {
    match key {
        RecordKey::Thread(id) => format!("thread:{id}"),
        RecordKey::Article(id) => format!("article:{id}"),
        RecordKey::Event(id) => format!("event:{id}"),
        RecordKey::Task(id) => format!("task:{id}"),
        RecordKey::Resource(id) => format!("resource:{id}"),
        RecordKey::Member(id) => format!("member:{id}"),
    }
}
