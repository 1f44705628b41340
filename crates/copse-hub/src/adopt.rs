//! Reading a community from bytes that came from outside (a file, a member's answer to a
//! join): Automerge runs behind `catch_unwind`, so a hostile file or answer is an error for
//! that request, never a crash. Used by every store driver.

use std::panic::{AssertUnwindSafe, catch_unwind};

use copse_core::{Community, CommunityId, DocError, MemberId};

use crate::{JoinFailure, PeerError};

/// Loads and checks `bytes`. For a join, `expect` is the community the ticket names and
/// this device's member, who must be a current member in the answer.
pub fn load_foreign(
    bytes: &[u8],
    expect: Option<(&CommunityId, &MemberId)>,
) -> Result<Community, PeerError> {
    let loaded = catch_unwind(AssertUnwindSafe(|| Community::load(bytes))).map_err(|_| {
        PeerError::BadDocument(DocError::NotAutomerge(
            "Automerge could not read it (it panicked)".into(),
        ))
    })?;
    let community = match (loaded, expect) {
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
    Ok(community)
}
