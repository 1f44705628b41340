//! The window: a left rail of communities, tabs per community, one module per screen.
//! Every function renders `&mut AppState` and records what the member did in its outbox.

mod add_community;
mod confirm;
mod events;
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

use copse_peer::ask;
use egui::{RichText, Ui};

use crate::state::{AppState, Screen, Tab};

pub use style::apply_theme;

/// Draws the whole window.
pub fn show(ui: &mut Ui, state: &mut AppState) {
    style::set_zone(ui.ctx(), state.zone());
    style::note_typing(ui.ctx());
    if style::keep_settings(ui.ctx(), &mut state.settings) {
        state
            .outbox
            .push(crate::state::UiAction::SaveSettings(state.settings));
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
            notices::show(ui, state);
            egui::CentralPanel::default().show(ui, |ui| welcome::show(ui, state));
        }
        Screen::Main => {
            egui::Panel::left("rail")
                .resizable(false)
                .exact_size(210.0)
                .show(ui, |ui| rail::show(ui, state));
            notices::show(ui, state);
            confirm::show(ui, state);
            meetup::qr_window(ui, state);
            dropped_files(ui, state);
            if state.adding || state.selected.is_none() {
                egui::CentralPanel::default().show(ui, |ui| add_community::show(ui, state));
                return;
            }
            if ui.input(|i| i.modifiers.command && i.key_pressed(egui::Key::K)) {
                state.focus_search();
            }
            egui::Panel::top("tabs").show(ui, |ui| tabs(ui, state));
            egui::CentralPanel::default().show(ui, |ui| {
                egui::ScrollArea::vertical()
                    .auto_shrink([false; 2])
                    .show(ui, |ui| match state.tab() {
                        _ if search::is_open(state) => search::show(ui, state),
                        Tab::Overview => overview::show(ui, state),
                        Tab::Discussions => {
                            threads::show(ui, state, copse_core::record::ThreadKind::Discussion)
                        }
                        Tab::Questions => {
                            threads::show(ui, state, copse_core::record::ThreadKind::Question)
                        }
                        Tab::Knowledge => knowledge::show(ui, state),
                        Tab::Events => events::show(ui, state),
                        Tab::Tasks => tasks::show(ui, state),
                        Tab::Members => members::show(ui, state),
                        Tab::Resources => resources::show(ui, state),
                        Tab::Peers => peers::show(ui, state),
                    });
            });
        }
    }
}

fn tabs(ui: &mut Ui, state: &mut AppState) {
    ui.add_space(4.0);
    let name = state
        .view()
        .and_then(|v| v.profile.as_ref())
        .map(|p| p.name.clone())
        .unwrap_or_default();
    ui.horizontal(|ui| {
        ui.label(RichText::new(name).heading().color(style::ACCENT));
        ui.add_space(24.0);
        search::bar(ui, state);
    });
    ui.horizontal_wrapped(|ui| {
        for tab in Tab::ALL {
            if ui
                .selectable_label(state.tab() == tab, tab.label())
                .clicked()
            {
                state.close_search();
                state.select_tab(tab);
            }
        }
    });
    ui.add_space(2.0);
}

/// A file dropped onto the window is imported (a community file: added, or merged into the
/// copy here); while one is dragged over, the window says so.
fn dropped_files(ui: &mut Ui, state: &mut AppState) {
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
    for path in dropped {
        state.notify(format!("Importing {}…", path.display()), false);
        state.request(ask::Import { path });
    }
}
