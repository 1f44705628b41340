//! Length-prefixed frames (`len: u32 BE | bytes`) with a size cap checked before reading,
//! decoded with copse-core's strict wire decoders. A bad frame is an I/O error: libp2p drops
//! that stream and reports it; nothing else is affected.

use std::io;
use std::marker::PhantomData;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use copse_core::sync::wire::{
    self, JoinRequest, JoinResponse, SyncRequest, SyncResponse, WireError,
};
use futures::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use libp2p::StreamProtocol;

/// Protocol of sync messages.
pub(crate) const SYNC_PROTOCOL: StreamProtocol = StreamProtocol::new("/copse/sync/1");
/// Protocol of join requests.
pub(crate) const JOIN_PROTOCOL: StreamProtocol = StreamProtocol::new("/copse/join/1");

/// Bytes read from peers per protocol (frame payloads), for tests and status.
#[derive(Debug, Default)]
pub struct Traffic {
    /// Sync requests and responses received.
    pub sync_in: AtomicU64,
    /// Join requests and responses received.
    pub join_in: AtomicU64,
    /// Frames rejected as malformed or too large.
    pub rejected: AtomicU64,
}

async fn read_frame<T: AsyncRead + Unpin + Send>(io: &mut T, cap: usize) -> io::Result<Vec<u8>> {
    let mut len = [0u8; 4];
    io.read_exact(&mut len).await?;
    let len = u32::from_be_bytes(len) as usize;
    if len > cap {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("frame of {len} bytes exceeds the {cap}-byte limit"),
        ));
    }
    let mut buf = vec![0u8; len];
    io.read_exact(&mut buf).await?;
    Ok(buf)
}

async fn write_frame<T: AsyncWrite + Unpin + Send>(io: &mut T, bytes: &[u8]) -> io::Result<()> {
    let len = u32::try_from(bytes.len())
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "frame too large"))?;
    io.write_all(&len.to_be_bytes()).await?;
    io.write_all(bytes).await?;
    io.close().await
}

/// A message that travels in one frame.
pub(crate) trait Frame: Sized + Send {
    /// Largest encoded size accepted.
    const CAP: usize;
    fn encode(&self) -> Vec<u8>;
    fn decode(bytes: &[u8]) -> Result<Self, WireError>;
}

macro_rules! frame {
    ($t:ty, $cap:expr) => {
        impl Frame for $t {
            const CAP: usize = $cap;
            fn encode(&self) -> Vec<u8> {
                <$t>::encode(self)
            }
            fn decode(bytes: &[u8]) -> Result<Self, WireError> {
                <$t>::decode(bytes)
            }
        }
    };
}

frame!(SyncRequest, wire::MAX_SYNC_REQUEST);
frame!(SyncResponse, wire::MAX_SYNC_RESPONSE);
frame!(JoinRequest, wire::MAX_JOIN_REQUEST);
frame!(JoinResponse, wire::MAX_JOIN_RESPONSE);

/// A request-response codec for one (request, response) pair of frame types.
pub(crate) struct FrameCodec<Req, Resp> {
    traffic: Arc<Traffic>,
    join: bool,
    _types: PhantomData<fn() -> (Req, Resp)>,
}

impl<Req, Resp> Clone for FrameCodec<Req, Resp> {
    fn clone(&self) -> Self {
        Self {
            traffic: self.traffic.clone(),
            join: self.join,
            _types: PhantomData,
        }
    }
}

impl<Req, Resp> FrameCodec<Req, Resp> {
    pub(crate) fn new(traffic: Arc<Traffic>, join: bool) -> Self {
        Self {
            traffic,
            join,
            _types: PhantomData,
        }
    }

    fn count(&self, n: usize) {
        let counter = if self.join {
            &self.traffic.join_in
        } else {
            &self.traffic.sync_in
        };
        counter.fetch_add(n as u64, Ordering::Relaxed);
    }

    fn decode<M: Frame>(&self, bytes: &[u8]) -> io::Result<M> {
        self.count(bytes.len());
        M::decode(bytes).map_err(|e| {
            self.traffic.rejected.fetch_add(1, Ordering::Relaxed);
            tracing::warn!(error = %e, "dropped a malformed message");
            io::Error::new(io::ErrorKind::InvalidData, e.to_string())
        })
    }
}

impl<Req: Frame + 'static, Resp: Frame + 'static> libp2p::request_response::Codec
    for FrameCodec<Req, Resp>
{
    type Protocol = StreamProtocol;
    type Request = Req;
    type Response = Resp;

    async fn read_request<T>(&mut self, _: &StreamProtocol, io: &mut T) -> io::Result<Req>
    where
        T: AsyncRead + Unpin + Send,
    {
        // libp2p reports a failed read only at debug level: count and log it here.
        let bytes = read_frame(io, Req::CAP).await.inspect_err(|e| {
            self.traffic.rejected.fetch_add(1, Ordering::Relaxed);
            tracing::warn!(error = %e, "dropped an unreadable request frame");
        })?;
        self.decode(&bytes)
    }

    async fn read_response<T>(&mut self, _: &StreamProtocol, io: &mut T) -> io::Result<Resp>
    where
        T: AsyncRead + Unpin + Send,
    {
        let bytes = read_frame(io, Resp::CAP).await?;
        self.decode(&bytes)
    }

    async fn write_request<T>(&mut self, _: &StreamProtocol, io: &mut T, req: Req) -> io::Result<()>
    where
        T: AsyncWrite + Unpin + Send,
    {
        write_frame(io, &req.encode()).await
    }

    async fn write_response<T>(
        &mut self,
        _: &StreamProtocol,
        io: &mut T,
        res: Resp,
    ) -> io::Result<()>
    where
        T: AsyncWrite + Unpin + Send,
    {
        write_frame(io, &res.encode()).await
    }
}
