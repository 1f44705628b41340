//! Knowledge: articles with tags, a collaborative editor (concurrent edits merge live), and
//! the revision history with the text of any earlier revision.

use copse_core::Command;
use copse_peer::ask;
use egui::{RichText, Ui};

use super::{markdown, style};
use crate::state::{AppState, drafts_split_list};

pub(super) fn show(ui: &mut Ui, state: &mut AppState) {
    let Some(c) = state.selected.clone() else {
        return;
    };
    if state.view().is_some_and(|v| v.article.is_some()) {
        editor(ui, state, &c);
        return;
    }
    let Some(v) = state.view_mut() else { return };
    ui.horizontal(|ui| {
        if ui.button("New article").clicked() && v.new_article.is_none() {
            v.new_article = Some(Default::default());
        }
        let l = ui.label("Filter by tag");
        ui.add(egui::TextEdit::singleline(&mut v.article_tag).desired_width(140.0))
            .labelled_by(l.id);
    });
    let mut create = None;
    let mut cancel = false;
    if let Some((title, body, tags)) = v.new_article.as_mut() {
        egui::Frame::group(ui.style()).show(ui, |ui| {
            style::field(ui, "Title", title);
            style::area(ui, "Text", body, 8);
            style::field(ui, "Tags", tags);
            ui.horizontal(|ui| {
                if ui
                    .add_enabled(!title.trim().is_empty(), style::primary("Publish article"))
                    .clicked()
                {
                    create = Some(Command::CreateArticle {
                        title: title.trim().to_owned(),
                        body: body.clone(),
                        tags: drafts_split_list(tags),
                    });
                }
                // Esc closes the form only while nothing is written in it.
                let untouched = title.is_empty() && body.is_empty() && tags.is_empty();
                if ui.button("Cancel").clicked() || (untouched && style::close_pressed(ui)) {
                    cancel = true;
                }
            });
            if !title.trim().is_empty() && style::submit_pressed(ui) {
                create = Some(Command::CreateArticle {
                    title: title.trim().to_owned(),
                    body: body.clone(),
                    tags: drafts_split_list(tags),
                });
            }
        });
    }
    if cancel {
        v.new_article = None;
    }
    let tag = v.article_tag.trim().to_lowercase();
    let articles: Vec<_> = v
        .articles
        .iter()
        .filter(|a| tag.is_empty() || a.tags.contains(&tag))
        .cloned()
        .collect();
    if let Some(cmd) = create {
        state.command(cmd);
    }
    if articles.is_empty() {
        ui.label("No articles yet. Promote a good answer, or write one.");
    }
    let mut open = None;
    for a in &articles {
        ui.horizontal(|ui| {
            if ui.link(RichText::new(&a.title).size(15.5)).clicked() {
                open = Some(a.id.clone());
            }
            style::tags(ui, &a.tags);
        });
        style::muted(
            ui,
            format!(
                "updated {} by {}",
                style::when(ui, a.updated_at),
                state.name_of(&a.updated_by)
            ),
        );
        ui.separator();
    }
    if let Some(id) = open {
        state.open_article(c, id);
    }
}

fn editor(ui: &mut Ui, state: &mut AppState, c: &copse_core::CommunityId) {
    let mut close = false;
    let mut toggle_history = false;
    let mut view_rev: Option<String> = None;
    let names = state.member_names();
    let name = |id: &copse_core::MemberId| {
        names
            .iter()
            .find(|(m, _)| m == id)
            .map_or_else(|| crate::state::short_id(id.as_str()), |(_, n)| n.clone())
    };
    let Some(v) = state.view_mut() else { return };
    let Some(e) = v.article.as_mut() else { return };
    ui.horizontal(|ui| {
        if ui.button("Back to articles").clicked() {
            close = true;
        }
        let edit_label = if v.article_editing {
            "Done editing"
        } else {
            "Edit"
        };
        if ui.button(edit_label).clicked() {
            v.article_editing = !v.article_editing;
        }
        if ui.button("History").clicked() {
            toggle_history = true;
        }
        if e.in_flight.is_some() || e.has_unsent() {
            style::muted(ui, "saving…");
        } else {
            style::muted(ui, "saved · edits from others appear as they arrive");
        }
    });
    ui.label(RichText::new(&e.title).heading());
    if e.base.is_empty() {
        ui.spinner();
    } else if !v.article_editing {
        markdown::show(ui, &e.id, &e.buffer);
        // An article made from a thread shows the stories that cite that thread.
        let from = v
            .articles
            .iter()
            .find(|a| a.id == e.id)
            .and_then(|a| a.from_thread.clone());
        if let Some(thread) = from {
            super::stories::cited_in(ui, &v.stories, &thread, &name);
        }
    } else {
        let l = ui.label("Article text");
        ui.add(
            egui::TextEdit::multiline(&mut e.buffer)
                .desired_rows(18)
                .desired_width(f32::INFINITY),
        )
        .labelled_by(l.id);
    }
    if let Some(history) = &v.history {
        style::section(ui, "Revisions");
        for r in history.iter().rev() {
            ui.horizontal(|ui| {
                ui.label(format!(
                    "{} · {} · {}",
                    style::date_time(ui, r.at),
                    name(&r.by),
                    r.cmd.replace('_', " ")
                ));
                if ui.small_button("Show this version").clicked() {
                    view_rev = Some(r.change.clone());
                }
            });
        }
        if let Some((change, text)) = &v.revision {
            egui::Frame::group(ui.style()).show(ui, |ui| {
                style::muted(
                    ui,
                    format!("Text at revision {}", &change[..8.min(change.len())]),
                );
                ui.label(text);
            });
        }
    }
    let id = e.id.clone();
    if toggle_history {
        v.history = if v.history.is_some() {
            None
        } else {
            Some(Vec::new())
        };
        v.revision = None;
        state.invalidate([crate::state::View::History(c.clone(), id.clone())]);
    }
    if let Some(change) = view_rev {
        state.request(ask::ArticleAt {
            community: c.clone(),
            article: id,
            change,
        });
    }
    if close && let Some(v) = state.view_mut() {
        v.article = None;
        v.history = None;
    }
}
