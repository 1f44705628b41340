//! The task board: to do, doing, done; create, assign, set a due date, move.

use crate::state::About;
use copse_core::CommandKind;
use copse_core::record::TaskStatus;
use egui::{RichText, Ui};

use super::style;
use crate::state::{AppState, Field, Intent};

pub(super) fn show(ui: &mut Ui, state: &AppState, out: &mut Vec<Intent>) {
    let Some(v) = state.view() else { return };
    let members: Vec<_> = v.current_members().collect();
    let d = &v.task_draft;
    let writable = state.can_write();
    if writable {
        // Wrapped: the fields and the button do not fit one line of a narrow window.
        ui.horizontal_wrapped(|ui| {
            let l = ui.label("New task");
            let title = style::text_edit(ui, l.id, &d.title, Field::TaskTitle, out, |t| {
                egui::TextEdit::singleline(t).desired_width(260.0)
            });
            let l = ui.label("Due");
            let due = style::text_edit(ui, l.id, &d.due, Field::TaskDue, out, |t| {
                egui::TextEdit::singleline(t)
                    .hint_text("2026-12-31")
                    .desired_width(100.0)
            });
            // Enter in either field adds the task, as the button does (the draft gets what was
            // typed this frame first: `out` is applied in order).
            let entered = style::entered(ui, &title) || style::entered(ui, &due);
            let mut good_first = d.good_first;
            if ui.checkbox(&mut good_first, "Good first task").changed() {
                out.push(Intent::DraftGoodFirst(good_first));
            }
            if ui
                .add_enabled(d.ready(), egui::Button::new("Add task"))
                .clicked()
                || entered
            {
                out.push(Intent::AddTask);
            }
        });
        super::notices::form_errors(ui, state, About::Edit(CommandKind::CreateTask), out);
    }
    let board = &v.tasks;
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
                ui.push_id(t.id.as_str(), |ui| {
                    egui::Frame::group(ui.style()).show(ui, |ui| {
                        ui.set_width(ui.available_width());
                        ui.horizontal_wrapped(|ui| {
                            ui.label(RichText::new(&t.task.title).strong());
                            if t.task.good_first {
                                ui.label(
                                    RichText::new("good first task")
                                        .small()
                                        .color(style::accent(ui)),
                                );
                            }
                        });
                        if let Some(due) = t.task.due {
                            style::muted(ui, format!("due {}", style::when(ui, due)));
                        }
                        if !writable {
                            if let Some(a) = &t.task.assignee {
                                style::muted(ui, format!("assigned to {}", state.name_of(a)));
                            }
                            return;
                        }
                        let current = t.task.assignee.clone();
                        let shown = current
                            .as_ref()
                            .map_or("Unassigned".to_owned(), |a| state.name_of(a));
                        let mut pick = current.clone();
                        egui::ComboBox::from_id_salt(("assignee", t.id.as_str()))
                            .selected_text(shown)
                            .show_ui(ui, |ui| {
                                ui.selectable_value(&mut pick, None, "Unassigned");
                                for m in &members {
                                    ui.selectable_value(
                                        &mut pick,
                                        Some(m.id.clone()),
                                        &m.member.name,
                                    );
                                }
                            });
                        if pick != current {
                            out.push(Intent::Assign(t.id.clone(), pick));
                        }
                        // Wrapped: three buttons do not fit a column of a narrow window.
                        ui.horizontal_wrapped(|ui| {
                            let flag = if t.task.good_first {
                                "Not a first task"
                            } else {
                                "Mark as first task"
                            };
                            if status != &TaskStatus::Done && ui.small_button(flag).clicked() {
                                out.push(Intent::MarkFirstTask(t.id.clone(), !t.task.good_first));
                            }
                            if i > 0
                                && ui
                                    .small_button(format!("Back to {}", TaskStatus::ALL[i - 1]))
                                    .clicked()
                            {
                                out.push(Intent::MoveTask(t.id.clone(), TaskStatus::ALL[i - 1]));
                            }
                            if i + 1 < TaskStatus::ALL.len()
                                && ui
                                    .small_button(format!("Move to {}", TaskStatus::ALL[i + 1]))
                                    .clicked()
                            {
                                out.push(Intent::MoveTask(t.id.clone(), TaskStatus::ALL[i + 1]));
                            }
                        });
                    });
                });
            }
        }
    });
}
