//! Where each request goes: reads are answered in place (`answer`, behind `catch_unwind`:
//! views read documents that came from other devices); searches and participation go to
//! their threads; everything else becomes a hub input, and its caller waits in `waiters`
//! for the hub to say it is done (once it is on disk).

use std::panic::{AssertUnwindSafe, catch_unwind};

use copse_hub::{Input, PeerError};

use crate::Whoami;
use crate::answer;
use crate::ask::{Asked, Reply};
use crate::participation_link::Want;
use crate::runtime::Runtime;
use crate::search_thread::Ask;

/// Answers `reply` with `read`, run behind `catch_unwind`: a view that panics on a document
/// from another device is an error for this request, never the end of the runtime.
fn read<T>(reply: Reply<T>, read: impl FnOnce() -> Result<T, PeerError>) {
    let result = catch_unwind(AssertUnwindSafe(read)).unwrap_or_else(|_| {
        Err(PeerError::Invalid(
            "this part of the community could not be read".into(),
        ))
    });
    let _ = reply.send(result);
}

impl Runtime {
    /// Routes one request.
    pub(crate) fn asked(&mut self, asked: Asked) {
        let hub = &self.hub;
        let at = self.clock.now();
        match asked {
            Asked::Whoami(_, reply) => {
                let _ = reply.send(Ok(Whoami {
                    member_id: hub.me().clone(),
                    details: hub.details().clone(),
                    profile_dir: self.profile_dir.clone(),
                }));
            }
            Asked::ListCommunities(_, reply) => read(reply, || Ok(answer::communities(hub))),
            Asked::Show(q, reply) => read(reply, || answer::show(hub, &q)),
            Asked::Profile(q, reply) => read(reply, || answer::profile(hub, &q)),
            Asked::Threads(q, reply) => read(reply, || answer::threads(hub, &q)),
            Asked::Thread(q, reply) => read(reply, || answer::thread(hub, &q)),
            Asked::Members(q, reply) => read(reply, || answer::members(hub, &q)),
            Asked::Invites(q, reply) => read(reply, || answer::invites(hub, &q)),
            Asked::Articles(q, reply) => read(reply, || answer::articles(hub, &q)),
            Asked::Article(q, reply) => read(reply, || answer::article(hub, &q)),
            Asked::ArticleAt(q, reply) => read(reply, || answer::article_at(hub, &q)),
            Asked::ArticleHistory(q, reply) => read(reply, || answer::article_history(hub, &q)),
            Asked::Events(q, reply) => read(reply, || answer::events(hub, &q, at)),
            Asked::Event(q, reply) => read(reply, || answer::event(hub, &q)),
            Asked::Tasks(q, reply) => read(reply, || answer::tasks(hub, &q)),
            Asked::Resources(q, reply) => read(reply, || answer::resources(hub, &q)),
            Asked::ReadState(q, reply) => read(reply, || answer::read_state(hub, &q)),
            Asked::WhatsNew(q, reply) => {
                self.feed(Input::FirstLook {
                    community: q.community.clone(),
                });
                let hub = &self.hub;
                read(reply, || answer::whats_new(hub, &q));
            }
            Asked::Contributions(q, reply) => read(reply, || answer::contributions(hub, &q)),
            Asked::Stories(q, reply) => read(reply, || answer::stories(hub, &q)),
            Asked::Meetup(q, reply) => read(reply, || answer::meetup(hub, &q, at)),
            Asked::Status(_, reply) => read(reply, || Ok(hub.status())),
            Asked::Heads(q, reply) => read(reply, || answer::heads(hub, &q)),
            Asked::Refused(q, reply) => read(reply, || answer::refused(hub, &q)),
            Asked::Search(q, reply) => {
                let ask = Ask::Search(q.search, reply);
                self.search.ask(&self.hub, q.community, ask);
            }
            Asked::Experts(q, reply) => {
                let ask = Ask::Experts {
                    topics: q.topics,
                    limit: q.limit,
                    reply,
                };
                self.search.ask(&self.hub, q.community, ask);
            }
            Asked::Participation(q, reply) => {
                self.participation
                    .ask(&self.hub, q.community, Want::Levels(reply), at);
            }
            Asked::Trajectory(q, reply) => {
                let want = Want::Trajectory(q.member, reply);
                self.participation.ask(&self.hub, q.community, want, at);
            }
            Asked::ForYou(q, reply) => {
                let want = Want::ForYou {
                    me: hub.me().clone(),
                    seen_at: hub.local_state(&q.community).seen_at,
                    reply,
                };
                self.participation.ask(&self.hub, q.community, want, at);
            }
            Asked::StartHere(q, reply) => {
                let want = Want::StartHere(hub.me().clone(), reply);
                self.participation.ask(&self.hub, q.community, want, at);
            }
            Asked::StoryPrompts(q, reply) => {
                let want = Want::StoryPrompts {
                    me: hub.me().clone(),
                    done: hub.local_state(&q.community).story_prompts_done,
                    reply,
                };
                self.participation.ask(&self.hub, q.community, want, at);
            }
            Asked::MeetupDigest(q, reply) => {
                self.participation
                    .ask(&self.hub, q.community, Want::MeetupDigest(reply), at);
            }
            Asked::Init(q, reply) => {
                let request = self.waiters.wait(|w| &mut w.details, reply);
                self.feed(Input::SetDetails {
                    request,
                    details: q.details,
                });
            }
            Asked::CreateCommunity(q, reply) => {
                let request = self.waiters.wait(|w| &mut w.created, reply);
                self.feed(Input::Create {
                    request,
                    spec: q.spec,
                });
            }
            Asked::Edit(q, reply) => {
                let request = self.waiters.wait(|w| &mut w.applied, reply);
                self.feed(Input::Edit {
                    request,
                    community: q.community,
                    command: q.command,
                });
            }
            Asked::Invite(q, reply) => {
                let request = self.waiters.wait(|w| &mut w.invited, reply);
                self.feed(Input::Invite {
                    request,
                    community: q.community,
                    valid_ms: q.valid_ms,
                    uses: q.uses,
                    role: q.role,
                });
            }
            Asked::Join(q, reply) => {
                let request = self.waiters.wait(|w| &mut w.joined, reply);
                self.feed(Input::Join {
                    request,
                    ticket: q.ticket,
                    details: q.details,
                });
            }
            Asked::CancelJoin(_, reply) => {
                let request = self.waiters.wait(|w| &mut w.nothing, reply);
                self.feed(Input::CancelJoins { request });
            }
            Asked::Import(q, reply) => {
                let request = self.waiters.wait(|w| &mut w.imported, reply);
                self.feed(Input::Import {
                    request,
                    path: q.path,
                });
            }
            Asked::Export(q, reply) => {
                let request = self.waiters.wait(|w| &mut w.exported, reply);
                self.feed(Input::Export {
                    request,
                    community: q.community,
                    path: q.out,
                });
            }
            Asked::Compact(q, reply) => {
                let request = self.waiters.wait(|w| &mut w.nothing, reply);
                self.feed(Input::Compact {
                    request,
                    community: q.community,
                });
            }
            Asked::MarkRead(q, reply) => {
                let request = self.waiters.wait(|w| &mut w.nothing, reply);
                self.feed(Input::MarkRead {
                    request,
                    community: q.community,
                    thread: q.thread,
                    posts: q.posts,
                });
            }
            Asked::MarkSeen(q, reply) => {
                let request = self.waiters.wait(|w| &mut w.nothing, reply);
                self.feed(Input::MarkSeen {
                    request,
                    community: q.community,
                });
            }
            Asked::UseRelays(q, reply) => {
                self.feed(Input::UseRelays { relays: q.relays });
                let _ = reply.send(Ok(()));
            }
            Asked::DismissStoryPrompt(q, reply) => {
                let request = self.waiters.wait(|w| &mut w.nothing, reply);
                self.feed(Input::DismissStoryPrompt {
                    request,
                    community: q.community,
                    key: q.key,
                });
            }
        }
    }
}
