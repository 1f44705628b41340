//! Overview: what the community is about, where it is going, and what is new.

use crate::state::About;
use copse_core::CommandKind;
use copse_core::record::ObjectiveStatus;
use egui::{RichText, Ui};

use super::style;
use crate::state::{AppState, Field, Intent, Tab};

fn happening_text(cmd: &str) -> &'static str {
    match cmd {
        "start_thread" => "started",
        "reply" => "replied to",
        "accept_answer" => "accepted an answer on",
        "create_article" | "promote_to_article" => "wrote the article",
        "create_event" => "planned",
        "admit" => "welcomed",
        _ => "changed",
    }
}

pub(super) fn show(ui: &mut Ui, state: &AppState, out: &mut Vec<Intent>) {
    let coordinator = state.is_coordinator();
    let Some(v) = state.view() else { return };
    let Some(profile) = &v.profile else {
        ui.spinner();
        return;
    };
    ui.label(RichText::new(&profile.domain).size(17.0));
    // Sections that come and go keep what follows them at the same ids.
    ui.push_id("meetup-now", |ui| {
        super::meetup::in_progress(ui, state, out)
    });
    ui.push_id("start-here", |ui| super::start_here::show(ui, state, out));
    ui.push_id("for-you", |ui| super::for_you::show(ui, state, out));
    ui.push_id("digest", |ui| super::meetup::digest(ui, state, out));
    ui.push_id("stories", |ui| super::stories::overview(ui, state, out));
    ui.push_id("hints", |ui| super::hints::show(ui, state, out));
    style::section(ui, "Objectives");
    for o in &profile.objectives {
        ui.horizontal(|ui| {
            let mark = match o.status {
                ObjectiveStatus::Achieved => "✔",
                ObjectiveStatus::Active => "▶",
                ObjectiveStatus::Dropped => "✖",
                ObjectiveStatus::Planned => "○",
            };
            ui.label(format!("{mark} {}", o.text));
            if coordinator {
                let mut status = o.status;
                egui::ComboBox::from_id_salt(("objective", o.id.as_str()))
                    .selected_text(status.as_str())
                    .show_ui(ui, |ui| {
                        for s in ObjectiveStatus::ALL {
                            ui.selectable_value(&mut status, *s, s.as_str());
                        }
                    });
                if status != o.status {
                    out.push(Intent::ObjectiveStatus(o.id.clone(), status));
                }
            } else {
                style::muted(ui, o.status.as_str());
            }
        });
    }
    if coordinator {
        ui.horizontal(|ui| {
            let l = ui.label("New objective");
            style::text_edit(ui, l.id, &v.objective_draft, Field::Objective, out, |t| {
                egui::TextEdit::singleline(t)
            });
            if ui.button("Add objective").clicked() {
                out.push(Intent::AddObjective);
            }
        });
        super::notices::form_errors(ui, state, About::Edit(CommandKind::AddObjective), out);
    }
    style::section(ui, "Norms");
    match &v.norms_draft {
        Some(draft) => {
            let l = ui.label("Norms");
            style::text_edit(ui, l.id, draft, Field::Norms, out, |t| {
                egui::TextEdit::multiline(t).desired_width(f32::INFINITY)
            });
            if ui.button("Save norms").clicked() {
                out.push(Intent::SaveNorms);
            }
            super::notices::form_errors(ui, state, About::Edit(CommandKind::UpdateProfile), out);
        }
        None => {
            ui.label(if profile.norms.is_empty() {
                "No norms written yet."
            } else {
                &profile.norms
            });
            if coordinator && ui.small_button("Edit norms").clicked() {
                out.push(Intent::EditNorms);
            }
        }
    }

    let refused = &v.refused;
    if !refused.is_empty() {
        style::section(ui, "Edits that broke the community's rules");
        style::muted(
            ui,
            "Your copy checked these and kept them out; they were not passed on to anyone.",
        );
        for r in refused.iter().rev().take(10) {
            ui.label(
                RichText::new(format!(
                    "{} · {}",
                    style::when(ui, copse_core::Timestamp(r.time)),
                    state.refusal_text(r)
                ))
                .color(style::error(ui)),
            );
        }
    }

    style::section(ui, "What's new since you last looked");
    match &v.whats_new {
        None => {
            ui.spinner();
        }
        Some(d) if d.notable.is_empty() => {
            ui.label("Nothing new. You are up to date.");
        }
        Some(d) => {
            let parts: Vec<String> = [
                (d.count("start_thread"), "new thread", "new threads"),
                (d.count("reply"), "reply", "replies"),
                (
                    d.count("accept_answer"),
                    "answer accepted",
                    "answers accepted",
                ),
                (
                    d.count("create_article") + d.count("promote_to_article"),
                    "article",
                    "articles",
                ),
                (d.count("create_event"), "event", "events"),
                (d.count("admit"), "new member", "new members"),
            ]
            .into_iter()
            .filter(|(n, _, _)| *n > 0)
            .map(|(n, one, many)| format!("{n} {}", if n == 1 { one } else { many }))
            .collect();
            ui.label(parts.join(", "));
            for h in &d.notable {
                ui.horizontal(|ui| {
                    ui.label(RichText::new(state.name_of(&h.by)).strong());
                    ui.label(happening_text(&h.cmd));
                    ui.label(RichText::new(h.title.clone().unwrap_or_default()).italics());
                    style::muted(ui, style::when(ui, h.at));
                });
            }
            if ui.button("Mark all as seen").clicked() {
                out.push(Intent::MarkSeen);
            }
        }
    }

    style::section(ui, "Next meetup");
    match v.upcoming.first() {
        Some(e) => {
            ui.horizontal(|ui| {
                ui.label(RichText::new(&e.title).strong());
                ui.label(format!("{} at {}", style::event_time(ui, e), e.place));
                style::muted(ui, format!("({} going)", e.going()));
            });
            if ui.link("See all events").clicked() {
                out.push(Intent::SelectTab(Tab::Events));
            }
        }
        None => {
            ui.label("No meetup planned.");
            if ui.link("Plan one").clicked() {
                out.push(Intent::SelectTab(Tab::Events));
            }
        }
    }

    ui.push_id("health", |ui| super::health::show(ui, state, out));
}
