//! "For you" in the window: each community's list (loaded for every community, since its
//! count shows on the rail), and a desktop notification for each item that appears while
//! the app runs, if the member wants them.

use copse_core::CommunityId;
use copse_peer::participation::{ForYouItem, ForYouKind};

use super::{AppState, UiAction};

/// What tells one item from another (a thread's replies count again when more come).
fn key(item: &ForYouItem) -> String {
    format!(
        "{:?}/{:?}/{:?}/{:?}/{}/{}",
        item.kind, item.thread, item.post, item.event, item.at.0, item.count
    )
}

/// The notification for `item`: a headline and the thread's or meetup's title.
fn headline(item: &ForYouItem, who: &str, community: &str) -> String {
    match item.kind {
        ForYouKind::Replies if item.count == 1 => format!("{who} replied to your thread"),
        ForYouKind::Replies => format!("{} replies to your thread", item.count),
        ForYouKind::Accepted => format!("{who} accepted your answer"),
        ForYouKind::Mention => format!("{who} mentioned you"),
        ForYouKind::Question => format!("{who} asked something you know about"),
        ForYouKind::Meetup => format!("Meetup within a day in {community}"),
    }
}

impl AppState {
    /// Items new since the member last marked the overview seen.
    pub fn for_you_new(&self, c: &CommunityId) -> usize {
        self.views
            .get(c)
            .map_or(0, |v| v.for_you.iter().filter(|i| i.new).count())
    }

    pub(crate) fn for_you_loaded(&mut self, c: CommunityId, items: Vec<ForYouItem>) {
        let first = !self.for_you_known.contains_key(&c);
        let known = self.for_you_known.entry(c.clone()).or_default();
        let fresh: Vec<ForYouItem> = items
            .iter()
            .filter(|i| known.insert(key(i)) && i.new && !first)
            .cloned()
            .collect();
        let community = self
            .rail
            .iter()
            .find(|r| r.id == c)
            .map(|r| r.name.clone())
            .unwrap_or_default();
        self.views.entry(c).or_default().for_you = items;
        if !self.settings.notifications {
            return;
        }
        for item in fresh {
            let who = item.by.first().map(|m| self.name_of(m)).unwrap_or_default();
            self.outbox.push(UiAction::Notify {
                summary: headline(&item, &who, &community),
                body: format!("“{}” · {community}", item.title),
            });
        }
    }
}
