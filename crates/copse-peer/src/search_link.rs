//! The runtime's side of search: which heads each community's index has been handed, and
//! the jobs that bring it up to date. The records a change touched are read here, where
//! the document lives (a handful per change; reading a record that panics costs only that
//! record); more than that, a first build, or a history this copy no longer has go to the
//! search thread with a copy of the document.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::Ordering;

use copse_core::CommunityId;
use copse_core::automerge::ChangeHash;
use copse_core::changed_records::{Changed, changed_records};
use copse_hub::{Hub, PeerError, PeerEvent};
use copse_search::entries;
use tokio::sync::mpsc::error::TrySendError;
use tokio::sync::{broadcast, mpsc};

use crate::search_thread::{self, Ask, SearchJob, SearchNote, SearchThread};

/// Records the runtime reads itself for one update; more go to the search thread.
const READ_HERE: usize = 200;

/// Ticks (500 ms) before an index that could not be opened or written is tried again.
const RETRY_TICKS: u32 = 20;

enum Following {
    /// Asked the thread to open the index.
    Opening,
    /// The index has been handed everything up to these heads.
    At(Vec<ChangeHash>),
    /// Opening or writing failed: try again in this many ticks, from these heads.
    Waiting {
        ticks: u32,
        from: Option<Vec<ChangeHash>>,
        opened: bool,
    },
}

pub(crate) struct SearchLink {
    thread: Option<SearchThread>,
    pub(crate) notes: mpsc::Receiver<SearchNote>,
    /// Where the indexes live (`<profile>/search/<community>`): a cache, never synced.
    root: PathBuf,
    following: HashMap<CommunityId, Following>,
    /// Communities changed since their index was last handed an update: flushed together
    /// every [`FLUSH`] (a burst of changes, a reconnect, costs one read and one commit),
    /// or at once when a search for one of them comes in.
    dirty: std::collections::BTreeSet<CommunityId>,
}

/// How long changes wait to be handed to the index together (well under the 200 ms in
/// which a change must be searchable).
pub(crate) const FLUSH: std::time::Duration = std::time::Duration::from_millis(50);

impl SearchLink {
    pub(crate) fn start(
        profile_dir: &std::path::Path,
        events: broadcast::Sender<PeerEvent>,
    ) -> std::io::Result<Self> {
        let (notes_tx, notes) = mpsc::channel(search_thread::NOTES);
        let thread = search_thread::spawn(notes_tx, events)?;
        Ok(Self {
            thread: Some(thread),
            notes,
            root: profile_dir.join("search"),
            following: HashMap::new(),
            dirty: std::collections::BTreeSet::new(),
        })
    }

    /// Whether the thread's queue can take a job now (only the runtime sends, so room
    /// seen here is still there for the next `send`). A job that does not fit waits in
    /// the community's state and is handed over on a later tick; the runtime never waits.
    fn has_room(&self) -> bool {
        self.thread.as_ref().is_some_and(|t| t.jobs.capacity() > 0)
    }

    /// Hands `job` over; gives it back if the queue is full (or the thread stopped).
    fn send(&self, job: SearchJob) -> Result<(), Box<SearchJob>> {
        match &self.thread {
            Some(t) => t
                .jobs
                .try_send(job)
                .map_err(|e| Box::new(TrySendError::into_inner(e))),
            None => Err(Box::new(job)),
        }
    }

    /// Every tick: opens the indexes of communities that have none yet, retries what
    /// failed, and catches up any index whose community moved without an event (a copy
    /// reloaded from disk after a failed merge).
    pub(crate) fn tick(&mut self, hub: &Hub) {
        for id in hub.community_ids() {
            match self.following.get_mut(&id) {
                None => self.open(&id),
                Some(Following::Opening) => {}
                Some(Following::At(heads)) => {
                    let moved = hub
                        .community(&id)
                        .is_some_and(|c| c.doc().get_heads() != *heads);
                    if moved {
                        let from = heads.clone();
                        self.catch_up(hub, &id, Some(&from));
                    }
                }
                Some(Following::Waiting { ticks, .. }) if *ticks > 0 => *ticks -= 1,
                Some(Following::Waiting { from, opened, .. }) => {
                    let (from, opened) = (from.take(), *opened);
                    if opened {
                        self.catch_up(hub, &id, from.as_deref());
                    } else {
                        self.following.remove(&id);
                        self.open(&id);
                    }
                }
            }
        }
    }

    fn open(&mut self, community: &CommunityId) {
        if self.following.contains_key(community) {
            return;
        }
        self.open_index(community, false);
    }

    fn open_index(&mut self, community: &CommunityId, fresh: bool) {
        let sent = self.send(SearchJob::Open {
            community: community.clone(),
            dir: self.root.join(community.as_str()),
            fresh,
        });
        if sent.is_ok() {
            self.following.insert(community.clone(), Following::Opening);
        } else {
            // Not yet: the next tick opens it (a damaged one is found damaged again).
            self.following.remove(community);
        }
    }

    /// A community changed: its index is handed what changed at the next flush.
    pub(crate) fn changed(&mut self, community: &CommunityId) {
        match self.following.get(community) {
            Some(Following::At(_)) => {
                self.dirty.insert(community.clone());
            }
            Some(Following::Opening | Following::Waiting { .. }) => {}
            None => self.open(community),
        }
    }

    /// Whether some index waits for changes.
    pub(crate) fn is_dirty(&self) -> bool {
        !self.dirty.is_empty()
    }

    /// Hands every changed community's index what changed since its last update.
    pub(crate) fn flush(&mut self, hub: &Hub) {
        for community in std::mem::take(&mut self.dirty) {
            self.flush_one(hub, &community);
        }
    }

    fn flush_one(&mut self, hub: &Hub, community: &CommunityId) {
        self.dirty.remove(community);
        if let Some(Following::At(heads)) = self.following.get(community) {
            let heads = heads.clone();
            self.catch_up(hub, community, Some(&heads));
        }
    }

    /// The thread said something.
    pub(crate) fn note(&mut self, hub: &Hub, note: SearchNote) {
        match note {
            SearchNote::Opened { community, heads } => {
                self.bring_up(hub, &community, heads.as_deref(), true);
            }
            SearchNote::Damaged { community } => {
                self.dirty.remove(&community);
                self.open_index(&community, true);
            }
            SearchNote::OpenFailed { community } => {
                self.following.insert(
                    community,
                    Following::Waiting {
                        ticks: RETRY_TICKS,
                        from: None,
                        opened: false,
                    },
                );
            }
            SearchNote::Behind { community, heads } => {
                self.following.insert(
                    community,
                    Following::Waiting {
                        ticks: RETRY_TICKS,
                        from: heads,
                        opened: true,
                    },
                );
            }
        }
    }

    /// Sends whatever brings the index from `from` (`None`: nothing) to the document; an
    /// index just opened is sent an update even if nothing changed (it marks it caught up).
    fn catch_up(&mut self, hub: &Hub, community: &CommunityId, from: Option<&[ChangeHash]>) {
        self.bring_up(hub, community, from, false);
    }

    fn bring_up(
        &mut self,
        hub: &Hub,
        community: &CommunityId,
        from: Option<&[ChangeHash]>,
        just_opened: bool,
    ) {
        let Some(c) = hub.community(community) else {
            return;
        };
        let doc = c.doc();
        let now = doc.get_heads();
        if !just_opened && from == Some(now.as_slice()) {
            self.following.insert(community.clone(), Following::At(now));
            return;
        }
        if !self.has_room() {
            // Handed over from where it stands on a later tick.
            self.following.insert(
                community.clone(),
                Following::Waiting {
                    ticks: 0,
                    from: from.map(<[ChangeHash]>::to_vec),
                    opened: true,
                },
            );
            return;
        }
        let whole = |records| SearchJob::Reindex {
            community: community.clone(),
            doc: Box::new(doc.clone()),
            records,
        };
        let job = match from.map(|h| changed_records(doc, h)) {
            Some(Changed::Records(keys)) if keys.len() <= READ_HERE => SearchJob::Update {
                community: community.clone(),
                records: keys
                    .into_iter()
                    .map(|k| {
                        let e = entries(doc, &k);
                        (k, e)
                    })
                    .collect(),
                heads: now.clone(),
            },
            Some(Changed::Records(keys)) => whole(Some(keys.into_iter().collect())),
            Some(Changed::Everything) | None => whole(None),
        };
        self.following.insert(community.clone(), Following::At(now));
        // Room was seen above, and only the runtime sends.
        let _ = self.send(job);
    }

    /// Hands a search to the thread (answered once the index has caught up).
    pub(crate) fn ask(&mut self, hub: &Hub, community: CommunityId, ask: Ask) {
        if hub.community(&community).is_none() {
            ask.refuse(PeerError::UnknownCommunity(community));
            return;
        }
        // What changed before the question is in the answer.
        self.flush_one(hub, &community);
        self.open(&community);
        let refused = self.send(SearchJob::Ask { community, ask });
        if let Err(job) = refused
            && let SearchJob::Ask { ask, .. } = *job
        {
            ask.refuse(PeerError::Busy);
        }
    }

    /// Tells the thread to give up a build in progress, finish what is queued and end
    /// (its queue closes); the handle to wait on. Its notes are closed first: it never
    /// waits for room on them while the runtime waits for it.
    pub(crate) fn stop(&mut self) -> Option<std::thread::JoinHandle<()>> {
        let SearchThread {
            jobs,
            handle,
            stopping,
        } = self.thread.take()?;
        stopping.store(true, Ordering::Relaxed);
        self.notes.close();
        drop(jobs);
        Some(handle)
    }
}
