//! [`PeerHandle`]: the cloneable, bounded way into a running runtime, and [`start`] /
//! [`start_offline`] which set one up.

use std::path::PathBuf;

use copse_core::record::Role;
use copse_core::{Command, CommunityId, MemberId, NewCommunity};
use copse_hub::{
    EditApplied, Hub, HubConfig, Imported, Invitation, Joined, PeerError, PeerEvent, Status,
};
use rand::RngCore;
use tokio::sync::{broadcast, mpsc, oneshot};

use crate::ask::{self, Ask};
use crate::command::PeerCommand;
use crate::disk_store::DiskStore;
use crate::outbox::Outbox;
use crate::runtime::{Runtime, StoreLink};
use crate::search_link::SearchLink;
use crate::waiters::Waiters;
use crate::{Exported, Profile, store_thread};

/// Capacity of the command channel.
const COMMANDS: usize = 1024;
/// Events kept for a slow listener before it lags.
const EVENTS: usize = 4096;
/// Store results queued.
const RESULTS: usize = 4096;

/// How a peer starts.
#[derive(Debug, Clone)]
pub struct PeerConfig {
    /// Profile directory.
    pub data_dir: PathBuf,
    /// Multiaddrs to listen on.
    pub listen: Vec<String>,
    /// Find members on the local network.
    pub mdns: bool,
    /// Addresses to dial at start (e.g. an always-on peer), with or without `/p2p/<id>`.
    pub bootstrap: Vec<String>,
    /// Relays to keep a reservation on (addresses ending in `/p2p/<relay id>`).
    pub relays: Vec<String>,
    /// Addresses this host knows it is reachable at from outside.
    pub external: Vec<String>,
    /// Serve as a circuit relay for others.
    pub relay_server: Option<copse_net::RelayServer>,
    /// Ask the router for a port mapping (UPnP), where it offers one.
    pub upnp: bool,
}

impl PeerConfig {
    /// Every interface, TCP and QUIC, random ports, mDNS on.
    pub fn new(data_dir: PathBuf) -> Self {
        Self {
            data_dir,
            listen: vec![
                "/ip4/0.0.0.0/tcp/0".into(),
                "/ip4/0.0.0.0/udp/0/quic-v1".into(),
            ],
            mdns: true,
            bootstrap: Vec::new(),
            relays: Vec::new(),
            external: Vec::new(),
            relay_server: None,
            upnp: true,
        }
    }

    /// Loopback TCP only, no mDNS (tests, benchmarks).
    pub fn loopback(data_dir: PathBuf) -> Self {
        Self {
            data_dir,
            listen: vec!["/ip4/127.0.0.1/tcp/0".into()],
            mdns: false,
            upnp: false,
            ..Self::new(PathBuf::new())
        }
    }
}

/// A subscription to what the runtime reports.
#[derive(Debug)]
pub struct PeerEvents {
    rx: broadcast::Receiver<PeerEvent>,
}

impl PeerEvents {
    /// The next event; `None` once the runtime stopped. A listener that fell behind gets
    /// [`PeerEvent::Lagged`] instead of what it missed: the runtime never waits for it.
    pub async fn recv(&mut self) -> Option<PeerEvent> {
        match self.rx.recv().await {
            Ok(ev) => Some(ev),
            Err(broadcast::error::RecvError::Lagged(missed)) => Some(PeerEvent::Lagged { missed }),
            Err(broadcast::error::RecvError::Closed) => None,
        }
    }

    /// An event if one is there, without waiting.
    pub fn try_recv(&mut self) -> Option<PeerEvent> {
        match self.rx.try_recv() {
            Ok(ev) => Some(ev),
            Err(broadcast::error::TryRecvError::Lagged(missed)) => {
                Some(PeerEvent::Lagged { missed })
            }
            Err(_) => None,
        }
    }
}

/// Sends requests to the runtime. Cheap to clone.
#[derive(Debug, Clone)]
pub struct PeerHandle {
    tx: mpsc::Sender<PeerCommand>,
    me: MemberId,
    events: broadcast::Sender<PeerEvent>,
    net: Option<copse_net::NetHandle>,
}

/// Opens the profile and starts the network and the runtime on the current tokio runtime.
/// Every community is loaded before this returns (call it off a UI thread). The profile
/// must have an identity (`init`).
pub fn start(config: PeerConfig) -> Result<(PeerHandle, PeerEvents), PeerError> {
    launch(config, true)
}

/// Like [`start`], without a network: the CLI's way to a profile no `serve` runs on. Reads
/// and edits behave exactly as with a network; joining is refused.
pub fn start_offline(data_dir: PathBuf) -> Result<(PeerHandle, PeerEvents), PeerError> {
    launch(PeerConfig::loopback(data_dir), false)
}

fn launch(config: PeerConfig, networked: bool) -> Result<(PeerHandle, PeerEvents), PeerError> {
    let profile = Profile::open(&config.data_dir)?;
    let identity = profile.identity()?.clone();
    let details = profile.my_details()?;
    let (disk, startup) = DiskStore::open(profile.into_dir());
    let (results_tx, results) = mpsc::channel(RESULTS);
    let (jobs, thread) = store_thread::spawn(disk, results_tx)
        .map_err(|e| PeerError::Store(format!("could not start the store thread: {e}")))?;
    let clock = crate::clock::RuntimeClock::start();
    let (hub, first) = Hub::new(
        HubConfig {
            signer: copse_core::guard::Signer::from_seed(identity.key.seed()),
            seed: rand::rngs::OsRng.next_u64(),
            details,
            online: networked,
            relays: config.relays.clone(),
        },
        startup,
        clock.now(),
    );
    let (net_events, net_out, net_handle) = if networked {
        let mut net_config = copse_net::NetConfig::new(identity.key.seed());
        net_config.listen = config.listen.clone();
        net_config.mdns = config.mdns;
        net_config.upnp = config.upnp;
        net_config.external = config.external.clone();
        net_config.relay_server = config.relay_server.clone();
        let (handle, events, event_loop) =
            copse_net::new(net_config).map_err(|e| PeerError::Invalid(e.to_string()))?;
        tokio::spawn(event_loop.run());
        (
            Some(events),
            Some(Outbox::new(handle.sender())),
            Some(handle),
        )
    } else {
        (None, None, None)
    };
    let (tx, rx) = mpsc::channel(COMMANDS);
    let (events, first_listener) = broadcast::channel(EVENTS);
    let search = SearchLink::start(&config.data_dir, events.clone())
        .map_err(|e| PeerError::Store(format!("could not start the search thread: {e}")))?;
    let mut runtime = Runtime {
        hub,
        commands: rx,
        events: events.clone(),
        net_events,
        net_out,
        store: StoreLink {
            outbox: Outbox::new(jobs),
            results,
            thread: Some(thread),
        },
        search,
        participation: crate::participation_link::ParticipationLink::new(),
        profile_dir: config.data_dir.clone(),
        waiters: Waiters::default(),
        clock,
        again: std::collections::VecDeque::new(),
    };
    for output in first {
        runtime.carry(output);
    }
    runtime.search.tick(&runtime.hub);
    if !config.bootstrap.is_empty() {
        runtime.feed(copse_hub::Input::Dial {
            addrs: config.bootstrap,
        });
    }
    let short = &identity.member.as_str()[identity.member.as_str().len().saturating_sub(6)..];
    let span = tracing::info_span!("peer", me = %short);
    tokio::spawn(tracing::Instrument::instrument(runtime.run(), span));
    Ok((
        PeerHandle {
            tx,
            me: identity.member,
            events,
            net: net_handle,
        },
        PeerEvents { rx: first_listener },
    ))
}

impl PeerHandle {
    /// This device's member id.
    pub fn member_id(&self) -> &MemberId {
        &self.me
    }

    /// Another subscription to the runtime's events.
    pub fn subscribe(&self) -> PeerEvents {
        PeerEvents {
            rx: self.events.subscribe(),
        }
    }

    async fn call<T>(
        &self,
        make: impl FnOnce(oneshot::Sender<T>) -> PeerCommand,
    ) -> Result<T, PeerError> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(make(reply))
            .await
            .map_err(|_| PeerError::Stopped)?;
        rx.await.map_err(|_| PeerError::Stopped)
    }

    /// Runs a request and waits for its answer (for edits: until they are on disk).
    pub async fn ask<Q: Ask>(&self, request: Q) -> Result<Q::Answer, PeerError> {
        self.call(|reply| PeerCommand::Ask(request.with_reply(reply)))
            .await?
    }

    /// Queues a request without waiting; the answer arrives on the returned channel. For
    /// UI threads that must never block. Fails at once if the runtime is busy or gone.
    pub fn try_ask<Q: Ask>(
        &self,
        request: Q,
    ) -> Result<oneshot::Receiver<Result<Q::Answer, PeerError>>, PeerError> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .try_send(PeerCommand::Ask(request.with_reply(reply)))
            .map_err(|e| match e {
                mpsc::error::TrySendError::Full(_) => PeerError::Busy,
                mpsc::error::TrySendError::Closed(_) => PeerError::Stopped,
            })?;
        Ok(rx)
    }

    /// Applies an edit; returns once it is on disk.
    pub async fn edit(
        &self,
        community: &CommunityId,
        command: Command,
    ) -> Result<EditApplied, PeerError> {
        self.ask(ask::Edit {
            community: community.clone(),
            command,
        })
        .await
    }

    /// Founds a community with this device's member as coordinator.
    pub async fn create_community(&self, spec: NewCommunity) -> Result<CommunityId, PeerError> {
        self.ask(ask::CreateCommunity { spec }).await
    }

    /// Creates an invitation.
    pub async fn invite(
        &self,
        community: &CommunityId,
        valid_ms: i64,
        uses: u64,
        role: Role,
    ) -> Result<Invitation, PeerError> {
        self.ask(ask::Invite {
            community: community.clone(),
            valid_ms,
            uses,
            role,
        })
        .await
    }

    /// Joins with a ticket (details default to those given at `init`).
    pub async fn join(
        &self,
        ticket: &str,
        details: Option<copse_core::record::MemberDetails>,
    ) -> Result<Joined, PeerError> {
        self.ask(ask::Join {
            ticket: ticket.to_owned(),
            details,
        })
        .await
    }

    /// Takes in a community file.
    pub async fn import(&self, path: PathBuf) -> Result<Imported, PeerError> {
        self.ask(ask::Import { path }).await
    }

    /// Writes a community as a plain saved Automerge document.
    pub async fn export(
        &self,
        community: &CommunityId,
        out: PathBuf,
    ) -> Result<Exported, PeerError> {
        self.ask(ask::Export {
            community: community.clone(),
            out,
        })
        .await
    }

    /// Network and sync status.
    pub async fn status(&self) -> Result<Status, PeerError> {
        self.ask(ask::Status).await
    }

    /// Cuts a peer off (partition tests, or a member who misbehaves) until unblocked.
    pub async fn block(&self, member: MemberId) -> Result<(), PeerError> {
        self.call(|reply| PeerCommand::Block {
            member,
            block: true,
            reply,
        })
        .await
    }

    /// Lifts a block.
    pub async fn unblock(&self, member: MemberId) -> Result<(), PeerError> {
        self.call(|reply| PeerCommand::Block {
            member,
            block: false,
            reply,
        })
        .await
    }

    /// Dials addresses now (e.g. an always-on peer).
    pub async fn dial(&self, addrs: Vec<String>) -> Result<(), PeerError> {
        self.call(|reply| PeerCommand::Dial { addrs, reply }).await
    }

    /// Bytes received per protocol so far (zero without a network).
    pub fn traffic(&self) -> copse_net::TrafficStats {
        self.net
            .as_ref()
            .map(copse_net::NetHandle::traffic)
            .unwrap_or_default()
    }

    /// Saves sync states and caches, stops the network and the store (releasing the
    /// profile), and waits until done.
    pub async fn shutdown(&self) {
        let _ = self.call(|reply| PeerCommand::Shutdown { reply }).await;
    }
}
