use autosurgeon::{Hydrate, Reconcile};
use serde::{Deserialize, Serialize};

use super::ThreadKind;
use crate::{MemberId, PostId, Timestamp};

/// One post in a thread. The first post of a thread is its opening text.
#[derive(Debug, Clone, PartialEq, Eq, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct Post {
    /// The post's id.
    pub id: PostId,
    /// Who wrote it.
    pub author: MemberId,
    /// Plain text (not a Text object: see DESIGN.md section 2 on load cost).
    pub body: String,
    /// When it was written.
    #[autosurgeon(hydrate = "super::lenient::or_default")]
    pub created_at: Timestamp,
    /// When its author last edited it.
    pub edited_at: Option<Timestamp>,
}

/// A discussion or question with its posts, as stored under `threads/<ThreadId>`.
#[derive(Debug, Clone, PartialEq, Eq, Hydrate, Reconcile, Serialize, Deserialize)]
pub struct Thread {
    /// Discussion or question.
    #[autosurgeon(hydrate = "super::lenient::or_default")]
    pub kind: ThreadKind,
    /// Title.
    #[autosurgeon(hydrate = "super::lenient::or_default")]
    pub title: String,
    /// Topic tags.
    #[autosurgeon(hydrate = "super::lenient::tag_list")]
    pub tags: Vec<String>,
    /// Who started it.
    pub author: MemberId,
    /// When.
    pub created_at: Timestamp,
    /// On a question: the reply accepted as the answer.
    #[autosurgeon(hydrate = "super::lenient::or_default")]
    pub accepted_post: Option<PostId>,
    /// Opening post, then replies in order.
    #[autosurgeon(hydrate = "super::lenient::readable")]
    pub posts: Vec<Post>,
}
