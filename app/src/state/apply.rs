//! [`AppState::apply`]: how results and peer events change the state. Pure: it only changes
//! the state (including its outbox); the backend performs the I/O.

use copse_peer::PeerEvent;

use super::invalidation::views_touched;
use super::loads::View;
use super::{AppEvent, AppState, FileChooser, Screen, UiAction};

impl AppState {
    /// Applies an event from the backend.
    pub fn apply(&mut self, event: AppEvent) {
        // Only an answer ends a draft (a reply sent, a thread posted); peer events, which
        // come by the thousand in a burst, never touch one.
        let answer = matches!(event, AppEvent::Answered(_));
        self.apply_event(event);
        if answer {
            self.keep_drafts();
        }
    }

    fn apply_event(&mut self, event: AppEvent) {
        match event {
            AppEvent::NeedsIdentity => self.screen = Some(Screen::Welcome),
            AppEvent::Cached(views) => self.show_cached(views),
            AppEvent::Ready { member, details } => {
                self.me = Some((member, details));
                self.screen = Some(Screen::Main);
                self.invalidate([View::Communities]);
            }
            AppEvent::Fatal(message) => {
                self.fatal = Some(message);
                self.screen = Some(Screen::Fatal);
            }
            AppEvent::Loaded { view, answered } => self.loaded(view, *answered),
            AppEvent::Answered(answered) => self.answered(*answered),
            AppEvent::Peer(ev) => self.on_peer(ev),
            AppEvent::JoinProgress { received, total } => {
                if self.joining {
                    self.join_progress = Some((received, total));
                }
            }
            AppEvent::Settings(settings) => self.settings = settings,
            AppEvent::Drafts(saved) => self.restore_drafts(saved),
            AppEvent::NoFileDialog { choice, start } => {
                self.notify(
                    "This desktop offers no file dialog (no desktop portal, no zenity): \
                     choose the file in Copse's own instead.",
                    false,
                );
                self.file_chooser = Some(FileChooser::new(choice, start.clone()));
                self.outbox.push(UiAction::ListFolder(start));
            }
            AppEvent::FolderListed { dir, entries } => {
                if let Some(chooser) = &mut self.file_chooser
                    && chooser.dir == dir
                {
                    chooser.entries = Some(entries.map(super::sorted_folder));
                }
            }
            AppEvent::Tick => {
                // Meetups come within a day, prompts fall due, questions wait longer.
                let views: Vec<View> = self
                    .rail
                    .iter()
                    .flat_map(|r| {
                        [
                            View::ForYou(r.id.clone()),
                            View::StoryPrompts(r.id.clone()),
                            View::StartHere(r.id.clone()),
                            View::Participation(r.id.clone()),
                            View::Meetup(r.id.clone()),
                            View::MeetupDigest(r.id.clone()),
                        ]
                    })
                    .collect();
                self.invalidate(views);
            }
        }
    }

    /// Who is connected, or how far in sync, changed: the status and every meetup panel.
    fn room_changed(&mut self) {
        let meetups: Vec<View> = self
            .rail
            .iter()
            .map(|r| View::Meetup(r.id.clone()))
            .collect();
        self.invalidate(meetups);
        self.invalidate([View::Status]);
    }

    fn on_peer(&mut self, ev: PeerEvent) {
        match ev {
            PeerEvent::CommunityChanged {
                community,
                local,
                changes,
            } => {
                self.search_stale(&community);
                self.experts_stale(&community);
                let mut views = Vec::new();
                for ch in &changes {
                    views.extend(views_touched(&community, &ch.touches()));
                }
                // A member's trajectory moves with whatever moves the levels.
                if views.contains(&View::Participation(community.clone())) {
                    views.extend(
                        self.loaded
                            .iter()
                            .filter(|v| matches!(v, View::Trajectory(c, _) if c == &community))
                            .cloned()
                            .collect::<Vec<_>>(),
                    );
                }
                self.invalidate(views);
                if !local
                    && self.selected.as_ref() != Some(&community)
                    && let Some(r) = self.rail.iter_mut().find(|r| r.id == community)
                {
                    r.new_activity = true;
                }
            }
            PeerEvent::PeerConnected { member } => {
                self.connected.insert(member);
                self.room_changed();
            }
            PeerEvent::PeerDisconnected { member } => {
                self.connected.remove(&member);
                self.room_changed();
            }
            PeerEvent::SyncState { .. } => self.room_changed(),
            // The Peers tab shows who is connected; a failed attempt changes nothing there.
            PeerEvent::DialFailed { .. } => {}
            PeerEvent::Listening { .. } | PeerEvent::RelayReserved { .. } => {
                self.invalidate([View::Status]);
            }
            PeerEvent::RelayRefused { relay, error } => {
                self.notify(relay_notice(&relay, &error), true);
                self.invalidate([View::Status]);
            }
            PeerEvent::Joined { .. } => self.invalidate([View::Communities]),
            PeerEvent::Removed { name, .. } => {
                self.notify(format!("You were removed from {name}. You keep what you already had; nothing new will reach you."), true);
            }
            PeerEvent::Refused { community, refused } => {
                for r in refused.iter().take(3) {
                    let text = self.refusal_text(r);
                    self.notify(text, true);
                }
                self.invalidate([View::Refused(community)]);
            }
            PeerEvent::SearchIndexing {
                community,
                done,
                total,
            } => {
                let v = self.views.entry(community.clone()).or_default();
                v.search.indexing = (done < total).then_some((done, total));
                if done >= total {
                    self.search_stale(&community);
                }
            }
            PeerEvent::Error { message } => self.notify(message, true),
            // Some events were missed: reload whatever is on screen.
            PeerEvent::Lagged { .. } => self.invalidate_all(),
        }
    }
}

/// What a relay's refusal tells the member: which relay (its id, shortened: the address
/// is long and says nothing to a person), why in a line, and what it means for them.
pub(crate) fn relay_notice(relay: &str, error: &str) -> String {
    let id = relay.rsplit("/p2p/").next().unwrap_or(relay);
    let mut why: String = error
        .lines()
        .next()
        .unwrap_or_default()
        .chars()
        .take(120)
        .collect();
    if why.len() < error.len() {
        why.push('…');
    }
    format!(
        "No reservation on relay {}: {why}. Members at other organisations may not reach \
         this device until a relay holds one.",
        super::short_id(id)
    )
}

#[cfg(test)]
mod relay_notice_tests {
    use super::relay_notice;

    #[test]
    fn a_relay_refusal_names_the_relay_shortly_and_says_why_in_a_line() {
        let text = relay_notice(
            "/ip4/10.0.0.1/udp/4001/quic-v1/p2p/12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN",
            &format!("{}\nsecond line", "x".repeat(300)),
        );
        assert!(
            text.starts_with("No reservation on relay …x6nXTN: "),
            "{text}"
        );
        assert!(
            !text.contains("/ip4/") && !text.contains("second line"),
            "{text}"
        );
        assert!(text.len() < 300, "{text}");
    }
}
