//! The member directory: who is in the community, what they know, and invitations.

use serde::{Deserialize, Serialize};

use crate::doc_read::{DocRead, record, records};
use crate::record::{Invite, Member};
use crate::removal_frontier::{admission_void, standing_removals};
use crate::schema::{INVITES, MEMBERS};
use crate::{InviteId, MemberId, Timestamp};

/// A member with their id, as listed in the directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberEntry {
    /// Their id (PeerId).
    pub id: MemberId,
    /// Their entry.
    #[serde(flatten)]
    pub member: Member,
}

/// Narrows the directory ("who can help with X").
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemberFilter {
    /// Case-insensitive substring of a skill.
    pub skill: Option<String>,
    /// Case-insensitive substring of the organisation.
    pub organisation: Option<String>,
    /// Include removed members.
    pub include_removed: bool,
}

impl MemberFilter {
    /// Whether `m` passes.
    pub fn accepts(&self, m: &Member) -> bool {
        if !self.include_removed && !m.is_current() {
            return false;
        }
        if let Some(skill) = self.skill.as_deref().map(str::to_lowercase)
            && !m.skills.iter().any(|s| s.to_lowercase().contains(&skill))
        {
            return false;
        }
        if let Some(org) = self.organisation.as_deref().map(str::to_lowercase)
            && !m.organisation.to_lowercase().contains(&org)
        {
            return false;
        }
        true
    }
}

/// A member's entry (current or removed). A removal wins over a re-admission concurrent
/// with it (`removal_wins`).
pub fn read_member<D: DocRead>(doc: &D, id: &MemberId) -> Option<Member> {
    let map = crate::doc_read::root(doc, MEMBERS)?;
    let mut m: Member =
        chosen(doc, &map, id.as_str()).or_else(|| record(doc, MEMBERS, id.as_str()))?;
    m.removed_at = removed_since(doc, &map, id.as_str(), m.joined_at);
    Some(m)
}

/// [`read_member`] for a command's own checks: the entry's values as written, which spares
/// reading what stands on every edit, unless they would stop the command (a role a removed
/// member overwrote on a fork may read less than it is): then as it stands. A role that
/// reads more than it stands is refused by the guard, which judges the change at its deps
/// before it is kept.
pub(crate) fn read_member_for_command<D: DocRead>(doc: &D, id: &MemberId) -> Option<Member> {
    let map = crate::doc_read::root(doc, MEMBERS)?;
    let mut m: Member = chosen(doc, &map, id.as_str())
        .or_else(|| crate::doc_read::record_as_written(doc, MEMBERS, id.as_str()))?;
    m.removed_at = removed_since(doc, &map, id.as_str(), m.joined_at);
    if m.is_current() && !m.is_coordinator() && role_changed_since_admission(doc, &map, id) {
        return read_member(doc, id);
    }
    Some(m)
}

/// Whether the role shown in `id`'s entry was written by another change than the one
/// that admitted them (a promotion or demotion since).
fn role_changed_since_admission<D: DocRead>(
    doc: &D,
    members: &automerge::ObjId,
    id: &MemberId,
) -> bool {
    use automerge::ReadDoc as _;
    let Some(history) = doc.history() else {
        return false;
    };
    let Ok(Some((_, entry))) = history.get(members, id.as_str()) else {
        return false;
    };
    let op = |key: &str| -> Option<automerge::ChangeHash> {
        let (_, op) = history.get(&entry, key).ok()??;
        history.hash_for_opid(&op)
    };
    op(crate::schema::field::ROLE) != op(crate::schema::field::JOINED_AT)
}

/// Where concurrent admissions left several entries for `id`, the one to read
/// (`member_entry::chosen_entry`), hydrated; `None` for one entry (read as Automerge
/// shows it) or inside a transaction.
fn chosen<D: DocRead>(doc: &D, members: &automerge::ObjId, id: &str) -> Option<Member> {
    let history = doc.history()?;
    let entries = crate::removal_wins::entries(doc, members, id, None);
    if entries.len() < 2 {
        return None;
    }
    let entry = crate::member_entry::chosen_entry(history, &entries, None)?;
    match crate::what_stands::StandingDoc::new(history) {
        Some(standing) => <Member as autosurgeon::Hydrate>::hydrate_map(&standing, &entry).ok(),
        None => <Member as autosurgeon::Hydrate>::hydrate_map(doc, &entry).ok(),
    }
}

/// Since when member `id` counts as removed: a removal (a removal wins over a concurrent
/// re-admission, `removal_wins`), or, if they were never validly admitted
/// (`removal_frontier`), since joining.
fn removed_since<D: DocRead>(
    doc: &D,
    members: &automerge::ObjId,
    id: &str,
    joined_at: Timestamp,
) -> Option<Timestamp> {
    use crate::removal_wins::{beyond_invite_limit, entries};
    let entries = entries(doc, members, id, None);
    let Some(history) = doc.history() else {
        return crate::removal_wins::removed_since(doc, &entries, id, None).map(Timestamp);
    };
    // Only removals by someone validly admitted count.
    let removal = standing_removals(history, members, &entries, None)
        .into_iter()
        .map(|(t, _)| t)
        .max();
    let beyond = entries
        .last()
        .and_then(|e| beyond_invite_limit(doc, e, id, None));
    removal
        .max(beyond)
        .or_else(|| admission_void(history, members, id, None).then_some(joined_at.0))
        .map(Timestamp)
}

/// A member's entry if they are a current member.
pub fn current_member<D: DocRead>(doc: &D, id: &MemberId) -> Option<Member> {
    read_member(doc, id).filter(Member::is_current)
}

/// Every member entry (including removed ones), by id.
pub fn all_members<D: DocRead>(doc: &D) -> Vec<(MemberId, Member)> {
    let Some(map) = crate::doc_read::root(doc, MEMBERS) else {
        return Vec::new();
    };
    records::<_, Member>(doc, MEMBERS)
        .into_iter()
        .filter_map(|(k, m)| {
            let mut m = chosen(doc, &map, &k).unwrap_or(m);
            m.removed_at = removed_since(doc, &map, &k, m.joined_at);
            Some((k.parse().ok()?, m))
        })
        .collect()
}

/// The directory, filtered, sorted by name.
pub fn directory<D: DocRead>(doc: &D, filter: &MemberFilter) -> Vec<MemberEntry> {
    let mut out: Vec<MemberEntry> = all_members(doc)
        .into_iter()
        .filter(|(_, m)| filter.accepts(m))
        .map(|(id, member)| MemberEntry { id, member })
        .collect();
    out.sort_by(|a, b| {
        a.member
            .name
            .to_lowercase()
            .cmp(&b.member.name.to_lowercase())
            .then_with(|| a.id.cmp(&b.id))
    });
    out
}

/// Current members, counted without reading their entries (one field each).
pub fn member_count<D: DocRead>(doc: &D) -> usize {
    use automerge::{ObjType, ReadDoc};
    let Some(map) = crate::doc_read::root(doc, MEMBERS) else {
        return 0;
    };
    ReadDoc::map_range(doc, &map, ..)
        .filter(|item| {
            matches!(item.value, automerge::ValueRef::Object(ObjType::Map))
                && removed_since(doc, &map, &item.key, Timestamp(0)).is_none()
        })
        .count()
}

/// An invite's record.
pub fn read_invite<D: DocRead>(doc: &D, id: &InviteId) -> Option<Invite> {
    record(doc, INVITES, id.as_str())
}

/// An invite with its id, as listed for the member who made it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteEntry {
    /// Its id.
    pub id: InviteId,
    /// Its record.
    #[serde(flatten)]
    pub invite: Invite,
}

/// Every invite, as entries.
pub fn invites<D: DocRead>(doc: &D) -> Vec<InviteEntry> {
    all_invites(doc)
        .into_iter()
        .map(|(id, invite)| InviteEntry { id, invite })
        .collect()
}

/// Every invite, by id.
pub fn all_invites<D: DocRead>(doc: &D) -> Vec<(InviteId, Invite)> {
    records::<_, Invite>(doc, INVITES)
        .into_iter()
        .filter_map(|(k, v)| Some((k.parse().ok()?, v)))
        .collect()
}
