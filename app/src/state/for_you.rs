//! "For you" in the window: each community's list (loaded for every community, since its
//! count shows on the rail), and a desktop notification for each item that appears while
//! the app runs, if the member wants them.

use copse_core::CommunityId;
use copse_peer::participation::{ForYouItem, ForYouKind};

use super::{AppState, UiAction};

/// Notifications shown one by one; more that appear at once make one summary.
const SEPARATE: usize = 3;
/// Characters of a title in a notification.
const TITLE: usize = 120;

/// What tells one item from another: a thread's replies are news again when a later
/// one comes (not when older ones leave the 30 days).
fn key(item: &ForYouItem) -> String {
    format!(
        "{:?}/{:?}/{:?}/{:?}/{}",
        item.kind, item.thread, item.post, item.event, item.at.0
    )
}

fn short(s: &str) -> String {
    if s.chars().count() <= TITLE {
        s.to_owned()
    } else {
        format!("{}…", s.chars().take(TITLE).collect::<String>())
    }
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
        // What appears after the first list is announced, whatever its time says: a
        // reply written offline days ago arrives now.
        let fresh: Vec<ForYouItem> = items
            .iter()
            .filter(|i| known.insert(key(i)) && !first)
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
        if fresh.len() > SEPARATE {
            self.outbox.push(UiAction::Notify {
                summary: format!(
                    "{} new things for you in {}",
                    fresh.len(),
                    short(&community)
                ),
                body: "Replies, mentions, questions and meetups: see For you.".into(),
            });
            return;
        }
        for item in fresh {
            let who = item.by.first().map(|m| self.name_of(m)).unwrap_or_default();
            self.outbox.push(UiAction::Notify {
                summary: short(&headline(&item, &who, &community)),
                body: format!("“{}” · {}", short(&item.title), short(&community)),
            });
        }
    }
}
