//! Value stories: on the Overview, "Did you use this? What came of it?" two weeks after
//! an accepted answer or an attended meetup, and the community's recent stories; under a
//! thread (and the article made from it), the stories that cite it.

use copse_core::Command;
use copse_core::ThreadId;
use copse_core::view::stories::StoryView;
use copse_peer::participation::PromptKind;
use copse_peer::{SearchTarget, ask};
use egui::{RichText, Ui};

use super::style;
use crate::state::AppState;

/// Recent stories on the Overview.
const RECENT: usize = 5;

/// The Overview's part: the first prompt, then recent stories.
pub(super) fn overview(ui: &mut Ui, state: &mut AppState) {
    prompt(ui, state);
    let stories: Vec<StoryView> = state
        .view()
        .map(|v| v.stories.iter().take(RECENT).cloned().collect())
        .unwrap_or_default();
    if stories.is_empty() {
        return;
    }
    style::section(ui, "What came of it: members' stories");
    let mut open = None;
    for s in &stories {
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new(format!("“{}”", s.text)).italics());
            style::muted(
                ui,
                format!(
                    "— {}, {}",
                    state.name_of(&s.by),
                    style::when(ui, s.created_at)
                ),
            );
            let target = match (&s.thread, &s.event) {
                (Some(thread), _) => Some(SearchTarget::Thread {
                    thread: thread.clone(),
                }),
                (None, Some(event)) => Some(SearchTarget::Event {
                    event: event.clone(),
                }),
                (None, None) => None,
            };
            if let Some(t) = target
                && ui.small_button("See what it cites").clicked()
            {
                open = Some(t);
            }
        });
    }
    if let Some(t) = open {
        state.open_result(&t);
    }
}

/// "Did you use this? What came of it?" for the oldest open prompt.
fn prompt(ui: &mut Ui, state: &mut AppState) {
    let (Some(c), Some(p)) = (
        state.selected.clone(),
        state.view().and_then(|v| v.story_prompts.first().cloned()),
    ) else {
        return;
    };
    let mut share = None;
    let mut dismiss = false;
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.set_width(ui.available_width());
        let what = match p.kind {
            PromptKind::Answer => format!("You accepted an answer in “{}”.", p.title),
            PromptKind::Meetup => format!("You were at “{}”.", p.title),
        };
        ui.label(RichText::new(what).strong());
        let Some(v) = state.view_mut() else { return };
        let l = ui.label("Did you use this? What came of it?");
        ui.add(
            egui::TextEdit::multiline(&mut v.story_draft)
                .desired_rows(2)
                .desired_width(f32::INFINITY)
                .hint_text("A sentence or two: what you did with it, what changed"),
        )
        .labelled_by(l.id);
        let text = v.story_draft.trim().to_owned();
        ui.horizontal(|ui| {
            if ui
                .add_enabled(!text.is_empty(), style::primary("Share story"))
                .clicked()
            {
                share = Some(text.clone());
            }
            dismiss = ui.button("Not this one").clicked();
        });
        style::muted(
            ui,
            "Stories are shared with the community: its evidence of value.",
        );
    });
    if let Some(text) = share {
        state.command(Command::ShareStory {
            text,
            thread: p.thread.clone(),
            post: p.post.clone(),
            event: p.event.clone(),
        });
    }
    if dismiss {
        if let Some(v) = state.view_mut() {
            v.story_prompts.retain(|q| q.key() != p.key());
        }
        state.request(ask::DismissStoryPrompt {
            community: c,
            key: p.key(),
        });
    }
}

/// The stories citing `thread`, if any.
pub(super) fn cited(ui: &mut Ui, state: &AppState, thread: &ThreadId) {
    if let Some(v) = state.view() {
        cited_in(ui, &v.stories, thread, &|m| state.name_of(m));
    }
}

/// The stories among `stories` that cite `thread` (under an article made from it too).
pub(super) fn cited_in(
    ui: &mut Ui,
    stories: &[StoryView],
    thread: &ThreadId,
    name: &dyn Fn(&copse_core::MemberId) -> String,
) {
    let citing: Vec<&StoryView> = stories
        .iter()
        .filter(|s| s.thread.as_ref() == Some(thread))
        .collect();
    if citing.is_empty() {
        return;
    }
    style::section(ui, "What came of it");
    for s in citing {
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new(format!("“{}”", s.text)).italics());
            style::muted(
                ui,
                format!("— {}, {}", name(&s.by), style::when(ui, s.created_at)),
            );
        });
    }
}
