//! The task board: to do, doing, done; create, assign, set a due date, move.

use copse_core::record::TaskStatus;
use copse_core::{Command, Timestamp};
use egui::{RichText, Ui};

use super::style;
use crate::state::AppState;

pub(super) fn show(ui: &mut Ui, state: &mut AppState) {
    let members: Vec<_> = state.view().map(|v| v.members.clone()).unwrap_or_default();
    let Some(v) = state.view_mut() else { return };
    let mut cmd = None;
    ui.horizontal(|ui| {
        let l = ui.label("New task");
        ui.add(egui::TextEdit::singleline(&mut v.task_draft.title).desired_width(260.0))
            .labelled_by(l.id);
        let l = ui.label("Due");
        ui.add(
            egui::TextEdit::singleline(&mut v.task_draft.due)
                .hint_text("2026-12-31")
                .desired_width(100.0),
        )
        .labelled_by(l.id);
        ui.checkbox(&mut v.task_draft.good_first, "Good first task");
        let due = Timestamp::parse_utc(&v.task_draft.due);
        let ok = !v.task_draft.title.trim().is_empty()
            && (v.task_draft.due.trim().is_empty() || due.is_some());
        if ui.add_enabled(ok, egui::Button::new("Add task")).clicked() {
            cmd = Some(Command::CreateTask {
                title: v.task_draft.title.trim().to_owned(),
                description: String::new(),
                assignee: None,
                due,
                good_first: v.task_draft.good_first,
            });
        }
    });
    let board = v.tasks.clone();
    ui.columns(3, |cols| {
        for (i, status) in TaskStatus::ALL.iter().enumerate() {
            let ui = &mut cols[i];
            let title = match status {
                TaskStatus::Todo => "To do",
                TaskStatus::Doing => "Doing",
                TaskStatus::Done => "Done",
            };
            ui.label(
                RichText::new(format!("{title} ({})", board.column(*status).len()))
                    .strong()
                    .size(16.0),
            );
            for t in board.column(*status) {
                egui::Frame::group(ui.style()).show(ui, |ui| {
                    ui.set_width(ui.available_width());
                    ui.horizontal_wrapped(|ui| {
                        ui.label(RichText::new(&t.task.title).strong());
                        if t.task.good_first {
                            ui.label(
                                RichText::new("good first task")
                                    .small()
                                    .color(style::ACCENT),
                            );
                        }
                    });
                    if let Some(due) = t.task.due {
                        style::muted(ui, format!("due {}", style::when(ui, due)));
                    }
                    let current = t.task.assignee.clone();
                    let shown = current
                        .as_ref()
                        .and_then(|a| members.iter().find(|m| &m.id == a))
                        .map_or("Unassigned".to_owned(), |m| m.member.name.clone());
                    let mut pick = current.clone();
                    egui::ComboBox::from_id_salt(("assignee", t.id.as_str()))
                        .selected_text(shown)
                        .show_ui(ui, |ui| {
                            ui.selectable_value(&mut pick, None, "Unassigned");
                            for m in &members {
                                ui.selectable_value(&mut pick, Some(m.id.clone()), &m.member.name);
                            }
                        });
                    if pick != current {
                        cmd = Some(Command::AssignTask {
                            task: t.id.clone(),
                            assignee: pick,
                        });
                    }
                    ui.horizontal(|ui| {
                        let flag = if t.task.good_first {
                            "Not a first task"
                        } else {
                            "Mark as first task"
                        };
                        if status != &TaskStatus::Done && ui.small_button(flag).clicked() {
                            cmd = Some(Command::SetGoodFirstTask {
                                task: t.id.clone(),
                                good_first: !t.task.good_first,
                            });
                        }
                        if i > 0
                            && ui
                                .small_button(format!("Back to {}", TaskStatus::ALL[i - 1]))
                                .clicked()
                        {
                            cmd = Some(Command::MoveTask {
                                task: t.id.clone(),
                                status: TaskStatus::ALL[i - 1],
                            });
                        }
                        if i + 1 < TaskStatus::ALL.len()
                            && ui
                                .small_button(format!("Move to {}", TaskStatus::ALL[i + 1]))
                                .clicked()
                        {
                            cmd = Some(Command::MoveTask {
                                task: t.id.clone(),
                                status: TaskStatus::ALL[i + 1],
                            });
                        }
                    });
                });
            }
        }
    });
    if let Some(cmd) = cmd {
        state.command(cmd);
    }
}
