//! [`PeerHandle`]: the cloneable, bounded way into a running [`crate::runtime::Runtime`].

use std::path::PathBuf;

use copse_core::MemberId;
use serde_json::Value;
use tokio::sync::{mpsc, oneshot};

use crate::runtime::{PeerCommand, Runtime};
use crate::{Device, PeerError, PeerEvent, Request, Status};

/// Capacity of the command and event channels.
const CHANNEL: usize = 1024;

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
        }
    }

    /// Loopback TCP only, no mDNS (tests, benchmarks).
    pub fn loopback(data_dir: PathBuf) -> Self {
        Self {
            data_dir,
            listen: vec!["/ip4/127.0.0.1/tcp/0".into()],
            mdns: false,
            bootstrap: Vec::new(),
        }
    }
}

/// Sends requests to the runtime. Cheap to clone.
#[derive(Debug, Clone)]
pub struct PeerHandle {
    tx: mpsc::Sender<PeerCommand>,
    me: MemberId,
}

/// Opens the profile and starts the network and the runtime on the current tokio runtime.
/// The profile must have an identity (`init`).
pub fn start(config: PeerConfig) -> Result<(PeerHandle, mpsc::Receiver<PeerEvent>), PeerError> {
    let device = Device::open(&config.data_dir)?;
    let identity = device.identity()?.clone();
    let mut net_config = copse_net::NetConfig::new(identity.key.seed());
    net_config.listen = config.listen.clone();
    net_config.mdns = config.mdns;
    let (net, net_events, event_loop) =
        copse_net::new(net_config).map_err(|e| PeerError::Invalid(e.to_string()))?;
    tokio::spawn(event_loop.run());
    let (tx, rx) = mpsc::channel(CHANNEL);
    let (ev_tx, ev_rx) = mpsc::channel(CHANNEL * 4);
    let runtime = Runtime::new(device, net, net_events, rx, ev_tx, config.bootstrap)?;
    let span = tracing::info_span!("peer", me = %&identity.member.as_str()[identity.member.as_str().len().saturating_sub(6)..]);
    tokio::spawn(tracing::Instrument::instrument(runtime.run(), span));
    Ok((
        PeerHandle {
            tx,
            me: identity.member,
        },
        ev_rx,
    ))
}

impl PeerHandle {
    /// This device's member id.
    pub fn member_id(&self) -> &MemberId {
        &self.me
    }

    async fn call<T>(
        &self,
        make: impl FnOnce(oneshot::Sender<T>) -> PeerCommand,
    ) -> Result<T, PeerError> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(make(reply))
            .await
            .map_err(|_| PeerError::Invalid("the Copse runtime has stopped".into()))?;
        rx.await
            .map_err(|_| PeerError::Invalid("the Copse runtime stopped before answering".into()))
    }

    /// Runs a request (as the CLI would) and returns its JSON reply.
    pub async fn request(&self, req: Request) -> Result<Value, PeerError> {
        self.call(|reply| PeerCommand::Request { req, reply })
            .await?
    }

    /// Queues a request without waiting; the reply arrives on the returned channel. For UI
    /// threads that must never block. Fails at once if the runtime is busy or gone.
    pub fn try_request(
        &self,
        req: Request,
    ) -> Result<oneshot::Receiver<Result<Value, PeerError>>, PeerError> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .try_send(PeerCommand::Request { req, reply })
            .map_err(|_| PeerError::Invalid("Copse is busy; try again in a moment".into()))?;
        Ok(rx)
    }

    /// Network and sync status.
    pub async fn status(&self) -> Result<Status, PeerError> {
        self.call(|reply| PeerCommand::Status { reply }).await
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

    /// Bytes received per protocol so far.
    pub async fn traffic(&self) -> Result<copse_net::TrafficStats, PeerError> {
        self.call(|reply| PeerCommand::Traffic { reply }).await
    }

    /// Saves sync states and caches, stops the network, and waits until done.
    pub async fn shutdown(&self) {
        let _ = self.call(|reply| PeerCommand::Shutdown { reply }).await;
    }
}
