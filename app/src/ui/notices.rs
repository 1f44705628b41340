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
            ui.horizontal(|ui| {
                let color = if n.error { style::ERROR } else { style::ACCENT };
                ui.label(RichText::new(&n.text).color(color));
                if ui.small_button("Dismiss").clicked() {
                    out.push(Intent::DismissNotice(i));
                }
            });
        }
    });
}
