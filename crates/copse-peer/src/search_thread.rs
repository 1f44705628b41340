//! The search thread: owns each community's search index (copse-search) so that indexing
//! and searching never run on the runtime task. The runtime tells it what changed (the
//! entries of the records a change touched, read where the document lives) and forwards
//! searches; a first build gets a copy of the document and runs here whole.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::mpsc as std_mpsc;
use std::thread::JoinHandle;

use copse_core::CommunityId;
use copse_core::automerge::{Automerge, ChangeHash};
use copse_hub::{PeerError, PeerEvent};
use copse_search::{Entry, RecordKey, SearchIndex, SearchQuery};
use tokio::sync::{broadcast, mpsc};

use crate::QueryReply;
use crate::request::Reply;
use crate::runtime::ReplyTo;

/// Work for the search thread, in the order the runtime sends it.
pub(crate) enum SearchJob {
    /// Open (or create) a community's index; the thread answers [`SearchNote::Opened`].
    Open {
        community: CommunityId,
        dir: PathBuf,
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
    Ask {
        community: CommunityId,
        ask: Ask,
        reply: ReplyTo,
    },
    /// Finish what is queued, then end.
    Stop,
}

/// What the index is asked.
pub(crate) enum Ask {
    /// Full-text search.
    Search(SearchQuery),
    /// Who knows most about any of these topics.
    Experts { topics: Vec<String>, limit: usize },
}

/// What the thread tells the runtime.
pub(crate) enum SearchNote {
    /// A community's index is open; it reflects `heads` (`None`: never built).
    Opened {
        community: CommunityId,
        heads: Option<Vec<ChangeHash>>,
    },
}

/// One community's index and the searches waiting for it to catch up.
struct Slot {
    index: Result<SearchIndex, String>,
    /// Brought up to date since it was opened (searches wait until then).
    caught_up: bool,
    waiting: Vec<(Ask, ReplyTo)>,
}

pub(crate) fn spawn(
    notes: mpsc::UnboundedSender<SearchNote>,
    events: broadcast::Sender<PeerEvent>,
) -> std::io::Result<(std_mpsc::Sender<SearchJob>, JoinHandle<()>)> {
    let (tx, rx) = std_mpsc::channel();
    let handle = std::thread::Builder::new()
        .name("copse-search".into())
        .spawn(move || run(&rx, &notes, &events))?;
    Ok((tx, handle))
}

fn run(
    jobs: &std_mpsc::Receiver<SearchJob>,
    notes: &mpsc::UnboundedSender<SearchNote>,
    events: &broadcast::Sender<PeerEvent>,
) {
    let mut slots: HashMap<CommunityId, Slot> = HashMap::new();
    while let Ok(job) = jobs.recv() {
        match job {
            SearchJob::Open { community, dir } => {
                let index = SearchIndex::open(&dir).map_err(|e| e.to_string());
                let heads = index
                    .as_ref()
                    .ok()
                    .and_then(|i| i.heads().map(<[ChangeHash]>::to_vec));
                if let Err(e) = &index {
                    tracing::warn!("search index of {community}: {e}");
                }
                let failed = index.is_err();
                let slot = slots.entry(community.clone()).or_insert_with(|| Slot {
                    index: Err(String::new()),
                    caught_up: false,
                    waiting: Vec::new(),
                });
                slot.index = index;
                slot.caught_up = failed;
                if failed {
                    answer_waiting(slot);
                } else {
                    let _ = notes.send(SearchNote::Opened { community, heads });
                }
            }
            SearchJob::Update {
                community,
                records,
                heads,
            } => {
                write(&mut slots, &community, |index| {
                    records
                        .into_iter()
                        .try_for_each(|(key, entries)| index.replace(&key, entries))
                        .and_then(|()| index.commit(&heads))
                });
            }
            SearchJob::Reindex {
                community,
                doc,
                records,
            } => {
                let heads = doc.get_heads();
                write(&mut slots, &community, |index| match records {
                    Some(keys) => index.update(&*doc, keys, &heads),
                    None => index.rebuild(&*doc, &heads, &mut |done, total| {
                        let _ = events.send(PeerEvent::SearchIndexing {
                            community: community.clone(),
                            done,
                            total,
                        });
                    }),
                });
            }
            SearchJob::Ask {
                community,
                ask,
                reply,
            } => match slots.get_mut(&community) {
                Some(slot) if slot.caught_up => {
                    let _ = reply.send(answer(slot, &ask));
                }
                Some(slot) => slot.waiting.push((ask, reply)),
                None => {
                    let _ = reply.send(Err(PeerError::UnknownCommunity(community)));
                }
            },
            SearchJob::Stop => break,
        }
    }
    for slot in slots.values_mut() {
        for (_, reply) in slot.waiting.drain(..) {
            let _ = reply.send(Err(PeerError::Stopped));
        }
    }
}

/// Writes to a community's index; it has caught up then, and waiting searches are answered.
/// A failed write is logged: the index is a cache, rebuilt when it cannot be read.
fn write(
    slots: &mut HashMap<CommunityId, Slot>,
    community: &CommunityId,
    f: impl FnOnce(&mut SearchIndex) -> Result<(), copse_search::SearchError>,
) {
    let Some(slot) = slots.get_mut(community) else {
        return;
    };
    if let Ok(index) = &mut slot.index
        && let Err(e) = f(index)
    {
        tracing::warn!("search index of {community}: {e}");
    }
    slot.caught_up = true;
    answer_waiting(slot);
}

fn answer(slot: &Slot, ask: &Ask) -> Result<Reply, PeerError> {
    match &slot.index {
        Ok(index) => match ask {
            Ask::Search(query) => index.search(query).map(QueryReply::Search),
            Ask::Experts { topics, limit } => {
                index.experts(topics, *limit).map(QueryReply::Experts)
            }
        }
        .map(Reply::Query)
        .map_err(|e| PeerError::Invalid(format!("searching failed: {e}"))),
        Err(e) => Err(PeerError::Invalid(format!(
            "this device's search index could not be opened: {e}"
        ))),
    }
}

fn answer_waiting(slot: &mut Slot) {
    for (ask, reply) in std::mem::take(&mut slot.waiting) {
        let _ = reply.send(answer(slot, &ask));
    }
}
