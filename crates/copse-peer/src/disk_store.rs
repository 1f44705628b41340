//! [`DiskStore`]: carries out the hub's store operations on the profile directory, in
//! order, and loads what a hub starts from. Runs on the store thread (`store_thread`),
//! never on an async worker: every append is fsynced here.

use std::collections::{BTreeMap, BTreeSet};

use copse_core::{CommunityId, MemberId};
use copse_hub::{AdoptSource, Adopted, Loaded, PeerError, StoreOp, StoreResult, adopt};
use copse_store::{CommunityStore, Compacted, CompactionInput, ProfileDir, StoreError};

use copse_hub::LocalState;

use crate::profile::store_error;

/// Local file of addresses where members were reached.
pub(crate) const ADDRESS_BOOK: &str = "known-addrs.json";
/// The side file holding the cached first screen.
const CACHED_VIEW: &str = copse_store::files::CACHED_VIEW;
const REFUSED_LOG: &str = copse_store::files::REFUSED_LOG;
/// The side file holding what this member has read and seen.
const LOCAL_STATE: &str = "local.json";
/// The side file holding this device's last edits (`copse_hub`'s `own_edits`).
const OWN_EDITS: &str = "own-edits.json";

fn sync_state_file(member: &MemberId) -> String {
    format!("sync/{member}.state")
}

/// The profile's files.
#[derive(Debug)]
pub(crate) struct DiskStore {
    profile: ProfileDir,
    stores: BTreeMap<CommunityId, CommunityStore>,
    compacting: BTreeSet<CommunityId>,
    /// Replaced while compacting: that compaction read what the replacement took out,
    /// and is dropped.
    replaced: BTreeSet<CommunityId>,
}

impl DiskStore {
    /// Opens every community of `profile`; one that cannot be opened is logged and left
    /// out (the others still work).
    pub(crate) fn open(profile: ProfileDir) -> (Self, Loaded) {
        let mut startup = Loaded {
            address_book: profile.read_local(ADDRESS_BOOK),
            ..Loaded::default()
        };
        let mut stores = BTreeMap::new();
        for id in profile.community_ids().unwrap_or_default() {
            let t = std::time::Instant::now();
            let open = match profile.open_community(&id) {
                Ok(open) => open,
                Err(e) => {
                    tracing::error!(community = %id, error = %e, "could not open community");
                    continue;
                }
            };
            tracing::info!(community = %id, ms = t.elapsed().as_millis() as u64, "opened");
            for (name, state) in open.store.read_side_dir("sync") {
                if let Some(member) = name
                    .strip_suffix(".state")
                    .and_then(|m| m.parse::<MemberId>().ok())
                {
                    startup.sync_states.push(((id.clone(), member), state));
                }
            }
            if let Some(bytes) = open.store.read_side_file(REFUSED_LOG) {
                startup.refused.push((id.clone(), bytes));
            }
            if let Some(bytes) = open.store.read_side_file(OWN_EDITS) {
                startup.own_edits.push((id.clone(), bytes));
            }
            let local = LocalState::from_bytes(open.store.read_side_file(LOCAL_STATE).as_deref());
            startup.locals.push((id.clone(), local));
            startup.communities.push(open.community);
            stores.insert(id, open.store);
        }
        let store = Self {
            profile,
            stores,
            compacting: BTreeSet::new(),
            replaced: BTreeSet::new(),
        };
        (store, startup)
    }

    /// Carries out one operation; returns its result, if it has one.
    pub(crate) fn run(&mut self, op: StoreOp) -> Option<StoreResult> {
        match op {
            StoreOp::Append { community, record } => {
                let result = match self.stores.get_mut(&community) {
                    Some(s) => s.append(&record).map_err(|e| e.to_string()),
                    None => Err(format!("community {community} has no folder")),
                };
                Some(match result {
                    Ok(()) => StoreResult::Appended { community },
                    Err(error) => StoreResult::AppendFailed { community, error },
                })
            }
            StoreOp::Replace {
                community,
                saved,
                heads,
            } => {
                if self.compacting.contains(&community) {
                    self.replaced.insert(community.clone());
                }
                let result = match self.stores.get_mut(&community) {
                    Some(s) => s.replace(&saved, heads).map_err(|e| e.to_string()),
                    None => Err(format!("community {community} has no folder")),
                };
                Some(match result {
                    Ok(()) => StoreResult::Appended { community },
                    Err(error) => StoreResult::AppendFailed { community, error },
                })
            }
            StoreOp::OwnEdits { community, bytes } => {
                self.side_file(&community, OWN_EDITS, &bytes);
                None
            }
            StoreOp::Reload { community } => {
                let result = match self.stores.get_mut(&community) {
                    Some(s) => s
                        .reload()
                        .map(|(c, _)| Box::new(c))
                        .map_err(|e| e.to_string()),
                    None => Err(format!("community {community} has no folder")),
                };
                Some(StoreResult::Reloaded { community, result })
            }
            StoreOp::Create { community, saved } => {
                let result = self.create(&community, &saved);
                Some(StoreResult::Created { community, result })
            }
            StoreOp::Adopt { request, source } => Some(StoreResult::Adopted {
                request,
                result: self.adopt(source),
            }),
            StoreOp::ServeJoin { community, inbound } => {
                let result = match self.stores.get(&community) {
                    Some(s) => s.durable_document().map_err(|e| e.to_string()),
                    None => Err(format!("community {community} has no folder")),
                };
                Some(StoreResult::JoinDocument {
                    inbound,
                    community,
                    result,
                })
            }
            StoreOp::SyncState {
                community,
                peer,
                state,
            } => {
                self.side_file(&community, &sync_state_file(&peer), &state);
                None
            }
            StoreOp::CachedView { community, bytes } => {
                self.side_file(&community, CACHED_VIEW, &bytes);
                None
            }
            StoreOp::RefusedLog { community, bytes } => {
                self.side_file(&community, REFUSED_LOG, &bytes);
                None
            }
            StoreOp::LocalState { community, bytes } => {
                self.side_file(&community, LOCAL_STATE, &bytes);
                None
            }
            StoreOp::SetDetails { request, details } => Some(StoreResult::DetailsSaved {
                request,
                result: self.profile.set_me(&details).map_err(|e| e.to_string()),
            }),
            // The store thread runs these: they need worker threads and waiters.
            StoreOp::Export { request, .. } => Some(StoreResult::Exported {
                request,
                result: Err(PeerError::Store("exported off the store thread".into())),
            }),
            StoreOp::Compact { request, .. } => Some(StoreResult::Compacted {
                request,
                result: Err("compacted off the store thread".into()),
            }),
            StoreOp::AddressBook { bytes } => {
                if let Err(e) = self.profile.write_local(ADDRESS_BOOK, &bytes) {
                    tracing::warn!(error = %e, "could not save the address book");
                }
                None
            }
        }
    }

    fn create(&mut self, id: &CommunityId, saved: &[u8]) -> Result<(), String> {
        let community = copse_core::Community::load(saved).map_err(|e| e.to_string())?;
        if community.id() != id {
            return Err("the new community's bytes name another community".into());
        }
        let open = self
            .profile
            .add_community_saved(community, saved)
            .map_err(|e| e.to_string())?;
        self.stores.insert(id.clone(), open.store);
        Ok(())
    }

    /// Reads a community from a file or a member's answer; a new one gets its folder.
    fn adopt(&mut self, source: AdoptSource) -> Result<Adopted, PeerError> {
        let (bytes, expect) = match source {
            AdoptSource::File(path) => {
                let bytes = std::fs::read(&path).map_err(|e| {
                    PeerError::Invalid(format!("could not read {}: {e}", path.display()))
                })?;
                (bytes, None)
            }
            AdoptSource::Joined {
                document,
                expected,
                me,
            } => (document, Some((expected, me))),
        };
        let adopt::Foreign { community, refused } =
            adopt::load_foreign(&bytes, expect.as_ref().map(|(c, m)| (c, m)))?;
        let id = community.id().clone();
        if self.stores.contains_key(&id) || self.profile.has_community(&id) {
            return Ok(Adopted {
                community: Box::new(community),
                fresh: false,
                refused,
            });
        }
        // Kept as received (a large community is not saved again on arrival), unless the
        // guard took changes out of it.
        let bytes = if refused.is_empty() {
            bytes
        } else {
            community.doc().save()
        };
        let open = self
            .profile
            .add_community_saved(community, &bytes)
            .map_err(store_error)?;
        self.stores.insert(id, open.store);
        Ok(Adopted {
            community: Box::new(open.community),
            fresh: true,
            refused,
        })
    }

    fn side_file(&self, c: &CommunityId, name: &str, bytes: &[u8]) {
        if let Some(s) = self.stores.get(c)
            && let Err(e) = s.write_side_file(name, bytes)
        {
            tracing::warn!(community = %c, file = name, error = %e, "could not write a side file");
        }
    }

    /// When community `c`'s log has grown enough and it is not compacting already: what
    /// to compact (it is compacting from now until [`Self::install`]).
    pub(crate) fn compaction_due(&mut self, c: &CommunityId) -> Option<CompactionInput> {
        if !self.stores.get(c)?.wants_compaction() {
            return None;
        }
        self.start_compaction(c).unwrap_or_else(|e| {
            tracing::warn!(community = %c, error = %e, "could not start a compaction");
            None
        })
    }

    /// What to compact now, whatever the log's size; `None` if it is compacting already.
    pub(crate) fn start_compaction(
        &mut self,
        c: &CommunityId,
    ) -> Result<Option<CompactionInput>, PeerError> {
        let s = self
            .stores
            .get(c)
            .ok_or_else(|| PeerError::UnknownCommunity(c.clone()))?;
        if self.compacting.contains(c) {
            return Ok(None);
        }
        let input = s.compaction_input().map_err(store_error)?;
        self.compacting.insert(c.clone());
        Ok(Some(input))
    }

    /// Puts a finished compaction in place.
    pub(crate) fn install(
        &mut self,
        c: &CommunityId,
        result: Result<Option<Compacted>, StoreError>,
    ) {
        self.compacting.remove(c);
        if self.replaced.remove(c) {
            tracing::info!(community = %c, "dropped a compaction the community was replaced during");
            return;
        }
        let outcome = match (result, self.stores.get_mut(c)) {
            (Ok(Some(compacted)), Some(s)) => s.install(compacted),
            (Ok(_), _) => Ok(()),
            (Err(e), _) => Err(e),
        };
        match outcome {
            Ok(()) => tracing::debug!(community = %c, "compacted"),
            // The log still holds everything; a failed compaction only costs space.
            Err(e) => {
                tracing::warn!(community = %c, error = %e, "compaction failed; will retry later")
            }
        }
    }

    /// The files of `c` as they are, for an export.
    pub(crate) fn export_input(&self, c: &CommunityId) -> Result<CompactionInput, PeerError> {
        self.stores
            .get(c)
            .ok_or_else(|| PeerError::UnknownCommunity(c.clone()))?
            .compaction_input()
            .map_err(store_error)
    }
}
