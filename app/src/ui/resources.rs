//! Shared resources: links with a description and tags.

use copse_core::Command;
use egui::{RichText, Ui};

use super::style;
use crate::state::{AppState, Confirm, drafts_split_list};

pub(super) fn show(ui: &mut Ui, state: &mut AppState) {
    let me = state.me.as_ref().map(|(m, _)| m.clone());
    let coordinator = state.is_coordinator();
    let Some(v) = state.view_mut() else { return };
    let mut cmd = None;
    let mut remove = None;
    egui::CollapsingHeader::new("Share a resource").show(ui, |ui| {
        let d = &mut v.resource_draft;
        style::field(ui, "Title", &mut d.title);
        style::field(ui, "Link", &mut d.url);
        style::area(ui, "Why it is useful", &mut d.description, 2);
        style::field(ui, "Tags", &mut d.tags);
        if ui
            .add_enabled(!d.title.trim().is_empty(), egui::Button::new("Share"))
            .clicked()
        {
            cmd = Some(Command::AddResource {
                title: d.title.trim().to_owned(),
                url: Some(d.url.trim().to_owned()).filter(|u| !u.is_empty()),
                description: d.description.clone(),
                tags: drafts_split_list(&d.tags),
            });
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
                if (me.as_ref() == Some(&r.resource.added_by) || coordinator)
                    && ui.small_button("Remove").clicked()
                {
                    remove = Some(Confirm {
                        title: format!("Remove “{}”?", r.resource.title),
                        consequence: "It leaves the Resources list on every member's device as \
                                      they sync; the community's history still records that it \
                                      was shared and removed."
                            .into(),
                        action: "Remove it".into(),
                        command: Command::RemoveResource {
                            resource: r.id.clone(),
                        },
                        community: None,
                    });
                }
            });
        });
    }
    if let Some(cmd) = cmd {
        state.command(cmd);
    }
    if let Some(confirm) = remove {
        state.ask_first(confirm);
    }
}
