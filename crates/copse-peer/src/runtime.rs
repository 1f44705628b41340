//! [`Runtime`]: the plumbing around a [`Hub`]. One task selects over client commands,
//! network events, store results, search and participation notes and a tick; each becomes
//! a hub input (or, for reads, an answer in place: `requests`), and the hub's outputs are
//! carried out: network operations to copse-net, store operations to the store thread,
//! events to subscribers, finished requests to the callers waiting for them.
//!
//! Nothing here waits on the network or the store: both are fed through [`Outbox`]es that
//! keep what does not fit and hand it over as room appears, so no loop can block another.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use copse_hub::{Hub, Input, Output, PeerError, PeerEvent, StoreResult};
use copse_net::{NetEvent, NetOp};
use tokio::sync::{broadcast, mpsc};

use crate::clock::RuntimeClock;
use crate::command::PeerCommand;
use crate::outbox::Outbox;
use crate::participation_link::ParticipationLink;
use crate::search_link::SearchLink;
use crate::slow_step;
use crate::store_thread::Job;
use crate::waiters::Waiters;

const TICK: Duration = Duration::from_millis(500);

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
    /// The network's events and operations, when there is a network.
    pub(crate) net_events: Option<mpsc::Receiver<NetEvent>>,
    pub(crate) net_out: Option<Outbox<NetOp>>,
    pub(crate) store: StoreLink,
    pub(crate) search: SearchLink,
    pub(crate) participation: ParticipationLink,
    pub(crate) profile_dir: PathBuf,
    /// Callers waiting for the hub to finish their requests.
    pub(crate) waiters: Waiters,
    /// What `now` is for the hub.
    pub(crate) clock: RuntimeClock,
    /// Inputs the hub handed back to be fed again (`Output::Continue`): each waits its
    /// turn among everything else that is ready.
    pub(crate) again: VecDeque<Input>,
}

async fn next_net(events: &mut Option<mpsc::Receiver<NetEvent>>) -> Option<NetEvent> {
    match events {
        Some(e) => e.recv().await,
        None => std::future::pending().await,
    }
}

async fn net_room(out: &mut Option<Outbox<NetOp>>) {
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
                // The user's requests first: whatever peers send, the device answers its
                // user within one step (a step is bounded: `STEP_CHANGES`).
                biased;
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
                    Some(ev) => self.feed(Input::Net(ev)),
                    None => {
                        tracing::warn!("the network stopped");
                        self.net_events = None;
                    }
                },
                Some(result) = self.store.results.recv() => self.feed(Input::Stored(result)),
                Some(note) = self.search.notes.recv() => self.search.note(&self.hub, note),
                Some(built) = self.participation.done.recv() => {
                    self.participation.built(&self.hub, built, self.clock.now());
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
                // Last: the user's requests and other peers get their turns in between.
                _ = std::future::ready(()), if !self.again.is_empty() => {
                    if let Some(input) = self.again.pop_front() {
                        self.feed(input);
                    }
                }
            }
        }
        self.stop().await;
    }

    /// Hands one input to the hub and carries out what it says.
    pub(crate) fn feed(&mut self, input: Input) {
        let what = slow_step::label(&input);
        let started = Instant::now();
        for output in self.hub.handle(self.clock.now(), input) {
            self.carry(output);
        }
        slow_step::note(what, started);
    }

    pub(crate) fn carry(&mut self, output: Output) {
        match output {
            Output::Net(op) => {
                if let Some(out) = &mut self.net_out {
                    out.push(op);
                }
            }
            Output::Store(op) => self.store.outbox.push(Job::Op(op)),
            // Nobody listening is fine; a slow listener lags (and is told so).
            Output::Event(ev) => drop(self.events.send(ev)),
            Output::Index { community } => self.search.changed(&community),
            Output::Done { request, done } => self.waiters.finish(request, done),
            Output::Continue(input) => self.again.push_back(input),
        }
    }

    fn command(&mut self, cmd: PeerCommand) {
        match cmd {
            PeerCommand::Ask(asked) => {
                let what = slow_step::label(&asked);
                let started = Instant::now();
                self.asked(asked);
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

    /// Saves what should outlive the process, stops the network and the store thread (which
    /// releases the profile), and fails whatever still waits.
    async fn stop(&mut self) {
        // Search first: its index must be closed before the store thread releases the
        // profile (another process may take it then). A build in progress gives up.
        if let Some(t) = self.search.stop() {
            let _ = tokio::task::spawn_blocking(move || t.join()).await;
        }
        // The hub saves what it keeps and stops the network.
        self.feed(Input::Shutdown);
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
        self.waiters.fail_all(&PeerError::Stopped);
    }
}
