//! [`MemoryStore`]: a device's disk in memory, for the simulator and the hub's own tests.
//! Operations take effect only when the driver runs them (the simulator after a latency, the
//! tests at once); a crash loses every operation still under way, and may lose side files
//! (sync states are not fsynced in the real store either).

use std::collections::BTreeMap;

use copse_core::{Community, CommunityId, MemberId};
use rand::Rng;

use crate::{AdoptSource, Adopted, Loaded, StoreOp, StoreResult, adopt};

/// One community on the simulated disk: its snapshot and the records appended since.
#[derive(Debug, Clone, Default)]
struct Files {
    snapshot: Vec<u8>,
    records: Vec<Vec<u8>>,
}

impl Files {
    /// Everything durable, as bytes that load as the community.
    fn document(&self) -> Vec<u8> {
        let mut out = self.snapshot.clone();
        for r in &self.records {
            out.extend_from_slice(r);
        }
        out
    }
}

/// A device's durable state.
#[derive(Debug, Clone, Default)]
pub struct MemoryStore {
    communities: BTreeMap<CommunityId, Files>,
    sync_states: BTreeMap<(CommunityId, MemberId), Vec<u8>>,
    /// Each community's refused changes (a side file).
    refused: BTreeMap<CommunityId, Vec<u8>>,
    /// Each community's last own edits (a side file).
    own_edits: BTreeMap<CommunityId, Vec<u8>>,
    address_book: Option<Vec<u8>>,
    /// Make the next append fail (a full disk).
    pub fail_next_append: bool,
}

impl MemoryStore {
    /// What a hub starting on this disk gets.
    pub fn loaded(&self) -> Loaded {
        Loaded {
            communities: self
                .communities
                .values()
                .filter_map(|f| Community::load(&f.document()).ok())
                .collect(),
            sync_states: self
                .sync_states
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            address_book: self.address_book.clone(),
            refused: self
                .refused
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            own_edits: self
                .own_edits
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            locals: Vec::new(),
        }
    }

    /// The community as it is on disk.
    pub fn community(&self, id: &CommunityId) -> Option<Community> {
        Community::load(&self.communities.get(id)?.document()).ok()
    }

    /// Whether the community is on disk.
    pub fn has(&self, id: &CommunityId) -> bool {
        self.communities.contains_key(id)
    }

    /// A crash: side files written lately may be gone.
    pub fn crash(&mut self, rng: &mut impl Rng) {
        self.sync_states.retain(|_, _| rng.gen_bool(0.7));
    }

    /// Carries out a completed operation; returns its result, if it has one.
    pub fn run(&mut self, op: StoreOp) -> Option<StoreResult> {
        match op {
            StoreOp::Append { community, record } => Some(
                match (self.communities.get_mut(&community), self.fail_next_append) {
                    (Some(_), true) => {
                        self.fail_next_append = false;
                        StoreResult::AppendFailed {
                            community,
                            error: "the disk is full".into(),
                        }
                    }
                    (Some(f), false) => {
                        f.records.push(record);
                        StoreResult::Appended { community }
                    }
                    (None, _) => StoreResult::AppendFailed {
                        community,
                        error: "no such community on disk".into(),
                    },
                },
            ),
            StoreOp::Replace {
                community, saved, ..
            } => Some(match self.communities.get_mut(&community) {
                Some(f) => {
                    f.snapshot = saved;
                    f.records.clear();
                    StoreResult::Appended { community }
                }
                None => StoreResult::AppendFailed {
                    community,
                    error: "no such community on disk".into(),
                },
            }),
            StoreOp::OwnEdits { community, bytes } => {
                self.own_edits.insert(community, bytes);
                None
            }
            StoreOp::Reload { community } => {
                let result = self
                    .community(&community)
                    .map(Box::new)
                    .ok_or_else(|| "cannot be read".to_owned());
                Some(StoreResult::Reloaded { community, result })
            }
            StoreOp::Create { community, saved } => {
                self.communities.insert(
                    community.clone(),
                    Files {
                        snapshot: saved,
                        records: Vec::new(),
                    },
                );
                Some(StoreResult::Created {
                    community,
                    result: Ok(()),
                })
            }
            StoreOp::Adopt { request, source } => {
                let result = match source {
                    AdoptSource::File(path) => Err(crate::PeerError::Invalid(format!(
                        "no files on a disk in memory ({})",
                        path.display()
                    ))),
                    AdoptSource::Joined {
                        document,
                        expected,
                        me,
                    } => adopt::load_foreign(&document, Some((&expected, &me))).map(|f| {
                        let id = f.community.id().clone();
                        let fresh = !self.communities.contains_key(&id);
                        if fresh {
                            let snapshot = if f.refused.is_empty() {
                                document
                            } else {
                                f.community.doc().save()
                            };
                            self.communities.insert(
                                id,
                                Files {
                                    snapshot,
                                    records: Vec::new(),
                                },
                            );
                        }
                        Adopted {
                            community: Box::new(f.community),
                            fresh,
                            refused: f.refused,
                        }
                    }),
                };
                Some(StoreResult::Adopted { request, result })
            }
            StoreOp::ServeJoin { community, inbound } => Some(StoreResult::JoinDocument {
                inbound,
                result: self
                    .communities
                    .get(&community)
                    .map(Files::document)
                    .ok_or_else(|| "no such community".to_owned()),
                community,
            }),
            StoreOp::SyncState {
                community,
                peer,
                state,
            } => {
                self.sync_states.insert((community, peer), state);
                None
            }
            StoreOp::CachedView { .. } | StoreOp::LocalState { .. } => None,
            StoreOp::SetDetails { request, .. } => Some(StoreResult::DetailsSaved {
                request,
                result: Ok(()),
            }),
            StoreOp::Export { request, .. } => Some(StoreResult::Exported {
                request,
                result: Err(crate::PeerError::Invalid(
                    "no files on a disk in memory".into(),
                )),
            }),
            StoreOp::Compact { request, community } => {
                self.compact(&community);
                Some(StoreResult::Compacted {
                    request,
                    result: Ok(()),
                })
            }
            StoreOp::RefusedLog { community, bytes } => {
                self.refused.insert(community, bytes);
                None
            }
            StoreOp::AddressBook { bytes } => {
                self.address_book = Some(bytes);
                None
            }
        }
    }

    /// Replaces a community's files with one snapshot (what compaction does).
    pub fn compact(&mut self, id: &CommunityId) {
        if let Some(c) = self.community(id)
            && let Some(f) = self.communities.get_mut(id)
        {
            f.snapshot = c.doc().save();
            f.records.clear();
        }
    }
}
