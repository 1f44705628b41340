//! "Start here" on the Overview, for a member at the periphery: the norms, good first
//! tasks, questions waiting in their skills, the next meetup, and someone to ask.

use copse_peer::SearchTarget;
use copse_peer::participation::Level;
use egui::{RichText, Ui};

use super::style;
use crate::state::{AppState, Intent, Tab};

pub(super) fn show(ui: &mut Ui, state: &AppState, out: &mut Vec<Intent>) {
    let Some(s) = state.view().and_then(|v| v.start_here.as_deref()) else {
        return;
    };
    // Coordinators (the founder among them, at the edge of her own new community) lead
    // the way rather than being shown in.
    if s.level != Level::Peripheral || state.is_coordinator() {
        return;
    }
    style::section(ui, "Start here");
    style::muted(
        ui,
        "Everyone starts at the edge of a practice. Small, useful steps bring you in.",
    );
    let norms = state
        .view()
        .and_then(|v| v.profile.as_ref())
        .map(|p| p.norms.as_str())
        .unwrap_or_default();
    if !norms.trim().is_empty() {
        ui.label(RichText::new("How we work together").strong());
        ui.label(norms);
    }
    ui.label(RichText::new("Good first tasks").strong());
    if s.tasks.is_empty() {
        style::muted(ui, "None marked yet: ask on the board for one.");
    }
    for t in &s.tasks {
        if ui.link(&t.title).clicked() {
            out.push(Intent::SelectTab(Tab::Tasks));
        }
    }
    if !s.questions.is_empty() {
        ui.label(RichText::new("Questions you may be able to answer").strong());
    }
    for q in &s.questions {
        ui.horizontal_wrapped(|ui| {
            if ui.link(&q.title).clicked() {
                out.push(Intent::Open(SearchTarget::Thread {
                    thread: q.thread.clone(),
                }));
            }
            style::muted(ui, q.tags.join(", "));
        });
    }
    if let Some(m) = &s.next_meetup {
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new("Meet people:").strong());
            if ui.link(&m.title).clicked() {
                out.push(Intent::SelectTab(Tab::Events));
            }
            style::muted(ui, style::when(ui, m.starts_at));
        });
    }
    if let Some(m) = &s.mentor {
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new("Someone to ask:").strong());
            if ui.link(&m.name).clicked() {
                out.push(Intent::Open(SearchTarget::Member {
                    member: m.member.clone(),
                }));
            }
            let role = if m.coordinator {
                "coordinator"
            } else {
                m.level.as_str()
            };
            style::muted(
                ui,
                format!("{role}, who also knows {}", m.shared.join(", ")),
            );
        });
    }
}
