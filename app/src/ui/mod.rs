//! The window: a left rail of communities, tabs per community, one module per screen.
//! Every function reads `&AppState` and pushes what the member did as [`Intent`]s; the
//! state acts on them after the frame is drawn ([`frame`]).

mod add_community;
mod confirm;
mod events;
mod file_chooser;
mod fonts;
mod for_you;
mod health;
mod hints;
mod knowledge;
mod levels;
mod markdown;
mod meetup;
mod members;
mod notices;
mod overview;
mod palette;
mod peers;
mod qr;
mod rail;
mod resources;
mod search;
mod start_here;
mod stories;
mod style;
mod tasks;
mod thread;
mod threads;
mod welcome;

use egui::{RichText, Ui};

use crate::state::{AppState, Intent, Screen, Tab};

pub use fonts::{fallbacks as font_fallbacks, install as install_fonts};
pub use style::apply_theme;

/// Draws one frame and applies what the member did in it.
pub fn frame(ui: &mut Ui, state: &mut AppState) {
    let intents = show(ui, state);
    state.act_all(intents, copse_peer::now());
}

/// Draws the whole window from the state; returns what the member did.
pub fn show(ui: &mut Ui, state: &AppState) -> Vec<Intent> {
    let mut out = Vec::new();
    style::set_zone(ui.ctx(), state.zone());
    style::note_typing(ui.ctx());
    notices::begin_frame(ui.ctx());
    if let Some(settings) = style::keep_settings(ui.ctx(), &state.settings) {
        out.push(Intent::Settings(settings));
    }
    match state.screen() {
        Screen::Loading => {
            egui::CentralPanel::default().show(ui, |ui| {
                ui.centered_and_justified(|ui| ui.label("Opening Copse…"));
            });
        }
        Screen::Fatal => {
            egui::CentralPanel::default().show(ui, |ui| {
                ui.heading("Copse cannot start");
                ui.label(state.fatal.clone().unwrap_or_default());
                ui.label("Close other Copse windows using this profile, or start with --data-dir to use another one.");
            });
        }
        Screen::Welcome => {
            notices::show(ui, state, &mut out);
            egui::CentralPanel::default().show(ui, |ui| welcome::show(ui, state, &mut out));
        }
        Screen::Main => main(ui, state, &mut out),
    }
    out
}

fn main(ui: &mut Ui, state: &AppState, out: &mut Vec<Intent>) {
    egui::Panel::left("rail")
        .resizable(false)
        .exact_size(210.0)
        .show(ui, |ui| rail::show(ui, state, out));
    notices::show(ui, state, out);
    confirm::show(ui, state, out);
    file_chooser::show(ui, state, out);
    meetup::qr_window(ui, state, out);
    dropped_files(ui, out);
    if state.adding || state.selected.is_none() {
        egui::CentralPanel::default().show(ui, |ui| add_community::show(ui, state, out));
        return;
    }
    // The key event's own modifiers, not the frame's: Ctrl pressed and let go within one
    // frame (a quick shortcut while nothing animates) leaves the frame's modifiers empty.
    if ui.input_mut(|i| i.consume_key(egui::Modifiers::COMMAND, egui::Key::K)) {
        out.push(Intent::FocusSearch);
    }
    egui::Panel::top("tabs").show(ui, |ui| tabs(ui, state, out));
    egui::CentralPanel::default().show(ui, |ui| {
        egui::ScrollArea::vertical()
            .auto_shrink([false; 2])
            .show(ui, |ui| match state.tab() {
                _ if search::is_open(state) => search::show(ui, state, out),
                Tab::Overview => overview::show(ui, state, out),
                Tab::Discussions => {
                    threads::show(ui, state, out, copse_core::record::ThreadKind::Discussion)
                }
                Tab::Questions => {
                    threads::show(ui, state, out, copse_core::record::ThreadKind::Question)
                }
                Tab::Knowledge => knowledge::show(ui, state, out),
                Tab::Events => events::show(ui, state, out),
                Tab::Tasks => tasks::show(ui, state, out),
                Tab::Members => members::show(ui, state, out),
                Tab::Resources => resources::show(ui, state, out),
                Tab::Peers => peers::show(ui, state, out),
            });
    });
}

fn tabs(ui: &mut Ui, state: &AppState, out: &mut Vec<Intent>) {
    ui.add_space(4.0);
    let name = state
        .view()
        .and_then(|v| v.profile.as_ref())
        .map(|p| p.name.clone())
        .unwrap_or_default();
    // Wrapped: in a narrow window the search box goes under the name, not off the edge.
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(name).heading().color(style::accent(ui)));
        ui.add_space(24.0);
        search::bar(ui, state, out);
    });
    ui.push_id("tabs", |ui| {
        ui.horizontal_wrapped(|ui| {
            for tab in Tab::ALL {
                if ui
                    .selectable_label(state.tab() == tab, tab.label())
                    .clicked()
                {
                    out.push(Intent::SelectTab(tab));
                }
            }
        });
    });
    if !state.can_write() {
        ui.add(
            egui::Label::new(
                RichText::new(
                    "You were removed from this community. What you already had stays \
                     readable here; nothing new reaches you, and nothing you wrote now would \
                     be accepted, so nothing here asks you to write.",
                )
                .color(style::error(ui)),
            )
            .wrap(),
        );
    }
    ui.add_space(2.0);
}

/// A file dropped onto the window is imported (a community file: added, or merged into the
/// copy here); while one is dragged over, the window says so.
fn dropped_files(ui: &mut Ui, out: &mut Vec<Intent>) {
    let (hovering, dropped) = ui.ctx().input(|i| {
        (
            !i.raw.hovered_files.is_empty(),
            i.raw
                .dropped_files
                .iter()
                .filter_map(|f| f.path.clone())
                .collect::<Vec<_>>(),
        )
    });
    if hovering {
        let rect = ui.ctx().content_rect();
        let painter = ui.ctx().layer_painter(egui::LayerId::new(
            egui::Order::Foreground,
            egui::Id::new("drop-target"),
        ));
        painter.rect_filled(rect, 0.0, egui::Color32::from_black_alpha(150));
        painter.text(
            rect.center(),
            egui::Align2::CENTER_CENTER,
            "Drop a community file to import it",
            egui::FontId::proportional(22.0),
            egui::Color32::WHITE,
        );
    }
    out.extend(dropped.into_iter().map(Intent::ImportFile));
}
