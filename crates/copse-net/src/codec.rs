//! Length-prefixed frames (`len: u32 BE | bytes`) with a size cap checked before reading,
//! decoded with copse-core's strict wire decoders. A bad frame is an I/O error: libp2p drops
//! that stream and reports it; nothing else is affected.
//!
//! Frames are read as their bytes arrive, never allocated at their announced size: a peer
//! announcing 32 MiB and sending nothing costs nothing. A sync request is checked as soon as
//! its community id is read: a peer that may not sync that community (see [`Access`]) gets
//! `Gated::Refused` without the rest of the frame being read.
//!
//! [`Access`]: crate::access::Access

use std::io;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use copse_core::CommunityId;
use copse_core::ids::ID_LEN;
use copse_core::sync::wire::{
    self, JoinRequest, JoinResponse, SyncRequest, SyncResponse, WireError,
};
use futures::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use libp2p::{PeerId, StreamProtocol};

use crate::access::{self, SharedAccess};

/// Protocol of sync messages.
pub(crate) const SYNC_PROTOCOL: StreamProtocol = StreamProtocol::new("/copse/sync/1");
/// Protocol of join requests.
pub(crate) const JOIN_PROTOCOL: StreamProtocol = StreamProtocol::new("/copse/join/1");

/// Bytes read from peers per protocol (frame payloads), for tests, status and benchmarks.
#[derive(Debug, Default)]
pub struct Traffic {
    /// Sync requests and responses received.
    pub sync_in: AtomicU64,
    /// Join requests and responses received.
    pub join_in: AtomicU64,
    /// Frames rejected as malformed or too large.
    pub rejected: AtomicU64,
    /// Sync requests refused as soon as they named a community the peer may not sync.
    pub refused_early: AtomicU64,
    /// Join answers (whole communities) that began arriving.
    pub join_answers: AtomicU64,
    /// The size of the last join answer, from its length prefix.
    pub join_answer_total: AtomicU64,
    /// How much of it has arrived.
    pub join_answer_read: AtomicU64,
}

/// A sync request, or the note that it was refused before it was read.
#[derive(Debug)]
pub(crate) enum Gated {
    /// Read and decoded.
    Admitted(SyncRequest),
    /// Names a community the peer may not sync; the rest was not read.
    Refused(CommunityId),
}

/// Reads the 4-byte length and checks it against `cap`.
async fn read_len<T: AsyncRead + Unpin + Send>(io: &mut T, cap: usize) -> io::Result<usize> {
    let mut len = [0u8; 4];
    io.read_exact(&mut len).await?;
    let len = u32::from_be_bytes(len) as usize;
    if len > cap {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("frame of {len} bytes exceeds the {cap}-byte limit"),
        ));
    }
    Ok(len)
}

/// Reads `len` more bytes onto `buf` as they arrive.
async fn read_rest<T: AsyncRead + Unpin + Send>(
    io: &mut T,
    buf: &mut Vec<u8>,
    len: usize,
) -> io::Result<()> {
    let want = len.saturating_sub(buf.len());
    let got = io.take(want as u64).read_to_end(buf).await?;
    if got < want {
        return Err(io::ErrorKind::UnexpectedEof.into());
    }
    Ok(())
}

async fn read_frame<T: AsyncRead + Unpin + Send>(io: &mut T, cap: usize) -> io::Result<Vec<u8>> {
    let len = read_len(io, cap).await?;
    let mut buf = Vec::with_capacity(len.min(64 << 10));
    read_rest(io, &mut buf, len).await?;
    Ok(buf)
}

async fn write_frame<T: AsyncWrite + Unpin + Send>(io: &mut T, bytes: &[u8]) -> io::Result<()> {
    let len = u32::try_from(bytes.len())
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "frame too large"))?;
    io.write_all(&len.to_be_bytes()).await?;
    io.write_all(bytes).await?;
    io.close().await
}

fn invalid(traffic: &Traffic, e: WireError) -> io::Error {
    traffic.rejected.fetch_add(1, Ordering::Relaxed);
    tracing::warn!(error = %e, "dropped a malformed message");
    io::Error::new(io::ErrorKind::InvalidData, e.to_string())
}

/// The sync protocol's codec. Each connection's copy knows its peer (see
/// [`crate::gate::PeerAware`]), so requests are checked against the access list as soon as
/// they name their community.
pub(crate) struct SyncCodec {
    traffic: Arc<Traffic>,
    access: SharedAccess,
    /// The peer of this connection, once known.
    peer: Option<PeerId>,
    /// Set by `PeerAware` while a connection's handler is made; copied in `clone`.
    next_peer: Arc<Mutex<Option<PeerId>>>,
}

impl SyncCodec {
    pub(crate) fn new(
        traffic: Arc<Traffic>,
        access: SharedAccess,
        next_peer: Arc<Mutex<Option<PeerId>>>,
    ) -> Self {
        Self {
            traffic,
            access,
            peer: None,
            next_peer,
        }
    }
}

impl Clone for SyncCodec {
    fn clone(&self) -> Self {
        let peer = self
            .peer
            .or_else(|| self.next_peer.lock().ok().and_then(|p| *p));
        Self {
            traffic: self.traffic.clone(),
            access: self.access.clone(),
            peer,
            next_peer: self.next_peer.clone(),
        }
    }
}

impl libp2p::request_response::Codec for SyncCodec {
    type Protocol = StreamProtocol;
    type Request = Gated;
    type Response = SyncResponse;

    async fn read_request<T>(&mut self, _: &StreamProtocol, io: &mut T) -> io::Result<Gated>
    where
        T: AsyncRead + Unpin + Send,
    {
        // libp2p reports a failed read only at debug level: count and log it here.
        let traffic = self.traffic.clone();
        self.read_gated(io).await.inspect_err(|e| {
            if e.kind() != io::ErrorKind::InvalidData {
                traffic.rejected.fetch_add(1, Ordering::Relaxed);
            }
            tracing::warn!(error = %e, "dropped an unreadable request frame");
        })
    }

    async fn read_response<T>(&mut self, _: &StreamProtocol, io: &mut T) -> io::Result<SyncResponse>
    where
        T: AsyncRead + Unpin + Send,
    {
        let bytes = read_frame(io, wire::MAX_SYNC_RESPONSE).await?;
        self.traffic
            .sync_in
            .fetch_add(bytes.len() as u64, Ordering::Relaxed);
        SyncResponse::decode(&bytes).map_err(|e| invalid(&self.traffic, e))
    }

    async fn write_request<T>(
        &mut self,
        _: &StreamProtocol,
        io: &mut T,
        req: Gated,
    ) -> io::Result<()>
    where
        T: AsyncWrite + Unpin + Send,
    {
        match req {
            Gated::Admitted(r) => write_frame(io, &r.encode()).await,
            Gated::Refused(_) => Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "a refusal marker is not a request",
            )),
        }
    }

    async fn write_response<T>(
        &mut self,
        _: &StreamProtocol,
        io: &mut T,
        res: SyncResponse,
    ) -> io::Result<()>
    where
        T: AsyncWrite + Unpin + Send,
    {
        write_frame(io, &res.encode()).await
    }
}

impl SyncCodec {
    /// Reads a sync request, refusing it as soon as its community id shows that the peer
    /// may not sync it.
    async fn read_gated<T: AsyncRead + Unpin + Send>(&mut self, io: &mut T) -> io::Result<Gated> {
        let len = read_len(io, wire::MAX_SYNC_REQUEST)
            .await
            .inspect_err(|e| {
                if e.kind() == io::ErrorKind::InvalidData {
                    self.traffic.rejected.fetch_add(1, Ordering::Relaxed);
                }
            })?;
        // Type byte and community id first: enough to refuse.
        let head = (1 + ID_LEN).min(len);
        let mut buf = Vec::with_capacity(head);
        read_rest(io, &mut buf, head).await?;
        self.traffic
            .sync_in
            .fetch_add(buf.len() as u64, Ordering::Relaxed);
        if let Some(community) = buf
            .get(1..1 + ID_LEN)
            .and_then(|id| std::str::from_utf8(id).ok())
            .and_then(|id| id.parse::<CommunityId>().ok())
        {
            let allowed = self
                .peer
                .is_some_and(|p| access::allows(&self.access, &p, &community));
            if !allowed {
                self.traffic.refused_early.fetch_add(1, Ordering::Relaxed);
                return Ok(Gated::Refused(community));
            }
        }
        let mut reserve = buf;
        reserve.reserve(len.min(64 << 10));
        read_rest(io, &mut reserve, len).await?;
        self.traffic
            .sync_in
            .fetch_add((len - head) as u64, Ordering::Relaxed);
        SyncRequest::decode(&reserve)
            .map(Gated::Admitted)
            .map_err(|e| invalid(&self.traffic, e))
    }
}

/// The join protocol's codec.
#[derive(Clone)]
pub(crate) struct JoinCodec {
    traffic: Arc<Traffic>,
}

impl JoinCodec {
    pub(crate) fn new(traffic: Arc<Traffic>) -> Self {
        Self { traffic }
    }
}

impl libp2p::request_response::Codec for JoinCodec {
    type Protocol = StreamProtocol;
    type Request = JoinRequest;
    type Response = JoinResponse;

    async fn read_request<T>(&mut self, _: &StreamProtocol, io: &mut T) -> io::Result<JoinRequest>
    where
        T: AsyncRead + Unpin + Send,
    {
        let bytes = read_frame(io, wire::MAX_JOIN_REQUEST)
            .await
            .inspect_err(|e| {
                self.traffic.rejected.fetch_add(1, Ordering::Relaxed);
                tracing::warn!(error = %e, "dropped an unreadable join frame");
            })?;
        self.traffic
            .join_in
            .fetch_add(bytes.len() as u64, Ordering::Relaxed);
        JoinRequest::decode(&bytes).map_err(|e| invalid(&self.traffic, e))
    }

    async fn read_response<T>(&mut self, _: &StreamProtocol, io: &mut T) -> io::Result<JoinResponse>
    where
        T: AsyncRead + Unpin + Send,
    {
        // Read in pieces, counting, so a newcomer sees a large community arrive.
        let len = read_len(io, wire::MAX_JOIN_RESPONSE).await?;
        self.traffic.join_answer_read.store(0, Ordering::Relaxed);
        self.traffic
            .join_answer_total
            .store(len as u64, Ordering::Relaxed);
        self.traffic.join_answers.fetch_add(1, Ordering::Relaxed);
        let mut bytes = Vec::with_capacity(len.min(64 << 10));
        while bytes.len() < len {
            let upto = bytes.len() + (len - bytes.len()).min(256 << 10);
            read_rest(io, &mut bytes, upto).await?;
            self.traffic
                .join_answer_read
                .store(bytes.len() as u64, Ordering::Relaxed);
        }
        self.traffic
            .join_in
            .fetch_add(bytes.len() as u64, Ordering::Relaxed);
        JoinResponse::decode(&bytes).map_err(|e| invalid(&self.traffic, e))
    }

    async fn write_request<T>(
        &mut self,
        _: &StreamProtocol,
        io: &mut T,
        req: JoinRequest,
    ) -> io::Result<()>
    where
        T: AsyncWrite + Unpin + Send,
    {
        write_frame(io, &req.encode()).await
    }

    async fn write_response<T>(
        &mut self,
        _: &StreamProtocol,
        io: &mut T,
        res: JoinResponse,
    ) -> io::Result<()>
    where
        T: AsyncWrite + Unpin + Send,
    {
        write_frame(io, &res.encode()).await
    }
}
