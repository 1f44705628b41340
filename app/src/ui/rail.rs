//! The left rail: communities on this device, and who you are.

use egui::{RichText, Ui};

use super::style;
use crate::state::{AppState, Intent};

pub(super) fn show(ui: &mut Ui, state: &AppState, out: &mut Vec<Intent>) {
    ui.add_space(8.0);
    ui.label(
        RichText::new("Copse")
            .size(24.0)
            .strong()
            .color(style::accent(ui)),
    );
    ui.add_space(6.0);
    for entry in &state.rail {
        let selected = state.selected.as_ref() == Some(&entry.id) && !state.adding;
        let mut text = if entry.new_activity {
            format!("● {}", entry.name)
        } else {
            entry.name.clone()
        };
        // New "For you" items here (replies, mentions...), until the overview is seen.
        let for_you = state.for_you_new(&entry.id);
        if for_you > 0 {
            text = format!("{text}  ({for_you})");
        }
        if ui.selectable_label(selected, text).clicked() {
            out.push(Intent::SelectCommunity(entry.id.clone()));
        }
    }
    ui.add_space(8.0);
    if ui.button("+ Create or join").clicked() {
        out.push(Intent::AddCommunity(true));
    }
    ui.with_layout(egui::Layout::bottom_up(egui::Align::Min), |ui| {
        let n = state.connected.len();
        style::muted(
            ui,
            if n == 1 {
                "1 peer connected".to_owned()
            } else {
                format!("{n} peers connected")
            },
        );
        let mut settings = state.settings.clone();
        let s = &mut settings;
        ui.horizontal(|ui| {
            ui.label("Text size");
            let range = crate::settings::TEXT_PERCENT;
            if ui
                .add_enabled(
                    s.text_percent > *range.start(),
                    egui::Button::new("−").small(),
                )
                .on_hover_text("Smaller text (Ctrl −)")
                .clicked()
            {
                s.text_percent = s.text_percent.saturating_sub(10).max(*range.start());
            }
            ui.label(format!("{}%", s.text_percent));
            if ui
                .add_enabled(
                    s.text_percent < *range.end(),
                    egui::Button::new("+").small(),
                )
                .on_hover_text("Larger text (Ctrl +)")
                .clicked()
            {
                s.text_percent = (s.text_percent + 10).min(*range.end());
            }
        });
        ui.horizontal(|ui| {
            ui.label("Theme");
            egui::ComboBox::from_id_salt("theme")
                .selected_text(s.theme.label())
                .show_ui(ui, |ui| {
                    for t in crate::settings::ThemeChoice::ALL {
                        ui.selectable_value(&mut s.theme, t, t.label());
                    }
                });
        });
        ui.checkbox(&mut s.notifications, "Desktop notifications");
        if settings != state.settings {
            out.push(Intent::Settings(settings));
        }
        if let Some((m, d)) = &state.me {
            ui.horizontal(|ui| {
                style::avatar(ui, m, &d.name, 26.0);
                ui.label(RichText::new(&d.name).strong());
            });
        }
    });
}
