//! Sending what a form says: the edit or request each form's main button makes from the
//! draft in the state. A draft that is not ready sends nothing (its button is disabled
//! too); it is cleared when its answer comes (`replies`).

use copse_core::Command;
use copse_core::record::ThreadKind;
use copse_peer::ask;

use super::{AppState, Screen, UiAction, drafts::split_list};

impl AppState {
    /// First run: creates this device's identity with the details typed.
    pub(super) fn submit_welcome(&mut self) {
        if self.welcome.name.trim().is_empty() {
            return;
        }
        self.outbox.push(UiAction::Init(self.welcome.details()));
        self.screen = Some(Screen::Loading);
    }

    /// Creates the community described.
    pub(super) fn submit_community(&mut self) {
        if let Some(spec) = self.new_community.spec() {
            self.request(ask::CreateCommunity { spec });
        }
    }

    /// Joins with the pasted ticket (once at a time).
    pub(super) fn submit_join(&mut self) {
        let ticket = self.join_ticket.trim().to_owned();
        if ticket.is_empty() || self.joining {
            return;
        }
        self.joining = true;
        self.request(ask::Join {
            ticket,
            details: None,
        });
    }

    /// Posts the new discussion or question.
    pub(super) fn submit_thread(&mut self, kind: ThreadKind) {
        let Some(d) = self.view().and_then(|v| v.list(kind)).map(|l| &l.draft) else {
            return;
        };
        if !d.ready() {
            return;
        }
        let cmd = Command::StartThread {
            kind,
            title: d.title.trim().to_owned(),
            body: d.body.clone(),
            tags: split_list(&d.tags),
        };
        self.command(cmd);
    }

    /// Posts the reply written in the open thread.
    pub(super) fn submit_reply(&mut self) {
        let Some(v) = self.view() else { return };
        let body = v.reply.trim().to_owned();
        let Some(t) = v.thread.as_ref().filter(|_| !body.is_empty()) else {
            return;
        };
        let cmd = Command::Reply {
            thread: t.id.clone(),
            body,
        };
        self.command(cmd);
    }

    /// Saves the post being edited.
    pub(super) fn submit_post_edit(&mut self) {
        let Some(v) = self.view() else { return };
        let (Some(t), Some((post, body))) = (&v.thread, &v.editing_post) else {
            return;
        };
        let cmd = Command::EditPost {
            thread: t.id.clone(),
            post: post.clone(),
            body: body.clone(),
        };
        self.command(cmd);
    }

    /// Publishes the new article.
    pub(super) fn submit_article(&mut self) {
        let Some((title, body, tags)) = self.view().and_then(|v| v.new_article.as_ref()) else {
            return;
        };
        if title.trim().is_empty() {
            return;
        }
        let cmd = Command::CreateArticle {
            title: title.trim().to_owned(),
            body: body.clone(),
            tags: split_list(tags),
        };
        self.command(cmd);
    }

    /// Creates the planned meetup, its times read in its own zone.
    pub(super) fn submit_event(&mut self) {
        let reader = self.zone();
        let Some(d) = self.view().and_then(|v| v.event_draft.as_ref()) else {
            return;
        };
        let (Some(starts_at), Some(ends_at)) = d.times(&reader) else {
            return;
        };
        if d.title.trim().is_empty() {
            return;
        }
        let cmd = Command::CreateEvent {
            title: d.title.trim().to_owned(),
            description: d.description.clone(),
            starts_at,
            ends_at,
            place: d.place.clone(),
            zone: copse_core::local_time::zone(&d.zone).map(|_| d.zone.clone()),
        };
        self.command(cmd);
    }

    /// Adds the new task.
    pub(super) fn submit_task(&mut self) {
        let Some(d) = self.view().map(|v| &v.task_draft) else {
            return;
        };
        if !d.ready() {
            return;
        }
        let cmd = Command::CreateTask {
            title: d.title.trim().to_owned(),
            description: String::new(),
            assignee: None,
            due: d.due(),
            good_first: d.good_first,
        };
        self.command(cmd);
    }

    /// Shares the new resource.
    pub(super) fn submit_resource(&mut self) {
        let Some(d) = self.view().map(|v| &v.resource_draft) else {
            return;
        };
        if d.title.trim().is_empty() {
            return;
        }
        let cmd = Command::AddResource {
            title: d.title.trim().to_owned(),
            url: Some(d.url.trim().to_owned()).filter(|u| !u.is_empty()),
            description: d.description.clone(),
            tags: split_list(&d.tags),
        };
        self.command(cmd);
    }

    /// Shares the story written for the first prompt.
    pub(super) fn submit_story(&mut self) {
        let Some(v) = self.view() else { return };
        let text = v.story_draft.trim().to_owned();
        let Some(p) = v.story_prompts.first().filter(|_| !text.is_empty()) else {
            return;
        };
        let cmd = Command::ShareStory {
            text,
            thread: p.thread.clone(),
            post: p.post.clone(),
            event: p.event.clone(),
        };
        self.command(cmd);
    }

    /// Adds the new objective (coordinators).
    pub(super) fn submit_objective(&mut self) {
        let Some(text) = self
            .view()
            .map(|v| v.objective_draft.trim().to_owned())
            .filter(|t| !t.is_empty())
        else {
            return;
        };
        self.command(Command::AddObjective { text });
    }

    /// Adds the relay being typed (coordinators); the command checks the address.
    pub(super) fn submit_relay(&mut self) {
        let Some(relay) = self
            .view()
            .map(|v| v.relay_draft.trim().to_owned())
            .filter(|t| !t.is_empty())
        else {
            return;
        };
        self.command(Command::AddRelay { relay });
    }

    /// Saves the norms being edited (coordinators).
    pub(super) fn submit_norms(&mut self) {
        let Some(norms) = self.view().and_then(|v| v.norms_draft.clone()) else {
            return;
        };
        self.command(Command::UpdateProfile {
            name: None,
            domain: None,
            norms: Some(norms),
        });
    }

    /// Saves the level thresholds being edited, if they make sense (coordinators).
    pub(super) fn submit_level_rule(&mut self) {
        let Some(draft) = self.view().and_then(|v| v.level_rule_draft) else {
            return;
        };
        if draft.problem().is_some() {
            return;
        }
        if let Some(v) = self.view_mut() {
            v.level_rule_draft = None;
        }
        self.command(Command::SetLevelRule(draft));
    }
}

#[cfg(test)]
mod tests {
    use copse_core::Command;
    use copse_core::record::ThreadKind;
    use copse_peer::{Request, ask};

    use crate::state::intent::{Field, Intent};
    use crate::state::{AppState, UiAction};

    fn open_community() -> AppState {
        let mut state = AppState::new();
        state.reader_zone = copse_core::local_time::zone("Europe/Oslo");
        let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(1);
        state.select(copse_core::CommunityId::random(&mut rng));
        state
    }

    fn edits(state: &AppState) -> Vec<Command> {
        state
            .outbox
            .iter()
            .filter_map(|a| match a {
                UiAction::Request(Request::Edit(ask::Edit { command, .. })) => {
                    Some(command.clone())
                }
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_thread_is_posted_from_its_draft_only_once_it_has_a_title_and_text() {
        let mut state = open_community();
        let kind = ThreadKind::Question;
        state.act(Intent::Compose(kind, true));
        state.act(Intent::Type(
            Field::ThreadTitle(kind),
            "  Glulam creep? ".into(),
        ));
        state.act(Intent::PostThread(kind));
        assert!(edits(&state).is_empty(), "no text yet");
        state.act(Intent::Type(Field::ThreadBody(kind), "Long spans".into()));
        state.act(Intent::Type(
            Field::ThreadTags(kind),
            "glulam, , creep ".into(),
        ));
        state.act(Intent::PostThread(kind));
        assert_eq!(
            edits(&state),
            vec![Command::StartThread {
                kind,
                title: "Glulam creep?".into(),
                body: "Long spans".into(),
                tags: vec!["glulam".into(), "creep".into()],
            }]
        );
    }

    #[test]
    fn a_meetup_is_read_in_its_own_zone_and_lasts_two_hours_without_an_end() {
        let mut state = open_community();
        state.act(Intent::PlanMeetup(true));
        let zone = state
            .view()
            .and_then(|v| v.event_draft.as_ref())
            .unwrap()
            .zone
            .clone();
        assert_eq!(zone, "Europe/Oslo", "the form starts in the reader's zone");
        state.act(Intent::Type(Field::EventZone, "Asia/Tokyo".into()));
        state.act(Intent::Type(Field::EventTitle, "Joinery night".into()));
        state.act(Intent::Type(Field::EventStarts, "2026-12-03 18:00".into()));
        state.act(Intent::CreateEvent);
        let sent = edits(&state);
        let [
            Command::CreateEvent {
                starts_at,
                ends_at,
                zone,
                ..
            },
        ] = sent.as_slice()
        else {
            panic!("one event: {:?}", state.outbox);
        };
        // 18:00 in Tokyo is 09:00 UTC.
        assert_eq!(
            Some(*starts_at),
            copse_core::Timestamp::parse_utc("2026-12-03 09:00")
        );
        assert_eq!(ends_at.0 - starts_at.0, 2 * 3_600_000);
        assert_eq!(zone.as_deref(), Some("Asia/Tokyo"));
    }

    #[test]
    fn a_task_with_a_due_date_that_does_not_read_is_not_added() {
        let mut state = open_community();
        state.act(Intent::Type(Field::TaskTitle, "Span tables".into()));
        state.act(Intent::Type(Field::TaskDue, "next week".into()));
        state.act(Intent::AddTask);
        assert!(edits(&state).is_empty());
        state.act(Intent::Type(Field::TaskDue, "2026-12-31".into()));
        state.act(Intent::DraftGoodFirst(true));
        state.act(Intent::AddTask);
        assert!(matches!(
            edits(&state).as_slice(),
            [Command::CreateTask {
                good_first: true,
                due: Some(_),
                ..
            }]
        ));
    }

    #[test]
    fn typing_into_a_closed_form_keeps_nothing_and_sends_nothing() {
        let mut state = open_community();
        state.act(Intent::Type(Field::ArticleTitle, "Lost".into()));
        state.act(Intent::PublishArticle);
        state.act(Intent::Type(Field::Norms, "Be kind".into()));
        state.act(Intent::SaveNorms);
        assert!(state.outbox.is_empty(), "{:?}", state.outbox);
    }

    #[test]
    fn levels_that_make_no_sense_are_not_saved() {
        let mut state = open_community();
        let mut rule = copse_core::record::LevelRule::default();
        rule.core_from = rule.active_from;
        state.act(Intent::LevelRuleDraft(Some(rule)));
        state.act(Intent::SaveLevelRule);
        assert!(edits(&state).is_empty());
        assert!(
            state.view().unwrap().level_rule_draft.is_some(),
            "kept to fix"
        );
    }
}
