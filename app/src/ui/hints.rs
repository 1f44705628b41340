//! Gentle hints for coordinators on the Overview: members whose participation rose ("ready
//! for more?"), questions that waited over a week, knowledge untouched for a year.

use copse_peer::SearchTarget;
use egui::{RichText, Ui};

use super::{levels, style};
use crate::state::{AppState, Intent};

/// Items listed per hint.
const SHOWN: usize = 3;

pub(super) fn show(ui: &mut Ui, state: &AppState, out: &mut Vec<Intent>) {
    if !state.is_coordinator() {
        return;
    }
    let Some(p) = state.view().and_then(|v| v.participation.as_deref()) else {
        return;
    };
    let h = &p.health.hints;
    if h.ready_for_more.is_empty() && h.waited_over_week_total == 0 && h.stale_articles_total == 0 {
        return;
    }
    style::section(ui, "Hints for coordinators");
    if !h.ready_for_more.is_empty() {
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new("Ready for more?").strong());
            for r in &h.ready_for_more {
                ui.label(&r.name);
                levels::badge(ui, r.from);
                ui.label("to");
                levels::badge(ui, r.level);
            }
        });
    }
    if h.waited_over_week_total > 0 {
        ui.label(
            RichText::new(format!(
                "Questions waiting over a week: {}",
                h.waited_over_week_total
            ))
            .strong(),
        );
        for q in h.waited_over_week.iter().take(SHOWN) {
            if ui.link(&q.title).clicked() {
                out.push(Intent::Open(SearchTarget::Thread {
                    thread: q.thread.clone(),
                }));
            }
        }
    }
    if h.stale_articles_total > 0 {
        ui.label(
            RichText::new(format!(
                "Knowledge untouched for a year: {}",
                h.stale_articles_total
            ))
            .strong(),
        );
        for a in h.stale_articles.iter().take(SHOWN) {
            ui.horizontal(|ui| {
                if ui.link(&a.title).clicked() {
                    out.push(Intent::Open(SearchTarget::Article {
                        article: a.article.clone(),
                    }));
                }
                style::muted(
                    ui,
                    format!("last changed {}", style::when(ui, a.updated_at)),
                );
            });
        }
    }
}
