//! One thread: the question or opening post, replies, replying, editing one's own posts,
//! accepting an answer, and promoting the thread to a knowledge article.

use crate::state::About;
use copse_core::CommandKind;
use copse_core::record::ThreadKind;
use egui::{RichText, Ui};

use super::{markdown, style};
use crate::state::{AppState, Field, Intent};

pub(super) fn show(ui: &mut Ui, state: &AppState, out: &mut Vec<Intent>) {
    let Some(v) = state.view() else { return };
    let typing = !v.reply.trim().is_empty();
    if ui.button("Back to threads").clicked() || (!typing && style::close_pressed(ui)) {
        out.push(Intent::CloseThread);
        return;
    }
    let me = state.me.as_ref().map(|(m, _)| m);
    let coordinator = state.is_coordinator();
    let Some(t) = &v.thread else {
        ui.spinner();
        return;
    };
    let is_question = t.thread.kind == ThreadKind::Question;
    let can_accept = is_question && (me == Some(&t.thread.author) || coordinator);
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
    let editing = &v.editing_post;
    if t.unreadable_posts > 0 {
        ui.label(
            RichText::new(format!(
                "{} post(s) in this thread could not be read (a malformed record) and are not shown.",
                t.unreadable_posts
            ))
            .color(style::error(ui)),
        );
    }
    // A post opened from a search result: marked, and scrolled to once.
    let found = &v.found_post;
    let scroll_to = &v.scroll_to_post;
    for (i, p) in t.thread.posts.iter().enumerate() {
        let accepted = t.thread.accepted_post.as_ref() == Some(&p.id);
        let frame = if found.as_ref() == Some(&p.id) {
            egui::Frame::group(ui.style()).stroke(egui::Stroke::new(2.0, super::palette::MARK))
        } else if accepted {
            egui::Frame::group(ui.style()).stroke(egui::Stroke::new(2.0, style::accent(ui)))
        } else {
            egui::Frame::group(ui.style())
        };
        // Each post in its own id scope: its buttons keep their ids (and clicks) whatever
        // arrives above it.
        let shown = ui
            .push_id(p.id.as_str(), |ui| {
                frame.show(ui, |ui| {
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
                                    .color(style::accent(ui))
                                    .strong(),
                            );
                        }
                    });
                    match editing {
                        Some((id, text)) if id == &p.id => {
                            let l = ui.label("Edit post");
                            style::text_edit(ui, l.id, text, Field::EditedPost, out, |t| {
                                egui::TextEdit::multiline(t).desired_width(f32::INFINITY)
                            });
                            ui.horizontal(|ui| {
                                if ui.button("Save").clicked() {
                                    out.push(Intent::SavePost);
                                }
                                if ui.button("Cancel").clicked() {
                                    out.push(Intent::EditPost(None));
                                }
                            });
                        }
                        _ => markdown::show(ui, &p.id, &p.body),
                    }
                    ui.horizontal(|ui| {
                        if me == Some(&p.author)
                            && editing.is_none()
                            && ui.small_button("Edit").clicked()
                        {
                            out.push(Intent::EditPost(Some(p.id.clone())));
                        }
                        if can_accept
                            && i > 0
                            && !accepted
                            && ui.small_button("Accept as answer").clicked()
                        {
                            out.push(Intent::AcceptAnswer(p.id.clone()));
                        }
                    });
                })
            })
            .inner;
        if scroll_to.as_ref() == Some(&p.id) {
            shown.response.scroll_to_me(Some(egui::Align::TOP));
        }
    }
    if let Some(post) = scroll_to {
        // Not in this thread (any more): nothing to scroll to, nothing to mark.
        let found = t.thread.posts.iter().any(|p| &p.id == post);
        out.push(Intent::ScrolledToPost { found });
    }
    super::stories::cited(ui, state, &t.id);
    if !state.can_write() {
        return;
    }
    // Its own id scope: the field keeps the keyboard and the buttons their clicks while
    // posts arrive above it.
    ui.push_id("reply-box", |ui| reply_box(ui, state, t, out));
}

/// The reply being written and its buttons.
fn reply_box(
    ui: &mut Ui,
    state: &AppState,
    t: &copse_core::view::threads::ThreadView,
    out: &mut Vec<Intent>,
) {
    let Some(v) = state.view() else { return };
    let is_question = t.thread.kind == ThreadKind::Question;
    ui.add_space(6.0);
    let l = ui.label(if is_question {
        "Your answer"
    } else {
        "Your reply"
    });
    let editor = style::text_edit(ui, l.id, &v.reply, Field::Reply, out, |t| {
        egui::TextEdit::multiline(t)
            .desired_rows(3)
            .desired_width(f32::INFINITY)
            .hint_text("Ctrl+Enter posts")
    });
    let ready = !v.reply.trim().is_empty();
    if editor.has_focus() && ready && style::submit_pressed(ui) {
        out.push(Intent::Reply);
    }
    ui.horizontal(|ui| {
        if ui.add_enabled(ready, style::primary("Reply")).clicked() {
            out.push(Intent::Reply);
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
            out.push(Intent::Promote);
        }
    });
    super::notices::form_errors(ui, state, About::Edit(CommandKind::Reply), out);
}
