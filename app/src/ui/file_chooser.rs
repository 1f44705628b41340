//! The app's own file chooser (where the system shows no file dialog): the folder's
//! subfolders and files, a name field, and the button that exports or imports.

use egui::{RichText, Ui};

use super::style;
use crate::state::{AppState, Field, FileChooser, Intent};

pub(super) fn show(ui: &mut Ui, state: &AppState, out: &mut Vec<Intent>) {
    let Some(c) = &state.file_chooser else {
        return;
    };
    let modal = egui::Modal::new(egui::Id::new("file-chooser")).show(ui.ctx(), |ui| {
        ui.set_width(520.0_f32.min(ui.ctx().content_rect().width() - 60.0));
        let title = if c.saving() {
            "Export the community"
        } else {
            "Import a community file"
        };
        ui.label(RichText::new(title).strong().size(16.0));
        ui.horizontal_wrapped(|ui| {
            if let Some(up) = c.parent()
                && ui.button("⬆ Up").clicked()
            {
                out.push(Intent::ChooserOpen(up));
            }
            if c.dir != c.home && ui.button("Home").clicked() {
                out.push(Intent::ChooserOpen(c.home.clone()));
            }
            ui.add(egui::Label::new(RichText::new(c.dir.display().to_string()).strong()).wrap());
        });
        egui::ScrollArea::vertical()
            .max_height(280.0)
            .auto_shrink([false, true])
            .show(ui, |ui| entries(ui, c, out));
        name(ui, c, out);
        ui.horizontal(|ui| {
            let action = if c.saving() { "Export here" } else { "Import" };
            if ui
                .add_enabled(c.request().is_some(), style::primary(action))
                .clicked()
            {
                out.push(Intent::ChooserConfirm);
            }
            if ui.button("Cancel").clicked() {
                out.push(Intent::ChooserCancel);
            }
        });
    });
    if modal.should_close() || style::close_pressed(ui) {
        out.push(Intent::ChooserCancel);
    }
}

/// The folder's entries: a click opens a folder or picks a file, a double click on a file
/// also exports or imports it.
fn entries(ui: &mut Ui, c: &FileChooser, out: &mut Vec<Intent>) {
    let listed = match &c.entries {
        None => {
            ui.spinner();
            return;
        }
        Some(Err(e)) => {
            ui.label(RichText::new(e).color(style::error(ui)));
            return;
        }
        Some(Ok(listed)) => listed,
    };
    if listed.is_empty() {
        style::muted(ui, "This folder is empty.");
    }
    for e in listed {
        if e.folder {
            if ui
                .selectable_label(false, format!("🗀 {}", e.name))
                .clicked()
            {
                out.push(Intent::ChooserOpen(c.dir.join(&e.name)));
            }
            continue;
        }
        let text = if FileChooser::is_community_file(&e.name) {
            RichText::new(&e.name).strong()
        } else {
            RichText::new(&e.name).color(style::muted_colour(ui))
        };
        let r = ui.selectable_label(c.name.trim() == e.name, text);
        if r.clicked() || r.double_clicked() {
            out.push(Intent::ChooserPick(e.name.clone()));
        }
        if r.double_clicked() {
            out.push(Intent::ChooserConfirm);
        }
    }
}

/// The file name, with what is wrong with it beside it.
fn name(ui: &mut Ui, c: &FileChooser, out: &mut Vec<Intent>) {
    let r = style::field(ui, "File name", &c.name, Field::ChooserName, out);
    if style::entered(ui, &r) {
        out.push(Intent::ChooserConfirm);
    }
    if let Some(problem) = c.name_problem() {
        // Before anything is typed the button says enough.
        if !c.name.trim().is_empty() {
            ui.label(RichText::new(problem).color(style::error(ui)));
        }
    } else if c.replaces() {
        style::muted(ui, "A file of that name is there: exporting replaces it.");
    }
}
