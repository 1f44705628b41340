//! A community open on this device: its document in memory and its files on disk, kept in
//! step. Every path that changes the document ends in [`OpenCommunity::save`] or rolls back.

use copse_core::view::cached::CachedView;
use copse_core::{Applied, Command, CommandError, Community, MemberId, Timestamp};
use rand::RngCore;

use crate::{CommunityStore, OpenReport, StoreError};

/// Side file holding the cached first screen.
pub const CACHED_VIEW: &str = "view.json";

/// Side file holding the changes the guard refused, and why.
pub const REFUSED_LOG: &str = "refused.json";

/// Why a command did not take effect.
#[derive(Debug, thiserror::Error)]
pub enum ExecuteError {
    /// The community's rules refused it; nothing changed.
    #[error(transparent)]
    Refused(#[from] CommandError),
    /// It could not be saved; it was undone in memory too.
    #[error(transparent)]
    NotSaved(#[from] StoreError),
}

/// A community's document and store.
#[derive(Debug)]
pub struct OpenCommunity {
    /// The document.
    pub community: Community,
    /// Its files.
    pub store: CommunityStore,
    /// What opening it found.
    pub report: OpenReport,
}

impl OpenCommunity {
    /// Applies `cmd` and returns only once it is on disk. If saving fails, the document is
    /// reloaded from disk so that memory never holds an edit the user was told failed.
    pub fn execute(
        &mut self,
        me: &MemberId,
        now: Timestamp,
        rng: &mut dyn RngCore,
        cmd: Command,
    ) -> Result<Applied, ExecuteError> {
        let applied = self.community.apply(me, now, rng, cmd)?;
        self.save()?;
        Ok(applied)
    }

    /// Persists whatever the document holds beyond what is on disk (after a local command or
    /// a merge of remote changes), compacting when the log has grown. On failure, rolls the
    /// document back to what is on disk.
    pub fn save(&mut self) -> Result<(), StoreError> {
        if let Err(e) = self.store.persist(self.community.doc()) {
            self.rollback();
            return Err(e);
        }
        if self.store.wants_compaction() {
            // The change is durable in the log already; a failed compaction only costs space.
            if let Err(e) = self.store.compact(self.community.doc()) {
                tracing::warn!(error = %e, "compaction failed; will retry later");
            }
        }
        Ok(())
    }

    /// Saves the first screen (see [`CachedView`]) beside the document for a fast next start.
    pub fn write_cached_view(&self) -> Result<(), StoreError> {
        let view = CachedView::build(&self.community);
        let bytes = serde_json::to_vec(&view).map_err(|e| StoreError::BadFile {
            path: self.store.dir().join(CACHED_VIEW),
            reason: e.to_string(),
        })?;
        self.store.write_side_file(CACHED_VIEW, &bytes)
    }

    /// Drops unsaved changes by reading the community back from disk.
    pub fn rollback(&mut self) {
        match self.store.reload() {
            Ok((community, _)) => self.community = community,
            Err(e) => {
                tracing::error!(error = %e, "could not reload the community after a failed save")
            }
        }
    }
}
