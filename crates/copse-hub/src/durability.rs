//! The durability cycle as the hub drives it: what goes out once a replica's changes are on
//! disk, what fails when they are lost, and what the store answers.

use copse_core::CommunityId;
use copse_core::sync::{JoinRefusal, JoinResponse, Refusal, SyncResponse};

use crate::replica::Deferred;
use crate::{Done, Hub, NetOp, PeerError, PeerEvent, StoreOp, StoreResult};

impl Hub {
    /// Lets out one thing that waited for durability.
    pub(crate) fn release(&mut self, c: &CommunityId, d: Deferred) {
        match d {
            Deferred::Changed(changed) => self.changed(c, changed),
            Deferred::Respond(inbound) => {
                let heads = self
                    .replicas
                    .get(c)
                    .map(|r| r.community().doc().get_heads())
                    .unwrap_or_default();
                self.net(NetOp::RespondSync {
                    inbound,
                    response: SyncResponse::Ok { heads },
                });
            }
            Deferred::Done(request, done) => self.done(request, done),
            Deferred::ServeJoin(inbound) => self.store(StoreOp::ServeJoin {
                community: c.clone(),
                inbound,
            }),
            Deferred::OwnEdits => {
                if let Some(r) = self.replicas.get(c) {
                    let bytes = r.own_edits_bytes();
                    self.store(StoreOp::OwnEdits {
                        community: c.clone(),
                        bytes,
                    });
                }
            }
        }
    }

    /// What waited on replica `c` fails: its changes are not on disk.
    fn fail_deferred(&mut self, c: &CommunityId, why: &str) {
        let Some(r) = self.replicas.get_mut(c) else {
            return;
        };
        for d in r.take_deferred() {
            match d {
                Deferred::Changed(_) => {}
                Deferred::Respond(inbound) => self.net(NetOp::RespondSync {
                    inbound,
                    response: SyncResponse::Refused(Refusal::Unavailable),
                }),
                Deferred::Done(request, done) => {
                    self.done(request, done.failed(PeerError::Store(why.to_owned())))
                }
                Deferred::ServeJoin(inbound) => self.net(NetOp::RespondJoin {
                    inbound,
                    response: JoinResponse::Refused(JoinRefusal::Unavailable),
                }),
                Deferred::OwnEdits => {}
            }
        }
    }

    /// The document of `c` may hold half-applied changes (a failed merge) or lost its
    /// unsaved ones (a failed append): read it back from disk; nothing else touches it
    /// meanwhile.
    pub(crate) fn reload(&mut self, c: &CommunityId, why: &str) {
        self.fail_deferred(c, why);
        if let Some(r) = self.replicas.get_mut(c) {
            r.start_reload();
            self.store(StoreOp::Reload {
                community: c.clone(),
            });
        }
    }

    pub(crate) fn stored(&mut self, result: StoreResult) {
        match result {
            StoreResult::Appended { community } => {
                if let Some(r) = self.replicas.get_mut(&community) {
                    r.appended();
                }
            }
            StoreResult::AppendFailed { community, error } => {
                tracing::error!(%community, %error, "could not save changes");
                self.event(PeerEvent::Error {
                    message: format!("could not save changes: {error}"),
                });
                self.reload(&community, &error);
            }
            StoreResult::Reloaded { community, result } => match result {
                Ok(doc) => self.reloaded(&community, *doc),
                Err(error) => self.unreadable(&community, &error),
            },
            StoreResult::Created { community, result } => self.created(&community, result),
            StoreResult::Adopted { request, result } => self.adopted(request, result),
            StoreResult::DetailsSaved { request, result } => {
                let saved = result.map(|()| self.me.clone()).map_err(PeerError::Store);
                self.done(request, Done::DetailsSaved(saved));
            }
            StoreResult::Exported { request, result } => {
                self.done(request, Done::Exported(result));
            }
            StoreResult::Compacted { request, result } => {
                self.done(request, Done::Nothing(result.map_err(PeerError::Store)));
            }
            StoreResult::JoinDocument {
                inbound,
                community,
                result,
            } => {
                let response = match result {
                    Ok(document) => JoinResponse::Admitted {
                        community,
                        document,
                    },
                    Err(error) => {
                        tracing::error!(%community, %error, "could not read the community for a newcomer");
                        JoinResponse::Refused(JoinRefusal::Unavailable)
                    }
                };
                self.net(NetOp::RespondJoin { inbound, response });
            }
        }
    }

    /// Starts every session of `c` afresh, forgetting saved sync states: they may hold
    /// heads the document no longer has (read back from disk, or rebuilt).
    pub(crate) fn restart_sessions(&mut self, c: &CommunityId) {
        for (cc, m) in self.sessions.matching(|cc, _| cc == c) {
            self.sessions.drop_session(&cc, &m);
        }
        self.sessions.forget_saved(c);
        self.membership_dirty = true;
        let peers: Vec<_> = self.connected.keys().cloned().collect();
        for p in peers {
            self.start_sessions_with(&p);
        }
    }

    /// `c` as it is on disk replaces the copy in memory.
    fn reloaded(&mut self, c: &CommunityId, mut community: copse_core::Community) {
        community.sign_as(self.signer.clone(), &mut self.rng);
        let dropped = match self.replicas.get_mut(c) {
            Some(r) => r.reset_to(community),
            None => Vec::new(),
        };
        self.restart_sessions(c);
        if !dropped.is_empty() {
            self.write_again(c, &dropped);
        }
    }

    /// `c` could not be read back from disk: it leaves this run.
    fn unreadable(&mut self, c: &CommunityId, error: &str) {
        tracing::error!(community = %c, %error, "could not read a community back");
        self.event(PeerEvent::Error {
            message: format!(
                "community {c} could not be read back from disk: {error}; restart Copse"
            ),
        });
        self.fail_deferred(c, error);
        self.close_sessions(|cc, _| cc == c);
        if let Some(r) = self.replicas.remove(c) {
            for input in r.into_waiting() {
                self.refuse_busy(input);
            }
        }
        self.membership_dirty = true;
    }

    /// The folder of a community founded here was created, or not.
    fn created(&mut self, c: &CommunityId, result: Result<(), String>) {
        let request = self.creating.remove(c);
        match result {
            Ok(()) => {
                if let Some(r) = self.replicas.get_mut(c) {
                    r.created();
                }
                self.own.touch(self.now);
                if let Some(request) = request {
                    self.done(request, Done::Created(Ok(c.clone())));
                }
            }
            Err(error) => {
                self.replicas.remove(c);
                self.membership_dirty = true;
                if let Some(request) = request {
                    self.done(request, Done::Created(Err(PeerError::Store(error))));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use crate::test_device::*;

    /// Regression: an edit whose save fails must leave no trace, in memory or on disk, and
    /// nothing of it may leave the device.
    #[test]
    fn a_failed_save_leaves_no_trace_and_sends_nothing() {
        let mut a = Device::new(member(0));
        let c = a.create();
        let heads = a.heads(&c);
        a.disk.fail_next_append = true;
        let id = RequestId(999);
        let outputs = a.feed(Input::Edit {
            request: id,
            community: c.clone(),
            command: copse_core::Command::AddObjective {
                text: "never saved".into(),
            },
        });
        assert!(outputs.iter().any(|o| matches!(
            o,
            Output::Done { request, done: Done::Applied(Err(_)) } if *request == id
        )));
        assert!(
            !outputs
                .iter()
                .any(|o| matches!(o, Output::Net(NetOp::SendSync { .. }))),
            "something of the failed edit went out"
        );
        assert_eq!(a.heads(&c), heads, "the failed edit stayed in memory");
        assert_eq!(a.disk.community(&c).unwrap().doc().get_heads(), heads);
    }
}
