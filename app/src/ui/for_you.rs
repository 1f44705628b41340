//! "For you" on the Overview: replies to your threads, your answers accepted, mentions,
//! questions waiting in what you know, meetups within a day. New ones (since you last
//! marked the overview seen) stand out; each opens where it happened.

use copse_peer::SearchTarget;
use copse_peer::participation::{ForYouItem, ForYouKind};
use egui::{RichText, Ui};

use super::style;
use crate::state::{AppState, Intent};

/// Items shown (the newest; meetups first).
const SHOWN: usize = 8;

fn line(ui: &Ui, item: &ForYouItem, state: &AppState) -> String {
    let who = item
        .by
        .first()
        .map(|m| state.name_of(m))
        .unwrap_or_default();
    match item.kind {
        ForYouKind::Replies if item.count == 1 => format!("{who} replied to your thread"),
        ForYouKind::Replies => {
            let others = item.by.len().saturating_sub(1);
            let more = if others > 0 {
                format!(" and {others} more")
            } else {
                String::new()
            };
            format!("{} replies from {who}{more} to your thread", item.count)
        }
        ForYouKind::Accepted => format!("{who} accepted your answer in"),
        ForYouKind::Mention => format!("{who} mentioned you in"),
        ForYouKind::Question => format!("{who} asks, in what you know:"),
        ForYouKind::Meetup => format!("Meetup {}:", style::when(ui, item.at)),
    }
}

pub(super) fn show(ui: &mut Ui, state: &AppState, out: &mut Vec<Intent>) {
    let items = state
        .view()
        .map(|v| v.for_you.as_slice())
        .unwrap_or_default();
    style::section(ui, "For you");
    if items.is_empty() {
        style::muted(ui, "Nothing for you right now.");
        return;
    }
    for item in items.iter().take(SHOWN) {
        ui.horizontal_wrapped(|ui| {
            if item.new {
                ui.label(
                    RichText::new("new")
                        .small()
                        .strong()
                        .color(style::accent(ui)),
                );
            }
            let text = line(ui, item, state);
            ui.label(if item.new {
                RichText::new(text).strong()
            } else {
                RichText::new(text)
            });
            if ui.link(RichText::new(&item.title).italics()).clicked()
                && let Some(t) = target(item)
            {
                out.push(Intent::Open(t));
            }
            if item.kind != ForYouKind::Meetup {
                style::muted(ui, style::when(ui, item.at));
            }
        });
    }
}

/// Where an item opens.
fn target(item: &ForYouItem) -> Option<SearchTarget> {
    match (&item.thread, &item.post, &item.event) {
        (Some(thread), Some(post), _) => Some(SearchTarget::Post {
            thread: thread.clone(),
            post: post.clone(),
        }),
        (Some(thread), None, _) => Some(SearchTarget::Thread {
            thread: thread.clone(),
        }),
        (None, _, Some(event)) => Some(SearchTarget::Event {
            event: event.clone(),
        }),
        (None, _, None) => None,
    }
}
