//! [`AppState::act`]: what each [`Intent`] does to the state and which requests it sends.
//! Forms' main buttons are in `forms`; the rest, small, is here.

use copse_core::record::{ObjectiveStatus, Role, ThreadKind};
use copse_core::{Command, EventId, MemberId, PostId, Timestamp};
use copse_peer::ask;

use super::file_chooser::FileChooser;
use super::intent::Intent;
use super::loads::View;
use super::{AppState, Confirm, EventDraft, MEETUP_INVITE, Screen, Tab, UiAction};
use crate::file_dialog::FileChoice;

/// How long an invite made on the Peers tab stays valid.
const INVITE_VALID_MS: i64 = 7 * 86_400_000;

impl AppState {
    /// Applies what the member did in a frame, in order, then asks for what the screen
    /// now shows (search results, who knows, suggestions; `now` for the date filter).
    pub fn act_all(&mut self, intents: impl IntoIterator<Item = Intent>, now: Timestamp) {
        let mut any = false;
        for intent in intents {
            any = true;
            self.act(intent);
        }
        if any {
            self.keep_drafts();
        }
        self.ask_what_shows(now);
    }

    /// Applies one thing the member did.
    pub fn act(&mut self, intent: Intent) {
        use Intent as I;
        match intent {
            I::Type(field, text) => self.typed(field, text),
            I::SelectCommunity(id) => {
                if let Some(r) = self.rail.iter_mut().find(|r| r.id == id) {
                    r.new_activity = false;
                }
                self.select(id);
            }
            I::AddCommunity(on) => self.adding = on,
            I::SelectTab(tab) => {
                self.close_search();
                self.select_tab(tab);
            }
            I::OpenThread(id) => {
                if let Some(c) = self.selected.clone() {
                    self.open_thread(c, id);
                }
            }
            I::CloseThread => self.close_thread(),
            I::OpenArticle(id) => {
                if let Some(c) = self.selected.clone() {
                    self.open_article(c, id);
                }
            }
            I::CloseArticle => self.with_view(|v| {
                v.article = None;
                v.history = None;
            }),
            I::OpenNotes(event) => self.notes_of(&event),
            I::CloseNotes => self.with_view(|v| v.notes = None),
            I::ToggleMember(member) => {
                if let Some(c) = self.selected.clone() {
                    self.toggle_member(c, member);
                }
            }
            I::Open(target) => self.open_result(&target),
            I::MoreThreads(kind) => self.more_threads(kind),
            I::ScrolledToPost { found } => self.with_view(|v| {
                v.scroll_to_post = None;
                if !found {
                    v.found_post = None;
                }
            }),
            I::FocusSearch => self.focus_search(),
            I::SearchFocused => self.with_view(|v| v.search.focus = false),
            I::OpenSearch => self.with_view(|v| v.search.open = true),
            I::CloseSearch => self.close_search(),
            I::SearchKind(kind) => self.with_view(|v| v.search.kind = kind),
            I::SearchAuthor(author) => self.with_view(|v| v.search.author = author),
            I::SearchPeriod(period) => self.with_view(|v| v.search.period = period),
            I::Settings(settings) => self.change_settings(settings),
            I::AddDeviceRelay => self.add_device_relay(),
            I::RemoveDeviceRelay(relay) => {
                let mut settings = self.settings.clone();
                settings.relays.retain(|r| r != &relay);
                self.change_settings(settings);
            }
            I::DismissNotice(id) => self.notices.retain(|n| n.id != id),
            I::Confirm(yes) => self.answer_confirm(yes),
            I::ImportFile(path) => {
                self.notify(format!("Importing {}…", path.display()), false);
                self.request(ask::Import { path });
            }
            I::Welcome => self.submit_welcome(),
            I::CreateCommunity => self.submit_community(),
            I::Join => self.submit_join(),
            I::CancelJoin => self.request(ask::CancelJoin),
            I::Compose(kind, on) => self.with_view(|v| v.list_mut(kind).composing = on),
            I::PostThread(kind) => self.submit_thread(kind),
            I::Mention(name) => self.mention_in_question(&name),
            I::Reply => self.submit_reply(),
            I::EditPost(post) => self.edit_post(post),
            I::SavePost => self.submit_post_edit(),
            I::AcceptAnswer(post) => self.on_thread(|thread| Command::AcceptAnswer {
                thread,
                post: Some(post),
            }),
            I::Promote => self.promote(),
            I::NewArticle(on) => self.with_view(|v| match (on, v.new_article.is_some()) {
                (true, false) => v.new_article = Some(Default::default()),
                (false, _) => v.new_article = None,
                (true, true) => {}
            }),
            I::PublishArticle => self.submit_article(),
            I::EditArticleText(on) => self.with_view(|v| v.article_editing = on),
            I::ToggleHistory => self.toggle_history(),
            I::ShowRevision(change) => self.show_revision(change),
            I::PlanMeetup(on) => self.plan_meetup(on),
            I::CreateEvent => self.submit_event(),
            I::Rsvp(event, answer) => self.command(Command::Rsvp { event, answer }),
            I::Attend(event, member, present) => self.command(Command::RecordAttendance {
                event,
                member,
                present,
            }),
            I::MeetupInvite => self.meetup_invite(),
            I::CloseMeetupQr => self.with_view(|v| v.meetup_qr = false),
            I::DraftGoodFirst(on) => self.with_view(|v| v.task_draft.good_first = on),
            I::AddTask => self.submit_task(),
            I::Assign(task, assignee) => self.command(Command::AssignTask { task, assignee }),
            I::MarkFirstTask(task, good_first) => {
                self.command(Command::SetGoodFirstTask { task, good_first });
            }
            I::MoveTask(task, status) => self.command(Command::MoveTask { task, status }),
            I::LevelFilter(filter) => self.with_view(|v| v.level_filter = filter),
            I::LevelRuleDraft(draft) => self.with_view(|v| v.level_rule_draft = draft),
            I::SaveLevelRule => self.submit_level_rule(),
            I::ShareStory => self.submit_story(),
            I::DismissStoryPrompt => self.dismiss_story_prompt(),
            I::ObjectiveStatus(id, status) => self.objective_status(id, status),
            I::AddObjective => self.submit_objective(),
            I::AddRelay => self.submit_relay(),
            I::RemoveRelay(relay) => self.command(Command::RemoveRelay { relay }),
            I::EditNorms => {
                let norms = self
                    .view()
                    .and_then(|v| v.profile.as_ref())
                    .map(|p| p.norms.clone());
                self.with_view(|v| v.norms_draft = norms);
            }
            I::SaveNorms => self.submit_norms(),
            I::MarkSeen => {
                if let Some(community) = self.selected.clone() {
                    self.request(ask::MarkSeen { community });
                }
            }
            I::RemoveMember(member) => self.ask_to_remove(member),
            I::InviteUses(uses) => self.with_view(|v| v.invite_uses = uses.clamp(1, 100)),
            I::Invite(role) => self.invite(role),
            I::ExportDialog => {
                if let Some(community) = self.selected.clone() {
                    let name = self.community_name();
                    self.outbox
                        .push(UiAction::ChooseFile(FileChoice::Export { community, name }));
                }
            }
            I::ImportDialog => self.outbox.push(UiAction::ChooseFile(FileChoice::Import)),
            I::ExportToPath => {
                let out = self.view().map(|v| v.export_path.trim().to_owned());
                if let (Some(community), Some(out)) = (self.selected.clone(), out)
                    && !out.is_empty()
                {
                    self.request(ask::Export {
                        community,
                        out: out.into(),
                    });
                }
            }
            I::ImportFromPath => {
                let path = self.view().map(|v| v.import_path.trim().to_owned());
                if let Some(path) = path.filter(|p| !p.is_empty()) {
                    self.request(ask::Import { path: path.into() });
                }
            }
            I::ChooserOpen(dir) => {
                if let Some(chooser) = &mut self.file_chooser {
                    chooser.open(dir.clone());
                    self.outbox.push(UiAction::ListFolder(dir));
                }
            }
            I::ChooserPick(name) => {
                if let Some(chooser) = &mut self.file_chooser {
                    chooser.name = name;
                }
            }
            I::ChooserConfirm => {
                let req = self.file_chooser.as_ref().and_then(FileChooser::request);
                if let Some(req) = req {
                    self.file_chooser = None;
                    self.request(req);
                }
            }
            I::ChooserCancel => self.file_chooser = None,
            I::RemoveResource(resource) => self.ask_to_remove_resource(resource),
            I::ShareResource => self.submit_resource(),
        }
    }

    /// Asks for what only the screen shown needs, when what it asks changed: search
    /// results while they show, who knows the skill typed in Members, and members to
    /// suggest while a question is written.
    fn ask_what_shows(&mut self, now: Timestamp) {
        if self.screen() != Screen::Main || self.adding {
            return;
        }
        let Some(v) = self.view() else { return };
        if v.search.open {
            self.refresh_search(now);
            return;
        }
        match self.tab() {
            Tab::Questions
                if v.thread_id.is_none()
                    && v.list(ThreadKind::Question).is_some_and(|l| l.composing) =>
            {
                self.refresh_suggestions();
            }
            Tab::Members if !v.member_filter.0.trim().is_empty() => self.refresh_who_knows(),
            _ => {}
        }
    }

    fn with_view(&mut self, change: impl FnOnce(&mut super::CommunityView)) {
        if let Some(v) = self.view_mut() {
            change(v);
        }
    }

    /// Runs the edit `make` builds for the open thread, if one has loaded.
    fn on_thread(&mut self, make: impl FnOnce(copse_core::ThreadId) -> Command) {
        if let Some(t) = self.view().and_then(|v| v.thread.as_ref()) {
            let cmd = make(t.id.clone());
            self.command(cmd);
        }
    }

    fn community_name(&self) -> String {
        self.view()
            .and_then(|v| v.profile.as_ref())
            .map(|p| p.name.clone())
            .unwrap_or_default()
    }

    fn notes_of(&mut self, event: &EventId) {
        self.select_tab(Tab::Events);
        let (Some(c), Some(e)) = (
            self.selected.clone(),
            self.view().and_then(|v| v.event(event)).cloned(),
        ) else {
            return;
        };
        self.open_notes(c, &e);
    }

    fn more_threads(&mut self, kind: ThreadKind) {
        let Some(c) = self.selected.clone() else {
            return;
        };
        self.with_view(|v| v.list_mut(kind).pages += 1);
        self.invalidate([View::Threads(c, kind)]);
    }

    /// Starts editing one's own post with its text (`None`: stops).
    fn edit_post(&mut self, post: Option<PostId>) {
        let body = post.as_ref().and_then(|id| {
            let t = self.view()?.thread.as_ref()?;
            t.thread
                .posts
                .iter()
                .find(|p| &p.id == id)
                .map(|p| p.body.clone())
        });
        self.with_view(|v| v.editing_post = post.zip(body));
    }

    /// A discussion, or a question with an accepted answer, becomes an article.
    fn promote(&mut self) {
        let promotable = self
            .view()
            .and_then(|v| v.thread.as_ref())
            .is_some_and(|t| {
                t.thread.kind != ThreadKind::Question || t.thread.accepted_post.is_some()
            });
        if promotable {
            self.on_thread(|thread| Command::PromoteToArticle {
                thread,
                title: None,
            });
        }
    }

    /// The open community and its open article.
    fn open_article_id(&self) -> Option<(copse_core::CommunityId, copse_core::ArticleId)> {
        let article = self.view()?.article.as_ref()?.id.clone();
        Some((self.selected.clone()?, article))
    }

    fn toggle_history(&mut self) {
        let Some((c, id)) = self.open_article_id() else {
            return;
        };
        self.with_view(|v| {
            v.history = if v.history.is_some() {
                None
            } else {
                Some(Vec::new())
            };
            v.revision = None;
        });
        self.invalidate([View::History(c, id)]);
    }

    fn show_revision(&mut self, change: String) {
        let Some((community, article)) = self.open_article_id() else {
            return;
        };
        self.request(ask::ArticleAt {
            community,
            article,
            change,
        });
    }

    /// Opens the form in the reader's zone, or closes it.
    fn plan_meetup(&mut self, on: bool) {
        let zone = copse_core::local_time::zone_name(&self.zone());
        self.with_view(|v| match (on, v.event_draft.is_some()) {
            (true, false) => {
                v.event_draft = Some(EventDraft {
                    zone,
                    ..EventDraft::default()
                });
            }
            (false, _) => v.event_draft = None,
            (true, true) => {}
        });
    }

    /// The newcomers' invite at a meetup: shown large once made.
    fn meetup_invite(&mut self) {
        let Some(community) = self.selected.clone() else {
            return;
        };
        self.with_view(|v| {
            v.meetup_qr = true;
            v.meetup_ticket = None;
        });
        let (valid_ms, uses) = MEETUP_INVITE;
        self.request(ask::Invite {
            community,
            valid_ms,
            uses,
            role: Role::Member,
        });
    }

    fn invite(&mut self, role: Role) {
        let Some(community) = self.selected.clone() else {
            return;
        };
        let uses = self.view().map_or(1, |v| v.invite_uses.max(1));
        self.request(ask::Invite {
            community,
            valid_ms: INVITE_VALID_MS,
            uses,
            role,
        });
    }

    fn dismiss_story_prompt(&mut self) {
        let (Some(community), Some(key)) = (
            self.selected.clone(),
            self.view()
                .and_then(|v| v.story_prompts.first())
                .map(|p| p.key()),
        ) else {
            return;
        };
        self.with_view(|v| v.story_prompts.retain(|p| p.key() != key));
        self.request(ask::DismissStoryPrompt { community, key });
    }

    fn objective_status(&mut self, id: copse_core::ObjectiveId, status: ObjectiveStatus) {
        let text = self
            .view()
            .and_then(|v| v.profile.as_ref())
            .and_then(|p| p.objectives.iter().find(|o| o.id == id))
            .map(|o| o.text.clone());
        if let Some(text) = text {
            self.set_objective_status(id, &text, status);
        }
    }

    fn ask_to_remove(&mut self, member: MemberId) {
        let name = self.name_of(&member);
        let community = self.community_name();
        self.ask_first(Confirm {
            title: format!("Remove {name} from {community}?"),
            consequence: format!(
                "Every member will see that you removed {name}. Nothing new reaches {name} from \
                 then on, and members' devices stop syncing with theirs; {name} keeps what \
                 they already had. Only a new invitation brings them back."
            ),
            action: format!("Remove {name}"),
            command: Command::RemoveMember { member },
            community: None,
        });
    }

    fn ask_to_remove_resource(&mut self, resource: copse_core::ResourceId) {
        let Some(title) = self
            .view()
            .and_then(|v| v.resources.iter().find(|r| r.id == resource))
            .map(|r| r.resource.title.clone())
        else {
            return;
        };
        self.ask_first(Confirm {
            title: format!("Remove “{title}”?"),
            consequence: "It leaves the Resources list on every member's device as they sync; \
                          the community's history still records that it was shared and removed."
                .into(),
            action: "Remove it".into(),
            command: Command::RemoveResource { resource },
            community: None,
        });
    }
}

impl AppState {
    /// The member changed a setting: kept, and relays given to the network at once.
    fn change_settings(&mut self, settings: crate::settings::AppSettings) {
        if settings == self.settings {
            return;
        }
        if settings.relays != self.settings.relays {
            self.request(ask::UseRelays {
                relays: settings.relays.clone(),
            });
        }
        self.settings = settings.clone();
        self.outbox.push(UiAction::SaveSettings(settings));
    }

    /// "Use relay" on this device: the address typed, if it is a relay's.
    fn add_device_relay(&mut self) {
        let typed = self.device_relay_draft.trim().to_owned();
        let Some(relay) = copse_core::view::profile::relay_address(&typed) else {
            self.notify_about(
                super::About::DeviceRelay,
                "That is not a relay's address: it ends in /p2p/ and the relay's id, \
                 e.g. /ip4/198.51.100.7/tcp/4001/p2p/12D3KooW…",
            );
            return;
        };
        self.fixed(super::About::DeviceRelay);
        self.device_relay_draft.clear();
        if !self.settings.relays.contains(&relay) {
            let mut settings = self.settings.clone();
            settings.relays.push(relay);
            self.change_settings(settings);
        }
    }
}
