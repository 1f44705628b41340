//! What a member asks that never leaves the device: their details, read markers, what
//! they last saw, prompts they dismissed; and the files of a community (export, compact).
//! Checked here (the community exists, the name is not empty), carried out by the store.

use std::path::PathBuf;

use copse_core::record::MemberDetails;
use copse_core::{CommunityId, ThreadId};

use crate::{Done, Hub, LocalState, PeerError, RequestId, StoreOp};

impl Hub {
    /// Keeps the member's details (used for founding and joining) and saves them.
    pub(crate) fn set_details(&mut self, request: RequestId, details: MemberDetails) {
        if details.name.trim().is_empty() {
            let why = PeerError::Invalid("a name is needed".into());
            self.done(request, Done::DetailsSaved(Err(why)));
            return;
        }
        self.details = details.clone();
        self.store(StoreOp::SetDetails { request, details });
    }

    pub(crate) fn export(&mut self, request: RequestId, community: CommunityId, path: PathBuf) {
        match self.known(&community) {
            Ok(()) => self.store(StoreOp::Export {
                request,
                community,
                path,
            }),
            Err(e) => self.done(request, Done::Exported(Err(e))),
        }
    }

    pub(crate) fn compact(&mut self, request: RequestId, community: CommunityId) {
        match self.known(&community) {
            Ok(()) => self.store(StoreOp::Compact { request, community }),
            Err(e) => self.done(request, Done::Nothing(Err(e))),
        }
    }

    pub(crate) fn mark_read(
        &mut self,
        request: RequestId,
        community: &CommunityId,
        thread: ThreadId,
        posts: usize,
    ) {
        self.local(request, community, |s| {
            let seen = s.read.entry(thread).or_default();
            *seen = (*seen).max(posts);
        });
    }

    /// The community as it is now is what the member has seen.
    pub(crate) fn mark_seen(&mut self, request: RequestId, community: &CommunityId) {
        let heads = self.heads_hex(community);
        let at = self.now.0;
        self.local(request, community, |s| {
            s.seen_heads = heads;
            s.seen_at = at;
        });
    }

    pub(crate) fn dismiss_story_prompt(
        &mut self,
        request: RequestId,
        community: &CommunityId,
        key: String,
    ) {
        self.local(request, community, |s| {
            s.story_prompts_done.insert(key);
        });
    }

    /// The first look at what is new starts counting from now (everything since the
    /// founding would be a walk of the whole history, and news to nobody).
    pub(crate) fn first_look(&mut self, community: &CommunityId) {
        if self.locals.get(community).seen_heads.is_empty() {
            let heads = self.heads_hex(community);
            self.locals.update(community, |s| s.seen_heads = heads);
            self.write_locals();
        }
    }

    /// This device's local state of a community.
    pub fn local_state(&self, community: &CommunityId) -> LocalState {
        self.locals.get(community)
    }

    fn local(
        &mut self,
        request: RequestId,
        community: &CommunityId,
        change: impl FnOnce(&mut LocalState),
    ) {
        if let Err(e) = self.known(community) {
            self.done(request, Done::Nothing(Err(e)));
            return;
        }
        self.locals.update(community, change);
        self.write_locals();
        self.done(request, Done::Nothing(Ok(())));
    }

    fn write_locals(&mut self) {
        for (community, bytes) in self.locals.take_writes() {
            self.store(StoreOp::LocalState { community, bytes });
        }
    }

    fn known(&self, community: &CommunityId) -> Result<(), PeerError> {
        if self.replicas.contains_key(community) {
            Ok(())
        } else {
            Err(PeerError::UnknownCommunity(community.clone()))
        }
    }

    fn heads_hex(&self, community: &CommunityId) -> Vec<String> {
        self.community(community)
            .map(|c| {
                c.doc()
                    .get_heads()
                    .iter()
                    .map(ToString::to_string)
                    .collect()
            })
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use crate::PeerError;
    use crate::test_device::*;

    /// What never leaves the device is checked here too: the community must be here, a
    /// name is needed, and what the member saw is stamped with the hub's time.
    #[test]
    fn local_requests_need_their_community_and_keep_what_was_seen() {
        let mut a = Device::new(member(0));
        let c = a.create();
        let unknown =
            CommunityId::random(&mut <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(3));
        let done = a.request(|request| Input::MarkSeen {
            request,
            community: unknown.clone(),
        });
        assert!(
            matches!(&done, Done::Nothing(Err(PeerError::UnknownCommunity(x))) if *x == unknown),
            "{done:?}"
        );
        a.now = a.now.plus_millis(5_000);
        let done = a.request(|request| Input::MarkSeen {
            request,
            community: c.clone(),
        });
        assert!(matches!(done, Done::Nothing(Ok(()))), "{done:?}");
        let seen = a.hub.local_state(&c);
        assert_eq!(seen.seen_at, a.now.0);
        let heads: Vec<String> = a.heads(&c).iter().map(ToString::to_string).collect();
        assert_eq!(seen.seen_heads, heads);
        let nameless = MemberDetails {
            name: "  ".into(),
            ..MemberDetails::default()
        };
        let done = a.request(|request| Input::SetDetails {
            request,
            details: nameless,
        });
        assert!(
            matches!(done, Done::DetailsSaved(Err(PeerError::Invalid(_)))),
            "{done:?}"
        );
        assert_eq!(a.hub.details().name, "Founder");
    }
}
