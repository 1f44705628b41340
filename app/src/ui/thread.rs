//! One thread: the question or opening post, replies, replying, editing one's own posts,
//! accepting an answer, and promoting the thread to a knowledge article.

use copse_core::Command;
use copse_core::record::ThreadKind;
use egui::{RichText, Ui};

use super::{markdown, style};
use crate::state::AppState;

pub(super) fn show(ui: &mut Ui, state: &mut AppState) {
    let typing = state.view().is_some_and(|v| !v.reply.trim().is_empty());
    if ui.button("Back to threads").clicked() || (!typing && style::close_pressed(ui)) {
        state.close_thread();
        return;
    }
    let me = state.me.as_ref().map(|(m, _)| m.clone());
    let coordinator = state.is_coordinator();
    let Some(t) = state.view().and_then(|v| v.thread.clone()) else {
        ui.spinner();
        return;
    };
    let is_question = t.thread.kind == ThreadKind::Question;
    let can_accept = is_question && (me.as_ref() == Some(&t.thread.author) || coordinator);
    ui.label(RichText::new(&t.thread.title).heading());
    ui.horizontal(|ui| {
        style::muted(
            ui,
            format!(
                "{} by {}",
                if is_question {
                    "Question"
                } else {
                    "Discussion"
                },
                state.name_of(&t.thread.author)
            ),
        );
        style::tags(ui, &t.thread.tags);
    });
    let mut cmd = None;
    let mut start_edit = None;
    let editing = state.view().and_then(|v| v.editing_post.clone());
    if t.unreadable_posts > 0 {
        ui.label(
            RichText::new(format!(
                "{} post(s) in this thread could not be read (a malformed record) and are not shown.",
                t.unreadable_posts
            ))
            .color(style::ERROR),
        );
    }
    // A post opened from a search result: marked, and scrolled to once.
    let found = state.view().and_then(|v| v.found_post.clone());
    let mut scroll_to = state.view_mut().and_then(|v| v.scroll_to_post.take());
    for (i, p) in t.thread.posts.iter().enumerate() {
        let accepted = t.thread.accepted_post.as_ref() == Some(&p.id);
        let frame = if found.as_ref() == Some(&p.id) {
            egui::Frame::group(ui.style()).stroke(egui::Stroke::new(2.0, style::MARK))
        } else if accepted {
            egui::Frame::group(ui.style()).stroke(egui::Stroke::new(2.0, style::ACCENT))
        } else {
            egui::Frame::group(ui.style())
        };
        let shown = frame.show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.horizontal(|ui| {
                let author = state.name_of(&p.author);
                style::avatar(ui, &p.author, &author, 24.0);
                ui.label(RichText::new(author).strong());
                style::muted(ui, style::when(ui, p.created_at));
                if p.edited_at.is_some() {
                    style::muted(ui, "(edited)");
                }
                if accepted {
                    ui.label(
                        RichText::new("✔ Accepted answer")
                            .color(style::ACCENT)
                            .strong(),
                    );
                }
            });
            match &editing {
                Some((id, text)) if id == &p.id => {
                    let mut text = text.clone();
                    let l = ui.label("Edit post");
                    ui.add(egui::TextEdit::multiline(&mut text).desired_width(f32::INFINITY))
                        .labelled_by(l.id);
                    ui.horizontal(|ui| {
                        if ui.button("Save").clicked() {
                            cmd = Some(Command::EditPost {
                                thread: t.id.clone(),
                                post: p.id.clone(),
                                body: text.clone(),
                            });
                        }
                        if ui.button("Cancel").clicked() {
                            start_edit = Some(None);
                        }
                    });
                    if start_edit.is_none() {
                        start_edit = Some(Some((p.id.clone(), text)));
                    }
                }
                _ => markdown::show(ui, &p.id, &p.body),
            }
            ui.horizontal(|ui| {
                if me.as_ref() == Some(&p.author)
                    && editing.is_none()
                    && ui.small_button("Edit").clicked()
                {
                    start_edit = Some(Some((p.id.clone(), p.body.clone())));
                }
                if can_accept && i > 0 && !accepted && ui.small_button("Accept as answer").clicked()
                {
                    cmd = Some(Command::AcceptAnswer {
                        thread: t.id.clone(),
                        post: Some(p.id.clone()),
                    });
                }
            });
        });
        if scroll_to.as_ref() == Some(&p.id) {
            shown.response.scroll_to_me(Some(egui::Align::TOP));
            scroll_to = None;
        }
    }
    if let Some(v) = state.view_mut()
        && scroll_to.is_some()
    {
        // Not in this thread (any more): nothing to scroll to.
        v.found_post = None;
    }
    if let Some(e) = start_edit
        && let Some(v) = state.view_mut()
    {
        v.editing_post = e;
    }
    super::stories::cited(ui, state, &t.id);
    ui.add_space(6.0);
    let Some(v) = state.view_mut() else { return };
    let l = ui.label(if is_question {
        "Your answer"
    } else {
        "Your reply"
    });
    let editor = ui
        .add(
            egui::TextEdit::multiline(&mut v.reply)
                .desired_rows(3)
                .desired_width(f32::INFINITY)
                .hint_text("Ctrl+Enter posts"),
        )
        .labelled_by(l.id);
    let reply = v.reply.trim().to_owned();
    if editor.has_focus() && !reply.is_empty() && style::submit_pressed(ui) {
        cmd = Some(Command::Reply {
            thread: t.id.clone(),
            body: reply.clone(),
        });
    }
    ui.horizontal(|ui| {
        if ui
            .add_enabled(!reply.is_empty(), style::primary("Reply"))
            .clicked()
        {
            cmd = Some(Command::Reply {
                thread: t.id.clone(),
                body: reply.clone(),
            });
        }
        let promotable = !is_question || t.thread.accepted_post.is_some();
        if ui
            .add_enabled(
                promotable,
                egui::Button::new("Promote to knowledge article"),
            )
            .on_disabled_hover_text("Accept an answer first")
            .clicked()
        {
            cmd = Some(Command::PromoteToArticle {
                thread: t.id.clone(),
                title: None,
            });
        }
    });
    if let Some(cmd) = cmd {
        state.command(cmd);
    }
}
