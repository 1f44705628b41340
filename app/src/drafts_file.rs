//! `drafts.json` in the profile: what the member was writing ([`SavedDrafts`]), read at
//! start and written by one thread as it changes. Typing fast sends many snapshots; the
//! writer takes the newest one waiting, so a write never falls behind the keyboard. Each
//! write goes aside and is renamed into place: a crash leaves the old or the new file.

use std::path::{Path, PathBuf};
use std::sync::mpsc;

use crate::state::SavedDrafts;

/// The file's name in the profile.
pub const FILE: &str = "drafts.json";

/// The drafts kept in `dir` (none when the file is missing or unreadable: a draft is
/// never worth refusing to start over).
pub fn read(dir: &Path) -> SavedDrafts {
    let path = dir.join(FILE);
    match std::fs::read(&path) {
        Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_else(|e| {
            tracing::warn!("{} cannot be read, drafts start empty: {e}", path.display());
            SavedDrafts::default()
        }),
        Err(_) => SavedDrafts::default(),
    }
}

/// Writes `drafts` into `dir`.
pub fn write(dir: &Path, drafts: &SavedDrafts) -> std::io::Result<()> {
    use std::io::Write as _;
    let tmp = dir.join(format!("{FILE}.{}.tmp", std::process::id()));
    let bytes = serde_json::to_vec(drafts).map_err(std::io::Error::other)?;
    let mut file = std::fs::File::create(&tmp)?;
    file.write_all(&bytes)?;
    file.sync_all()?;
    std::fs::rename(tmp, dir.join(FILE))
}

/// The thread that writes drafts; dropping it writes what is still waiting and ends it.
pub struct DraftsWriter {
    tx: Option<mpsc::Sender<SavedDrafts>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl DraftsWriter {
    /// Starts the writer for `dir`.
    pub fn start(dir: PathBuf) -> Self {
        let (tx, rx) = mpsc::channel::<SavedDrafts>();
        let thread = std::thread::Builder::new()
            .name("copse-drafts".into())
            .spawn(move || {
                while let Ok(mut latest) = rx.recv() {
                    // Only the newest of what waits is worth writing.
                    while let Ok(newer) = rx.try_recv() {
                        latest = newer;
                    }
                    if let Err(e) = write(&dir, &latest) {
                        tracing::warn!("could not keep the drafts: {e}");
                    }
                }
            })
            .ok();
        Self {
            tx: Some(tx),
            thread,
        }
    }

    /// Queues `drafts` to be written.
    pub fn keep(&self, drafts: SavedDrafts) {
        if let Some(tx) = &self.tx {
            let _ = tx.send(drafts);
        }
    }

    /// Writes what waits and stops (also on drop).
    pub fn finish(&mut self) {
        self.tx = None;
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for DraftsWriter {
    fn drop(&mut self) {
        self.finish();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::CommunityDrafts;

    #[test]
    fn drafts_written_are_read_back_and_a_bad_file_reads_as_none() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(read(dir.path()), SavedDrafts::default());
        let mut drafts = SavedDrafts::default();
        let community = copse_core::CommunityId::from_bytes([1; 16]);
        let thread = copse_core::ThreadId::from_bytes([2; 16]);
        drafts.communities.insert(
            community,
            CommunityDrafts {
                replies: [(thread, "Half a thought".to_owned())].into(),
                story: "We used it on site".into(),
                ..Default::default()
            },
        );
        let mut writer = DraftsWriter::start(dir.path().to_owned());
        writer.keep(SavedDrafts::default());
        writer.keep(drafts.clone());
        writer.finish();
        assert_eq!(read(dir.path()), drafts);
        std::fs::write(dir.path().join(FILE), b"{not json").unwrap();
        assert_eq!(read(dir.path()), SavedDrafts::default());
    }
}
