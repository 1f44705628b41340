//! Participation levels in the member directory: a badge per member, and a member's last
//! year as a chart of their contributions within each week's window.

use copse_peer::participation::{KindCounts, Level, Trajectory};
use egui::{Color32, RichText, Ui};
use egui_plot::{HLine, Legend, Line, Plot, PlotPoints};

use super::style;

/// The colour of a level: grey at the periphery, blue when active, the accent at the core.
pub(crate) fn colour(level: Level) -> Color32 {
    match level {
        Level::Peripheral => Color32::from_rgb(130, 130, 130),
        Level::Active => Color32::from_rgb(40, 100, 170),
        Level::Core => style::ACCENT,
    }
}

/// A small label naming `level`.
pub(crate) fn badge(ui: &mut Ui, level: Level) {
    ui.label(
        RichText::new(level.as_str())
            .small()
            .strong()
            .color(colour(level)),
    );
}

/// "4 answers, 1 accepted answer" or "nothing yet".
pub(crate) fn counts_text(c: &KindCounts) -> String {
    match c.summary() {
        s if s.is_empty() => "nothing yet".to_owned(),
        s => s,
    }
}

/// A member's year: weekly contributions within the window, with the thresholds.
pub(crate) fn trajectory(ui: &mut Ui, t: &Trajectory) {
    ui.horizontal_wrapped(|ui| {
        ui.label(format!("Now {}:", t.level().as_str()));
        ui.label(format!(
            "{} in the last {} days",
            counts_text(&t.window),
            t.rule.window_days
        ));
    });
    style::muted(ui, format!("All time: {}", counts_text(&t.all_time)));
    let Some(last) = t.weeks.last() else { return };
    let weeks_ago = |at: copse_core::Timestamp| -((last.at.0 - at.0) as f64) / (7.0 * 86_400_000.0);
    let points: PlotPoints = t
        .weeks
        .iter()
        .map(|w| [weeks_ago(w.at), f64::from(w.contributions)])
        .collect();
    Plot::new(("trajectory", t.member.as_str()))
        .height(150.0)
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .include_x(-52.0)
        .include_x(0.0)
        .include_y(0.0)
        .include_y(f64::from(t.rule.active_from) + 1.0)
        .x_axis_label("weeks ago")
        .x_axis_formatter(|mark, _| format!("{}", -mark.value + 0.0))
        .y_axis_label(format!("in {} days", t.rule.window_days))
        .legend(Legend::default())
        .show(ui, |plot| {
            plot.hline(
                HLine::new("active from", f64::from(t.rule.active_from))
                    .color(colour(Level::Active)),
            );
            plot.hline(
                HLine::new("core from", f64::from(t.rule.core_from)).color(colour(Level::Core)),
            );
            plot.line(
                Line::new("contributions", points)
                    .color(Color32::from_rgb(60, 60, 60))
                    .width(2.0),
            );
        });
}
