//! One community on disk: `snapshot.am` (a saved Automerge document) plus `changes.log`
//! (framed incremental changes, see `log_format`).
//!
//! A change is acknowledged only after its record is fsynced. Each record holds the changes
//! since the heads *before the previous record*, so every change is written twice: a damaged
//! record loses nothing its successor repeats. Compaction writes a new snapshot durably first
//! and only then replaces the log.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{FileExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use automerge::{Automerge, ChangeHash, ReadDoc};
use copse_core::{Community, LogCursor};

use crate::atomic_file::{sync_dir, write_atomically, write_durably};
use crate::log_format::{encode_record, scan};
use crate::{OpenReport, StoreError};

/// The snapshot file.
pub const SNAPSHOT: &str = "snapshot.am";
/// The change log file.
pub const LOG: &str = "changes.log";

/// Log size above which compaction pays off even for small communities.
const COMPACT_MIN_LOG: u64 = 4 << 20;
/// The new log written aside during compaction.
const LOG_NEW: &str = "changes.log.new";

/// An injected failure, for tests of full and failing disks.
#[cfg(any(test, feature = "faults"))]
#[derive(Debug, Clone, Copy)]
pub enum Fault {
    /// The next append writes `written` bytes of its record, then fails with `errno`
    /// (28 = ENOSPC, 5 = EIO, 30 = EROFS).
    Append {
        /// Bytes of the record actually written.
        written: usize,
        /// The OS error number.
        errno: i32,
    },
    /// A fsync of the community's folder fails, after `skip` that succeed.
    SyncDir {
        /// Folder syncs that succeed first.
        skip: u8,
    },
    /// The next reopen of the change log fails.
    ReopenLog,
}

/// The files of one community, open for appending.
#[derive(Debug)]
pub struct CommunityStore {
    dir: PathBuf,
    /// The log, open for appending. `None` after a reopen failed: an append retries the
    /// open and never writes to a handle that may point at a replaced (unlinked) file.
    log: Option<File>,
    log_len: u64,
    snapshot_len: u64,
    /// A rename inside the folder may not be durable yet (its fsync failed): appends sync
    /// the folder first, so nothing is acknowledged in a file that a crash could unlink.
    dir_unsynced: bool,
    /// What [`Self::persist`] writes next.
    cursor: LogCursor,
    #[cfg(any(test, feature = "faults"))]
    fault: Option<Fault>,
}

/// What compaction works from: the snapshot and the log as they were when it started.
#[derive(Debug)]
pub struct CompactionInput {
    dir: PathBuf,
    snapshot: Vec<u8>,
    log: Vec<u8>,
}

/// A new snapshot written aside (`snapshot.am.tmp`, fsynced), covering the log up to
/// `covered` bytes; [`CommunityStore::install`] puts it in place.
#[derive(Debug)]
pub struct Compacted {
    covered: u64,
    snapshot_len: u64,
    /// Where the new snapshot waits to be renamed in.
    aside: PathBuf,
}

fn open_log(path: &Path) -> Result<File, StoreError> {
    OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .open(path)
        .map_err(StoreError::io("opening", path))
}

impl CommunityStore {
    fn with(dir: &Path, log_len: u64, snapshot_len: u64, heads: Vec<ChangeHash>) -> Self {
        Self {
            dir: dir.to_owned(),
            log: None,
            log_len,
            snapshot_len,
            dir_unsynced: false,
            cursor: LogCursor::at(heads),
            #[cfg(any(test, feature = "faults"))]
            fault: None,
        }
    }

    /// Writes a new community folder atomically (built aside, then renamed into place).
    /// `saved` is `community`'s `Automerge::save()` bytes (or any bytes that load as it).
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
        let mut store = Self::with(dir, 0, saved.len() as u64, community.doc().get_heads());
        store.log = Some(open_log(&dir.join(LOG))?);
        Ok(store)
    }

    /// Opens a community folder: loads the snapshot, replays the log, skips damage.
    pub(crate) fn open(dir: &Path) -> Result<(Self, Community, OpenReport), StoreError> {
        let (community, report, log_len, snapshot_len) = read_dir(dir, true)?;
        let mut store = Self::with(dir, log_len, snapshot_len, community.doc().get_heads());
        store.log = Some(open_log(&dir.join(LOG))?);
        Ok((store, community, report))
    }

    /// Reads the community back from disk, dropping whatever was not saved.
    pub fn reload(&mut self) -> Result<(Community, OpenReport), StoreError> {
        let (community, report, log_len, snapshot_len) = read_dir(&self.dir, true)?;
        self.log = None;
        self.log = Some(self.reopen_log()?);
        self.log_len = log_len;
        self.snapshot_len = snapshot_len;
        self.cursor = LogCursor::at(community.doc().get_heads());
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

    /// Whether everything in `doc` is on disk (as far as [`Self::persist`] wrote it).
    pub fn is_saved(&self, doc: &Automerge) -> bool {
        self.cursor.is_saved(doc)
    }

    /// Appends and fsyncs every change of `doc` not yet on disk. Returns whether it wrote.
    /// On error nothing new counts as saved and the log is cut back to its last good record.
    pub fn persist(&mut self, doc: &Automerge) -> Result<bool, StoreError> {
        let Some(record) = self.cursor.next(doc) else {
            return Ok(false);
        };
        self.append(&record.bytes)?;
        self.cursor.confirm(record.heads);
        Ok(true)
    }

    /// Appends one record (`payload`: change chunks) and fsyncs it: once this returns `Ok`
    /// the changes survive a crash. On error the log is cut back to its last good record.
    pub fn append(&mut self, payload: &[u8]) -> Result<(), StoreError> {
        let record = encode_record(payload);
        let path = self.dir.join(LOG);
        if self.dir_unsynced {
            self.sync_folder()?;
            self.dir_unsynced = false;
        }
        if self.log.is_none() {
            self.log = Some(self.reopen_log()?);
        }
        if let Err(e) = self.write_record(&record) {
            // Cut off a partial record; if even that fails, the next open skips it as torn.
            if let Some(log) = &self.log {
                let _ = log.set_len(self.log_len);
            }
            return Err(StoreError::io("appending to", path)(e));
        }
        self.log_len += record.len() as u64;
        Ok(())
    }

    fn write_record(&mut self, record: &[u8]) -> std::io::Result<()> {
        #[cfg(any(test, feature = "faults"))]
        if let Some(Fault::Append { written, errno }) = self.fault {
            self.fault = None;
            if let Some(log) = &self.log {
                log.write_all_at(&record[..written.min(record.len())], self.log_len)?;
            }
            return Err(std::io::Error::from_raw_os_error(errno));
        }
        let log = self
            .log
            .as_ref()
            .ok_or_else(|| std::io::Error::other("the change log is not open"))?;
        log.write_all_at(record, self.log_len)?;
        log.sync_data()
    }

    fn sync_folder(&mut self) -> Result<(), StoreError> {
        #[cfg(any(test, feature = "faults"))]
        if let Some(Fault::SyncDir { skip }) = self.fault {
            if skip > 0 {
                self.fault = Some(Fault::SyncDir { skip: skip - 1 });
                return sync_dir(&self.dir);
            }
            self.fault = None;
            return Err(StoreError::io("syncing folder", &self.dir)(
                std::io::Error::from_raw_os_error(5),
            ));
        }
        sync_dir(&self.dir)
    }

    fn reopen_log(&mut self) -> Result<File, StoreError> {
        #[cfg(any(test, feature = "faults"))]
        if let Some(Fault::ReopenLog) = self.fault {
            self.fault = None;
            return Err(StoreError::io("opening", self.dir.join(LOG))(
                std::io::Error::from_raw_os_error(24),
            ));
        }
        open_log(&self.dir.join(LOG))
    }

    /// Makes the next matching operation fail.
    #[cfg(any(test, feature = "faults"))]
    pub fn inject_fault(&mut self, fault: Fault) {
        self.fault = Some(fault);
    }

    /// Whether the log has grown enough that a new snapshot pays off.
    pub fn wants_compaction(&self) -> bool {
        self.log_len > COMPACT_MIN_LOG.max(self.snapshot_len / 2)
    }

    /// The snapshot and log as they are now, for [`CompactionInput::compact`] (which may
    /// run on another thread while appends go on).
    pub fn compaction_input(&self) -> Result<CompactionInput, StoreError> {
        let snap = self.dir.join(SNAPSHOT);
        let snapshot = fs::read(&snap).map_err(StoreError::io("reading", &snap))?;
        let mut log = vec![0u8; usize::try_from(self.log_len).unwrap_or(usize::MAX)];
        if let Some(f) = &self.log {
            f.read_exact_at(&mut log, 0)
                .map_err(StoreError::io("reading", self.dir.join(LOG)))?;
        } else {
            return Err(StoreError::io("reading", self.dir.join(LOG))(
                std::io::Error::other("the change log is not open"),
            ));
        }
        Ok(CompactionInput {
            dir: self.dir.clone(),
            snapshot,
            log,
        })
    }

    /// Puts a compacted snapshot in place and keeps only the log records written after it
    /// was taken. Order (each step durable before the next): new log aside, snapshot renamed
    /// in, folder synced, log renamed in, folder synced. A crash at any point leaves a
    /// snapshot plus a log that together hold every acknowledged change (a replayed record
    /// already in the snapshot is a no-op).
    pub fn install(&mut self, compacted: Compacted) -> Result<(), StoreError> {
        let tail_len = self.log_len.saturating_sub(compacted.covered);
        let new_log = self.dir.join(LOG_NEW);
        let snap_tmp = compacted.aside.clone();
        let prepared = (|| {
            let mut tail = vec![0u8; usize::try_from(tail_len).unwrap_or(usize::MAX)];
            let log = self
                .log
                .as_ref()
                .ok_or_else(|| std::io::Error::other("the change log is not open"))
                .map_err(StoreError::io("reading", self.dir.join(LOG)))?;
            log.read_exact_at(&mut tail, compacted.covered)
                .map_err(StoreError::io("reading", self.dir.join(LOG)))?;
            write_new_file(&new_log, &tail)
        })();
        if let Err(e) = prepared {
            let _ = fs::remove_file(&new_log);
            let _ = fs::remove_file(&snap_tmp);
            return Err(e);
        }
        if let Err(e) = fs::rename(&snap_tmp, self.dir.join(SNAPSHOT)) {
            let _ = fs::remove_file(&new_log);
            let _ = fs::remove_file(&snap_tmp);
            return Err(StoreError::io("replacing", self.dir.join(SNAPSHOT))(e));
        }
        // The log may be cut only once the snapshot holding its records is durable.
        if let Err(e) = self.sync_folder() {
            let _ = fs::remove_file(&new_log);
            self.dir_unsynced = true;
            return Err(e);
        }
        self.snapshot_len = compacted.snapshot_len;
        // From here the old handle may point at an unlinked file: never write through it.
        self.log = None;
        if let Err(e) = fs::rename(&new_log, self.dir.join(LOG)) {
            let _ = fs::remove_file(&new_log);
            self.log = Some(self.reopen_log()?);
            return Err(StoreError::io("replacing", self.dir.join(LOG))(e));
        }
        self.log_len = tail_len;
        if let Err(e) = self.sync_folder() {
            self.dir_unsynced = true;
            return Err(e);
        }
        self.log = Some(self.reopen_log()?);
        Ok(())
    }

    /// Compacts now, on this thread: writes `doc` as the new snapshot and starts an empty
    /// log. Skipped while changes wait for missing dependencies, which a snapshot would
    /// not keep.
    pub fn compact(&mut self, doc: &Automerge) -> Result<bool, StoreError> {
        if !doc.get_missing_deps(&[]).is_empty() {
            return Ok(false);
        }
        let bytes = doc.save();
        let compacted = write_snapshot_aside(&self.dir, &bytes, self.log_len)?;
        self.install(compacted)?;
        Ok(true)
    }

    /// Replaces everything on disk with `saved` (an `Automerge::save()`): the document was
    /// rebuilt without changes it held (the losing side of an equivocation), which the
    /// log must not bring back. Written aside under its own name (a compaction running
    /// meanwhile writes its own, and must then be dropped: see the caller), then put in
    /// place as a compaction covering the whole log.
    /// `heads` are the document's (what [`Self::persist`] goes on from).
    pub fn replace(&mut self, saved: &[u8], heads: Vec<ChangeHash>) -> Result<(), StoreError> {
        let aside = self.dir.join(format!("{SNAPSHOT}.replace"));
        let compacted = write_aside(aside, saved, self.log_len)?;
        self.install(compacted)?;
        self.cursor = LogCursor::at(heads);
        Ok(())
    }

    /// Everything durable, as bytes that load as the community: the snapshot followed by
    /// the change chunks of every intact log record (Automerge loads a document chunk
    /// followed by change chunks, and skips changes it already has). Sent to a newcomer
    /// without loading or saving the document.
    pub fn durable_document(&self) -> Result<Vec<u8>, StoreError> {
        let snap = self.dir.join(SNAPSHOT);
        let mut out = fs::read(&snap).map_err(StoreError::io("reading", &snap))?;
        let mut log = vec![0u8; usize::try_from(self.log_len).unwrap_or(usize::MAX)];
        if let Some(f) = &self.log {
            f.read_exact_at(&mut log, 0)
                .map_err(StoreError::io("reading", self.dir.join(LOG)))?;
        }
        for r in scan(&log).records {
            out.extend_from_slice(&log[r]);
        }
        Ok(out)
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

    /// Every side file in the folder `sub` (e.g. `sync`), by file name; unreadable entries
    /// are skipped (side files are rebuilt if lost).
    pub fn read_side_dir(&self, sub: &str) -> Vec<(String, Vec<u8>)> {
        let Ok(entries) = fs::read_dir(self.dir.join(sub)) else {
            return Vec::new();
        };
        entries
            .filter_map(|e| {
                let e = e.ok()?;
                let name = e.file_name().to_str()?.to_owned();
                Some((name, fs::read(e.path()).ok()?))
            })
            .collect()
    }
}

impl CompactionInput {
    /// The community as one `Automerge::save()` document (for an export). Pure work on its
    /// inputs: run it off the thread that appends.
    pub fn save(self) -> Result<Vec<u8>, StoreError> {
        Ok(self.load()?.save())
    }

    fn load(&self) -> Result<Automerge, StoreError> {
        let mut doc = Automerge::load(&self.snapshot).map_err(|e| StoreError::SnapshotDamaged {
            path: self.dir.join(SNAPSHOT),
            reason: e.to_string(),
        })?;
        for r in scan(&self.log).records {
            // A record Automerge refuses was skipped at open too; it stays out.
            let _ = doc.load_incremental(&self.log[r]);
        }
        Ok(doc)
    }

    /// Loads the snapshot and log, saves them as one snapshot and writes it aside, fsynced.
    /// Pure work on its inputs (and one file): run it off the thread that appends. `None`
    /// when changes wait for missing dependencies (a snapshot would drop them).
    pub fn compact(self) -> Result<Option<Compacted>, StoreError> {
        let covered = self.log.len() as u64;
        let doc = self.load()?;
        if !doc.get_missing_deps(&[]).is_empty() {
            return Ok(None);
        }
        let bytes = doc.save();
        drop(doc);
        write_snapshot_aside(&self.dir, &bytes, covered).map(Some)
    }
}

fn write_snapshot_aside(dir: &Path, bytes: &[u8], covered: u64) -> Result<Compacted, StoreError> {
    write_aside(dir.join(format!("{SNAPSHOT}.tmp")), bytes, covered)
}

fn write_aside(aside: PathBuf, bytes: &[u8], covered: u64) -> Result<Compacted, StoreError> {
    write_new_file(&aside, bytes)?;
    Ok(Compacted {
        covered,
        snapshot_len: bytes.len() as u64,
        aside,
    })
}

/// Writes `bytes` to a fresh file (owner-only) and fsyncs it.
fn write_new_file(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    let mut f = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .map_err(StoreError::io("creating", path))?;
    f.write_all(bytes)
        .and_then(|()| f.sync_all())
        .map_err(StoreError::io("writing", path))
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
