//! Discussions and Questions: a paged list with unread markers and a tag filter, and the
//! form for a new thread. An open thread shows instead (see `thread`).

use crate::state::About;
use copse_core::CommandKind;
use copse_core::record::ThreadKind;
use egui::{RichText, Ui};

use super::{style, thread};
use crate::state::{AppState, Field, Intent, ThreadListView};

pub(super) fn show(ui: &mut Ui, state: &AppState, out: &mut Vec<Intent>, kind: ThreadKind) {
    let Some(view) = state.view() else { return };
    if view.thread_id.is_some() {
        thread::show(ui, state, out);
        return;
    }
    let (noun, new_label) = match kind {
        ThreadKind::Question => ("questions", "Ask a question"),
        ThreadKind::Discussion => ("discussions", "New discussion"),
    };
    let empty = ThreadListView::default();
    let list = view.list(kind).unwrap_or(&empty);
    ui.push_id("list-actions", |ui| {
        ui.horizontal(|ui| {
            if state.can_write() && ui.button(new_label).clicked() {
                out.push(Intent::Compose(kind, !list.composing));
            }
            let l = ui.label("Filter by tag");
            style::text_edit(ui, l.id, &list.tag, Field::ThreadFilter(kind), out, |t| {
                egui::TextEdit::singleline(t).desired_width(140.0)
            });
        });
    });
    if list.composing {
        compose(ui, state, out, kind, list);
        if style::close_pressed(ui) {
            out.push(Intent::Compose(kind, false));
        }
    }
    let threads = &list.threads;
    if threads.is_empty() {
        ui.add_space(10.0);
        ui.label(format!("No {noun} yet. Start one!"));
        return;
    }
    for t in threads {
        let unread = view.unread(t);
        ui.push_id(t.id.as_str(), |ui| {
            egui::Frame::NONE
                .inner_margin(egui::Margin::symmetric(4, 3))
                .show(ui, |ui| {
                    ui.horizontal(|ui| {
                        if unread > 0 {
                            style::dot(ui).on_hover_text(format!("{unread} unread"));
                        }
                        let mut title = RichText::new(&t.title).size(15.5);
                        if unread > 0 {
                            title = title.strong();
                        }
                        if ui.link(title).clicked() {
                            out.push(Intent::OpenThread(t.id.clone()));
                        }
                        if kind == ThreadKind::Question {
                            let colour = if t.answered {
                                style::accent(ui)
                            } else {
                                style::muted_colour(ui)
                            };
                            ui.label(
                                RichText::new(question_state(t.answered, t.replies))
                                    .small()
                                    .color(colour),
                            );
                        }
                    });
                    ui.horizontal(|ui| {
                        let author = state.name_of(&t.author);
                        style::avatar(ui, &t.author, &author, 16.0);
                        style::muted(
                            ui,
                            format!(
                                "{} · {} {} · {}",
                                author,
                                t.replies,
                                if t.replies == 1 { "reply" } else { "replies" },
                                style::when(ui, t.last_activity)
                            ),
                        );
                        style::tags(ui, &t.tags);
                    });
                });
        });
        ui.separator();
    }
    if list.more && ui.button("Load more").clicked() {
        out.push(Intent::MoreThreads(kind));
    }
}

/// The new thread's form, with members who may know for a question.
fn compose(
    ui: &mut Ui,
    state: &AppState,
    out: &mut Vec<Intent>,
    kind: ThreadKind,
    list: &ThreadListView,
) {
    let suggestions = if kind == ThreadKind::Question {
        state.suggestions()
    } else {
        Vec::new()
    };
    egui::Frame::group(ui.style()).show(ui, |ui| {
        let d = &list.draft;
        style::field(ui, "Title", &d.title, Field::ThreadTitle(kind), out);
        style::area(ui, "Text", &d.body, 5, Field::ThreadBody(kind), out);
        style::field(ui, "Tags", &d.tags, Field::ThreadTags(kind), out);
        if !suggestions.is_empty() {
            ui.horizontal_wrapped(|ui| {
                ui.label("Members who may know:");
                for e in &suggestions {
                    let why = if e.earned > 0 {
                        format!("earned {} on these topics", e.earned)
                    } else {
                        "lists it as a skill".to_owned()
                    };
                    if ui
                        .button(format!("@{}", e.name))
                        .on_hover_text(format!("Mention {} ({why})", e.name))
                        .clicked()
                    {
                        out.push(Intent::Mention(e.name.clone()));
                    }
                }
            });
        }
        let ready = d.ready();
        let label = if kind == ThreadKind::Question {
            "Post question"
        } else {
            "Post discussion"
        };
        if ui.add_enabled(ready, style::primary(label)).clicked()
            || (ready && style::submit_pressed(ui))
        {
            out.push(Intent::PostThread(kind));
        }
        super::notices::form_errors(ui, state, About::Edit(CommandKind::StartThread), out);
    });
}

/// A question's state in the list: answered (an answer was accepted), replied to but
/// waiting for the asker to accept one, or unanswered (no reply at all).
pub(crate) fn question_state(answered: bool, replies: usize) -> &'static str {
    if answered {
        "✔ answered"
    } else if replies > 0 {
        "replied · no accepted answer yet"
    } else {
        "unanswered"
    }
}

#[cfg(test)]
mod tests {
    use super::question_state;

    #[test]
    fn a_question_with_replies_is_not_called_unanswered() {
        assert_eq!(question_state(false, 0), "unanswered");
        assert_eq!(question_state(false, 2), "replied · no accepted answer yet");
        assert_eq!(question_state(true, 2), "✔ answered");
    }
}
