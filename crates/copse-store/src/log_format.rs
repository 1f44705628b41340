//! The change log's framing: `magic | len u32 LE | crc32(len ++ payload) u32 LE | payload`.
//!
//! The magic lets a reader find the next record after a damaged one, so a flipped byte costs
//! one record, never the rest of the log. A record that runs past the end of the file is a
//! torn tail: the write was cut short by a crash and was never acknowledged.

use std::ops::Range;

/// Marks the start of every record.
pub(crate) const MAGIC: [u8; 4] = *b"CPL1";
/// Bytes before the payload.
pub(crate) const HEADER: usize = 12;
/// Largest payload accepted (a full sync of a large community fits).
pub(crate) const MAX_PAYLOAD: usize = 1 << 30;

/// Frames `payload` as one record.
pub(crate) fn encode_record(payload: &[u8]) -> Vec<u8> {
    let len = u32::try_from(payload.len()).unwrap_or(u32::MAX);
    let mut crc = crc32fast::Hasher::new();
    crc.update(&len.to_le_bytes());
    crc.update(payload);
    let mut out = Vec::with_capacity(HEADER + payload.len());
    out.extend_from_slice(&MAGIC);
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(&crc.finalize().to_le_bytes());
    out.extend_from_slice(payload);
    out
}

enum Parse {
    /// A whole, intact record ending at this offset.
    Ok(usize),
    /// The record claims more bytes than the file has.
    Incomplete,
    /// Wrong magic, absurd length, or checksum mismatch.
    Bad,
}

fn parse_at(buf: &[u8], pos: usize) -> Parse {
    let rest = &buf[pos..];
    if rest.len() < HEADER {
        return if MAGIC.starts_with(&rest[..rest.len().min(4)]) {
            Parse::Incomplete
        } else {
            Parse::Bad
        };
    }
    if rest[..4] != MAGIC {
        return Parse::Bad;
    }
    let len_bytes: [u8; 4] = [rest[4], rest[5], rest[6], rest[7]];
    let crc_bytes: [u8; 4] = [rest[8], rest[9], rest[10], rest[11]];
    let len = u32::from_le_bytes(len_bytes) as usize;
    if len > MAX_PAYLOAD {
        return Parse::Bad;
    }
    if rest.len() < HEADER + len {
        return Parse::Incomplete;
    }
    let mut crc = crc32fast::Hasher::new();
    crc.update(&len_bytes);
    crc.update(&rest[HEADER..HEADER + len]);
    if crc.finalize() == u32::from_le_bytes(crc_bytes) {
        Parse::Ok(pos + HEADER + len)
    } else {
        Parse::Bad
    }
}

/// Offset of the next intact record strictly after `pos`.
fn resync(buf: &[u8], pos: usize) -> Option<usize> {
    let mut from = pos + 1;
    while from + HEADER <= buf.len() {
        let idx = buf[from..].windows(4).position(|w| w == MAGIC)?;
        let at = from + idx;
        if let Parse::Ok(_) = parse_at(buf, at) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

/// What a scan of a log found.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct LogScan {
    /// Payload ranges of intact records, in order.
    pub(crate) records: Vec<Range<usize>>,
    /// Damaged stretches between intact records.
    pub(crate) corrupt: Vec<Range<usize>>,
    /// Start of an unusable tail (torn write or damaged last record), if any.
    pub(crate) tail_from: Option<usize>,
    /// End of the last intact record: where appends continue.
    pub(crate) good_end: usize,
}

/// Finds every intact record in `buf`.
pub(crate) fn scan(buf: &[u8]) -> LogScan {
    let mut out = LogScan::default();
    let mut pos = 0;
    while pos < buf.len() {
        match parse_at(buf, pos) {
            Parse::Ok(end) => {
                out.records.push(pos + HEADER..end);
                out.good_end = end;
                pos = end;
            }
            Parse::Incomplete | Parse::Bad => match resync(buf, pos) {
                Some(next) => {
                    out.corrupt.push(pos..next);
                    pos = next;
                }
                None => {
                    out.tail_from = Some(pos);
                    break;
                }
            },
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn log_of(payloads: &[&[u8]]) -> Vec<u8> {
        payloads.iter().flat_map(|p| encode_record(p)).collect()
    }

    #[test]
    fn intact_log_scans_fully() {
        let buf = log_of(&[b"one", b"two", b""]);
        let s = scan(&buf);
        assert_eq!(s.records.len(), 3);
        assert_eq!(&buf[s.records[1].clone()], b"two");
        assert_eq!(s.good_end, buf.len());
        assert!(s.corrupt.is_empty() && s.tail_from.is_none());
    }

    #[test]
    fn every_truncation_of_the_last_record_is_a_torn_tail() {
        let buf = log_of(&[b"first record", b"second record"]);
        let first_end = HEADER + b"first record".len();
        for cut in first_end + 1..buf.len() {
            let s = scan(&buf[..cut]);
            assert_eq!(s.records.len(), 1, "cut at {cut}");
            assert_eq!(s.tail_from, Some(first_end), "cut at {cut}");
            assert_eq!(s.good_end, first_end);
        }
    }

    #[test]
    fn a_flipped_byte_costs_one_record() {
        let payloads: [&[u8]; 3] = [b"aaaa", b"bbbb", b"cccc"];
        let clean = log_of(&payloads);
        let rec = HEADER + 4;
        for i in rec..2 * rec {
            let mut buf = clean.clone();
            buf[i] ^= 0x40;
            let s = scan(&buf);
            let got: Vec<&[u8]> = s.records.iter().map(|r| &buf[r.clone()]).collect();
            assert_eq!(got, vec![&b"aaaa"[..], &b"cccc"[..]], "flip at {i}");
            assert_eq!(s.corrupt, vec![rec..2 * rec]);
        }
    }
}
