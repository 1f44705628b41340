//! [`Backend`]: the app's link to copse-peer. A tokio runtime on background threads runs the
//! peer; the UI thread only queues work and drains results (never awaits, never blocks on
//! disk or network). Every result asks egui to repaint, so remote changes show at once.
//!
//! Peer events are drained into an [`Inbox`] by a background task whether or not frames are
//! drawn (a minimised window draws none): the runtime never waits for the window. The inbox
//! is bounded; when events pile up unread, the oldest are dropped and the window reloads
//! what it shows once it looks again.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use copse_core::record::MemberDetails;
use copse_peer::{PeerConfig, PeerError, PeerEvent, PeerHandle, Profile, Request};

use crate::file_dialog::Chosen;
use crate::state::{AppEvent, FolderEntry, UiAction, View};

/// Peer events kept unread before the oldest are dropped.
const INBOX: usize = 4096;

/// How the peer's network starts.
#[derive(Debug, Clone)]
pub struct NetOptions {
    /// Multiaddrs to listen on.
    pub listen: Vec<String>,
    /// Find members on the local network.
    pub mdns: bool,
    /// Relays to keep a reservation on, before those the communities list.
    pub relays: Vec<String>,
    /// Ask the router for a port mapping (UPnP).
    pub upnp: bool,
}

impl Default for NetOptions {
    fn default() -> Self {
        Self {
            listen: vec![
                "/ip4/0.0.0.0/tcp/0".into(),
                "/ip4/0.0.0.0/udp/0/quic-v1".into(),
            ],
            mdns: true,
            relays: Vec::new(),
            upnp: true,
        }
    }
}

/// What the background tasks hand to the UI thread.
#[derive(Debug, Default)]
pub struct Inbox {
    items: VecDeque<AppEvent>,
    dropped: u64,
}

impl Inbox {
    /// Keeps an event; a peer event beyond the bound pushes out the oldest peer event.
    pub fn push(&mut self, ev: AppEvent) {
        let is_peer = matches!(ev, AppEvent::Peer(_));
        if is_peer
            && self.items.len() >= INBOX
            && let Some(pos) = self
                .items
                .iter()
                .position(|e| matches!(e, AppEvent::Peer(_)))
        {
            self.items.remove(pos);
            self.dropped += 1;
        }
        self.items.push_back(ev);
    }

    /// Everything kept so far, oldest first; if events were dropped, the list starts with
    /// a `Lagged` event (so the window reloads what it shows).
    pub fn drain(&mut self) -> Vec<AppEvent> {
        let mut out = Vec::with_capacity(self.items.len() + 1);
        if self.dropped > 0 {
            out.push(AppEvent::Peer(PeerEvent::Lagged {
                missed: std::mem::take(&mut self.dropped),
            }));
        }
        out.extend(self.items.drain(..));
        out
    }

    /// How many wait.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether nothing waits.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

type SharedInbox = Arc<Mutex<Inbox>>;

/// Runs the peer for the UI.
pub struct Backend {
    rt: tokio::runtime::Runtime,
    data_dir: PathBuf,
    net: NetOptions,
    handle: Arc<Mutex<Option<PeerHandle>>>,
    inbox: SharedInbox,
    repaint: Arc<dyn Fn() + Send + Sync>,
    drafts: Mutex<crate::drafts_file::DraftsWriter>,
}

fn deliver(inbox: &SharedInbox, wake: &(dyn Fn() + Send + Sync), ev: AppEvent) {
    if let Ok(mut i) = inbox.lock() {
        i.push(ev);
    }
    wake();
}

/// Runs `req` on the peer and delivers it with its answer, as the data of `view` if it
/// loads one.
async fn answer(
    handle: Option<PeerHandle>,
    req: Request,
    view: Option<View>,
    inbox: &SharedInbox,
    wake: &(dyn Fn() + Send + Sync),
) {
    let answered = Box::new(match handle {
        Some(h) => h.run(req).await,
        None => copse_peer::Answered::failed(
            req,
            PeerError::Invalid("Copse is still starting; try again in a moment".into()),
        ),
    });
    let ev = match view {
        Some(view) => AppEvent::Loaded { view, answered },
        None => AppEvent::Answered(answered),
    };
    deliver(inbox, wake, ev);
}

/// While a join runs, how much of the member's answer (the whole community) has arrived,
/// five times a second.
async fn join_progress(
    handle: PeerHandle,
    done: Arc<std::sync::atomic::AtomicBool>,
    inbox: SharedInbox,
    wake: Arc<dyn Fn() + Send + Sync>,
) {
    let before = handle.traffic().join_answers;
    let mut last = (0, 0);
    let mut every = tokio::time::interval(std::time::Duration::from_millis(200));
    while !done.load(std::sync::atomic::Ordering::Relaxed) {
        every.tick().await;
        let t = handle.traffic();
        // Only an answer that began after this join started is ours.
        if t.join_answers > before && t.join_answer != last {
            last = t.join_answer;
            let (received, total) = last;
            deliver(&inbox, &*wake, AppEvent::JoinProgress { received, total });
        }
    }
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
        // What was being written at the last run: small, read before the first frame.
        let kept = crate::drafts_file::read(&data_dir);
        let backend = Self {
            rt,
            drafts: Mutex::new(crate::drafts_file::DraftsWriter::start(data_dir.clone())),
            data_dir,
            net,
            handle: Default::default(),
            inbox: Default::default(),
            repaint: Arc::new(repaint),
        };
        deliver(&backend.inbox, &*backend.repaint, AppEvent::Drafts(kept));
        backend.boot(None);
        Ok(backend)
    }

    /// Opens the profile (creating the identity from `details` if given) and starts the
    /// peer, all off the UI thread.
    fn boot(&self, details: Option<MemberDetails>) {
        let dir = self.data_dir.clone();
        let net = self.net.clone();
        let inbox = self.inbox.clone();
        let slot = self.handle.clone();
        let wake = self.repaint.clone();
        self.rt.spawn(async move {
            let send = |ev: AppEvent| deliver(&inbox, &*wake, ev);
            // Identity and first screens from disk (cheap), before the full load.
            let dir2 = dir.clone();
            let prepared = tokio::task::spawn_blocking(move || -> Result<Option<(MemberDetails, Vec<copse_core::view::cached::CachedView>)>, PeerError> {
                let mut profile = Profile::open(&dir2)?;
                if let Some(d) = details {
                    profile.init(d)?;
                }
                if profile.identity().is_err() {
                    return Ok(None);
                }
                Ok(Some((profile.my_details()?, profile.cached_views())))
            })
            .await;
            let dir3 = dir.clone();
            let settings = tokio::task::spawn_blocking(move || crate::settings::read(&dir3))
                .await
                .unwrap_or_default();
            // Relays from the command line first, then the settings'.
            let mut relays = net.relays.clone();
            for r in &settings.relays {
                if !relays.contains(r) {
                    relays.push(r.clone());
                }
            }
            send(AppEvent::Settings(settings));
            let (details, cached) = match prepared {
                Ok(Ok(Some(x))) => x,
                Ok(Ok(None)) => return send(AppEvent::NeedsIdentity),
                Ok(Err(e)) => return send(AppEvent::Fatal(e.to_string())),
                Err(e) => return send(AppEvent::Fatal(e.to_string())),
            };
            if !cached.is_empty() {
                send(AppEvent::Cached(cached));
            }
            let mut config = PeerConfig::new(dir);
            config.listen = net.listen;
            config.mdns = net.mdns;
            config.relays = relays;
            config.upnp = net.upnp;
            let started = tokio::task::spawn_blocking(move || {
                // Loading every community takes a while on a big one: keep it off the workers.
                let rt = tokio::runtime::Handle::current();
                rt.block_on(async { copse_peer::start(config) })
            })
            .await;
            let (handle, mut events) = match started {
                Ok(Ok(x)) => x,
                Ok(Err(e)) => return send(AppEvent::Fatal(e.to_string())),
                Err(e) => return send(AppEvent::Fatal(e.to_string())),
            };
            let member = handle.member_id().clone();
            if let Ok(mut s) = slot.lock() {
                *s = Some(handle);
            }
            send(AppEvent::Ready { member, details });
            // What depends on the clock (a meetup within a day, a prompt falling due) is
            // read again every five minutes.
            let ticks_inbox = inbox.clone();
            let ticks_wake = wake.clone();
            tokio::spawn(async move {
                let period = std::time::Duration::from_secs(300);
                let mut every = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
                loop {
                    every.tick().await;
                    deliver(&ticks_inbox, &*ticks_wake, AppEvent::Tick);
                }
            });
            while let Some(ev) = events.recv().await {
                send(AppEvent::Peer(ev));
            }
        });
    }

    /// Queues an action.
    pub fn send(&self, action: UiAction) {
        match action {
            UiAction::Init(details) => self.boot(Some(details)),
            UiAction::Request(req) => self.request(req, None),
            UiAction::Load { view, request } => self.request(request, Some(view)),
            UiAction::Notify { summary, body } => {
                self.rt.spawn(crate::notifier::show(summary, body));
            }
            UiAction::ChooseFile(choice) => {
                let (slot, inbox, wake) = (
                    self.handle.clone(),
                    self.inbox.clone(),
                    self.repaint.clone(),
                );
                self.rt.spawn(async move {
                    match crate::file_dialog::choose(choice.clone()).await {
                        Chosen::File(req) => {
                            let handle = slot.lock().ok().and_then(|h| h.clone());
                            answer(handle, req, None, &inbox, &*wake).await;
                        }
                        Chosen::Cancelled => {}
                        Chosen::Unavailable => {
                            let start = std::env::home_dir().unwrap_or_else(|| "/".into());
                            deliver(&inbox, &*wake, AppEvent::NoFileDialog { choice, start });
                        }
                    }
                });
            }
            UiAction::SaveDrafts(drafts) => {
                if let Ok(w) = self.drafts.lock() {
                    w.keep(drafts);
                }
            }
            UiAction::ListFolder(dir) => {
                let (inbox, wake) = (self.inbox.clone(), self.repaint.clone());
                self.rt.spawn_blocking(move || {
                    let entries = list_folder(&dir);
                    deliver(&inbox, &*wake, AppEvent::FolderListed { dir, entries });
                });
            }
            UiAction::SaveSettings(settings) => {
                let dir = self.data_dir.clone();
                self.rt.spawn_blocking(move || {
                    if let Err(e) = crate::settings::write(&dir, &settings) {
                        tracing::warn!("could not keep the app's settings: {e}");
                    }
                });
            }
        }
    }

    /// Queues a request (the data of `view`, if it loads one); its answer arrives through
    /// [`Self::poll`].
    pub fn request(&self, req: Request, view: Option<View>) {
        let handle = self.handle.lock().ok().and_then(|h| h.clone());
        let inbox = self.inbox.clone();
        let wake = self.repaint.clone();
        let joining = matches!(req, Request::Join(_));
        let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
        if joining && let Some(h) = handle.clone() {
            self.rt
                .spawn(join_progress(h, done.clone(), inbox.clone(), wake.clone()));
        }
        self.rt.spawn(async move {
            answer(handle, req, view, &inbox, &*wake).await;
            done.store(true, std::sync::atomic::Ordering::Relaxed);
        });
    }

    /// Everything that arrived since the last call.
    pub fn poll(&mut self) -> Vec<AppEvent> {
        self.inbox.lock().map(|mut i| i.drain()).unwrap_or_default()
    }

    /// How many results wait for the window (for tests of a window that draws nothing).
    pub fn waiting(&self) -> usize {
        self.inbox.lock().map(|i| i.len()).unwrap_or(0)
    }

    /// A handle to the running peer, once started.
    pub fn peer(&self) -> Option<PeerHandle> {
        self.handle.lock().ok().and_then(|h| h.clone())
    }

    /// Saves and stops the peer (on window close).
    pub fn shutdown(&self) {
        if let Ok(mut w) = self.drafts.lock() {
            w.finish();
        }
        if let Some(h) = self.peer() {
            self.rt.block_on(h.shutdown());
        }
    }

    /// Runs a future on the backend's runtime (tests).
    pub fn block_on<F: std::future::Future>(&self, f: F) -> F::Output {
        self.rt.block_on(f)
    }
}

/// A folder's entries for the app's own file chooser (sorted by the state).
fn list_folder(dir: &std::path::Path) -> Result<Vec<FolderEntry>, String> {
    let read =
        std::fs::read_dir(dir).map_err(|e| format!("{} cannot be read: {e}", dir.display()))?;
    Ok(read
        .filter_map(Result::ok)
        .map(|e| FolderEntry {
            name: e.file_name().to_string_lossy().into_owned(),
            // Links to folders open like folders.
            folder: std::fs::metadata(e.path()).is_ok_and(|m| m.is_dir()),
        })
        .collect())
}
