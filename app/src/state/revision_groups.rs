//! An article's history as a reader wants it: one row per sitting, not per keystroke.
//! The editor sends an edit every few seconds of typing, so one person's continuous
//! session is many revisions; consecutive edits by the same member with no more than
//! [`SITTING_GAP_MS`] between them are one group.

use copse_core::view::articles::Revision;

/// The longest pause that still counts as the same sitting.
pub(crate) const SITTING_GAP_MS: i64 = 10 * 60 * 1000;

/// Consecutive revisions by one member in one sitting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevisionGroup<'a> {
    /// Its revisions, oldest first (never empty).
    pub revisions: Vec<&'a Revision>,
}

impl<'a> RevisionGroup<'a> {
    /// The first revision.
    pub fn first(&self) -> &'a Revision {
        self.revisions[0]
    }

    /// The last revision: "show this version" shows the text after the sitting.
    pub fn last(&self) -> &'a Revision {
        self.revisions[self.revisions.len() - 1]
    }

    /// What happened, in words: "created the article", "edited (9 edits)".
    pub fn summary(&self) -> String {
        let edits = self
            .revisions
            .iter()
            .filter(|r| r.cmd == "edit_article")
            .count();
        let created = self.revisions.iter().any(|r| r.cmd == "create_article");
        let other: Vec<String> = self
            .revisions
            .iter()
            .filter(|r| r.cmd != "edit_article" && r.cmd != "create_article")
            .map(|r| r.cmd.replace('_', " "))
            .collect();
        let mut parts = Vec::new();
        if created {
            parts.push("created the article".to_owned());
        }
        match edits {
            0 => {}
            1 => parts.push("edited".into()),
            n => parts.push(format!("edited ({n} edits)")),
        }
        for o in other {
            if !parts.contains(&o) {
                parts.push(o);
            }
        }
        parts.join(", ")
    }
}

/// `history` (oldest first) in sittings, oldest first.
pub fn group(history: &[Revision]) -> Vec<RevisionGroup<'_>> {
    let mut groups: Vec<RevisionGroup<'_>> = Vec::new();
    for r in history {
        if let Some(g) = groups.last_mut() {
            let last = g.last();
            // Times come from members' devices: any i64.
            let pause = r.at.0.saturating_sub(last.at.0);
            if last.by == r.by && (0..=SITTING_GAP_MS).contains(&pause) {
                g.revisions.push(r);
                continue;
            }
        }
        groups.push(RevisionGroup { revisions: vec![r] });
    }
    groups
}

#[cfg(test)]
mod tests {
    use copse_core::{MemberId, Timestamp};

    use super::*;

    fn rev(by: &MemberId, minute: i64, cmd: &str) -> Revision {
        Revision {
            change: format!("{minute:08}"),
            by: by.clone(),
            at: Timestamp(minute * 60_000),
            cmd: cmd.into(),
        }
    }

    #[test]
    fn one_sitting_is_one_row_and_a_pause_or_another_member_starts_the_next() {
        let ada: MemberId = "12D3KooWAdaAdaAdaAda".parse().unwrap();
        let bob: MemberId = "12D3KooWBobBobBobBob".parse().unwrap();
        let mut history = vec![rev(&ada, 0, "create_article")];
        // Nine edits of one typing session, a few seconds apart.
        history.extend((1..=9).map(|m| rev(&ada, m, "edit_article")));
        history.push(rev(&bob, 11, "edit_article"));
        // Ada comes back after lunch.
        history.push(rev(&ada, 90, "edit_article"));
        history.push(rev(&ada, 91, "edit_article"));
        let groups = group(&history);
        let rows: Vec<(String, usize)> = groups
            .iter()
            .map(|g| (g.summary(), g.revisions.len()))
            .collect();
        assert_eq!(
            rows,
            [
                ("created the article, edited (9 edits)".to_owned(), 10),
                ("edited".to_owned(), 1),
                ("edited (2 edits)".to_owned(), 2),
            ]
        );
        assert_eq!(groups[0].last().change, "00000009");
        // A clock that went backwards starts a new row rather than joining one.
        let odd = [rev(&ada, 50, "edit_article"), rev(&ada, 5, "edit_article")];
        assert_eq!(group(&odd).len(), 2);
    }
}
