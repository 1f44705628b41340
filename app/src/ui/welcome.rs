//! First run: who are you? Creates the device identity.

use egui::{RichText, Ui};

use super::style;
use crate::state::{AppState, Field, Intent};

pub(super) fn show(ui: &mut Ui, state: &AppState, out: &mut Vec<Intent>) {
    ui.add_space(30.0);
    ui.vertical_centered(|ui| {
        ui.label(RichText::new("Welcome to Copse").size(30.0).color(style::accent(ui)).strong());
        ui.label("A home for your community of practice: discussions, questions, knowledge, meetups and tasks,");
        ui.label("kept on your own device and shared directly with the other members. No server.");
    });
    ui.add_space(20.0);
    ui.label(RichText::new("Tell the other members who you are").strong());
    let d = &state.welcome;
    style::field(ui, "Your name", &d.name, Field::WelcomeName, out);
    style::field(
        ui,
        "Organisation",
        &d.organisation,
        Field::WelcomeOrganisation,
        out,
    );
    style::field(
        ui,
        "Department",
        &d.department,
        Field::WelcomeDepartment,
        out,
    );
    style::field(ui, "Skills", &d.skills, Field::WelcomeSkills, out);
    style::muted(
        ui,
        "Skills are comma-separated, e.g. timber, fire safety, python",
    );
    style::area(ui, "About you", &d.bio, 3, Field::WelcomeBio, out);
    ui.add_space(8.0);
    let ready = !d.name.trim().is_empty();
    if ui.add_enabled(ready, style::primary("Continue")).clicked() {
        out.push(Intent::Welcome);
    }
    if !ready {
        style::muted(ui, "Your name is needed to continue.");
    }
}
