//! The app's colours for each theme, chosen so that every text sits on its background at
//! WCAG AA (4.5:1) at least; a test measures every pair the app draws.

use copse_peer::participation::Level;
use egui::{Color32, Visuals};

/// Text colours of one theme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Palette {
    /// Emphasis and good news: the copse green, lighter on dark backgrounds.
    pub accent: Color32,
    /// Secondary text.
    pub muted: Color32,
    /// Errors.
    pub error: Color32,
    /// The selected item's text, on `selection_bg`.
    pub selection_text: Color32,
    /// The selected item's background.
    pub selection_bg: Color32,
    /// Links.
    pub link: Color32,
    /// Participation levels.
    pub peripheral: Color32,
    /// Active members.
    pub active: Color32,
}

/// The fill of a form's main button (white text on it, in both themes).
pub(crate) const PRIMARY_FILL: Color32 = Color32::from_rgb(46, 125, 80);
/// The fill of a button that destroys something (white text on it, in both themes).
pub(crate) const DANGER_FILL: Color32 = Color32::from_rgb(180, 40, 40);
/// What a search matched: a highlighter's yellow under black text, in both themes.
pub(crate) const MARK: Color32 = Color32::from_rgb(255, 236, 150);

const LIGHT: Palette = Palette {
    accent: Color32::from_rgb(36, 110, 66),
    muted: Color32::from_gray(100),
    error: Color32::from_rgb(170, 35, 35),
    selection_text: Color32::from_rgb(20, 80, 45),
    selection_bg: Color32::from_rgb(204, 230, 212),
    link: Color32::from_rgb(25, 95, 160),
    peripheral: Color32::from_gray(100),
    active: Color32::from_rgb(40, 100, 170),
};

const DARK: Palette = Palette {
    accent: Color32::from_rgb(110, 200, 140),
    muted: Color32::from_gray(165),
    error: Color32::from_rgb(240, 110, 110),
    selection_text: Color32::from_rgb(190, 235, 205),
    selection_bg: Color32::from_rgb(30, 84, 54),
    link: Color32::from_rgb(120, 180, 240),
    peripheral: Color32::from_gray(165),
    active: Color32::from_rgb(120, 170, 235),
};

/// The palette for `visuals`' theme.
pub(crate) fn of(visuals: &Visuals) -> Palette {
    if visuals.dark_mode { DARK } else { LIGHT }
}

/// The palette of the theme `ui` is drawn in.
pub(crate) fn ui(ui: &egui::Ui) -> Palette {
    of(ui.visuals())
}

impl Palette {
    /// The colour of a level: grey at the periphery, blue when active, the accent at the core.
    pub(crate) fn level(&self, level: Level) -> Color32 {
        match level {
            Level::Peripheral => self.peripheral,
            Level::Active => self.active,
            Level::Core => self.accent,
        }
    }
}

/// WCAG 2 contrast ratio of two opaque colours (1 to 21).
pub(crate) fn contrast(a: Color32, b: Color32) -> f32 {
    let (la, lb) = (luminance(a), luminance(b));
    let (hi, lo) = if la >= lb { (la, lb) } else { (lb, la) };
    (hi + 0.05) / (lo + 0.05)
}

/// WCAG 2 relative luminance.
fn luminance(c: Color32) -> f32 {
    let channel = |v: u8| {
        let v = f32::from(v) / 255.0;
        if v <= 0.039_28 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(c.r()) + 0.7152 * channel(c.g()) + 0.0722 * channel(c.b())
}

#[cfg(test)]
mod tests {
    use super::*;

    const AA: f32 = 4.5;

    /// The visuals the app runs with in `theme`.
    fn visuals(theme: egui::Theme) -> Visuals {
        let ctx = egui::Context::default();
        super::super::apply_theme(&ctx);
        ctx.style_of(theme).visuals.clone()
    }

    #[test]
    fn contrast_matches_wcag_examples() {
        assert!((contrast(Color32::BLACK, Color32::WHITE) - 21.0).abs() < 0.01);
        assert!((contrast(Color32::WHITE, Color32::WHITE) - 1.0).abs() < 0.001);
        // #767676 on white is the lightest grey that passes AA.
        let grey = contrast(Color32::from_gray(0x76), Color32::WHITE);
        assert!((4.5..4.6).contains(&grey), "{grey}");
    }

    #[test]
    fn every_text_on_its_background_reads_at_aa_in_both_themes() {
        let mut failures = Vec::new();
        let mut check = |what: String, fg: Color32, bg: Color32| {
            let ratio = contrast(fg, bg);
            if ratio < AA {
                failures.push(format!("{what}: {ratio:.2}:1"));
            }
        };
        for theme in [egui::Theme::Light, egui::Theme::Dark] {
            let v = visuals(theme);
            let p = of(&v);
            let backgrounds = [
                ("panel", v.panel_fill),
                ("window", v.window_fill),
                ("text field", v.text_edit_bg_color()),
            ];
            let texts = [
                ("text", v.text_color()),
                ("strong text", v.strong_text_color()),
                ("accent", p.accent),
                ("muted", p.muted),
                ("error", p.error),
                ("link", v.hyperlink_color),
                ("peripheral", p.level(Level::Peripheral)),
                ("active", p.level(Level::Active)),
                ("core", p.level(Level::Core)),
            ];
            for (bg_name, bg) in backgrounds {
                for (fg_name, fg) in texts {
                    check(format!("{theme:?} {fg_name} on {bg_name}"), fg, bg);
                }
            }
            // The selected community, tab or filter.
            check(
                format!("{theme:?} selected item"),
                v.selection.stroke.color,
                v.selection.bg_fill,
            );
            // Buttons in each state.
            for (state, w) in [
                ("inactive", v.widgets.inactive),
                ("hovered", v.widgets.hovered),
                ("pressed", v.widgets.active),
                ("open", v.widgets.open),
            ] {
                check(
                    format!("{theme:?} {state} button"),
                    w.fg_stroke.color,
                    w.weak_bg_fill,
                );
            }
            check(
                format!("{theme:?} primary button"),
                Color32::WHITE,
                PRIMARY_FILL,
            );
            check(
                format!("{theme:?} danger button"),
                Color32::WHITE,
                DANGER_FILL,
            );
            check(format!("{theme:?} search mark"), Color32::BLACK, MARK);
        }
        assert!(failures.is_empty(), "below 4.5:1: {failures:#?}");
    }
}
