//! The whole community as plain data: `copse-node show --json`, exports and tests. A full
//! traversal: never call it per frame.

use automerge::{Automerge, ReadDoc};
use serde::{Deserialize, Serialize};

use super::articles::{ArticleView, article, article_list};
use super::events::{EventView, all_events};
use super::members::{MemberEntry, MemberFilter, directory};
use super::resources::{ResourceEntry, resources};
use super::tasks::{TaskBoard, task_board};
use super::threads::{ThreadView, thread};
use crate::CommunityId;
use crate::doc_read::root;
use crate::record::Profile;
use crate::schema::THREADS;

/// Everything in a community.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommunitySnapshot {
    /// Id.
    pub id: CommunityId,
    /// Name, domain, objectives, norms.
    pub profile: Profile,
    /// Everyone, including removed members.
    pub members: Vec<MemberEntry>,
    /// Threads, newest first, with posts.
    pub threads: Vec<ThreadView>,
    /// Articles, most recently updated first.
    pub articles: Vec<ArticleView>,
    /// Events by start.
    pub events: Vec<EventView>,
    /// The board.
    pub tasks: TaskBoard,
    /// Resources.
    pub resources: Vec<ResourceEntry>,
}

/// Reads the whole community.
pub fn snapshot(id: &CommunityId, profile: Profile, doc: &Automerge) -> CommunitySnapshot {
    let threads = root(doc, THREADS)
        .map(|t| {
            let keys: Vec<String> = doc.keys(&t).collect();
            keys.iter()
                .filter_map(|k| thread(doc, &k.parse().ok()?))
                .collect()
        })
        .unwrap_or_default();
    CommunitySnapshot {
        id: id.clone(),
        profile,
        members: directory(
            doc,
            &MemberFilter {
                include_removed: true,
                ..MemberFilter::default()
            },
        ),
        threads,
        articles: article_list(doc, None)
            .into_iter()
            .filter_map(|a| article(doc, &a.id))
            .collect(),
        events: all_events(doc),
        tasks: task_board(doc),
        resources: resources(doc, None),
    }
}
