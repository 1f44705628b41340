//! The community's profile.

use automerge::ROOT;

use crate::doc_read::{DocRead, root};
use crate::record::Profile;
use crate::schema::PROFILE;

/// The profile, or `None` if the document has none (not a community).
pub fn profile<D: DocRead>(doc: &D) -> Option<Profile> {
    root(doc, PROFILE)?;
    autosurgeon::hydrate_prop::<_, Option<Profile>, _, _>(doc, &ROOT, PROFILE)
        .ok()
        .flatten()
}
