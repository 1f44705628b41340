//! [`Waiters`]: callers waiting for the hub to finish their requests, one map per kind of
//! request, so that each finished request reaches its caller with its own answer type.

use std::collections::BTreeMap;

use copse_core::{CommunityId, MemberId};
use copse_hub::{Done, EditApplied, Imported, Invitation, Joined, PeerError, RequestId};

use crate::Exported;
use crate::ask::Reply;

/// Callers of one kind of request.
#[derive(Debug)]
pub(crate) struct Pending<T>(BTreeMap<RequestId, Reply<T>>);

impl<T> Default for Pending<T> {
    fn default() -> Self {
        Self(BTreeMap::new())
    }
}

impl<T> Pending<T> {
    fn answer(&mut self, request: RequestId, result: Result<T, PeerError>) {
        if let Some(reply) = self.0.remove(&request) {
            // The caller may have stopped waiting.
            let _ = reply.send(result);
        }
    }

    fn fail_all(&mut self, error: &PeerError) {
        for (_, reply) in std::mem::take(&mut self.0) {
            let _ = reply.send(Err(error.clone()));
        }
    }
}

/// Every caller waiting on the hub, by kind of request.
#[derive(Debug, Default)]
pub(crate) struct Waiters {
    next: u64,
    pub(crate) applied: Pending<EditApplied>,
    pub(crate) invited: Pending<Invitation>,
    pub(crate) joined: Pending<Joined>,
    pub(crate) created: Pending<CommunityId>,
    pub(crate) imported: Pending<Imported>,
    pub(crate) exported: Pending<Exported>,
    pub(crate) details: Pending<MemberId>,
    pub(crate) nothing: Pending<()>,
}

impl Waiters {
    /// Registers a caller in `which` (one of the maps); the request's id.
    pub(crate) fn wait<T>(
        &mut self,
        which: impl FnOnce(&mut Self) -> &mut Pending<T>,
        reply: Reply<T>,
    ) -> RequestId {
        self.next += 1;
        let id = RequestId(self.next);
        which(self).0.insert(id, reply);
        id
    }

    /// A request finished.
    pub(crate) fn finish(&mut self, request: RequestId, done: Done) {
        match done {
            Done::Applied(r) => self.applied.answer(request, r),
            Done::Invited(r) => self.invited.answer(request, r),
            Done::Joined(r) => self.joined.answer(request, r),
            Done::Created(r) => self.created.answer(request, r),
            Done::Imported(r) => self.imported.answer(request, r),
            Done::Exported(r) => self.exported.answer(request, r),
            Done::DetailsSaved(r) => self.details.answer(request, r),
            Done::Nothing(r) => self.nothing.answer(request, r),
        }
    }

    /// The runtime stops: nobody will be answered.
    pub(crate) fn fail_all(&mut self, error: &PeerError) {
        self.applied.fail_all(error);
        self.invited.fail_all(error);
        self.joined.fail_all(error);
        self.created.fail_all(error);
        self.imported.fail_all(error);
        self.exported.fail_all(error);
        self.details.fail_all(error);
        self.nothing.fail_all(error);
    }
}
