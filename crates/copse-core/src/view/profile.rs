//! The community's profile.

use automerge::{ObjType, ROOT, ReadDoc, Value};

use crate::doc_read::{DocRead, get_i64, root};
use crate::record::{LevelRule, Profile};
use crate::schema::{PROFILE, field, limits};
use crate::what_stands::{hidden, what_stands};

/// The profile, or `None` if the document has none (not a community).
pub fn profile<D: DocRead>(doc: &D) -> Option<Profile> {
    root(doc, PROFILE)?;
    // What a removed coordinator wrote on a fork from before the removal does not count.
    let standing = doc.history().and_then(crate::what_stands::StandingDoc::new);
    let mut profile = match &standing {
        Some(s) => autosurgeon::hydrate_prop::<_, Option<Profile>, _, _>(s, &ROOT, PROFILE),
        None => autosurgeon::hydrate_prop::<_, Option<Profile>, _, _>(doc, &ROOT, PROFILE),
    }
    .ok()
    .flatten()?;
    profile.relays = relays(doc);
    Some(profile)
}

/// A relay's address as the community keeps it: a multiaddr that ends in the relay's id
/// (`/p2p/<id>`), so a device knows whom it reserves on, and is not itself relayed.
/// `None` for anything else.
pub fn relay_address(addr: &str) -> Option<String> {
    let addr = addr.trim();
    if addr.len() > limits::URL {
        return None;
    }
    let parsed: multiaddr::Multiaddr = addr.parse().ok()?;
    let names_relay = matches!(parsed.iter().last(), Some(multiaddr::Protocol::P2p(_)));
    let relayed = parsed
        .iter()
        .any(|p| matches!(p, multiaddr::Protocol::P2pCircuit));
    (names_relay && !relayed).then(|| parsed.to_string())
}

/// The relays the community's devices use, in order, at most [`limits::RELAYS`]. What
/// a coordinator's modified client may leave in the list is read away here, the same on
/// every device: entries that are not relay addresses, an address listed twice (two
/// coordinators adding it at once), entries beyond the bound (concurrent adds each
/// within it), and entries written beyond their writer's removal (on a fork of older
/// history), which the guard took at their own deps. Lists two devices made at once
/// (a community from before relays) are read one after the other.
pub fn relays<D: DocRead>(doc: &D) -> Vec<String> {
    let Some(profile) = root(doc, PROFILE) else {
        return Vec::new();
    };
    let stands = what_stands(doc);
    let mut out: Vec<String> = Vec::new();
    let lists = ReadDoc::get_all(doc, &profile, field::RELAYS)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(v, id)| matches!(v, Value::Object(ObjType::List)).then_some(id));
    for list in lists {
        for item in ReadDoc::list_range(doc, &list, ..) {
            if out.len() >= limits::RELAYS {
                return out;
            }
            let automerge::ValueRef::Scalar(automerge::ScalarValueRef::Str(text)) = &item.value
            else {
                continue;
            };
            if hidden(stands.as_ref(), &item.id()) {
                continue;
            }
            if let Some(addr) = relay_address(text)
                && !out.contains(&addr)
            {
                out.push(addr);
            }
        }
    }
    out
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
