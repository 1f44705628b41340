//! The search thread: owns each community's search index (copse-search) so that indexing
//! and searching never run on the runtime task. The runtime tells it what changed (the
//! entries of the records a change touched, read where the document lives) and forwards
//! searches; a first build gets a copy of the document and runs here whole.
//!
//! Nothing here may end the thread: each job runs behind `catch_unwind`, a failed write
//! leaves the index at its last commit and says so (the runtime hands it the changes
//! again later), and a failed open is retried later by the runtime.

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;

use copse_core::CommunityId;
use copse_core::automerge::{Automerge, ChangeHash};
use copse_hub::{PeerError, PeerEvent};
use copse_search::{
    Entry, Expert, RecordKey, SearchError, SearchIndex, SearchQuery, SearchResults,
};
use tokio::sync::{broadcast, mpsc};

use crate::ask::Reply;

/// Work for the search thread, in the order the runtime sends it.
pub(crate) enum SearchJob {
    /// Open (or create) a community's index; the thread answers [`SearchNote::Opened`].
    Open {
        community: CommunityId,
        dir: PathBuf,
        /// Remove what is there first (it was found damaged).
        fresh: bool,
    },
    /// Put these records' entries in place and commit at `heads`.
    Update {
        community: CommunityId,
        records: Vec<(RecordKey, Vec<Entry>)>,
        heads: Vec<ChangeHash>,
    },
    /// Read these records (all of them: `None`) from a copy of the document and commit at
    /// its heads: a first build, or more than the runtime should read itself.
    Reindex {
        community: CommunityId,
        doc: Box<Automerge>,
        records: Option<Vec<RecordKey>>,
    },
    /// Answer a search (or who knows about a topic) once the index has caught up with the
    /// document.
    Ask { community: CommunityId, ask: Ask },
}

/// What the index is asked, with where the answer goes.
pub(crate) enum Ask {
    /// Full-text search.
    Search(SearchQuery, Reply<SearchResults>),
    /// Who knows most about any of these topics.
    Experts {
        topics: Vec<String>,
        limit: usize,
        reply: Reply<Vec<Expert>>,
    },
}

impl Ask {
    /// Answers with `error` instead.
    pub(crate) fn refuse(self, error: PeerError) {
        match self {
            Ask::Search(_, reply) => drop(reply.send(Err(error))),
            Ask::Experts { reply, .. } => drop(reply.send(Err(error))),
        }
    }
}

/// What the thread tells the runtime.
pub(crate) enum SearchNote {
    /// A community's index is open; it reflects `heads` (`None`: never built).
    Opened {
        community: CommunityId,
        heads: Option<Vec<ChangeHash>>,
    },
    /// It could not be opened (retry later).
    OpenFailed { community: CommunityId },
    /// Reading the index showed its files damaged: it was closed; open it afresh.
    Damaged { community: CommunityId },
    /// A write failed: the index is still at `heads` (`None`: never built).
    Behind {
        community: CommunityId,
        heads: Option<Vec<ChangeHash>>,
    },
}

/// One community's index and the searches waiting for it to catch up.
struct Slot {
    index: SearchIndex,
    /// A search found its files damaged.
    damaged: bool,
    /// Brought up to date since it was opened (searches wait until then).
    caught_up: bool,
    waiting: Vec<Ask>,
}

/// Jobs queued at once; past that the runtime keeps a community's changes for later and
/// answers a search "busy".
pub(crate) const JOBS: usize = 256;

/// Notes queued at once (the runtime drains them in its select loop; at stop it closes
/// them, so the thread never waits on a runtime that is gone).
pub(crate) const NOTES: usize = 64;

/// The runtime's handle on the thread. Dropping `jobs` ends it once what is queued is done.
pub(crate) struct SearchThread {
    pub(crate) jobs: mpsc::Sender<SearchJob>,
    pub(crate) handle: JoinHandle<()>,
    /// Set when the device stops: a build in progress gives up.
    pub(crate) stopping: Arc<AtomicBool>,
}

pub(crate) fn spawn(
    notes: mpsc::Sender<SearchNote>,
    events: broadcast::Sender<PeerEvent>,
) -> std::io::Result<SearchThread> {
    let (jobs, mut rx) = mpsc::channel(JOBS);
    let stopping = Arc::new(AtomicBool::new(false));
    let stop = stopping.clone();
    let handle = std::thread::Builder::new()
        .name("copse-search".into())
        .spawn(move || run(&mut rx, &notes, &events, &stop))?;
    Ok(SearchThread {
        jobs,
        handle,
        stopping,
    })
}

/// Tells the runtime something (waiting for room; a closed channel means it is stopping).
fn tell(notes: &mpsc::Sender<SearchNote>, note: SearchNote) {
    let _ = notes.blocking_send(note);
}

fn run(
    jobs: &mut mpsc::Receiver<SearchJob>,
    notes: &mpsc::Sender<SearchNote>,
    events: &broadcast::Sender<PeerEvent>,
    stopping: &AtomicBool,
) {
    let mut slots: HashMap<CommunityId, Slot> = HashMap::new();
    while let Some(job) = jobs.blocking_recv() {
        match job {
            SearchJob::Open {
                community,
                dir,
                fresh,
            } => {
                if fresh && let Err(e) = std::fs::remove_dir_all(&dir) {
                    tracing::warn!("removing the damaged search index {}: {e}", dir.display());
                }
                let opened = catch_unwind(|| SearchIndex::open(&dir)).unwrap_or_else(|_| {
                    Err(SearchError::Query("opening the index panicked".into()))
                });
                match opened {
                    Ok(index) => {
                        let heads = index.heads().map(<[ChangeHash]>::to_vec);
                        let waiting = slots
                            .remove(&community)
                            .map(|s| s.waiting)
                            .unwrap_or_default();
                        slots.insert(
                            community.clone(),
                            Slot {
                                index,
                                damaged: false,
                                caught_up: false,
                                waiting,
                            },
                        );
                        tell(notes, SearchNote::Opened { community, heads });
                    }
                    Err(e) => {
                        tracing::warn!("search index of {community}: {e}");
                        if let Some(slot) = slots.get_mut(&community) {
                            answer_waiting(slot);
                        }
                        tell(notes, SearchNote::OpenFailed { community });
                    }
                }
            }
            SearchJob::Update {
                community,
                records,
                heads,
            } => write(&mut slots, &community, notes, |index| {
                index.write(records, &heads)
            }),
            SearchJob::Reindex {
                community,
                doc,
                records,
            } => {
                let heads = doc.get_heads();
                let building = records.is_none();
                write(&mut slots, &community, notes, |index| match records {
                    Some(keys) => index.update(&*doc, keys, &heads),
                    None => index.rebuild(&*doc, &heads, &mut |done, total| {
                        let _ = events.send(PeerEvent::SearchIndexing {
                            community: community.clone(),
                            done,
                            total,
                        });
                        !stopping.load(Ordering::Relaxed)
                    }),
                });
                if building {
                    // Done, failed or cancelled: the progress shown ends here.
                    let _ = events.send(PeerEvent::SearchIndexing {
                        community,
                        done: 0,
                        total: 0,
                    });
                }
            }
            SearchJob::Ask { community, ask } => {
                match slots.get_mut(&community) {
                    Some(slot) if slot.caught_up => answer(slot, ask),
                    Some(slot) => slot.waiting.push(ask),
                    None => ask.refuse(PeerError::Invalid(
                        "this device's search index of the community is not open yet".into(),
                    )),
                }
                if slots.get(&community).is_some_and(|s| s.damaged) {
                    // Closed (its lock released) so that it can be removed and rebuilt.
                    if let Some(mut slot) = slots.remove(&community) {
                        answer_waiting(&mut slot);
                    }
                    tell(notes, SearchNote::Damaged { community });
                }
            }
        }
    }
    for slot in slots.values_mut() {
        for ask in slot.waiting.drain(..) {
            ask.refuse(PeerError::Stopped);
        }
    }
}

/// Writes to a community's index; it has caught up then (or is as far as it will get for
/// now), and waiting searches are answered. A failed write leaves the index at its last
/// commit, and the runtime is told so it hands the changes over again.
fn write(
    slots: &mut HashMap<CommunityId, Slot>,
    community: &CommunityId,
    notes: &mpsc::Sender<SearchNote>,
    f: impl FnOnce(&mut SearchIndex) -> Result<(), SearchError>,
) {
    let Some(slot) = slots.get_mut(community) else {
        return;
    };
    let written = catch_unwind(AssertUnwindSafe(|| f(&mut slot.index)))
        .unwrap_or_else(|_| Err(SearchError::Query("indexing panicked".into())));
    if let Err(e) = written {
        tracing::warn!("search index of {community}: {e}");
        tell(
            notes,
            SearchNote::Behind {
                community: community.clone(),
                heads: slot.index.heads().map(<[ChangeHash]>::to_vec),
            },
        );
    }
    slot.caught_up = true;
    answer_waiting(slot);
}

fn answer(slot: &mut Slot, ask: Ask) {
    match ask {
        Ask::Search(query, reply) => {
            let found = search(slot, |index| index.search(&query));
            let _ = reply.send(found);
        }
        Ask::Experts {
            topics,
            limit,
            reply,
        } => {
            let found = search(slot, |index| index.experts(&topics, limit));
            let _ = reply.send(found);
        }
    }
}

/// Runs one search behind `catch_unwind`; a torn index (it is not synced; see
/// copse-search) is marked damaged, to be built again from the document.
fn search<T>(
    slot: &mut Slot,
    run: impl FnOnce(&SearchIndex) -> Result<T, SearchError>,
) -> Result<T, PeerError> {
    let found = catch_unwind(AssertUnwindSafe(|| run(&slot.index)))
        .unwrap_or_else(|_| Err(SearchError::Query("this search could not be run".into())));
    if let Err(e) = &found
        && e.is_damage()
    {
        slot.damaged = true;
    }
    found.map_err(|e| PeerError::Invalid(format!("searching failed: {e}")))
}

fn answer_waiting(slot: &mut Slot) {
    for ask in std::mem::take(&mut slot.waiting) {
        answer(slot, ask);
    }
}
