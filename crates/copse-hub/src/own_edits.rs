//! This device's last edits in one community, each with the change it made: when an
//! equivocation's losing side leaves the document (`copse_core::equivocation`), what this
//! member built on it leaves too, and is written again from here. Kept in
//! `own-edits.json` (atomic, not fsynced: it only matters in that rare case) and bounded.

use std::collections::{HashMap, HashSet, VecDeque};

use copse_core::automerge::ChangeHash;
use copse_core::{Command, Created};
use serde::{Deserialize, Serialize};

/// Edits kept: days of one member's work.
const KEPT: usize = 200;
/// And at most this many bytes of them (an article's whole text is one edit).
const KEPT_BYTES: usize = 256 << 10;

/// One edit: the command, the change it made, and the record it created, if any.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Edit {
    change: String,
    command: Command,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    created: Option<Created>,
    #[serde(skip)]
    bytes: usize,
}

/// The edits, oldest first.
#[derive(Debug, Default)]
pub(crate) struct OwnEdits {
    edits: VecDeque<Edit>,
    bytes: usize,
}

/// An edit to write again, and the record its first writing created (whose id the
/// edits after it may name).
#[derive(Debug, Clone)]
pub(crate) struct Lost {
    pub(crate) command: Command,
    pub(crate) created: Option<Created>,
}

impl OwnEdits {
    pub(crate) fn from_bytes(bytes: &[u8]) -> Self {
        let edits: Vec<Edit> = serde_json::from_slice(bytes).unwrap_or_default();
        let mut out = Self::default();
        for e in edits {
            out.push(e);
        }
        out
    }

    pub(crate) fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(&self.edits).unwrap_or_default()
    }

    /// Notes an edit this device made.
    pub(crate) fn note(&mut self, change: ChangeHash, command: Command, created: Option<Created>) {
        if let Command::ReportEquivocation { proof: Some(p), .. } = &command
            && p.len() > KEPT_BYTES / 4
        {
            // A proof that large would push every other edit out; others who met the same
            // two changes write it too.
            return;
        }
        self.push(Edit {
            change: change.to_string(),
            command,
            created,
            bytes: 0,
        });
    }

    fn push(&mut self, mut e: Edit) {
        e.bytes = serde_json::to_vec(&e.command).map_or(0, |b| b.len()) + 96;
        self.bytes += e.bytes;
        self.edits.push_back(e);
        while self.edits.len() > KEPT || (self.bytes > KEPT_BYTES && self.edits.len() > 1) {
            if let Some(old) = self.edits.pop_front() {
                self.bytes -= old.bytes;
            }
        }
    }

    /// Takes out the edits whose changes left the document, oldest first.
    pub(crate) fn take_lost(&mut self, dropped: &[ChangeHash]) -> Vec<Lost> {
        let dropped: HashSet<String> = dropped.iter().map(ChangeHash::to_string).collect();
        let (lost, kept): (Vec<Edit>, Vec<Edit>) = std::mem::take(&mut self.edits)
            .into_iter()
            .partition(|e| dropped.contains(&e.change));
        self.bytes = kept.iter().map(|e| e.bytes).sum();
        self.edits = kept.into();
        lost.into_iter()
            .map(|e| Lost {
                command: e.command,
                created: e.created,
            })
            .collect()
    }
}

/// `command` with the ids of records created again replaced (`renamed`: first id to the
/// id it has now), and any version it was based on dropped (it may have left the
/// document; it then applies to the document as it is).
pub(crate) fn renamed(command: &Command, renamed: &HashMap<String, String>) -> Option<Command> {
    let mut value = serde_json::to_value(command).ok()?;
    rename(&mut value, renamed);
    if let Some(fields) = value.as_object_mut()
        && fields.contains_key("base")
    {
        fields.insert("base".into(), serde_json::Value::Null);
    }
    serde_json::from_value(value).ok()
}

fn rename(value: &mut serde_json::Value, renamed: &HashMap<String, String>) {
    match value {
        serde_json::Value::String(s) => {
            if let Some(new) = renamed.get(s.as_str()) {
                *s = new.clone();
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(|v| rename(v, renamed)),
        serde_json::Value::Object(map) => map.values_mut().for_each(|v| rename(v, renamed)),
        _ => {}
    }
}

/// The id text of a created record.
pub(crate) fn created_id(c: &Created) -> String {
    serde_json::to_value(c)
        .ok()
        .and_then(|v| v.get("id")?.as_str().map(str::to_owned))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use copse_core::ThreadId;

    fn hash(n: u8) -> ChangeHash {
        ChangeHash([n; 32])
    }

    #[test]
    fn lost_edits_come_back_in_order_with_their_records_renamed() {
        let mut own = OwnEdits::default();
        let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(7);
        let old = ThreadId::new(1_000, &mut rng);
        let new = ThreadId::new(2_000, &mut rng);
        own.note(
            hash(1),
            Command::StartThread {
                kind: copse_core::record::ThreadKind::Discussion,
                title: "Joints".into(),
                body: "Which?".into(),
                tags: vec![],
            },
            Some(Created::Thread(old.clone())),
        );
        own.note(
            hash(2),
            Command::Reply {
                thread: old.clone(),
                body: "Dovetails.".into(),
            },
            None,
        );
        own.note(
            hash(3),
            Command::AddObjective {
                text: "kept".into(),
            },
            None,
        );
        let own = OwnEdits::from_bytes(&own.to_bytes());
        let mut own = own;
        let lost = own.take_lost(&[hash(2), hash(1)]);
        assert_eq!(lost.len(), 2);
        assert!(matches!(lost[0].command, Command::StartThread { .. }));
        let first = created_id(lost[0].created.as_ref().unwrap());
        assert_eq!(first, old.to_string());
        let map = HashMap::from([(first, new.to_string())]);
        let again = renamed(&lost[1].command, &map).unwrap();
        assert_eq!(
            again,
            Command::Reply {
                thread: new,
                body: "Dovetails.".into()
            }
        );
        assert_eq!(own.take_lost(&[hash(3)]).len(), 1);
    }

    #[test]
    fn the_journal_stays_bounded() {
        let mut own = OwnEdits::default();
        for i in 0..(KEPT + 10) {
            own.note(
                ChangeHash([(i % 250) as u8; 32]),
                Command::AddObjective {
                    text: "x".repeat(10),
                },
                None,
            );
        }
        assert_eq!(own.edits.len(), KEPT);
        own.note(
            hash(9),
            Command::AddObjective {
                text: "y".repeat(KEPT_BYTES),
            },
            None,
        );
        assert_eq!(own.edits.len(), 1, "one huge edit pushes out the rest");
    }
}
