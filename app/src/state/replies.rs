//! What the answers to the member's actions (not loads) do to the state: clear the form
//! that was sent, open what was created, say what happened.

use copse_core::{Command, CommunityId, Created};
use copse_peer::{JoinFailure, PeerError, Reply, Request};

use super::loads::View;
use super::{AppState, Tab};

impl AppState {
    /// A request that was not a load finished.
    pub(crate) fn answered(&mut self, request: Request, result: Result<Reply, PeerError>) {
        match (request, result) {
            (Request::CreateCommunity { .. }, Ok(Reply::Community(id))) => {
                self.new_community = Default::default();
                self.invalidate([View::Communities]);
                self.select(id);
                self.notify(
                    "Community created. Invite members from the Peers tab.",
                    false,
                );
            }
            (Request::Join { .. }, result) => {
                self.joining = false;
                self.join_progress = None;
                match result {
                    Ok(Reply::Joined(j)) => {
                        self.join_ticket.clear();
                        self.invalidate([View::Communities]);
                        self.select(j.community);
                        self.notify(format!("Welcome to {}!", j.name), false);
                    }
                    Ok(_) => {}
                    Err(PeerError::Join(JoinFailure::Cancelled)) => {
                        self.notify("Joining was cancelled.", false)
                    }
                    Err(e) => self.notify(format!("Could not join: {e}"), true),
                }
            }
            (Request::CancelJoin, Err(e)) => self.notify(e.to_string(), true),
            (
                Request::Invite {
                    community,
                    valid_ms,
                    uses,
                    ..
                },
                result,
            ) => {
                let v = self.views.entry(community).or_default();
                let for_meetup = v.meetup_qr && (valid_ms, uses) == super::MEETUP_INVITE;
                match result {
                    Ok(Reply::Invitation(i)) if for_meetup => v.meetup_ticket = Some(i.ticket),
                    Ok(Reply::Invitation(i)) => v.ticket = Some(i.ticket),
                    Ok(_) => {}
                    Err(e) => {
                        if for_meetup {
                            v.meetup_qr = false;
                        }
                        self.notify(format!("Could not make an invite: {e}"), true);
                    }
                }
            }
            (Request::Edit { community, command }, result) => {
                self.edited(community, command, result)
            }
            (Request::Export { out, .. }, Ok(_)) => {
                self.notify(format!("Exported to {}", out.display()), false)
            }
            (Request::Import { .. }, Ok(Reply::Imported(i))) => {
                self.invalidate([View::Communities]);
                let what = if i.created { "Added" } else { "Merged" };
                self.notify(format!("{what} the community from the file."), false);
            }
            (Request::DismissStoryPrompt { community, .. }, Ok(_)) => {
                self.invalidate([View::StoryPrompts(community)]);
            }
            (Request::MarkSeen { community }, Ok(_)) => {
                self.invalidate([
                    View::WhatsNew(community.clone()),
                    View::ForYou(community.clone()),
                    View::ReadState(community),
                ]);
            }
            (_, Err(e)) => self.notify(e.to_string(), true),
            _ => {}
        }
    }

    fn edited(
        &mut self,
        community: CommunityId,
        command: Command,
        result: Result<Reply, PeerError>,
    ) {
        let applied = match &result {
            Ok(Reply::Applied(a)) => Some(a),
            _ => None,
        };
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
            (Command::ShareStory { .. }, true) => view.story_draft.clear(),
            _ => {}
        }
        if let Err(e) = result {
            self.notify(e.to_string(), true);
        }
    }
}
