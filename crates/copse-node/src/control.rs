//! The control socket: while `serve` runs, other `copse-node` commands on the same profile
//! send their [`Request`] over `<profile>/control.sock` (owner-only) instead of opening the
//! store, which `serve` holds. One JSON line in, one JSON line out.

use std::io::{BufRead, BufReader, Write};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use copse_peer::{PeerHandle, Request};
use serde_json::{Value, json};
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

/// Sends one request over an open connection and reads the reply.
pub(crate) fn call(stream: &mut UnixStream, req: &Request) -> anyhow::Result<Value> {
    let mut line = serde_json::to_vec(req)?;
    line.push(b'\n');
    stream.set_read_timeout(Some(Duration::from_secs(600)))?;
    stream
        .write_all(&line)
        .context("sending to the running copse-node serve")?;
    let mut reply = String::new();
    BufReader::new(&*stream)
        .read_line(&mut reply)
        .context("reading from the running copse-node serve")?;
    let reply: Value =
        serde_json::from_str(&reply).context("the running copse-node serve answered garbage")?;
    match reply.get("error").and_then(Value::as_str) {
        Some(e) => Err(anyhow::anyhow!("{e}")),
        None => Ok(reply.get("ok").cloned().unwrap_or(Value::Null)),
    }
}

/// Serves requests on the profile's socket until the task is dropped.
pub(crate) async fn serve(
    profile: &Path,
    peer: PeerHandle,
) -> anyhow::Result<tokio::task::JoinHandle<()>> {
    let path = socket_path(profile);
    // We hold the profile lock, so any socket file left here is stale.
    let _ = std::fs::remove_file(&path);
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
                    let reply = match serde_json::from_str::<Request>(&line) {
                        Ok(req) => match peer.request(req).await {
                            Ok(v) => json!({ "ok": v }),
                            Err(e) => json!({ "error": e.to_string() }),
                        },
                        Err(e) => json!({ "error": format!("bad request: {e}") }),
                    };
                    let mut out = reply.to_string();
                    out.push('\n');
                    if write.write_all(out.as_bytes()).await.is_err() {
                        break;
                    }
                }
            });
        }
    }))
}
