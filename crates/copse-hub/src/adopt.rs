//! Reading a community from bytes that came from outside (a file, a member's answer to a
//! join): Automerge runs behind `catch_unwind`, so a hostile file or answer is an error for
//! that request, never a crash; and every change in it passes the guard (signature, rules
//! as of its causal past) before anything of it is kept. Used by every store driver.

use std::panic::{AssertUnwindSafe, catch_unwind};

use copse_core::automerge::Automerge;
use copse_core::guard::{Refused, verify_document};
use copse_core::{Community, CommunityId, DocError, MemberId};

use crate::{JoinFailure, PeerError};

/// A community read from outside, checked.
#[derive(Debug)]
pub struct Foreign {
    /// What passed.
    pub community: Community,
    /// What did not (empty: `community` is exactly the bytes read).
    pub refused: Vec<Refused>,
}

/// Loads and checks `bytes`. For a join, `expect` is the community the ticket names and
/// this device's member, who must be a current member in the answer.
pub fn load_foreign(
    bytes: &[u8],
    expect: Option<(&CommunityId, &MemberId)>,
) -> Result<Foreign, PeerError> {
    let unreadable = |_| {
        PeerError::BadDocument(DocError::NotAutomerge(
            "Automerge could not read it (it panicked)".into(),
        ))
    };
    let checked = catch_unwind(AssertUnwindSafe(|| {
        let doc = Automerge::load(bytes).map_err(|e| DocError::NotAutomerge(e.to_string()))?;
        let (doc, refused) =
            verify_document(doc).map_err(|e| DocError::NotAutomerge(e.to_string()))?;
        Community::from_doc(doc).map(|c| (c, refused))
    }))
    .map_err(unreadable)?;
    let (community, refused) = match (checked, expect) {
        (Ok(c), _) => c,
        (Err(e), Some(_)) => return Err(JoinFailure::BadCopy(e.to_string()).into()),
        (Err(e), None) => return Err(e.into()),
    };
    if let Some((id, me)) = expect {
        if community.id() != id {
            return Err(JoinFailure::WrongCommunity.into());
        }
        if !community.is_member(me) {
            return Err(JoinFailure::NotAdmitted.into());
        }
    }
    Ok(Foreign { community, refused })
}
