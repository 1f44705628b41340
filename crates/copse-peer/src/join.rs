//! Joining with a ticket (newcomer side) and admitting newcomers (member side).

use std::collections::VecDeque;

use copse_core::record::MemberDetails;
use copse_core::sync::{JoinRequest, JoinResponse};
use copse_core::ticket::{Contact, Ticket};
use copse_core::{Command, MemberId};
use copse_net::{NetCommand, Tag};
use serde_json::{Value, json};
use tokio::sync::oneshot;

use crate::runtime::Runtime;
use crate::{PeerError, PeerEvent};

/// A join in progress: members left to try, and where to answer.
#[derive(Debug)]
pub(crate) struct PendingJoin {
    ticket: Ticket,
    request: JoinRequest,
    contacts: VecDeque<Contact>,
    tried: Vec<String>,
    reply: oneshot::Sender<Result<Value, PeerError>>,
}

impl Runtime {
    pub(crate) async fn start_join(
        &mut self,
        text: &str,
        details: Option<MemberDetails>,
        reply: oneshot::Sender<Result<Value, PeerError>>,
    ) {
        let ticket = match Ticket::decode(text) {
            Ok(t) => t,
            Err(e) => {
                let _ = reply.send(Err(PeerError::Invalid(e.to_string())));
                return;
            }
        };
        let me = self.me.clone();
        if self.device.profile().has_community(&ticket.community)
            && self
                .device
                .community(&ticket.community)
                .is_ok_and(|o| o.community.is_member(&me))
        {
            let _ = reply.send(Err(PeerError::Invalid(format!(
                "you are already a member of {}",
                ticket.name
            ))));
            return;
        }
        let details = match details.filter(|d| !d.name.trim().is_empty()) {
            Some(d) => d,
            None => match self.device.my_details() {
                Ok(d) => d,
                Err(e) => {
                    let _ = reply.send(Err(e));
                    return;
                }
            },
        };
        let mut contacts: VecDeque<Contact> = VecDeque::new();
        contacts.push_back(ticket.inviter.clone());
        contacts.extend(ticket.others.iter().filter(|c| c.member != me).cloned());
        for c in &contacts {
            self.remember_addrs(&c.member, &c.addrs);
        }
        let pending = PendingJoin {
            request: JoinRequest {
                community: ticket.community.clone(),
                invite: ticket.invite.clone(),
                secret: ticket.secret.clone(),
                details,
            },
            ticket,
            contacts,
            tried: Vec::new(),
            reply,
        };
        self.next_join_attempt(pending).await;
    }

    async fn next_join_attempt(&mut self, mut pending: PendingJoin) {
        let Some(contact) = pending.contacts.pop_front() else {
            let msg = format!(
                "could not reach the inviter or any other member of {} ({}). Ask the inviter to open Copse (or run `copse-node serve`) and try again, or ask for a fresh ticket",
                pending.ticket.name,
                pending.tried.join("; ")
            );
            let _ = pending.reply.send(Err(PeerError::Invalid(msg)));
            return;
        };
        let tag = self.next_tag;
        self.next_tag += 1;
        let cmd = NetCommand::SendJoin {
            peer: contact.member.clone(),
            addrs: contact.addrs.clone(),
            request: pending.request.clone(),
            tag,
        };
        self.joins.insert(tag, pending);
        self.net.send(cmd).await;
    }

    pub(crate) async fn on_join_result(
        &mut self,
        peer: &MemberId,
        tag: Tag,
        result: Result<JoinResponse, String>,
    ) {
        let Some(mut pending) = self.joins.remove(&tag) else {
            return;
        };
        match result {
            Ok(JoinResponse::Admitted {
                community,
                document,
            }) => {
                let name = pending.ticket.name.clone();
                match self.device.add_joined(&document, &pending.ticket.community) {
                    Ok(id) => {
                        let _ = pending.reply.send(Ok(
                            json!({ "community": id, "name": name, "admitted_by": peer }),
                        ));
                        self.emit(PeerEvent::Joined {
                            community: community.clone(),
                        })
                        .await;
                        self.addrs_changed();
                        self.forget_contacts();
                        self.start_sessions_with(peer).await;
                    }
                    Err(e) => {
                        let _ = pending.reply.send(Err(e));
                    }
                }
            }
            Ok(JoinResponse::Refused(reason)) => {
                let _ = pending.reply.send(Err(PeerError::Invalid(reason)));
            }
            Err(e) => {
                pending.tried.push(format!("{peer}: {e}"));
                self.next_join_attempt(pending).await;
            }
        }
    }

    /// A newcomer (authenticated as `peer`) presents a ticket: admit them if it checks out.
    pub(crate) async fn on_join_request(
        &mut self,
        peer: &MemberId,
        request: JoinRequest,
    ) -> JoinResponse {
        let c = request.community.clone();
        let me = self.me.clone();
        let ours = self.device.profile().has_community(&c)
            && self
                .device
                .community(&c)
                .is_ok_and(|o| o.community.is_member(&me));
        if !ours {
            // Say nothing about whether we know the community.
            return JoinResponse::Refused(
                "this member cannot admit you to that community; ask the inviter for a new ticket"
                    .into(),
            );
        }
        let heads = match self.device.community(&c) {
            Ok(o) => o.community.doc().get_heads(),
            Err(e) => return JoinResponse::Refused(e.to_string()),
        };
        let admitted = self.device.execute(
            &c,
            Command::Admit {
                member: peer.clone(),
                details: request.details,
                invite: request.invite,
                secret: request.secret,
            },
        );
        match admitted {
            Ok(applied) => {
                let document = match self.device.community(&c) {
                    Ok(o) => o.community.doc().save(),
                    Err(e) => return JoinResponse::Refused(e.to_string()),
                };
                tracing::info!(community = %c, newcomer = %peer, "admitted a newcomer");
                // The newcomer opens the sync session once it has loaded the document.
                let change = applied.change.map(|h| vec![h]);
                self.after_change(&c, &heads, None, true, change).await;
                JoinResponse::Admitted {
                    community: c,
                    document,
                }
            }
            Err(e) => {
                tracing::info!(community = %c, newcomer = %peer, reason = %e, "refused a newcomer");
                JoinResponse::Refused(e.to_string())
            }
        }
    }
}
