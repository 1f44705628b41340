//! The store thread: runs the [`DiskStore`] off the async workers, one job at a time, in
//! order. Appends are fsynced here; compactions and exports load and save whole documents
//! on worker threads of their own, so appends (and so sync) go on meanwhile.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::thread::JoinHandle;

use copse_core::CommunityId;
use copse_hub::{Exported, PeerError, RequestId, StoreOp, StoreResult};
use copse_store::{Compacted, StoreError};
use tokio::sync::mpsc;

use crate::disk_store::DiskStore;

/// Jobs queued at once; the runtime holds more in its outbox rather than wait.
pub(crate) const JOBS: usize = 1024;

/// Work for the store thread.
#[derive(Debug)]
pub(crate) enum Job {
    /// A hub store operation; its result goes back to the runtime.
    Op(StoreOp),
    /// A compaction worker finished.
    Compacted {
        community: CommunityId,
        result: Result<Option<Compacted>, StoreError>,
    },
    /// Finish the queued jobs and the running compactions, then stop (releasing the
    /// profile).
    Stop,
}

/// Starts the store thread. Results of hub operations go to `results`.
pub(crate) fn spawn(
    store: DiskStore,
    results: mpsc::Sender<StoreResult>,
) -> std::io::Result<(mpsc::Sender<Job>, JoinHandle<()>)> {
    let (tx, rx) = mpsc::channel(JOBS);
    let own = tx.clone();
    let handle = std::thread::Builder::new()
        .name("copse-store".into())
        .spawn(move || run(store, rx, own, results))?;
    Ok((tx, handle))
}

/// Hands a result to the runtime (which always drains them).
fn answer(results: &mpsc::Sender<StoreResult>, result: StoreResult) {
    if results.blocking_send(result).is_err() {
        tracing::debug!("the runtime stopped; dropping a store result");
    }
}

fn run(
    mut store: DiskStore,
    mut jobs: mpsc::Receiver<Job>,
    own: mpsc::Sender<Job>,
    results: mpsc::Sender<StoreResult>,
) {
    let mut workers: Vec<JoinHandle<()>> = Vec::new();
    // Who waits for a compaction to be in place, per community.
    let mut compact_waiters: BTreeMap<CommunityId, Vec<RequestId>> = BTreeMap::new();
    while let Some(job) = jobs.blocking_recv() {
        match job {
            Job::Op(StoreOp::Export {
                request,
                community,
                path,
            }) => match store.export_input(&community) {
                Ok(input) => {
                    let results = results.clone();
                    workers.push(spawn_worker("copse-export", move || {
                        let result = export(input, &path);
                        answer(&results, StoreResult::Exported { request, result });
                    }));
                }
                Err(e) => answer(
                    &results,
                    StoreResult::Exported {
                        request,
                        result: Err(e),
                    },
                ),
            },
            Job::Op(StoreOp::Compact { request, community }) => {
                match store.start_compaction(&community) {
                    // Started now, or running already: answered when it is in place.
                    Ok(started) => {
                        if let Some(input) = started {
                            workers.push(compact_off_thread(input, community.clone(), own.clone()));
                        }
                        compact_waiters.entry(community).or_default().push(request);
                    }
                    Err(e) => answer(
                        &results,
                        StoreResult::Compacted {
                            request,
                            result: Err(e.to_string()),
                        },
                    ),
                }
            }
            Job::Op(op) => {
                let appended = match &op {
                    StoreOp::Append { community, .. } => Some(community.clone()),
                    _ => None,
                };
                if let Some(result) = store.run(op) {
                    let ok = matches!(result, StoreResult::Appended { .. });
                    answer(&results, result);
                    if let (true, Some(c)) = (ok, appended)
                        && let Some(input) = store.compaction_due(&c)
                    {
                        workers.push(compact_off_thread(input, c, own.clone()));
                    }
                }
            }
            Job::Compacted { community, result } => {
                let failed = result.as_ref().err().map(ToString::to_string);
                store.install(&community, result);
                for request in compact_waiters.remove(&community).unwrap_or_default() {
                    let result = match &failed {
                        None => Ok(()),
                        Some(e) => Err(e.clone()),
                    };
                    answer(&results, StoreResult::Compacted { request, result });
                }
            }
            Job::Stop => {
                // Compactions still running report back through `own`; wait for them.
                let running: Vec<JoinHandle<()>> = std::mem::take(&mut workers);
                for w in running {
                    let _ = w.join();
                }
                while let Ok(job) = jobs.try_recv() {
                    if let Job::Compacted { community, result } = job {
                        store.install(&community, result);
                    }
                }
                break;
            }
        }
        workers.retain(|w| !w.is_finished());
    }
    drop(store);
}

/// Saves the community's files as one document at `path`.
fn export(input: copse_store::CompactionInput, path: &PathBuf) -> Result<Exported, PeerError> {
    let bytes = input.save().map_err(|e| PeerError::Store(e.to_string()))?;
    std::fs::write(path, &bytes)
        .map_err(|e| PeerError::Invalid(format!("could not write {}: {e}", path.display())))?;
    Ok(Exported {
        bytes: bytes.len() as u64,
        path: path.clone(),
    })
}

/// Compacts on a worker thread; the result comes back as `Job::Compacted`.
fn compact_off_thread(
    input: copse_store::CompactionInput,
    community: CommunityId,
    own: mpsc::Sender<Job>,
) -> JoinHandle<()> {
    spawn_worker("copse-compact", move || {
        let result = input.compact();
        let _ = own.blocking_send(Job::Compacted { community, result });
    })
}

/// Runs `work` on a thread of its own (inline if no thread can be had).
fn spawn_worker(name: &str, work: impl FnOnce() + Send + 'static) -> JoinHandle<()> {
    let slot = std::sync::Arc::new(std::sync::Mutex::new(Some(work)));
    let theirs = slot.clone();
    let spawned = std::thread::Builder::new()
        .name(name.into())
        .spawn(move || {
            if let Some(w) = theirs.lock().ok().and_then(|mut s| s.take()) {
                w();
            }
        });
    match spawned {
        Ok(handle) => handle,
        Err(e) => {
            tracing::error!(error = %e, "could not start a worker thread; working inline");
            if let Some(w) = slot.lock().ok().and_then(|mut s| s.take()) {
                w();
            }
            std::thread::spawn(|| {})
        }
    }
}
