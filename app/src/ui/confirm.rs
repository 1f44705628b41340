//! Asking before a destructive action: what it does and what the other members will see.

use egui::{RichText, Ui};

use super::style;
use crate::state::{AppState, Intent};

/// The open question, as a modal window; Esc or a click outside cancels.
pub(super) fn show(ui: &mut Ui, state: &AppState, out: &mut Vec<Intent>) {
    let Some(c) = &state.confirm else {
        return;
    };
    let mut answer = None;
    let modal = egui::Modal::new(egui::Id::new("confirm")).show(ui.ctx(), |ui| {
        ui.set_max_width(420.0);
        ui.label(RichText::new(&c.title).strong().size(16.0));
        ui.add_space(4.0);
        ui.label(&c.consequence);
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            if ui
                .add(
                    egui::Button::new(RichText::new(&c.action).color(egui::Color32::WHITE))
                        .fill(super::palette::DANGER_FILL),
                )
                .clicked()
            {
                answer = Some(true);
            }
            if ui.button("Cancel").clicked() {
                answer = Some(false);
            }
        });
    });
    if (modal.should_close() || style::close_pressed(ui)) && answer.is_none() {
        answer = Some(false);
    }
    if let Some(yes) = answer {
        out.push(Intent::Confirm(yes));
    }
}
