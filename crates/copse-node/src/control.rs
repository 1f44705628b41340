//! The control socket: while `serve` runs, other `copse-node` commands on the same profile
//! send their request over `<profile>/control.sock` instead of opening the store, which
//! `serve` holds. One JSON line in (a [`Request`]), one JSON line out (`Result<Answer,
//! PeerError>`, the request's own answer type): the answer and the error are the typed
//! ones, serialized, and the caller reads back exactly the type it asked for.
//!
//! The profile folder is owner-only (0700) before the socket is bound in it, so nobody else
//! can reach the socket from the moment it exists; the socket itself is then made 0600.

use std::io::{BufRead, BufReader, Write};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use copse_peer::{Ask, PeerError, PeerHandle, Request};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt};

/// Largest request line accepted.
const MAX_LINE: usize = 1 << 20;

/// Where the socket lives in a profile.
pub(crate) fn socket_path(profile: &Path) -> PathBuf {
    profile.join("control.sock")
}

/// A connection to a running `serve`, if there is one.
pub(crate) fn connect(profile: &Path) -> Option<UnixStream> {
    UnixStream::connect(socket_path(profile)).ok()
}

/// Sends one request over an open connection and reads its answer.
pub(crate) fn call<Q: Ask>(stream: &mut UnixStream, request: Q) -> anyhow::Result<Q::Answer> {
    let request: Request = request.into();
    let mut line = serde_json::to_vec(&request)?;
    line.push(b'\n');
    stream.set_read_timeout(Some(Duration::from_secs(600)))?;
    stream
        .write_all(&line)
        .context("sending to the running copse-node serve")?;
    let mut reply = String::new();
    BufReader::new(&*stream)
        .read_line(&mut reply)
        .context("reading from the running copse-node serve")?;
    let reply: Result<Q::Answer, PeerError> =
        serde_json::from_str(&reply).context("the running copse-node serve answered garbage")?;
    Ok(reply?)
}

/// Serves requests on the profile's socket until the task is dropped.
pub(crate) async fn serve(
    profile: &Path,
    peer: PeerHandle,
) -> anyhow::Result<tokio::task::JoinHandle<()>> {
    let path = socket_path(profile);
    // We hold the profile lock, so any socket file left here is stale.
    let _ = std::fs::remove_file(&path);
    let folder = std::fs::metadata(profile)?.permissions().mode() & 0o777;
    anyhow::ensure!(
        folder & 0o077 == 0,
        "the profile folder {} is open to others (mode {folder:o}); refusing to open a control socket in it",
        profile.display()
    );
    let listener = tokio::net::UnixListener::bind(&path)
        .with_context(|| format!("binding {}", path.display()))?;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
    Ok(tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let peer = peer.clone();
            tokio::spawn(async move {
                let (read, mut write) = stream.into_split();
                let mut lines = tokio::io::BufReader::new(read)
                    .take(MAX_LINE as u64 + 1)
                    .lines();
                while let Ok(Some(line)) = lines.next_line().await {
                    let out = match serde_json::from_str::<Request>(&line) {
                        Ok(req) => serde_json::to_string(&peer.run(req).await.result()),
                        Err(e) => {
                            let bad: Result<(), _> =
                                Err(PeerError::Invalid(format!("bad request: {e}")));
                            serde_json::to_string(&bad)
                        }
                    };
                    let mut out = out.unwrap_or_default();
                    out.push('\n');
                    if write.write_all(out.as_bytes()).await.is_err() {
                        break;
                    }
                }
            });
        }
    }))
}
