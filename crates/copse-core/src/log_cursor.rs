//! [`LogCursor`]: which changes a device appends to a community's change log next.
//!
//! Each record holds the changes since the heads before the *previous* record, so every
//! change is written twice and one damaged record loses nothing its successor repeats. The
//! cursor only decides the bytes; writing and fsyncing them is the store's job, and the
//! cursor moves on only once the store confirms the record is durable.

use automerge::{Automerge, ChangeHash};

/// The heads on disk and the heads the next record starts from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogCursor {
    /// Heads covered by what is on disk.
    saved: Vec<ChangeHash>,
    /// Heads before the last record: the next record starts here.
    overlap: Vec<ChangeHash>,
}

/// A record to append: its payload and the heads it brings the disk to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NextRecord {
    /// `doc.save_after(overlap)`: change chunks.
    pub bytes: Vec<u8>,
    /// The document's heads the record covers.
    pub heads: Vec<ChangeHash>,
}

impl LogCursor {
    /// A cursor for a document whose whole content is on disk at `heads`.
    pub fn at(heads: Vec<ChangeHash>) -> Self {
        Self {
            overlap: heads.clone(),
            saved: heads,
        }
    }

    /// Heads covered by what is on disk.
    pub fn saved(&self) -> &[ChangeHash] {
        &self.saved
    }

    /// Whether everything in `doc` is on disk.
    pub fn is_saved(&self, doc: &Automerge) -> bool {
        doc.get_heads() == self.saved
    }

    /// The record that would make `doc` durable; `None` if it already is.
    pub fn next(&self, doc: &Automerge) -> Option<NextRecord> {
        let heads = doc.get_heads();
        if heads == self.saved {
            return None;
        }
        Some(NextRecord {
            bytes: doc.save_after(&self.overlap),
            heads,
        })
    }

    /// The record for `heads` is durable.
    pub fn confirm(&mut self, heads: Vec<ChangeHash>) {
        self.overlap = std::mem::replace(&mut self.saved, heads);
    }
}
