//! What the answers to the member's actions (not loads) do to the state: clear the form
//! that was sent, open what was created, say what happened.

use copse_core::{Command, CommunityId, Created};
use copse_peer::{Answered, EditApplied, JoinFailure, PeerError};

use super::loads::View;
use super::{About, AppState, Tab};

impl AppState {
    /// A request that was not a load finished.
    pub(crate) fn answered(&mut self, answered: Answered) {
        use Answered as A;
        match answered {
            A::CreateCommunity(_, Ok(id)) => {
                self.new_community = Default::default();
                self.invalidate([View::Communities]);
                self.select(id);
                self.notify(
                    "Community created. Invite members from the Peers tab.",
                    false,
                );
            }
            A::Join(_, result) => {
                self.joining = false;
                self.join_progress = None;
                match result {
                    Ok(j) => {
                        self.fixed(About::Join);
                        self.join_ticket.clear();
                        self.invalidate([View::Communities]);
                        self.select(j.community);
                        self.notify(format!("Welcome to {}!", j.name), false);
                    }
                    Err(PeerError::Join(JoinFailure::Cancelled)) => {
                        self.notify("Joining was cancelled.", false)
                    }
                    Err(e) => self.notify_about(About::Join, format!("Could not join: {e}")),
                }
            }
            A::Invite(q, result) => {
                // The new invite is one the list does not have yet.
                self.invalidate([View::Invites(q.community.clone())]);
                let v = self.views.entry(q.community).or_default();
                let for_meetup = v.meetup_qr && (q.valid_ms, q.uses) == super::MEETUP_INVITE;
                match result {
                    Ok(i) if for_meetup => v.meetup_ticket = Some(i.ticket),
                    Ok(i) => {
                        v.ticket = Some(i.ticket);
                        v.ticket_invite = Some(i.invite);
                        self.fixed(About::Invite);
                    }
                    Err(e) => {
                        if for_meetup {
                            v.meetup_qr = false;
                        }
                        self.notify_about(About::Invite, format!("Could not make an invite: {e}"));
                    }
                }
            }
            A::Edit(q, result) => self.edited(q.community, q.command, result),
            A::Export(q, Ok(_)) => self.notify(format!("Exported to {}", q.out.display()), false),
            A::Import(_, Ok(i)) => {
                self.invalidate([View::Communities]);
                let what = if i.created { "Added" } else { "Merged" };
                let refused = match i.refused {
                    0 => String::new(),
                    1 => " One change in it broke the community's rules and was left out.".into(),
                    n => {
                        format!(" {n} changes in it broke the community's rules and were left out.")
                    }
                };
                self.notify(
                    format!("{what} the community from the file.{refused}"),
                    false,
                );
                // Show what came in, unless it is the community already open.
                if self.adding || self.selected.as_ref() != Some(&i.id) {
                    self.select(i.id);
                }
            }
            A::DismissStoryPrompt(q, Ok(())) => {
                self.invalidate([View::StoryPrompts(q.community)]);
            }
            A::MarkSeen(q, Ok(())) => {
                self.invalidate([
                    View::WhatsNew(q.community.clone()),
                    View::ForYou(q.community.clone()),
                    View::ReadState(q.community),
                ]);
            }
            A::ArticleAt(_, Ok(r)) => {
                if let Some(v) = self.view_mut() {
                    v.revision = Some((r.at, r.body));
                }
            }
            // Said where the results would be, once per search (not as a notice per
            // keystroke).
            A::Search(q, Ok(r)) => self.searched(&q.community, &q.search, r),
            A::Search(q, Err(e)) => self.search_failed(&q.community, &q.search, e.to_string()),
            A::Experts(q, Ok(found)) => self.experts_found(&q.community, &q.topics, found),
            // An experts list without an answer just stays empty.
            A::Experts(_, Err(e)) => tracing::debug!("experts: {e}"),
            other => match other.error() {
                Some(e) => self.notify(e.to_string(), true),
                None => tracing::debug!(request = ?other.request(), "answered"),
            },
        }
    }

    fn edited(
        &mut self,
        community: CommunityId,
        command: Command,
        result: Result<EditApplied, PeerError>,
    ) {
        tracing::debug!(
            command = command.name(),
            ok = result.is_ok(),
            "edit answered"
        );
        let applied = result.as_ref().ok();
        let change = applied.and_then(|a| a.change.map(|h| h.to_string()));
        let created = applied.and_then(|a| a.created.clone());
        let view = self.views.entry(community.clone()).or_default();
        match (&command, result.is_ok()) {
            (Command::EditArticle { .. }, true) => {
                if let Some(e) = view.article.as_mut() {
                    e.confirmed(change);
                }
            }
            (Command::EditArticle { .. }, false) => {
                if let Some(e) = view.article.as_mut() {
                    e.failed();
                }
            }
            (Command::EditEventNotes { .. }, true) => {
                if let Some(e) = view.notes.as_mut() {
                    e.confirmed(change);
                }
            }
            (Command::EditEventNotes { .. }, false) => {
                if let Some(e) = view.notes.as_mut() {
                    e.failed();
                }
            }
            (Command::StartThread { kind, .. }, true) => {
                let list = view.list_mut(*kind);
                list.draft = Default::default();
                list.composing = false;
                if let Some(Created::Thread(id)) = created {
                    self.open_thread(community.clone(), id);
                }
            }
            (Command::Reply { .. }, true) => view.reply.clear(),
            (Command::EditPost { .. }, true) => view.editing_post = None,
            (Command::CreateArticle { .. } | Command::PromoteToArticle { .. }, true) => {
                view.new_article = None;
                if let Some(Created::Article(id)) = created {
                    self.tab = Some(Tab::Knowledge);
                    self.open_article(community.clone(), id);
                }
            }
            (Command::CreateEvent { .. }, true) => view.event_draft = None,
            (Command::CreateTask { .. }, true) => view.task_draft = Default::default(),
            (Command::AddResource { .. }, true) => view.resource_draft = Default::default(),
            (Command::UpdateProfile { .. }, true) => view.norms_draft = None,
            (Command::AddObjective { .. }, true) => view.objective_draft.clear(),
            (Command::AddRelay { .. }, true) => view.relay_draft.clear(),
            (Command::ShareStory { .. }, true) => view.story_draft.clear(),
            _ => {}
        }
        let about = About::Edit(command.kind());
        match result {
            Ok(_) => self.fixed(about),
            Err(e) => self.notify_about(about, e.to_string()),
        }
    }
}
