//! Value stories: on the Overview, "Did you use this? What came of it?" two weeks after
//! an accepted answer or an attended meetup, and the community's recent stories; under a
//! thread (and the article made from it), the stories that cite it.

use crate::state::About;
use copse_core::CommandKind;
use copse_core::ThreadId;
use copse_core::view::stories::StoryView;
use copse_peer::SearchTarget;
use copse_peer::participation::PromptKind;
use egui::{RichText, Ui};

use super::style;
use crate::state::{AppState, Field, Intent};

/// Recent stories on the Overview.
const RECENT: usize = 5;

/// The Overview's part: the first prompt, then recent stories.
pub(super) fn overview(ui: &mut Ui, state: &AppState, out: &mut Vec<Intent>) {
    prompt(ui, state, out);
    let Some(v) = state.view() else { return };
    if v.stories.is_empty() {
        return;
    }
    style::section(ui, "What came of it: members' stories");
    for s in v.stories.iter().take(RECENT) {
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
                out.push(Intent::Open(t));
            }
        });
    }
}

/// "Did you use this? What came of it?" for the oldest open prompt.
fn prompt(ui: &mut Ui, state: &AppState, out: &mut Vec<Intent>) {
    let Some(v) = state.view() else { return };
    if !state.can_write() {
        return;
    }
    let Some(p) = v.story_prompts.first() else {
        return;
    };
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.set_width(ui.available_width());
        let what = match p.kind {
            PromptKind::Answer => format!("You accepted an answer in “{}”.", p.title),
            PromptKind::Meetup => format!("You were at “{}”.", p.title),
        };
        ui.label(RichText::new(what).strong());
        let l = ui.label("Did you use this? What came of it?");
        style::text_edit(ui, l.id, &v.story_draft, Field::Story, out, |t| {
            egui::TextEdit::multiline(t)
                .desired_rows(2)
                .desired_width(f32::INFINITY)
                .hint_text("A sentence or two: what you did with it, what changed")
        });
        let ready = !v.story_draft.trim().is_empty();
        ui.horizontal(|ui| {
            if ui
                .add_enabled(ready, style::primary("Share story"))
                .clicked()
            {
                out.push(Intent::ShareStory);
            }
            if ui.button("Not this one").clicked() {
                out.push(Intent::DismissStoryPrompt);
            }
        });
        super::notices::form_errors(ui, state, About::Edit(CommandKind::ShareStory), out);
        style::muted(
            ui,
            "Stories are shared with the community: its evidence of value.",
        );
    });
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
