//! [`Backend`]: the app's link to copse-peer. A tokio runtime on background threads runs the
//! peer; the UI thread only queues work and drains results (never awaits, never blocks on
//! disk or network). Every result asks egui to repaint, so remote changes show at once.

use std::path::PathBuf;
use std::sync::Arc;

use copse_core::record::MemberDetails;
use copse_peer::{Device, PeerConfig, PeerHandle, Request};
use tokio::sync::mpsc;

use crate::state::{AppEvent, UiAction};

/// Capacity of the results channel.
const INBOX: usize = 4096;

/// How the peer's network starts.
#[derive(Debug, Clone)]
pub struct NetOptions {
    /// Multiaddrs to listen on.
    pub listen: Vec<String>,
    /// Find members on the local network.
    pub mdns: bool,
}

impl Default for NetOptions {
    fn default() -> Self {
        Self {
            listen: vec![
                "/ip4/0.0.0.0/tcp/0".into(),
                "/ip4/0.0.0.0/udp/0/quic-v1".into(),
            ],
            mdns: true,
        }
    }
}

/// Runs the peer for the UI.
pub struct Backend {
    rt: tokio::runtime::Runtime,
    data_dir: PathBuf,
    net: NetOptions,
    handle: Arc<std::sync::Mutex<Option<PeerHandle>>>,
    tx: mpsc::Sender<AppEvent>,
    inbox: mpsc::Receiver<AppEvent>,
    repaint: Arc<dyn Fn() + Send + Sync>,
}

impl Backend {
    /// Starts the background runtime and checks the profile; `repaint` wakes the UI.
    pub fn start(
        data_dir: PathBuf,
        net: NetOptions,
        repaint: impl Fn() + Send + Sync + 'static,
    ) -> anyhow::Result<Self> {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("copse-peer")
            .enable_all()
            .build()?;
        let (tx, inbox) = mpsc::channel(INBOX);
        let backend = Self {
            rt,
            data_dir,
            net,
            handle: Default::default(),
            tx,
            inbox,
            repaint: Arc::new(repaint),
        };
        backend.boot(None);
        Ok(backend)
    }

    /// Opens the profile (creating the identity from `details` if given) and starts the
    /// peer, all off the UI thread.
    fn boot(&self, details: Option<MemberDetails>) {
        let dir = self.data_dir.clone();
        let net = self.net.clone();
        let tx = self.tx.clone();
        let slot = self.handle.clone();
        let wake = self.waker();
        self.rt.spawn(async move {
            let send = |ev: AppEvent| {
                let tx = tx.clone();
                let wake = wake.clone();
                async move {
                    let _ = tx.send(ev).await;
                    wake();
                }
            };
            // Identity and first screen from disk (cheap), before the full load.
            let dir2 = dir.clone();
            let prepared = tokio::task::spawn_blocking(move || -> Result<Option<(MemberDetails, Vec<copse_core::view::cached::CachedView>)>, String> {
                let mut device = Device::open(&dir2).map_err(|e| e.to_string())?;
                if let Some(d) = details {
                    device.init(d).map_err(|e| e.to_string())?;
                }
                if device.identity().is_err() {
                    return Ok(None);
                }
                let me = device.my_details().map_err(|e| e.to_string())?;
                let cached = device
                    .community_ids()
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|id| device.profile().read_cached_view(id))
                    .collect();
                Ok(Some((me, cached)))
            })
            .await;
            let (details, cached) = match prepared {
                Ok(Ok(Some(x))) => x,
                Ok(Ok(None)) => return send(AppEvent::NeedsIdentity).await,
                Ok(Err(e)) => return send(AppEvent::Fatal(e)).await,
                Err(e) => return send(AppEvent::Fatal(e.to_string())).await,
            };
            if !cached.is_empty() {
                send(AppEvent::Cached(cached)).await;
            }
            let mut config = PeerConfig::new(dir);
            config.listen = net.listen;
            config.mdns = net.mdns;
            let started = tokio::task::spawn_blocking(move || {
                // Loading every community takes a while on a big one: keep it off the workers.
                let rt = tokio::runtime::Handle::current();
                rt.block_on(async { copse_peer::start(config) })
            })
            .await;
            let (handle, mut events) = match started {
                Ok(Ok(x)) => x,
                Ok(Err(e)) => return send(AppEvent::Fatal(e.to_string())).await,
                Err(e) => return send(AppEvent::Fatal(e.to_string())).await,
            };
            let member = handle.member_id().clone();
            if let Ok(mut s) = slot.lock() {
                *s = Some(handle);
            }
            send(AppEvent::Ready { member, details }).await;
            while let Some(ev) = events.recv().await {
                send(AppEvent::Peer(ev)).await;
            }
        });
    }

    fn waker(&self) -> Arc<dyn Fn() + Send + Sync> {
        self.repaint.clone()
    }

    /// Queues an action.
    pub fn send(&self, action: UiAction) {
        match action {
            UiAction::Init(details) => self.boot(Some(details)),
            UiAction::Request(req) => self.request(req),
        }
    }

    /// Queues a request; its reply arrives through [`Self::poll`].
    pub fn request(&self, req: Request) {
        let handle = self.handle.lock().ok().and_then(|h| h.clone());
        let tx = self.tx.clone();
        let wake = self.waker();
        self.rt.spawn(async move {
            let result = match handle {
                Some(h) => h.request(req.clone()).await.map_err(|e| e.to_string()),
                None => Err("Copse is still starting; try again in a moment".into()),
            };
            let _ = tx
                .send(AppEvent::Reply {
                    request: req,
                    result,
                })
                .await;
            wake();
        });
    }

    /// Everything that arrived since the last call.
    pub fn poll(&mut self) -> Vec<AppEvent> {
        let mut out = Vec::new();
        while let Ok(ev) = self.inbox.try_recv() {
            out.push(ev);
        }
        out
    }

    /// Saves and stops the peer (on window close).
    pub fn shutdown(&self) {
        let handle = self.handle.lock().ok().and_then(|h| h.clone());
        if let Some(h) = handle {
            self.rt.block_on(h.shutdown());
        }
    }
}
