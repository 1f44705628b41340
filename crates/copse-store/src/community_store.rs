//! One community on disk: `snapshot.am` (a saved Automerge document) plus `changes.log`
//! (framed incremental changes, see `log_format`).
//!
//! A change is acknowledged only after its record is fsynced. Each record holds the changes
//! since the heads *before the previous record*, so every change is written twice: a damaged
//! record loses nothing its successor repeats. Compaction writes a new snapshot durably first
//! and only then replaces the log.

use std::fs::{self, File, OpenOptions};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use automerge::{Automerge, ChangeHash, ReadDoc};
use copse_core::Community;

use crate::atomic_file::{sync_dir, write_atomically, write_durably};
use crate::log_format::{encode_record, scan};
use crate::{OpenReport, StoreError};

/// The snapshot file.
pub const SNAPSHOT: &str = "snapshot.am";
/// The change log file.
pub const LOG: &str = "changes.log";

/// Log size above which compaction pays off even for small communities.
const COMPACT_MIN_LOG: u64 = 4 << 20;

/// An injected write failure, for tests of full and failing disks.
#[cfg(any(test, feature = "faults"))]
#[derive(Debug, Clone, Copy)]
pub struct Fault {
    /// Bytes of the next record actually written before the failure.
    pub written: usize,
    /// The OS error number to fail with (28 = ENOSPC, 5 = EIO, 30 = EROFS).
    pub errno: i32,
}

/// The files of one community, open for appending.
#[derive(Debug)]
pub struct CommunityStore {
    dir: PathBuf,
    log: File,
    log_len: u64,
    snapshot_len: u64,
    /// Heads covered by what is on disk.
    saved_heads: Vec<ChangeHash>,
    /// Heads before the last record: the next record starts here (see the module doc).
    overlap_heads: Vec<ChangeHash>,
    #[cfg(any(test, feature = "faults"))]
    fault: Option<Fault>,
}

fn open_log(path: &Path) -> Result<File, StoreError> {
    OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .map_err(StoreError::io("opening", path))
}

impl CommunityStore {
    /// Writes a new community folder atomically (built aside, then renamed into place).
    /// `saved` is `community`'s `Automerge::save()` bytes.
    pub(crate) fn create(
        dir: &Path,
        community: &Community,
        saved: &[u8],
    ) -> Result<Self, StoreError> {
        let parent = dir.parent().unwrap_or(Path::new("."));
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let staging = parent.join(format!(".new-{name}"));
        let _ = fs::remove_dir_all(&staging);
        fs::create_dir_all(&staging).map_err(StoreError::io("creating", &staging))?;
        write_durably(&staging.join(SNAPSHOT), saved)?;
        let log = open_log(&staging.join(LOG))?;
        log.sync_all()
            .map_err(StoreError::io("syncing", staging.join(LOG)))?;
        sync_dir(&staging)?;
        fs::rename(&staging, dir).map_err(StoreError::io("creating", dir))?;
        sync_dir(parent)?;
        let heads = community.doc().get_heads();
        Ok(Self {
            dir: dir.to_owned(),
            log: open_log(&dir.join(LOG))?,
            log_len: 0,
            snapshot_len: saved.len() as u64,
            saved_heads: heads.clone(),
            overlap_heads: heads,
            #[cfg(any(test, feature = "faults"))]
            fault: None,
        })
    }

    /// Opens a community folder: loads the snapshot, replays the log, skips damage.
    pub(crate) fn open(dir: &Path) -> Result<(Self, Community, OpenReport), StoreError> {
        let (community, report, log_len, snapshot_len) = read_dir(dir, true)?;
        let heads = community.doc().get_heads();
        let store = Self {
            dir: dir.to_owned(),
            log: open_log(&dir.join(LOG))?,
            log_len,
            snapshot_len,
            saved_heads: heads.clone(),
            overlap_heads: heads,
            #[cfg(any(test, feature = "faults"))]
            fault: None,
        };
        Ok((store, community, report))
    }

    /// Reads the community back from disk, dropping whatever was not saved.
    pub fn reload(&mut self) -> Result<(Community, OpenReport), StoreError> {
        let (community, report, log_len, snapshot_len) = read_dir(&self.dir, true)?;
        let heads = community.doc().get_heads();
        self.log = open_log(&self.dir.join(LOG))?;
        self.log_len = log_len;
        self.snapshot_len = snapshot_len;
        self.saved_heads = heads.clone();
        self.overlap_heads = heads;
        Ok((community, report))
    }

    /// The community's folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Bytes in the change log.
    pub fn log_len(&self) -> u64 {
        self.log_len
    }

    /// Whether everything in `doc` is on disk.
    pub fn is_saved(&self, doc: &Automerge) -> bool {
        doc.get_heads() == self.saved_heads
    }

    /// Appends and fsyncs every change of `doc` not yet on disk. Returns whether it wrote.
    /// On error nothing new counts as saved and the log is cut back to its last good record.
    pub fn persist(&mut self, doc: &Automerge) -> Result<bool, StoreError> {
        let heads = doc.get_heads();
        if heads == self.saved_heads {
            return Ok(false);
        }
        let record = encode_record(&doc.save_after(&self.overlap_heads));
        let path = self.dir.join(LOG);
        if let Err(e) = self.write_record(&record) {
            // Cut off a partial record; if even that fails, the next open skips it as torn.
            let _ = self.log.set_len(self.log_len);
            return Err(StoreError::io("appending to", path)(e));
        }
        self.log_len += record.len() as u64;
        self.overlap_heads = std::mem::replace(&mut self.saved_heads, heads);
        Ok(true)
    }

    fn write_record(&mut self, record: &[u8]) -> std::io::Result<()> {
        #[cfg(any(test, feature = "faults"))]
        if let Some(f) = self.fault.take() {
            self.log
                .write_all_at(&record[..f.written.min(record.len())], self.log_len)?;
            return Err(std::io::Error::from_raw_os_error(f.errno));
        }
        self.log.write_all_at(record, self.log_len)?;
        self.log.sync_data()
    }

    /// Makes the next append fail after writing `fault.written` bytes.
    #[cfg(any(test, feature = "faults"))]
    pub fn inject_fault(&mut self, fault: Fault) {
        self.fault = Some(fault);
    }

    /// Whether the log has grown enough that a new snapshot pays off.
    pub fn wants_compaction(&self) -> bool {
        self.log_len > COMPACT_MIN_LOG.max(self.snapshot_len / 2)
    }

    /// Writes `doc` as the new snapshot and starts an empty log. Skipped while changes wait
    /// for missing dependencies, which a snapshot would not keep.
    pub fn compact(&mut self, doc: &Automerge) -> Result<bool, StoreError> {
        if !doc.get_missing_deps(&[]).is_empty() {
            return Ok(false);
        }
        let bytes = doc.save();
        write_durably(&self.dir.join(SNAPSHOT), &bytes)?;
        // The snapshot now holds everything: the old log is superseded.
        write_durably(&self.dir.join(LOG), &[])?;
        self.log = open_log(&self.dir.join(LOG))?;
        self.log_len = 0;
        self.snapshot_len = bytes.len() as u64;
        self.saved_heads = doc.get_heads();
        self.overlap_heads = self.saved_heads.clone();
        Ok(true)
    }

    /// Writes a side file (sync state, cached view): atomic, not fsynced, rebuilt if lost.
    pub fn write_side_file(&self, name: &str, bytes: &[u8]) -> Result<(), StoreError> {
        let path = self.dir.join(name);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(StoreError::io("creating", parent))?;
        }
        write_atomically(&path, bytes)
    }

    /// Reads a side file; `None` if absent.
    pub fn read_side_file(&self, name: &str) -> Option<Vec<u8>> {
        fs::read(self.dir.join(name)).ok()
    }
}

/// Loads a community folder. Returns the community, the damage report, the good log length
/// and the snapshot length. With `repair`, cuts a torn tail off the log.
fn read_dir(dir: &Path, repair: bool) -> Result<(Community, OpenReport, u64, u64), StoreError> {
    if !dir.is_dir() {
        return Err(StoreError::UnknownCommunity(
            dir.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
        ));
    }
    let snap_path = dir.join(SNAPSHOT);
    let snapshot = fs::read(&snap_path).map_err(StoreError::io("reading", &snap_path))?;
    let mut doc = Automerge::load(&snapshot).map_err(|e| StoreError::SnapshotDamaged {
        path: snap_path.clone(),
        reason: e.to_string(),
    })?;
    let log_path = dir.join(LOG);
    let log = match fs::read(&log_path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(StoreError::io("reading", &log_path)(e)),
    };
    let found = scan(&log);
    let mut report = OpenReport {
        records: found.records.len(),
        corrupt_ranges: found
            .corrupt
            .iter()
            .map(|r| (r.start as u64, r.end as u64))
            .collect(),
        ..OpenReport::default()
    };
    for range in &found.corrupt {
        tracing::warn!(log = %log_path.display(), from = range.start, to = range.end, "skipped a damaged log record");
    }
    // One call for the whole log is much faster than one per record; if Automerge refuses
    // the batch, replay record by record to skip only the bad ones.
    let batch: Vec<u8> = found
        .records
        .iter()
        .flat_map(|r| &log[r.clone()])
        .copied()
        .collect();
    if !batch.is_empty() && doc.load_incremental(&batch).is_err() {
        // The failed batch may have half-applied: start again from the snapshot.
        doc = Automerge::load(&snapshot).map_err(|e| StoreError::SnapshotDamaged {
            path: snap_path.clone(),
            reason: e.to_string(),
        })?;
        for r in &found.records {
            if let Err(e) = doc.load_incremental(&log[r.clone()]) {
                tracing::warn!(log = %log_path.display(), offset = r.start, error = %e, "skipped a log record automerge refused");
                report.rejected_records += 1;
            }
        }
    }
    if let Some(tail) = found.tail_from {
        report.torn_tail_bytes = (log.len() - tail) as u64;
        tracing::warn!(log = %log_path.display(), bytes = report.torn_tail_bytes, "skipped an unfinished write at the end of the log");
        if repair {
            let f = open_log(&log_path)?;
            f.set_len(found.good_end as u64)
                .and_then(|()| f.sync_all())
                .map_err(StoreError::io("repairing", &log_path))?;
        }
    }
    report.missing_changes = doc.get_missing_deps(&[]).len();
    let community = Community::from_doc(doc).map_err(|error| StoreError::Document {
        path: snap_path,
        error,
    })?;
    Ok((
        community,
        report,
        found.good_end as u64,
        snapshot.len() as u64,
    ))
}
