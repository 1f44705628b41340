//! Who knows about what: the Members tab's "who knows" list for the skill typed there, and
//! the members suggested while asking a question (from its tags and words), both read from
//! this device's index (`Query::Experts`).

use copse_core::record::ThreadKind;
use copse_peer::Expert;

use super::AppState;

/// Members suggested to a question's asker.
const SUGGESTED: usize = 3;

/// One experts question and its answer.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ExpertsAsked {
    /// The topics last asked.
    pub topics: Option<Vec<String>>,
    /// Who knows about them, most first (empty until the answer comes).
    pub found: Vec<Expert>,
}

/// Topics from a comma-separated list (tags, a skill) and free text (a question's title:
/// its words of 3 characters or more), as the index holds tags.
pub fn topics_from(tags: &str, words: &str) -> Vec<String> {
    let tags = super::drafts_split_list(tags);
    let words = words
        .split(|c: char| !c.is_alphanumeric() && c != '-')
        .filter(|w| w.chars().count() >= 3);
    copse_peer::topics_of(tags.iter().map(String::as_str).chain(words))
}

impl AppState {
    /// Asks who knows about what the Members tab's skill box says, if it changed.
    pub fn refresh_who_knows(&mut self) {
        let Some(v) = self.view() else { return };
        let topics = topics_from(&v.member_filter.0, "");
        if v.who_knows.topics.as_ref() == Some(&topics) {
            return;
        }
        let Some(v) = self.view_mut() else { return };
        v.who_knows.topics = Some(topics.clone());
        self.ask_experts(topics, 10);
    }

    /// Asks who to suggest for the question being written, if its tags or title changed.
    pub fn refresh_suggestions(&mut self) {
        let Some(v) = self.view() else { return };
        let Some(list) = v.list(ThreadKind::Question) else {
            return;
        };
        let topics = topics_from(&list.draft.tags, &list.draft.title);
        if v.suggested.topics.as_ref() == Some(&topics) {
            return;
        }
        let Some(v) = self.view_mut() else { return };
        v.suggested.topics = Some(topics.clone());
        // One more than shown: the asker may be among them.
        self.ask_experts(topics, SUGGESTED + 1);
    }

    fn ask_experts(&mut self, topics: Vec<String>, limit: usize) {
        let Some(community) = self.selected.clone() else {
            return;
        };
        if topics.is_empty() {
            return;
        }
        self.request(copse_peer::ask::Experts {
            community,
            topics,
            limit,
        });
    }

    /// An answer to `Query::Experts`: kept by whichever list asked those topics.
    pub(crate) fn experts_found(
        &mut self,
        community: &copse_core::CommunityId,
        topics: &[String],
        found: Vec<Expert>,
    ) {
        let Some(v) = self.views.get_mut(community) else {
            return;
        };
        for asked in [&mut v.who_knows, &mut v.suggested] {
            if asked.topics.as_deref() == Some(topics) {
                asked.found.clone_from(&found);
            }
        }
    }

    /// The community changed: ask both lists again (what is shown stays meanwhile).
    pub(crate) fn experts_stale(&mut self, community: &copse_core::CommunityId) {
        if let Some(v) = self.views.get_mut(community) {
            v.who_knows.topics = None;
            v.suggested.topics = None;
        }
    }

    /// The members to suggest to the asker (never the asker).
    pub fn suggestions(&self) -> Vec<Expert> {
        let me = self.me.as_ref().map(|(m, _)| m);
        self.view()
            .map(|v| {
                v.suggested
                    .found
                    .iter()
                    .filter(|e| Some(&e.member) != me)
                    .take(SUGGESTED)
                    .cloned()
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Adds an @mention of `name` to the question being written.
    pub fn mention_in_question(&mut self, name: &str) {
        let Some(v) = self.view_mut() else { return };
        let body = &mut v.list_mut(ThreadKind::Question).draft.body;
        let mention = format!("@{name}");
        if !body.contains(&mention) {
            if !body.is_empty() && !body.ends_with(char::is_whitespace) {
                body.push(' ');
            }
            body.push_str(&mention);
            body.push(' ');
        }
    }
}
