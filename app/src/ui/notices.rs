//! Messages for the member, newest last, each dismissable.

use egui::{RichText, Ui};

use super::style;
use crate::state::{AppState, Intent};

pub(super) fn show(ui: &mut Ui, state: &AppState, out: &mut Vec<Intent>) {
    if state.notices.is_empty() {
        return;
    }
    egui::Panel::bottom("notices").show(ui, |ui| {
        for (i, n) in state.notices.iter().enumerate() {
            // The button first and the text wrapped in what is left: a long notice in a
            // narrow window neither runs off the edge nor pushes its button out of reach.
            ui.horizontal(|ui| {
                if ui.small_button("Dismiss").clicked() {
                    out.push(Intent::DismissNotice(i));
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
