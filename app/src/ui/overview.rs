//! Overview: what the community is about, where it is going, and what is new.

use copse_core::Command;
use copse_core::record::ObjectiveStatus;
use copse_peer::ask;
use egui::{RichText, Ui};

use super::style;
use crate::state::{AppState, Tab};

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

pub(super) fn show(ui: &mut Ui, state: &mut AppState) {
    let coordinator = state.is_coordinator();
    let Some(c) = state.selected.clone() else {
        return;
    };
    let Some(profile) = state.view().and_then(|v| v.profile.clone()) else {
        ui.spinner();
        return;
    };
    ui.label(RichText::new(&profile.domain).size(17.0));
    super::meetup::in_progress(ui, state);
    super::start_here::show(ui, state);
    super::for_you::show(ui, state);
    super::meetup::digest(ui, state);
    super::stories::overview(ui, state);
    super::hints::show(ui, state);
    style::section(ui, "Objectives");
    let mut set_status = None;
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
                    set_status = Some((o.id.clone(), o.text.clone(), status));
                }
            } else {
                style::muted(ui, o.status.as_str());
            }
        });
    }
    if let Some((id, text, status)) = set_status {
        state.set_objective_status(id, &text, status);
    }
    if coordinator {
        let mut add = None;
        if let Some(v) = state.view_mut() {
            ui.horizontal(|ui| {
                let l = ui.label("New objective");
                ui.add(egui::TextEdit::singleline(&mut v.objective_draft))
                    .labelled_by(l.id);
                if ui.button("Add objective").clicked() && !v.objective_draft.trim().is_empty() {
                    add = Some(v.objective_draft.trim().to_owned());
                }
            });
        }
        if let Some(text) = add {
            state.command(Command::AddObjective { text });
        }
    }
    style::section(ui, "Norms");
    let editing = state.view().and_then(|v| v.norms_draft.clone());
    match editing {
        Some(mut draft) => {
            let l = ui.label("Norms");
            ui.add(egui::TextEdit::multiline(&mut draft).desired_width(f32::INFINITY))
                .labelled_by(l.id);
            let save = ui.button("Save norms").clicked();
            if let Some(v) = state.view_mut() {
                v.norms_draft = Some(draft.clone());
            }
            if save {
                state.command(Command::UpdateProfile {
                    name: None,
                    domain: None,
                    norms: Some(draft),
                });
            }
        }
        None => {
            ui.label(if profile.norms.is_empty() {
                "No norms written yet."
            } else {
                &profile.norms
            });
            if coordinator
                && ui.small_button("Edit norms").clicked()
                && let Some(v) = state.view_mut()
            {
                v.norms_draft = Some(profile.norms.clone());
            }
        }
    }

    let refused = state.view().map(|v| v.refused.clone()).unwrap_or_default();
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
                .color(style::ERROR),
            );
        }
    }

    style::section(ui, "What's new since you last looked");
    let digest = state.view().and_then(|v| v.whats_new.clone());
    match digest {
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
                state.request(ask::MarkSeen {
                    community: c.clone(),
                });
            }
        }
    }

    style::section(ui, "Next meetup");
    let next = state.view().and_then(|v| v.upcoming.first().cloned());
    match next {
        Some(e) => {
            ui.horizontal(|ui| {
                ui.label(RichText::new(&e.title).strong());
                ui.label(format!("{} at {}", style::event_time(ui, &e), e.place));
                style::muted(ui, format!("({} going)", e.going()));
            });
            if ui.link("See all events").clicked() {
                state.select_tab(Tab::Events);
            }
        }
        None => {
            ui.label("No meetup planned.");
            if ui.link("Plan one").clicked() {
                state.select_tab(Tab::Events);
            }
        }
    }

    super::health::show(ui, state);
}
