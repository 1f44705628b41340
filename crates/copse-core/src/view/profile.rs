//! The community's profile.

use automerge::ROOT;

use crate::doc_read::{DocRead, get_i64, root};
use crate::record::{LevelRule, Profile};
use crate::schema::{PROFILE, field, limits};

/// The profile, or `None` if the document has none (not a community).
pub fn profile<D: DocRead>(doc: &D) -> Option<Profile> {
    root(doc, PROFILE)?;
    autosurgeon::hydrate_prop::<_, Option<Profile>, _, _>(doc, &ROOT, PROFILE)
        .ok()
        .flatten()
}

/// The relays the community's devices use, in order (what its coordinators listed; the
/// network ignores an entry that does not name its relay).
pub fn relays<D: DocRead>(doc: &D) -> Vec<String> {
    let Some(profile) = root(doc, PROFILE) else {
        return Vec::new();
    };
    autosurgeon::hydrate_prop::<_, Option<Vec<String>>, _, _>(doc, &profile, field::RELAYS)
        .ok()
        .flatten()
        .unwrap_or_default()
        .into_iter()
        .take(limits::RELAYS)
        .collect()
}

/// How the community reads participation: what its coordinators set, or the defaults
/// (for a community that never set them, or values this build cannot use).
pub fn level_rule<D: DocRead>(doc: &D) -> LevelRule {
    let Some(profile) = root(doc, PROFILE) else {
        return LevelRule::default();
    };
    let read = |key| get_i64(doc, &profile, key).and_then(|v| u32::try_from(v).ok());
    let [w, a, c] = crate::schema::LEVEL_KEYS;
    match (read(w), read(a), read(c)) {
        (Some(window_days), Some(active_from), Some(core_from)) => {
            let rule = LevelRule {
                window_days,
                active_from,
                core_from,
            };
            if rule.problem().is_none() {
                rule
            } else {
                LevelRule::default()
            }
        }
        _ => LevelRule::default(),
    }
}
