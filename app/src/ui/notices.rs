//! Messages for the member, newest last: confirmations fade after a few seconds, errors
//! stay until dismissed or fixed, and an error about a form shows by that form
//! ([`form_errors`]) rather than down here.

use std::collections::HashSet;

use egui::{RichText, Ui};

use super::style;
use crate::state::{About, AppState, CONFIRMATION_SECS, Intent};

/// The forms that showed their errors in the frame before (the bottom panel is laid out
/// before the forms, so it goes by what they showed last frame).
fn shown_by_forms(this_frame: bool) -> egui::Id {
    egui::Id::new(("copse-errors-by-forms", this_frame))
}

/// At the start of a frame: what the forms showed last frame becomes "before".
pub(super) fn begin_frame(ctx: &egui::Context) {
    let last: HashSet<About> = ctx
        .data_mut(|d| d.remove_temp(shown_by_forms(true)))
        .unwrap_or_default();
    ctx.data_mut(|d| d.insert_temp(shown_by_forms(false), last));
}

/// The errors about `about`, by its form.
pub(crate) fn form_errors(ui: &mut Ui, state: &AppState, about: About, out: &mut Vec<Intent>) {
    let mut any = false;
    for n in state.errors_about(about) {
        any = true;
        ui.horizontal(|ui| {
            if ui.small_button("Dismiss").clicked() {
                out.push(Intent::DismissNotice(n.id));
            }
            ui.add(egui::Label::new(RichText::new(&n.text).color(style::error(ui))).wrap());
        });
    }
    if any {
        let ctx = ui.ctx().clone();
        ctx.data_mut(|d| {
            d.get_temp_mut_or_default::<HashSet<About>>(shown_by_forms(true))
                .insert(about);
        });
    }
}

pub(super) fn show(ui: &mut Ui, state: &AppState, out: &mut Vec<Intent>) {
    let ctx = ui.ctx().clone();
    let by_forms: HashSet<About> = ctx
        .data(|d| d.get_temp(shown_by_forms(false)))
        .unwrap_or_default();
    let shown: Vec<_> = state
        .notices
        .iter()
        .filter(|n| n.about.is_none_or(|a| !by_forms.contains(&a)))
        .collect();
    if shown.is_empty() {
        return;
    }
    let now = ctx.input(|i| i.time);
    egui::Panel::bottom("notices").show(ui, |ui| {
        for n in shown {
            // A confirmation fades over its last 1.5 s, then goes.
            let mut alpha = 1.0;
            if !n.error {
                let first_seen = egui::Id::new(("copse-notice-shown", n.id));
                let since: f64 =
                    ctx.data_mut(|d| *d.get_temp_mut_or_insert_with(first_seen, || now));
                let left = CONFIRMATION_SECS - (now - since);
                if left <= 0.0 {
                    out.push(Intent::DismissNotice(n.id));
                    continue;
                }
                alpha = (left / 1.5).min(1.0) as f32;
                let next = if left > 1.5 { left - 1.5 } else { 0.05 };
                ctx.request_repaint_after(std::time::Duration::from_secs_f64(next));
            }
            // The button first and the text wrapped in what is left: a long notice in a
            // narrow window neither runs off the edge nor pushes its button out of reach.
            ui.horizontal(|ui| {
                ui.set_opacity(alpha);
                if ui.small_button("Dismiss").clicked() {
                    out.push(Intent::DismissNotice(n.id));
                }
                let color = if n.error {
                    style::error(ui)
                } else {
                    style::accent(ui)
                };
                ui.add(egui::Label::new(RichText::new(&n.text).color(color)).wrap());
            });
        }
    });
}
