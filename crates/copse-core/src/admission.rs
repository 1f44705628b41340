//! Deciding a newcomer's join request before anything is written: whether to admit them,
//! to hand them the community again (they were admitted already and the answer was lost),
//! or to refuse with a code that reveals nothing to someone without the invite's secret.

use crate::admission_proof::AdmissionProof;
use crate::apply::{check_invite, check_invite_for, proves};
use crate::sync::JoinRefusal;
use crate::view::members::{current_member, read_invite};
use crate::{CommandError, Community, InviteId, MemberId, Timestamp};

/// What to do with a join request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    /// Admit them (one `Admit` change), then send the community.
    New,
    /// They are a current member already and proved the invite: send the community again,
    /// write nothing. Makes admission idempotent when an answer is lost on the way.
    AlreadyAdmitted,
}

impl Community {
    /// Whether `newcomer`, presenting `invite` with `proof` (signed with the ticket's
    /// invite key and their own), may have the community.
    pub fn admission(
        &self,
        newcomer: &MemberId,
        invite: &InviteId,
        proof: &AdmissionProof,
        now: Timestamp,
    ) -> Result<Admission, JoinRefusal> {
        let doc = self.doc();
        let Some(found) = read_invite(doc, invite) else {
            return Err(JoinRefusal::NotAccepted);
        };
        // The proof first: nothing about the invite is told to someone without the ticket.
        if !proves(&found, proof, self.id(), invite, newcomer) {
            return Err(JoinRefusal::NotAccepted);
        }
        if current_member(doc, newcomer).is_some() {
            return Ok(Admission::AlreadyAdmitted);
        }
        check_invite(&found, now).map_err(|e| JoinRefusal::for_admit_error(&e))?;
        check_invite_for(doc, &found, newcomer).map_err(|e| JoinRefusal::for_admit_error(&e))?;
        Ok(Admission::New)
    }
}

impl JoinRefusal {
    /// The code for an `Admit` command that failed with `e`.
    pub fn for_admit_error(e: &CommandError) -> Self {
        match e {
            CommandError::UnknownInvite(_)
            | CommandError::WrongSecret
            | CommandError::NotAMember
            | CommandError::Removed => JoinRefusal::NotAccepted,
            CommandError::InviteExpired(_) => JoinRefusal::Expired,
            CommandError::InviteRevoked => JoinRefusal::Revoked,
            CommandError::InviteUsedUp => JoinRefusal::UsedUp,
            CommandError::Empty { .. }
            | CommandError::TooLong { .. }
            | CommandError::TooMany { .. } => JoinRefusal::BadDetails,
            _ => JoinRefusal::Unavailable,
        }
    }
}
