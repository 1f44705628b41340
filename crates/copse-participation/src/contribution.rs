//! What counts as taking part, and counts of it per kind.

use serde::{Deserialize, Serialize};

/// One kind of contribution to the community's practice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContributionKind {
    /// Started a discussion or asked a question.
    ThreadStarted,
    /// Replied in a discussion (or in their own question).
    Reply,
    /// Answered someone else's question.
    Answer,
    /// An answer of theirs was accepted (counts on top of the answer).
    AcceptedAnswer,
    /// Wrote or edited a knowledge article (each edit).
    ArticleEdit,
    /// Attended a meetup.
    MeetupAttended,
    /// Finished a task (the assignee's; the member who finished it if nobody took it on).
    TaskDone,
}

impl ContributionKind {
    /// Every kind, in display order.
    pub const ALL: [Self; 7] = [
        Self::ThreadStarted,
        Self::Reply,
        Self::Answer,
        Self::AcceptedAnswer,
        Self::ArticleEdit,
        Self::MeetupAttended,
        Self::TaskDone,
    ];

    /// How `n` of this kind reads: "1 answer", "3 answers".
    pub fn count_text(self, n: u32) -> String {
        let (one, many) = match self {
            Self::ThreadStarted => ("thread started", "threads started"),
            Self::Reply => ("reply", "replies"),
            Self::Answer => ("answer", "answers"),
            Self::AcceptedAnswer => ("accepted answer", "accepted answers"),
            Self::ArticleEdit => ("article edit", "article edits"),
            Self::MeetupAttended => ("meetup attended", "meetups attended"),
            Self::TaskDone => ("task done", "tasks done"),
        };
        format!("{n} {}", if n == 1 { one } else { many })
    }
}

/// How many contributions of each kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KindCounts {
    /// Threads started.
    pub threads_started: u32,
    /// Replies.
    pub replies: u32,
    /// Answers to others' questions.
    pub answers: u32,
    /// Accepted answers.
    pub accepted_answers: u32,
    /// Article edits (writing one counts as its first edit).
    pub article_edits: u32,
    /// Meetups attended.
    pub meetups_attended: u32,
    /// Tasks done.
    pub tasks_done: u32,
}

impl KindCounts {
    /// The count of `kind`.
    pub fn get(&self, kind: ContributionKind) -> u32 {
        match kind {
            ContributionKind::ThreadStarted => self.threads_started,
            ContributionKind::Reply => self.replies,
            ContributionKind::Answer => self.answers,
            ContributionKind::AcceptedAnswer => self.accepted_answers,
            ContributionKind::ArticleEdit => self.article_edits,
            ContributionKind::MeetupAttended => self.meetups_attended,
            ContributionKind::TaskDone => self.tasks_done,
        }
    }

    pub(crate) fn add(&mut self, kind: ContributionKind) {
        let n = match kind {
            ContributionKind::ThreadStarted => &mut self.threads_started,
            ContributionKind::Reply => &mut self.replies,
            ContributionKind::Answer => &mut self.answers,
            ContributionKind::AcceptedAnswer => &mut self.accepted_answers,
            ContributionKind::ArticleEdit => &mut self.article_edits,
            ContributionKind::MeetupAttended => &mut self.meetups_attended,
            ContributionKind::TaskDone => &mut self.tasks_done,
        };
        *n = n.saturating_add(1);
    }

    /// All contributions together (what the levels compare with the thresholds).
    pub fn total(&self) -> u32 {
        ContributionKind::ALL.iter().map(|k| self.get(*k)).sum()
    }

    /// "3 answers, 1 accepted answer"-style summary of the non-zero counts.
    pub fn summary(&self) -> String {
        ContributionKind::ALL
            .iter()
            .filter(|k| self.get(**k) > 0)
            .map(|k| k.count_text(self.get(*k)))
            .collect::<Vec<_>>()
            .join(", ")
    }
}
