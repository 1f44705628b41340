//! A collaborative text editor's state (article bodies, event notes).
//!
//! The buffer is what the member types. Edits are sent with the version they were made
//! against (`base`), so the runtime merges them with others' concurrent edits instead of
//! overwriting them; the base then moves to our own change. Others' edits are adopted into
//! the buffer whenever the member is not in the middle of unsent typing.

/// Editor state for the object with id `Id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextEditor<Id> {
    /// Which object.
    pub id: Id,
    /// Its title (articles) or name (events).
    pub title: String,
    /// What the member sees and types into.
    pub buffer: String,
    /// The text of `base`.
    pub base_text: String,
    /// Document heads of the version `base_text` is.
    pub base: Vec<String>,
    /// Text sent and not yet confirmed.
    pub in_flight: Option<String>,
    /// A newer version arrived while the member had unsent typing.
    pub stale: bool,
}

impl<Id: Clone> TextEditor<Id> {
    /// An editor showing `text` at `heads`.
    pub fn new(id: Id, title: String, text: String, heads: Vec<String>) -> Self {
        Self {
            id,
            title,
            buffer: text.clone(),
            base_text: text,
            base: heads,
            in_flight: None,
            stale: false,
        }
    }

    /// Whether the member typed something not yet sent.
    pub fn has_unsent(&self) -> bool {
        self.in_flight.is_none() && self.buffer != self.base_text
    }

    /// The edit to send now, if any: (text, base heads). Marks it in flight.
    pub fn take_edit(&mut self) -> Option<(String, Vec<String>)> {
        if !self.has_unsent() {
            return None;
        }
        self.in_flight = Some(self.buffer.clone());
        Some((self.buffer.clone(), self.base.clone()))
    }

    /// Our edit was applied as change `change`: that version is the new base.
    pub fn confirmed(&mut self, change: Option<String>) {
        if let Some(sent) = self.in_flight.take() {
            self.base_text = sent;
            if let Some(c) = change {
                self.base = vec![c];
            }
        }
        self.stale = true;
    }

    /// Our edit was refused: keep the text, try again later from the same base.
    pub fn failed(&mut self) {
        self.in_flight = None;
    }

    /// The document's current text (with everyone's edits) arrived. Adopted unless the
    /// member has typing not yet sent, which will be merged when it is.
    pub fn offer(&mut self, text: String, heads: Vec<String>) {
        if self.in_flight.is_some() || self.buffer != self.base_text {
            self.stale = true;
            return;
        }
        self.buffer = text.clone();
        self.base_text = text;
        self.base = heads;
        self.stale = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typing_during_a_send_is_never_overwritten() {
        let mut e = TextEditor::new(1, "t".into(), "abc".into(), vec!["h0".into()]);
        e.buffer.push('d');
        assert_eq!(e.take_edit(), Some(("abcd".into(), vec!["h0".into()])));
        assert_eq!(e.take_edit(), None, "one edit in flight at a time");
        e.buffer.push('e');
        e.offer("Xabc".into(), vec!["h1".into()]);
        assert_eq!(e.buffer, "abcde", "remote text waits while we type");
        e.confirmed(Some("c1".into()));
        assert_eq!(e.base, vec!["c1".to_owned()]);
        assert_eq!(e.take_edit(), Some(("abcde".into(), vec!["c1".into()])));
        e.confirmed(Some("c2".into()));
        e.offer("Xabcde".into(), vec!["h2".into()]);
        assert_eq!(e.buffer, "Xabcde");
        assert!(!e.stale);
    }
}
