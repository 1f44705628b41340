//! First run: who are you? Creates the device identity.

use egui::{RichText, Ui};

use super::style;
use crate::state::{AppState, UiAction};

pub(super) fn show(ui: &mut Ui, state: &mut AppState) {
    ui.add_space(30.0);
    ui.vertical_centered(|ui| {
        ui.label(RichText::new("Welcome to Copse").size(30.0).color(style::ACCENT).strong());
        ui.label("A home for your community of practice: discussions, questions, knowledge, meetups and tasks,");
        ui.label("kept on your own device and shared directly with the other members. No server.");
    });
    ui.add_space(20.0);
    ui.label(RichText::new("Tell the other members who you are").strong());
    let d = &mut state.welcome;
    style::field(ui, "Your name", &mut d.name);
    style::field(ui, "Organisation", &mut d.organisation);
    style::field(ui, "Department", &mut d.department);
    style::field(ui, "Skills", &mut d.skills);
    style::muted(
        ui,
        "Skills are comma-separated, e.g. timber, fire safety, python",
    );
    style::area(ui, "About you", &mut d.bio, 3);
    ui.add_space(8.0);
    let ready = !d.name.trim().is_empty();
    if ui.add_enabled(ready, style::primary("Continue")).clicked() {
        let details = d.details();
        state.outbox.push(UiAction::Init(details));
        state.screen = Some(crate::state::Screen::Loading);
    }
    if !ready {
        style::muted(ui, "Your name is needed to continue.");
    }
}
