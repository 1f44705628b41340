//! Member entries, roles, removal, invitations and admission.

use automerge::transaction::{Transactable, Transaction};
use automerge::{ObjType, ReadDoc, ScalarValue};
use autosurgeon::reconcile_prop;

use super::{Ctx, Effect, root_map};
use crate::admission_proof::AdmissionProof;
use crate::command::Created;
use crate::doc_read::get_obj;
use crate::input::{bounded, required, tags};
use crate::member_entry::member_entry;
use crate::record::{Invite, Member, MemberDetails, Role};
use crate::schema::field;
use crate::schema::{COMMUNITY_ID_KEY, INVITES, MEMBERS, limits};
use crate::view::members::{current_member, read_invite, read_member};
use crate::{CommandError, CommunityId, InviteId, MemberId, Timestamp};

/// Checks what a member says about themselves.
pub(crate) fn checked_details(d: MemberDetails) -> Result<MemberDetails, CommandError> {
    Ok(MemberDetails {
        name: required(field::NAME, &d.name, limits::TITLE)?,
        organisation: bounded(field::ORGANISATION, d.organisation.trim(), limits::TITLE)?,
        department: bounded(field::DEPARTMENT, d.department.trim(), limits::TITLE)?,
        bio: bounded(field::BIO, &d.bio, limits::BODY)?,
        skills: tags(field::SKILLS, &d.skills)?,
    })
}

pub(super) fn update_details(
    tx: &mut Transaction<'_>,
    ctx: &Ctx<'_>,
    details: MemberDetails,
) -> Result<Effect, CommandError> {
    let d = checked_details(details)?;
    let members = root_map(tx, MEMBERS)?;
    let entry = member_entry(tx, &members, ctx.me.as_str())
        .ok_or_else(|| CommandError::UnknownMember(ctx.me.clone()))?;
    tx.put(&entry, field::NAME, d.name)?;
    tx.put(&entry, field::ORGANISATION, d.organisation)?;
    tx.put(&entry, field::DEPARTMENT, d.department)?;
    tx.put(&entry, field::BIO, d.bio)?;
    reconcile_prop(tx, &entry, field::SKILLS, &d.skills)?;
    Ok(Effect::on(ctx.me))
}

pub(super) fn set_addrs(
    tx: &mut Transaction<'_>,
    ctx: &Ctx<'_>,
    addrs: &[String],
) -> Result<Effect, CommandError> {
    if addrs.len() > limits::ADDRS {
        return Err(CommandError::TooMany {
            field: "addresses".into(),
            max: limits::ADDRS,
        });
    }
    let mut clean: Vec<String> = Vec::new();
    for a in addrs {
        let a = bounded("address", a.trim(), 256)?;
        if !a.is_empty() && !clean.contains(&a) {
            clean.push(a);
        }
    }
    let members = root_map(tx, MEMBERS)?;
    let entry = member_entry(tx, &members, ctx.me.as_str())
        .ok_or_else(|| CommandError::UnknownMember(ctx.me.clone()))?;
    reconcile_prop(tx, &entry, field::ADDRS, &clean)?;
    Ok(Effect::on(ctx.me))
}

fn coordinator_count(tx: &Transaction<'_>) -> usize {
    crate::view::members::all_members(tx)
        .into_iter()
        .filter(|(_, m)| m.is_coordinator())
        .count()
}

pub(super) fn set_role(
    tx: &mut Transaction<'_>,
    ctx: &Ctx<'_>,
    member: &MemberId,
    role: Role,
) -> Result<Effect, CommandError> {
    ctx.require_coordinator("change roles")?;
    let current =
        current_member(tx, member).ok_or_else(|| CommandError::UnknownMember(member.clone()))?;
    if current.role == Role::Coordinator && role != Role::Coordinator && coordinator_count(tx) <= 1
    {
        return Err(CommandError::LastCoordinator);
    }
    let members = root_map(tx, MEMBERS)?;
    let entry = member_entry(tx, &members, member.as_str())
        .ok_or_else(|| CommandError::UnknownMember(member.clone()))?;
    tx.put(&entry, field::ROLE, role.as_str())?;
    Ok(Effect::on(member))
}

pub(super) fn remove(
    tx: &mut Transaction<'_>,
    ctx: &Ctx<'_>,
    member: &MemberId,
) -> Result<Effect, CommandError> {
    ctx.require_coordinator("remove members")?;
    let current =
        current_member(tx, member).ok_or_else(|| CommandError::UnknownMember(member.clone()))?;
    if current.role == Role::Coordinator && coordinator_count(tx) <= 1 {
        return Err(CommandError::LastCoordinator);
    }
    let members = root_map(tx, MEMBERS)?;
    let entry = member_entry(tx, &members, member.as_str())
        .ok_or_else(|| CommandError::UnknownMember(member.clone()))?;
    tx.put(&entry, field::REMOVED_AT, ScalarValue::Int(ctx.now.0))?;
    Ok(Effect::on(member))
}

/// Removes a member whose equivocation `proof` shows (the guard checks it against what
/// this copy holds); without a proof, as a coordinator's removal.
pub(super) fn report_equivocation(
    tx: &mut Transaction<'_>,
    ctx: &Ctx<'_>,
    member: &MemberId,
    proof: Option<Vec<u8>>,
) -> Result<Effect, CommandError> {
    if proof.is_none() {
        ctx.require_coordinator("remove members")?;
    }
    // Already removed (another of her equivocations was proven first): the proof still
    // goes in, so devices that hold one of these two changes drop it.
    let current = current_member(tx, member).is_some();
    if !current && proof.is_none() {
        return Err(CommandError::UnknownMember(member.clone()));
    }
    let members = root_map(tx, MEMBERS)?;
    let entry = member_entry(tx, &members, member.as_str())
        .ok_or_else(|| CommandError::UnknownMember(member.clone()))?;
    if let Some(proof) = proof {
        tx.put(&entry, field::EQUIVOCATION, ScalarValue::Bytes(proof))?;
    }
    if current {
        tx.put(&entry, field::REMOVED_AT, ScalarValue::Int(ctx.now.0))?;
    }
    Ok(Effect::on(member))
}

pub(super) fn create_invite(
    tx: &mut Transaction<'_>,
    ctx: &Ctx<'_>,
    role: Role,
    expires_at: Timestamp,
    max_uses: u64,
    key: String,
) -> Result<Effect, CommandError> {
    if role == Role::Coordinator {
        ctx.require_coordinator("invite coordinators")?;
    }
    if expires_at <= ctx.now {
        return Err(CommandError::InviteExpired(expires_at));
    }
    if max_uses == 0 {
        return Err(CommandError::Empty {
            field: "uses".into(),
        });
    }
    if key.len() != 64 || !key.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        return Err(CommandError::Document(
            "an invite needs its key's public half (64 lowercase hex digits)".into(),
        ));
    }
    let id = InviteId::from_bytes(ctx.mint.next());
    let invite = Invite {
        created_by: ctx.me.clone(),
        created_at: ctx.now,
        role,
        expires_at,
        max_uses,
        key: Some(key),
        used_by: Vec::new(),
        revoked: false,
    };
    let invites = root_map(tx, INVITES)?;
    reconcile_prop(tx, &invites, id.as_str(), &invite)?;
    Ok(Effect::created(Created::Invite(id.clone()), id))
}

pub(super) fn revoke_invite(
    tx: &mut Transaction<'_>,
    ctx: &Ctx<'_>,
    invite: &InviteId,
) -> Result<Effect, CommandError> {
    let inv = read_invite(tx, invite).ok_or_else(|| CommandError::UnknownInvite(invite.clone()))?;
    if &inv.created_by != ctx.me && !ctx.coordinator {
        return Err(CommandError::NotInviteOwner);
    }
    let invites = root_map(tx, INVITES)?;
    let entry = get_obj(tx, &invites, invite.as_str(), ObjType::Map)
        .ok_or_else(|| CommandError::UnknownInvite(invite.clone()))?;
    tx.put(&entry, field::REVOKED, true)?;
    Ok(Effect::on(invite))
}

/// Why `invite` cannot admit `newcomer` in this community, whatever the time: an invite
/// dies with its creator's removal, and a removed member comes back only with an invite
/// made after the removal (not with a ticket kept from before). The guard applies the
/// same rule to every admission it receives.
pub(crate) fn check_invite_for<D: crate::DocRead>(
    doc: &D,
    invite: &Invite,
    newcomer: &MemberId,
) -> Result<(), CommandError> {
    if current_member(doc, &invite.created_by).is_none() {
        return Err(CommandError::InviteRevoked);
    }
    if let Some(removed_at) = read_member(doc, newcomer).and_then(|m| m.removed_at)
        && invite.created_at <= removed_at
    {
        return Err(CommandError::Removed);
    }
    Ok(())
}

/// Whether `proof` is `member`'s admission with `invite` (whose id is `id`) in
/// `community`: the ticket's invite key and the newcomer's own key both signed it.
pub(crate) fn proves(
    invite: &Invite,
    proof: &AdmissionProof,
    community: &CommunityId,
    id: &InviteId,
    member: &MemberId,
) -> bool {
    invite
        .key
        .as_deref()
        .is_some_and(|key| proof.verifies(key, community, id, member))
}

/// Why an invite cannot admit anyone now, if it cannot (the proof checked apart).
pub(crate) fn check_invite(invite: &Invite, now: Timestamp) -> Result<(), CommandError> {
    if invite.revoked {
        return Err(CommandError::InviteRevoked);
    }
    if now >= invite.expires_at {
        return Err(CommandError::InviteExpired(invite.expires_at));
    }
    if invite.used_by.len() as u64 >= invite.max_uses {
        return Err(CommandError::InviteUsedUp);
    }
    Ok(())
}

pub(super) fn admit(
    tx: &mut Transaction<'_>,
    ctx: &Ctx<'_>,
    member: &MemberId,
    details: MemberDetails,
    invite_id: &InviteId,
    proof: &AdmissionProof,
) -> Result<Effect, CommandError> {
    let invite =
        read_invite(tx, invite_id).ok_or_else(|| CommandError::UnknownInvite(invite_id.clone()))?;
    let community: CommunityId = crate::doc_read::get_str(tx, &automerge::ROOT, COMMUNITY_ID_KEY)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| CommandError::Document("no community id".into()))?;
    if ctx.signed && !proves(&invite, proof, &community, invite_id, member) {
        return Err(CommandError::WrongSecret);
    }
    check_invite(&invite, ctx.now)?;
    check_invite_for(tx, &invite, member)?;
    let details = checked_details(details)?;
    let previous = read_member(tx, member);
    if previous.as_ref().is_some_and(Member::is_current) {
        return Err(CommandError::AlreadyMember(member.clone()));
    }
    let mut entry = Member::new(details, invite.role, ctx.now, Some(ctx.me.clone()));
    if let Some(prev) = previous {
        // A removed member invited again keeps the addresses peers knew.
        entry.addrs = prev.addrs;
    }
    let members = root_map(tx, MEMBERS)?;
    reconcile_prop(tx, &members, member.as_str(), &entry)?;
    // The proof stands in the entry, so every device can check the admission.
    let written = get_obj(tx, &members, member.as_str(), ObjType::Map)
        .ok_or_else(|| CommandError::Document("member entry not written".into()))?;
    // A removal concurrent with an earlier re-admission left `removed_at` in conflict,
    // showing null: reconciling writes nothing there, and the removal would still win
    // (`removal_wins`). An explicit put replaces every value.
    if tx
        .get_all(&written, field::REMOVED_AT)
        .is_ok_and(|all| all.len() > 1)
    {
        tx.put(&written, field::REMOVED_AT, automerge::ScalarValue::Null)?;
    }
    tx.put(
        &written,
        field::INVITE_SIG,
        AdmissionProof::text(&proof.invite_sig),
    )?;
    tx.put(
        &written,
        field::CONSENT_SIG,
        AdmissionProof::text(&proof.consent_sig),
    )?;
    // Which invite: of concurrent uses beyond its limit, readers count only the first.
    tx.put(&written, field::INVITE, invite_id.as_str())?;
    let invites = root_map(tx, INVITES)?;
    let inv_obj = get_obj(tx, &invites, invite_id.as_str(), ObjType::Map)
        .ok_or_else(|| CommandError::UnknownInvite(invite_id.clone()))?;
    let used = get_obj(tx, &inv_obj, field::USED_BY, ObjType::List)
        .ok_or_else(|| CommandError::Document("invite without used_by".into()))?;
    let n = tx.length(&used);
    tx.insert(&used, n, member.as_str())?;
    Ok(Effect::created(Created::Member(member.clone()), member))
}
