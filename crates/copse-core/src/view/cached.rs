//! What a screen needs before the document has loaded: the profile and the first page of
//! threads, saved beside the document and read in milliseconds at start-up.

use serde::{Deserialize, Serialize};

use super::members::{MemberFilter, directory};
use super::threads::{ThreadPage, ThreadQuery, thread_count, thread_page};
use crate::record::Profile;
use crate::{Community, CommunityId};

/// A cached first screen of a community.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CachedView {
    /// Which community.
    pub community: CommunityId,
    /// Document heads it was built at (hex); compare after the full load.
    pub heads: Vec<String>,
    /// Name, domain, objectives, norms.
    pub profile: Profile,
    /// The newest threads.
    pub threads: ThreadPage,
    /// All threads.
    pub thread_count: usize,
    /// Current members.
    pub member_count: usize,
}

impl CachedView {
    /// Builds the cache from a loaded community.
    pub fn build(c: &Community) -> Self {
        let doc = c.doc();
        Self {
            community: c.id().clone(),
            heads: doc.get_heads().iter().map(ToString::to_string).collect(),
            profile: c.profile(),
            threads: thread_page(doc, &ThreadQuery::default()),
            thread_count: thread_count(doc),
            member_count: directory(doc, &MemberFilter::default()).len(),
        }
    }
}
