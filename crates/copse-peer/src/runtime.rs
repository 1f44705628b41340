//! [`Runtime`]: the plumbing around a [`Hub`]. One task selects over client commands,
//! network events, store results and a tick; each becomes a hub input, and the hub's
//! outputs are carried out: network operations to copse-net, store operations to the store
//! thread, events to subscribers, results to the callers waiting for them. Reads are
//! answered from the hub's documents in place.
//!
//! Nothing here waits on the network or the store: both are fed through [`Outbox`]es that
//! keep what does not fit and hand it over as room appears, so no loop can block another.

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::{Duration, Instant};

use copse_core::ticket::Ticket;
use copse_hub::{
    Done, Hub, Input, JoinFailure, Output, PeerError, PeerEvent, RequestId, StoreResult,
};
use copse_net::{NetCommand, NetEvent};
use tokio::sync::{broadcast, mpsc, oneshot};

use crate::answer::{self, Context};
use crate::local_state::LocalStates;
use crate::outbox::Outbox;
use crate::participation_link::{ParticipationLink, Want};
use crate::query_reply::Whoami;
use crate::search_link::SearchLink;
use crate::search_thread::Ask;
use crate::store_thread::Job;
use crate::{Reply, Request, net_bridge, now, slow_step};

const TICK: Duration = Duration::from_millis(500);

/// Where a caller waits for its answer.
pub(crate) type ReplyTo = oneshot::Sender<Result<Reply, PeerError>>;

/// Commands a [`crate::PeerHandle`] sends.
#[derive(Debug)]
pub(crate) enum PeerCommand {
    Request {
        req: Request,
        reply: ReplyTo,
    },
    Block {
        member: copse_core::MemberId,
        block: bool,
        reply: oneshot::Sender<()>,
    },
    Dial {
        addrs: Vec<String>,
        reply: oneshot::Sender<()>,
    },
    Shutdown {
        reply: oneshot::Sender<()>,
    },
}

/// The store side.
pub(crate) struct StoreLink {
    pub(crate) outbox: Outbox<Job>,
    pub(crate) results: mpsc::Receiver<StoreResult>,
    pub(crate) thread: Option<std::thread::JoinHandle<()>>,
}

pub(crate) struct Runtime {
    pub(crate) hub: Hub,
    pub(crate) commands: mpsc::Receiver<PeerCommand>,
    pub(crate) events: broadcast::Sender<PeerEvent>,
    /// The network's events and commands, when there is a network.
    pub(crate) net_events: Option<mpsc::Receiver<NetEvent>>,
    pub(crate) net_out: Option<Outbox<NetCommand>>,
    pub(crate) store: StoreLink,
    pub(crate) search: SearchLink,
    pub(crate) participation: ParticipationLink,
    pub(crate) locals: LocalStates,
    pub(crate) whoami: Whoami,
    pub(crate) waiting: BTreeMap<RequestId, ReplyTo>,
    pub(crate) next_request: u64,
}

async fn next_net(events: &mut Option<mpsc::Receiver<NetEvent>>) -> Option<NetEvent> {
    match events {
        Some(e) => e.recv().await,
        None => std::future::pending().await,
    }
}

async fn net_room(out: &mut Option<Outbox<NetCommand>>) {
    match out {
        Some(o) => o.room().await,
        None => std::future::pending().await,
    }
}

impl Runtime {
    pub(crate) async fn run(mut self) {
        // The first tick comes one period after start: the views a window asks for on
        // start are served before the housekeeping.
        let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + TICK, TICK);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut search_flush = tokio::time::interval(crate::search_link::FLUSH);
        search_flush.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            let net_backed_up = self.net_out.as_ref().is_some_and(Outbox::is_backed_up);
            let store_backed_up = self.store.outbox.is_backed_up();
            tokio::select! {
                cmd = self.commands.recv() => match cmd {
                    Some(PeerCommand::Shutdown { reply }) => {
                        self.stop().await;
                        let _ = reply.send(());
                        return;
                    }
                    Some(cmd) => self.command(cmd),
                    None => break,
                },
                ev = next_net(&mut self.net_events) => match ev {
                    Some(ev) => self.feed(net_bridge::input_of(ev)),
                    None => {
                        tracing::warn!("the network stopped");
                        self.net_events = None;
                    }
                },
                Some(result) = self.store.results.recv() => self.feed(Input::Stored(result)),
                Some(note) = self.search.notes.recv() => self.search.note(&self.hub, note),
                Some(built) = self.participation.done.recv() => {
                    self.participation.built(&self.hub, built);
                }
                _ = tick.tick() => {
                    self.feed(Input::Tick);
                    self.search.tick(&self.hub);
                }
                _ = search_flush.tick(), if self.search.is_dirty() => {
                    self.search.flush(&self.hub);
                }
                _ = net_room(&mut self.net_out), if net_backed_up => {}
                _ = self.store.outbox.room(), if store_backed_up => {}
            }
        }
        self.stop().await;
    }

    /// Hands one input to the hub and carries out what it says.
    pub(crate) fn feed(&mut self, input: Input) {
        let what = slow_step::label(&input);
        let started = Instant::now();
        for output in self.hub.handle(now(), input) {
            self.carry(output);
        }
        slow_step::note(what, started);
    }

    pub(crate) fn carry(&mut self, output: Output) {
        match output {
            Output::Net(op) => {
                if let Some(out) = &mut self.net_out {
                    out.push(net_bridge::command_of(op));
                }
            }
            Output::Store(op) => self.store.outbox.push(Job::Op(op)),
            Output::Event(ev) => {
                if let PeerEvent::CommunityChanged { community, .. }
                | PeerEvent::Joined { community } = &ev
                {
                    self.search.changed(community);
                }
                // Nobody listening is fine; a slow listener lags (and is told so).
                let _ = self.events.send(ev);
            }
            Output::Done { request, result } => {
                if let Some(reply) = self.waiting.remove(&request) {
                    let _ = reply.send(result.map(reply_of));
                }
            }
        }
    }

    fn command(&mut self, cmd: PeerCommand) {
        match cmd {
            PeerCommand::Request { req, reply } => {
                let what = slow_step::label(&req);
                let started = Instant::now();
                self.request(req, reply);
                slow_step::note(what, started);
            }
            PeerCommand::Block {
                member,
                block,
                reply,
            } => {
                self.feed(if block {
                    Input::Block { member }
                } else {
                    Input::Unblock { member }
                });
                let _ = reply.send(());
            }
            PeerCommand::Dial { addrs, reply } => {
                self.feed(Input::Dial { addrs });
                let _ = reply.send(());
            }
            PeerCommand::Shutdown { .. } => {}
        }
    }

    /// Starts a local request in the hub; its answer comes with `Output::Done`.
    fn ask(&mut self, reply: ReplyTo, make: impl FnOnce(RequestId) -> Input) {
        let id = RequestId(self.next_request);
        self.next_request += 1;
        self.waiting.insert(id, reply);
        self.feed(make(id));
    }

    fn request(&mut self, req: Request, reply: ReplyTo) {
        match req {
            Request::Query(crate::Query::Search { community, search }) => {
                self.search
                    .ask(&self.hub, community, Ask::Search(search), reply);
            }
            Request::Query(crate::Query::Experts {
                community,
                topics,
                limit,
            }) => {
                let ask = Ask::Experts { topics, limit };
                self.search.ask(&self.hub, community, ask, reply);
            }
            Request::Query(crate::Query::Participation { community }) => {
                self.participation
                    .ask(&self.hub, community, Want::Levels, reply);
            }
            Request::Query(crate::Query::ForYou { community }) => {
                let want = Want::ForYou {
                    me: self.whoami.member_id.clone(),
                    seen_at: self.locals.get(&community).seen_at,
                };
                self.participation.ask(&self.hub, community, want, reply);
            }
            Request::Query(crate::Query::StoryPrompts { community }) => {
                let want = Want::StoryPrompts {
                    me: self.whoami.member_id.clone(),
                    done: self.locals.get(&community).story_prompts_done,
                };
                self.participation.ask(&self.hub, community, want, reply);
            }
            Request::Query(crate::Query::MeetupDigest { community }) => {
                self.participation
                    .ask(&self.hub, community, Want::MeetupDigest, reply);
            }
            Request::Query(crate::Query::StartHere { community }) => {
                let want = Want::StartHere(self.whoami.member_id.clone());
                self.participation.ask(&self.hub, community, want, reply);
            }
            Request::Query(crate::Query::Trajectory { community, member }) => {
                let want = Want::Trajectory(member);
                self.participation.ask(&self.hub, community, want, reply);
            }
            Request::Query(query) => {
                let mut cx = Context {
                    hub: &self.hub,
                    locals: &mut self.locals,
                    whoami: &self.whoami,
                    now: now(),
                    online: self.net_out.is_some(),
                };
                // Views read documents that came from other devices: a panic in there is an
                // error for this query, never the end of the runtime.
                let result = catch_unwind(AssertUnwindSafe(|| answer::answer(&mut cx, query)))
                    .unwrap_or_else(|_| {
                        Err(PeerError::Invalid(
                            "this part of the community could not be read".into(),
                        ))
                    });
                let _ = reply.send(result.map(Reply::Query));
                self.write_locals();
            }
            Request::Init { details } => {
                if details.name.trim().is_empty() {
                    let _ = reply.send(Err(PeerError::Invalid("a name is needed (--name)".into())));
                    return;
                }
                self.whoami.details = details.clone();
                self.store.outbox.push(Job::SetMe {
                    details,
                    member: self.whoami.member_id.clone(),
                    reply,
                });
            }
            Request::CreateCommunity { spec } => {
                let details = self.whoami.details.clone();
                self.ask(reply, |request| Input::Create {
                    request,
                    spec,
                    details,
                });
            }
            Request::Edit { community, command } => self.ask(reply, |request| Input::Edit {
                request,
                community,
                command,
            }),
            Request::Invite {
                community,
                valid_ms,
                uses,
                role,
            } => self.ask(reply, |request| Input::Invite {
                request,
                community,
                valid_ms,
                uses,
                role,
            }),
            Request::Join { ticket, details } => {
                if self.net_out.is_none() {
                    let _ = reply.send(Err(JoinFailure::NeedsNetwork.into()));
                    return;
                }
                let ticket = match Ticket::decode(&ticket) {
                    Ok(t) => t,
                    Err(e) => {
                        let _ = reply.send(Err(e.into()));
                        return;
                    }
                };
                let details = details
                    .filter(|d| !d.name.trim().is_empty())
                    .unwrap_or_else(|| self.whoami.details.clone());
                self.ask(reply, |request| Input::Join {
                    request,
                    ticket,
                    details,
                });
            }
            Request::Import { path } => self.ask(reply, |request| Input::Import { request, path }),
            Request::CancelJoin => self.ask(reply, |request| Input::CancelJoins { request }),
            Request::Export { community, out } => {
                if self.hub.community(&community).is_none() {
                    let _ = reply.send(Err(PeerError::UnknownCommunity(community)));
                    return;
                }
                self.store.outbox.push(Job::Export {
                    community,
                    path: out,
                    reply,
                });
            }
            Request::Compact { community } => {
                if self.hub.community(&community).is_none() {
                    let _ = reply.send(Err(PeerError::UnknownCommunity(community)));
                    return;
                }
                self.store.outbox.push(Job::Compact { community, reply });
            }
            Request::MarkRead {
                community,
                thread,
                posts,
            } => {
                if self.hub.community(&community).is_none() {
                    let _ = reply.send(Err(PeerError::UnknownCommunity(community)));
                    return;
                }
                self.locals.update(&community, |s| {
                    let seen = s.read.entry(thread).or_default();
                    *seen = (*seen).max(posts);
                });
                self.write_locals();
                let _ = reply.send(Ok(Reply::Done));
            }
            Request::DismissStoryPrompt { community, key } => {
                if self.hub.community(&community).is_none() {
                    let _ = reply.send(Err(PeerError::UnknownCommunity(community)));
                    return;
                }
                self.locals.update(&community, |s| {
                    s.story_prompts_done.insert(key);
                });
                self.write_locals();
                let _ = reply.send(Ok(Reply::Done));
            }
            Request::MarkSeen { community } => {
                let Some(c) = self.hub.community(&community) else {
                    let _ = reply.send(Err(PeerError::UnknownCommunity(community)));
                    return;
                };
                let heads: Vec<String> = c
                    .doc()
                    .get_heads()
                    .iter()
                    .map(ToString::to_string)
                    .collect();
                let at = now().0;
                self.locals.update(&community, |s| {
                    s.seen_heads = heads;
                    s.seen_at = at;
                });
                self.write_locals();
                let _ = reply.send(Ok(Reply::Done));
            }
        }
    }

    fn write_locals(&mut self) {
        for (community, bytes) in self.locals.take_writes() {
            self.store.outbox.push(Job::Local { community, bytes });
        }
    }

    /// Saves what should outlive the process, stops the network and the store thread (which
    /// releases the profile), and fails whatever still waits.
    async fn stop(&mut self) {
        // Search first: its index must be closed before the store thread releases the
        // profile (another process may take it then). A build in progress gives up.
        if let Some(t) = self.search.stop() {
            let _ = tokio::task::spawn_blocking(move || t.join()).await;
        }
        self.feed(Input::Shutdown);
        if let Some(out) = &mut self.net_out {
            out.push(NetCommand::Shutdown);
        }
        self.store.outbox.push(Job::Stop);
        // Hand over everything queued; store results keep being drained meanwhile so the
        // store thread never waits on us.
        loop {
            let net_backed_up = self.net_out.as_ref().is_some_and(Outbox::is_backed_up);
            if !net_backed_up && !self.store.outbox.is_backed_up() {
                break;
            }
            tokio::select! {
                _ = net_room(&mut self.net_out), if net_backed_up => {}
                _ = self.store.outbox.room(), if self.store.outbox.is_backed_up() => {}
                Some(result) = self.store.results.recv() => self.feed(Input::Stored(result)),
            }
        }
        // The store thread ends after `Stop`, closing the results channel. What it
        // finishes meanwhile still answers its callers.
        while let Some(result) = self.store.results.recv().await {
            self.feed(Input::Stored(result));
        }
        if let Some(t) = self.store.thread.take() {
            let _ = tokio::task::spawn_blocking(move || t.join()).await;
        }

        for (_, reply) in std::mem::take(&mut self.waiting) {
            let _ = reply.send(Err(PeerError::Stopped));
        }
    }
}

/// A finished hub request as the client's reply.
fn reply_of(done: Done) -> Reply {
    match done {
        Done::Applied(a) => Reply::Applied(a),
        Done::Invited(i) => Reply::Invitation(i),
        Done::Joined(j) => Reply::Joined(j),
        Done::Created(c) => Reply::Community(c),
        Done::Imported(i) => Reply::Imported(i),
        Done::Nothing => Reply::Done,
    }
}
