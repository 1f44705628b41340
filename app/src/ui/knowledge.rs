//! Knowledge: articles with tags, a collaborative editor (concurrent edits merge live), and
//! the revision history with the text of any earlier revision.

use crate::state::About;
use copse_core::CommandKind;
use egui::{RichText, Ui};

use super::{markdown, style};
use crate::state::{AppState, CommunityView, Field, Intent};

pub(super) fn show(ui: &mut Ui, state: &AppState, out: &mut Vec<Intent>) {
    let Some(v) = state.view() else { return };
    if v.article.is_some() {
        editor(ui, state, v, out);
        return;
    }
    ui.horizontal(|ui| {
        if state.can_write() && ui.button("New article").clicked() {
            out.push(Intent::NewArticle(true));
        }
        let l = ui.label("Filter by tag");
        style::text_edit(ui, l.id, &v.article_tag, Field::ArticleFilter, out, |t| {
            egui::TextEdit::singleline(t).desired_width(140.0)
        });
    });
    if let Some((title, body, tags)) = &v.new_article {
        egui::Frame::group(ui.style()).show(ui, |ui| {
            style::field(ui, "Title", title, Field::ArticleTitle, out);
            style::area(ui, "Text", body, 8, Field::ArticleBody, out);
            style::field(ui, "Tags", tags, Field::ArticleTags, out);
            let ready = !title.trim().is_empty();
            ui.horizontal(|ui| {
                if ui
                    .add_enabled(ready, style::primary("Publish article"))
                    .clicked()
                {
                    out.push(Intent::PublishArticle);
                }
                // Esc closes the form only while nothing is written in it.
                let untouched = title.is_empty() && body.is_empty() && tags.is_empty();
                if ui.button("Cancel").clicked() || (untouched && style::close_pressed(ui)) {
                    out.push(Intent::NewArticle(false));
                }
            });
            if ready && style::submit_pressed(ui) {
                out.push(Intent::PublishArticle);
            }
            super::notices::form_errors(ui, state, About::Edit(CommandKind::CreateArticle), out);
        });
    }
    let tag = v.article_tag.trim().to_lowercase();
    let articles: Vec<_> = v
        .articles
        .iter()
        .filter(|a| tag.is_empty() || a.tags.contains(&tag))
        .collect();
    if articles.is_empty() {
        ui.label("No articles yet. Promote a good answer, or write one.");
    }
    for a in articles {
        ui.horizontal(|ui| {
            if ui.link(RichText::new(&a.title).size(15.5)).clicked() {
                out.push(Intent::OpenArticle(a.id.clone()));
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
}

fn editor(ui: &mut Ui, state: &AppState, v: &CommunityView, out: &mut Vec<Intent>) {
    let name = |id: &copse_core::MemberId| state.name_of(id);
    let Some(e) = &v.article else { return };
    ui.horizontal(|ui| {
        if ui.button("Back to articles").clicked() {
            out.push(Intent::CloseArticle);
        }
        let edit_label = if v.article_editing {
            "Done editing"
        } else {
            "Edit"
        };
        if state.can_write() && ui.button(edit_label).clicked() {
            out.push(Intent::EditArticleText(!v.article_editing));
        }
        if ui.button("History").clicked() {
            out.push(Intent::ToggleHistory);
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
            .and_then(|a| a.from_thread.as_ref());
        if let Some(thread) = from {
            super::stories::cited_in(ui, &v.stories, thread, &name);
        }
    } else {
        let l = ui.label("Article text");
        style::text_edit(ui, l.id, &e.buffer, Field::ArticleText, out, |t| {
            egui::TextEdit::multiline(t)
                .desired_rows(18)
                .desired_width(f32::INFINITY)
        });
    }
    if let Some(history) = &v.history {
        style::section(ui, "Revisions");
        for g in crate::state::group_revisions(history).iter().rev() {
            let (first, last) = (g.first(), g.last());
            let when = if first.at == last.at {
                style::date_time(ui, first.at)
            } else {
                format!(
                    "{} – {}",
                    style::date_time(ui, first.at),
                    style::date_time(ui, last.at)
                )
            };
            ui.horizontal_wrapped(|ui| {
                ui.label(format!("{when} · {} · {}", name(&first.by), g.summary()));
                if ui.small_button("Show this version").clicked() {
                    out.push(Intent::ShowRevision(last.change.clone()));
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
}
