//! Shared resources: links with a description and tags.

use crate::state::About;
use copse_core::CommandKind;
use egui::{RichText, Ui};

use super::style;
use crate::state::{AppState, Field, Intent};

pub(super) fn show(ui: &mut Ui, state: &AppState, out: &mut Vec<Intent>) {
    let me = state.me.as_ref().map(|(m, _)| m);
    let coordinator = state.is_coordinator();
    let Some(v) = state.view() else { return };
    let writable = state.can_write();
    if writable {
        share(ui, state, v, out);
    }
    if v.resources.is_empty() {
        ui.label("No resources shared yet.");
    }
    for r in &v.resources {
        ui.push_id(r.id.as_str(), |ui| {
            egui::Frame::group(ui.style()).show(ui, |ui| {
                ui.set_width(ui.available_width());
                ui.horizontal_wrapped(|ui| {
                    match r.resource.url.as_deref().filter(|u| opens_in_browser(u)) {
                        Some(url) => {
                            let title = RichText::new(&r.resource.title)
                                .strong()
                                .underline()
                                .color(ui.visuals().hyperlink_color);
                            ui.hyperlink_to(title, url).on_hover_text(url);
                        }
                        None => {
                            ui.label(RichText::new(&r.resource.title).strong());
                        }
                    }
                    style::tags(ui, &r.resource.tags);
                });
                // The address itself, so a reader sees where the link goes before opening it
                // (one that is not a web or mail address is shown, never opened).
                if let Some(url) = &r.resource.url {
                    ui.add(
                        egui::Label::new(RichText::new(url).small().color(style::muted_colour(ui)))
                            .truncate(),
                    );
                }
                if !r.resource.description.is_empty() {
                    ui.label(&r.resource.description);
                }
                ui.horizontal(|ui| {
                    style::muted(ui, style::when(ui, r.resource.added_at));
                    if writable
                        && (me == Some(&r.resource.added_by) || coordinator)
                        && ui.small_button("Remove").clicked()
                    {
                        out.push(Intent::RemoveResource(r.id.clone()));
                    }
                });
            });
        });
    }
}

/// "Share a resource": a collapsed form.
fn share(ui: &mut Ui, state: &AppState, v: &crate::state::CommunityView, out: &mut Vec<Intent>) {
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
        super::notices::form_errors(ui, state, About::Edit(CommandKind::AddResource), out);
    });
}

/// Whether a member's link is one to open in the browser: web and mail addresses only
/// (a `file:` or other scheme from someone else's device is shown, not opened).
pub(crate) fn opens_in_browser(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    ["https://", "http://", "mailto:"]
        .iter()
        .any(|scheme| lower.starts_with(scheme))
}

#[cfg(test)]
mod tests {
    use super::opens_in_browser;

    #[test]
    fn only_web_and_mail_links_open() {
        assert!(opens_in_browser("https://example.org/ec5"));
        assert!(opens_in_browser("HTTP://example.org"));
        assert!(opens_in_browser("mailto:ada@example.org"));
        assert!(!opens_in_browser("file:///etc/passwd"));
        assert!(!opens_in_browser("javascript:alert(1)"));
        assert!(!opens_in_browser("example.org"));
    }
}
