//! Discussions and Questions: a paged list with unread markers and a tag filter, and the
//! form for a new thread. An open thread shows instead (see `thread`).

use copse_core::Command;
use copse_core::record::ThreadKind;
use egui::{RichText, Ui};

use super::{style, thread};
use crate::state::AppState;
use crate::state::drafts_split_list;

pub(super) fn show(ui: &mut Ui, state: &mut AppState, kind: ThreadKind) {
    let Some(c) = state.selected.clone() else {
        return;
    };
    if state.view().is_some_and(|v| v.thread_id.is_some()) {
        thread::show(ui, state);
        return;
    }
    let (noun, new_label) = match kind {
        ThreadKind::Question => ("questions", "Ask a question"),
        ThreadKind::Discussion => ("discussions", "New discussion"),
    };
    let composing_question = kind == ThreadKind::Question
        && state
            .view()
            .and_then(|v| v.list(kind))
            .is_some_and(|l| l.composing);
    if composing_question {
        state.refresh_suggestions();
    }
    let suggestions = if composing_question {
        state.suggestions()
    } else {
        Vec::new()
    };
    let mut mention = None;
    let Some(view) = state.view_mut() else { return };
    let list = view.list_mut(kind);
    ui.horizontal(|ui| {
        if ui.button(new_label).clicked() {
            list.composing = !list.composing;
        }
        let l = ui.label("Filter by tag");
        ui.add(egui::TextEdit::singleline(&mut list.tag).desired_width(140.0))
            .labelled_by(l.id);
    });
    let mut post = None;
    if list.composing {
        egui::Frame::group(ui.style()).show(ui, |ui| {
            let d = &mut list.draft;
            style::field(ui, "Title", &mut d.title);
            style::area(ui, "Text", &mut d.body, 5);
            style::field(ui, "Tags", &mut d.tags);
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
                            mention = Some(e.name.clone());
                        }
                    }
                });
            }
            let ready = !d.title.trim().is_empty() && !d.body.trim().is_empty();
            let label = if kind == ThreadKind::Question {
                "Post question"
            } else {
                "Post discussion"
            };
            if ui.add_enabled(ready, style::primary(label)).clicked()
                || (ready && style::submit_pressed(ui))
            {
                post = Some(Command::StartThread {
                    kind,
                    title: d.title.trim().to_owned(),
                    body: d.body.clone(),
                    tags: drafts_split_list(&d.tags),
                });
            }
        });
    }
    if list.composing && style::close_pressed(ui) {
        list.composing = false;
    }
    let tag_changed = list.tag.trim().to_lowercase() != list.loaded_tag.trim().to_lowercase();
    let threads = list.threads.clone();
    let more = list.more;
    if let Some(cmd) = post {
        state.command(cmd);
    }
    if let Some(name) = mention {
        state.mention_in_question(&name);
    }
    if tag_changed {
        state.invalidate([crate::state::View::Threads(c.clone(), kind)]);
    }
    if threads.is_empty() {
        ui.add_space(10.0);
        ui.label(format!("No {noun} yet. Start one!"));
        return;
    }
    let mut open = None;
    for t in &threads {
        let unread = state.view().map_or(0, |v| v.unread(t));
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
                        open = Some(t.id.clone());
                    }
                    if kind == ThreadKind::Question {
                        if t.answered {
                            ui.label(RichText::new("✔ answered").small().color(style::ACCENT));
                        } else {
                            ui.label(RichText::new("unanswered").small().color(style::MUTED));
                        }
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
        ui.separator();
    }
    if more && ui.button("Load more").clicked() {
        if let Some(v) = state.view_mut() {
            v.list_mut(kind).pages += 1;
        }
        state.invalidate([crate::state::View::Threads(c.clone(), kind)]);
    }
    if let Some(id) = open {
        state.open_thread(c, id);
    }
}
