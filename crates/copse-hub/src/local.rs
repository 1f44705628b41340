//! This member's own requests: edits, invitations, founding a community. Each is applied
//! at once and acknowledged once durable.

use copse_core::commit_meta::CommitMeta;
use copse_core::record::Role;
use copse_core::sync::net::relay_of;
use copse_core::ticket::{Contact, Ticket};
use copse_core::view::members::{self, MemberFilter};
use copse_core::{Command, Community, CommunityId, Created, InviteSecret, NewCommunity};

use crate::failure::guarded;
use crate::replica::{Changed, Deferred, Phase, Replica};
use crate::{Done, EditApplied, Hub, Invitation, PeerError, RequestId, StoreOp};

/// Up to this many other members go into a ticket, so any of them can admit the newcomer.
const TICKET_CONTACTS: usize = 4;

/// The inviter's addresses in a ticket: one direct (the first, which is not loopback when
/// there is another) and one through a relay, so the ticket stays short enough to type
/// and to scan.
fn ticket_addrs(addrs: Vec<String>) -> Vec<String> {
    let (relayed, direct): (Vec<String>, Vec<String>) =
        addrs.into_iter().partition(|a| relay_of(a).is_some());
    direct
        .into_iter()
        .take(1)
        .chain(relayed.into_iter().take(1))
        .collect()
}

/// Another member's address in a ticket: the one through a relay if they have one.
fn one_addr(addrs: Vec<String>) -> Vec<String> {
    let relayed = addrs.iter().find(|a| relay_of(a).is_some()).cloned();
    relayed
        .or_else(|| addrs.into_iter().next())
        .into_iter()
        .collect()
}

impl Hub {
    pub(crate) fn edit(&mut self, request: RequestId, c: &CommunityId, command: Command) {
        match self.apply(c, command) {
            Ok(applied) => {
                if let Some(r) = self.replicas.get_mut(c) {
                    r.defer(Deferred::Done(request, Done::Applied(Ok(applied))));
                }
            }
            Err(e) => self.done(request, Done::Applied(Err(e))),
        }
    }

    /// Applies a command as this device's member; the change goes out once durable.
    pub(crate) fn apply(
        &mut self,
        c: &CommunityId,
        command: Command,
    ) -> Result<EditApplied, PeerError> {
        let Some(r) = self.replicas.get_mut(c) else {
            return Err(PeerError::UnknownCommunity(c.clone()));
        };
        let (me, now, rng) = (&self.me, self.now, &mut self.rng);
        // Our own command: what it writes is known from its kind.
        let membership = command.kind().writes_members_or_invites();
        let noted = command.clone();
        let applied = match guarded(|| r.community_mut().apply(me, now, rng, command)) {
            Ok(Ok(a)) => a,
            Ok(Err(e)) => return Err(PeerError::Refused(e)),
            Err(_) => {
                tracing::error!(community = %c, "automerge panicked applying a command");
                self.reload(c, "the edit could not be applied");
                return Err(PeerError::Invalid(
                    "the edit could not be applied to this community".into(),
                ));
            }
        };
        if let Some(change) = applied.change {
            r.own_edits().note(change, noted, applied.created.clone());
            let metas = r
                .community()
                .doc()
                .get_change_meta_by_hash(&change)
                .and_then(|m| CommitMeta::parse(m.message.as_deref()?))
                .into_iter()
                .collect();
            r.changed(Changed {
                heads_before: applied.heads_before,
                source: None,
                local: true,
                metas,
                membership,
            });
            r.defer(Deferred::OwnEdits);
        }
        Ok(EditApplied {
            created: applied.created,
            change: applied.change,
        })
    }

    pub(crate) fn invite(
        &mut self,
        request: RequestId,
        c: &CommunityId,
        valid_ms: i64,
        uses: u64,
        role: Role,
    ) {
        if valid_ms <= 0 {
            let why = "an invite must be valid for some time".into();
            self.done(request, Done::Invited(Err(PeerError::Invalid(why))));
            return;
        }
        let secret = InviteSecret::random(&mut self.rng);
        let expires_at = self.now.plus_millis(valid_ms);
        let applied = self.apply(
            c,
            Command::CreateInvite {
                role,
                expires_at,
                max_uses: uses,
                key: secret.public_key_hex(),
            },
        );
        let invite = match applied {
            Ok(EditApplied {
                created: Some(Created::Invite(id)),
                ..
            }) => id,
            Ok(_) => {
                let why = "the invite was not created".into();
                self.done(request, Done::Invited(Err(PeerError::Invalid(why))));
                return;
            }
            Err(e) => {
                self.done(request, Done::Invited(Err(e)));
                return;
            }
        };
        let mine = self.own.recordable();
        let me = self.me.clone();
        let Some(r) = self.replicas.get_mut(c) else {
            return;
        };
        let doc = r.community().doc();
        let everyone = members::directory(doc, &MemberFilter::default());
        let recorded = everyone
            .iter()
            .find(|m| m.id == me)
            .map(|m| m.member.addrs.clone())
            .unwrap_or_default();
        // Others first by whether a relay reaches them: that works from any network.
        let mut others: Vec<Contact> = everyone
            .into_iter()
            .filter(|m| m.id != me && !m.member.addrs.is_empty())
            .map(|m| Contact {
                member: m.id,
                addrs: one_addr(m.member.addrs),
            })
            .collect();
        others.sort_by_key(|c| !c.addrs.iter().any(|a| relay_of(a).is_some()));
        others.truncate(TICKET_CONTACTS);
        let ticket = Ticket {
            v: 2,
            community: c.clone(),
            name: r.community().name(),
            invite: invite.clone(),
            secret,
            inviter: Contact {
                member: me,
                addrs: ticket_addrs(if mine.is_empty() { recorded } else { mine }),
            },
            others,
            expires_at,
        };
        r.defer(Deferred::Done(
            request,
            Done::Invited(Ok(Invitation {
                ticket: ticket.encode(),
                invite,
                expires_at,
            })),
        ));
    }

    pub(crate) fn create(&mut self, request: RequestId, spec: NewCommunity) {
        let details = self.details.clone();
        let created =
            Community::create_signed(&self.signer, details, spec, self.now, &mut self.rng);
        let community = match created {
            Ok((c, _)) => c,
            Err(e) => {
                self.done(request, Done::Created(Err(PeerError::Refused(e))));
                return;
            }
        };
        let id = community.id().clone();
        let saved = community.doc().save();
        self.replicas
            .insert(id.clone(), Replica::new(community, Phase::Creating));
        self.creating.insert(id.clone(), request);
        self.membership_dirty = true;
        self.store(StoreOp::Create {
            community: id,
            saved,
        });
    }
}
