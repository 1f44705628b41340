//! Shared resources: links with a description and tags.

use egui::{RichText, Ui};

use super::style;
use crate::state::{AppState, Field, Intent};

pub(super) fn show(ui: &mut Ui, state: &AppState, out: &mut Vec<Intent>) {
    let me = state.me.as_ref().map(|(m, _)| m);
    let coordinator = state.is_coordinator();
    let Some(v) = state.view() else { return };
    egui::CollapsingHeader::new("Share a resource").show(ui, |ui| {
        let d = &v.resource_draft;
        style::field(ui, "Title", &d.title, Field::ResourceTitle, out);
        style::field(ui, "Link", &d.url, Field::ResourceUrl, out);
        style::area(
            ui,
            "Why it is useful",
            &d.description,
            2,
            Field::ResourceDescription,
            out,
        );
        style::field(ui, "Tags", &d.tags, Field::ResourceTags, out);
        if ui
            .add_enabled(!d.title.trim().is_empty(), egui::Button::new("Share"))
            .clicked()
        {
            out.push(Intent::ShareResource);
        }
    });
    if v.resources.is_empty() {
        ui.label("No resources shared yet.");
    }
    for r in &v.resources {
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.horizontal(|ui| {
                match &r.resource.url {
                    Some(url) => {
                        ui.hyperlink_to(RichText::new(&r.resource.title).strong(), url);
                    }
                    None => {
                        ui.label(RichText::new(&r.resource.title).strong());
                    }
                }
                style::tags(ui, &r.resource.tags);
            });
            if !r.resource.description.is_empty() {
                ui.label(&r.resource.description);
            }
            ui.horizontal(|ui| {
                style::muted(ui, style::when(ui, r.resource.added_at));
                if (me == Some(&r.resource.added_by) || coordinator)
                    && ui.small_button("Remove").clicked()
                {
                    out.push(Intent::RemoveResource(r.id.clone()));
                }
            });
        });
    }
}
