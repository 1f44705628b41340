//! The runtime's side of search: which heads each community's index has been handed, and
//! the jobs that bring it up to date. The records a change touched are read here, where
//! the document lives (a handful per change); anything bigger goes to the search thread
//! with a copy of the document, so the runtime never spends long on search.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::mpsc as std_mpsc;
use std::thread::JoinHandle;

use copse_core::CommunityId;
use copse_core::automerge::ChangeHash;
use copse_hub::{Hub, PeerError, PeerEvent};
use copse_search::{Changed, changed_records, entries};
use tokio::sync::{broadcast, mpsc};

use crate::runtime::ReplyTo;
use crate::search_thread::{self, Ask, SearchJob, SearchNote};

/// Records the runtime reads itself for one update; more go to the search thread.
const READ_HERE: usize = 200;

enum Following {
    /// Asked the thread to open the index.
    Opening,
    /// The index has been handed everything up to these heads.
    At(Vec<ChangeHash>),
}

pub(crate) struct SearchLink {
    jobs: std_mpsc::Sender<SearchJob>,
    pub(crate) notes: mpsc::UnboundedReceiver<SearchNote>,
    thread: Option<JoinHandle<()>>,
    /// Where the indexes live (`<profile>/search/<community>`): a cache, never synced.
    root: PathBuf,
    following: HashMap<CommunityId, Following>,
}

impl SearchLink {
    pub(crate) fn start(
        profile_dir: &std::path::Path,
        events: broadcast::Sender<PeerEvent>,
    ) -> std::io::Result<Self> {
        let (notes_tx, notes) = mpsc::unbounded_channel();
        let (jobs, thread) = search_thread::spawn(notes_tx, events)?;
        Ok(Self {
            jobs,
            notes,
            thread: Some(thread),
            root: profile_dir.join("search"),
            following: HashMap::new(),
        })
    }

    fn send(&self, job: SearchJob) {
        // The thread only stops when told to, after the runtime's last job.
        let _ = self.jobs.send(job);
    }

    /// Opens the index of every community the hub holds that has none open yet.
    pub(crate) fn open_new(&mut self, hub: &Hub) {
        for id in hub.community_ids() {
            self.open(&id);
        }
    }

    fn open(&mut self, community: &CommunityId) {
        if self.following.contains_key(community) {
            return;
        }
        self.following.insert(community.clone(), Following::Opening);
        self.send(SearchJob::Open {
            community: community.clone(),
            dir: self.root.join(community.as_str()),
        });
    }

    /// A community changed: hand its index what the new changes touched.
    pub(crate) fn changed(&mut self, hub: &Hub, community: &CommunityId) {
        match self.following.get(community) {
            Some(Following::At(heads)) => {
                let heads = heads.clone();
                self.catch_up(hub, community, Some(&heads));
            }
            Some(Following::Opening) => {}
            None => self.open(community),
        }
    }

    /// The thread said something.
    pub(crate) fn note(&mut self, hub: &Hub, note: SearchNote) {
        match note {
            SearchNote::Opened { community, heads } => {
                self.catch_up(hub, &community, heads.as_deref());
            }
        }
    }

    /// Sends whatever brings the index from `from` (`None`: nothing) to the document.
    fn catch_up(&mut self, hub: &Hub, community: &CommunityId, from: Option<&[ChangeHash]>) {
        let Some(c) = hub.community(community) else {
            return;
        };
        let doc = c.doc();
        let now = doc.get_heads();
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
            Some(Changed::Records(keys)) => SearchJob::Reindex {
                community: community.clone(),
                doc: Box::new(doc.clone()),
                records: Some(keys.into_iter().collect()),
            },
            Some(Changed::Everything) | None => SearchJob::Reindex {
                community: community.clone(),
                doc: Box::new(doc.clone()),
                records: None,
            },
        };
        self.following.insert(community.clone(), Following::At(now));
        self.send(job);
    }

    /// Hands a search to the thread (answered once the index has caught up).
    pub(crate) fn ask(&mut self, hub: &Hub, community: CommunityId, ask: Ask, reply: ReplyTo) {
        if hub.community(&community).is_none() {
            let _ = reply.send(Err(PeerError::UnknownCommunity(community)));
            return;
        }
        self.open(&community);
        self.send(SearchJob::Ask {
            community,
            ask,
            reply,
        });
    }

    /// Tells the thread to finish what is queued and end; the handle to wait on.
    pub(crate) fn stop(&mut self) -> Option<JoinHandle<()>> {
        self.send(SearchJob::Stop);
        self.thread.take()
    }
}
