//! Shared resources.

use serde::{Deserialize, Serialize};

use crate::ResourceId;
use crate::doc_read::DocRead;
use crate::record::Resource;
use crate::schema::RESOURCES;

/// A resource with its id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceEntry {
    /// Id.
    pub id: ResourceId,
    /// The resource.
    #[serde(flatten)]
    pub resource: Resource,
}

/// One resource.
pub fn resource<D: DocRead>(doc: &D, id: &ResourceId) -> Option<Resource> {
    crate::doc_read::made_record(doc, RESOURCES, id.as_str())
}

/// Every resource, newest first, optionally only those with `tag`.
pub fn resources<D: DocRead>(doc: &D, tag: Option<&str>) -> Vec<ResourceEntry> {
    let tag = tag.map(str::to_lowercase);
    let mut out: Vec<ResourceEntry> = crate::doc_read::made_records::<_, Resource>(doc, RESOURCES)
        .into_iter()
        .filter(|(_, r)| tag.as_ref().is_none_or(|t| r.tags.contains(t)))
        .filter_map(|(k, resource)| {
            Some(ResourceEntry {
                id: k.parse().ok()?,
                resource,
            })
        })
        .collect();
    out.sort_by(|a, b| {
        b.resource
            .added_at
            .cmp(&a.resource.added_at)
            .then_with(|| a.id.cmp(&b.id))
    });
    out
}
