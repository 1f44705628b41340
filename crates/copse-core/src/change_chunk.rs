//! Automerge's change chunks on the wire and on disk: the framing Copse reads strictly
//! (pushed changes, signature changes) instead of `load_incremental`, which skips what it
//! cannot read without an error.
//!
//! Chunk layout: magic(4) checksum(4) type(1) length(uLEB128) data(length); the checksum is
//! the first four bytes of the change's hash.

use automerge::Change;

use crate::guard::bounds::MAX_CHANGE_BYTES;

/// The four bytes every Automerge chunk starts with.
pub const MAGIC: [u8; 4] = [0x85, 0x6f, 0x4a, 0x83];
/// The chunk type of a single change.
pub const CHANGE: u8 = 1;
/// The chunk type of a single change, DEFLATE-compressed.
pub const COMPRESSED_CHANGE: u8 = 2;

/// Why bytes are not a sequence of change chunks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ChunkError(pub String);

/// Splits `save_after` output into its change chunks and checks each one (magic,
/// checksum, contents).
pub fn parse_changes(bytes: &[u8]) -> Result<Vec<Change>, ChunkError> {
    let bad = |why: &str| ChunkError(why.to_owned());
    let mut out = Vec::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        if rest.len() < 9 || rest[..4] != MAGIC {
            return Err(bad("not an Automerge change chunk"));
        }
        let mut len: u64 = 0;
        let mut used = 0;
        for (i, b) in rest[9..].iter().enumerate().take(10) {
            len |= u64::from(b & 0x7f) << (7 * i);
            if b & 0x80 == 0 {
                used = i + 1;
                break;
            }
        }
        if used == 0 {
            return Err(bad("bad chunk length"));
        }
        let end = 9usize
            .checked_add(used)
            .and_then(|h| h.checked_add(usize::try_from(len).ok()?))
            .filter(|&e| e <= rest.len())
            .ok_or_else(|| bad("chunk runs past the end"))?;
        let data = &rest[9 + used..end];
        match rest[8] {
            CHANGE => within_bound(data.len())?,
            COMPRESSED_CHANGE => within_bound(inflated_len(data)?)?,
            _ => return Err(bad("not a change chunk")),
        }
        let change = Change::try_from(&rest[..end]).map_err(|e| ChunkError(e.to_string()))?;
        // The header's checksum is the start of the change's hash: a damaged change fails it.
        if change.hash().0[..4] != rest[4..8] {
            return Err(bad("change checksum mismatch"));
        }
        out.push(change);
        rest = &rest[end..];
    }
    Ok(out)
}

fn within_bound(len: usize) -> Result<(), ChunkError> {
    if len > MAX_CHANGE_BYTES {
        return Err(ChunkError(format!(
            "a change of more than {MAX_CHANGE_BYTES} bytes"
        )));
    }
    Ok(())
}

/// How long compressed `data` is inflated, reading at most one byte past the bound: a
/// few kilobytes that inflate to gigabytes are refused having cost only the bound.
fn inflated_len(data: &[u8]) -> Result<usize, ChunkError> {
    use std::io::Read;
    let limit = u64::try_from(MAX_CHANGE_BYTES).unwrap_or(u64::MAX) + 1;
    let mut inflater = flate2::bufread::DeflateDecoder::new(data).take(limit);
    let mut sink = [0u8; 16 * 1024];
    let mut total = 0usize;
    loop {
        match inflater.read(&mut sink) {
            Ok(0) => return Ok(total),
            Ok(n) => total += n,
            Err(e) => return Err(ChunkError(format!("a compressed change: {e}"))),
        }
    }
}
