//! Participation levels in the member directory: a badge per member, and a member's last
//! year as a chart of their contributions within each week's window.

use copse_peer::participation::{KindCounts, Level, Trajectory};
use egui::{Color32, RichText, Ui};
use egui_plot::{HLine, Line, Plot, PlotPoints};

use super::style;

/// The colour of a level in `ui`'s theme.
pub(crate) fn colour(ui: &Ui, level: Level) -> Color32 {
    super::palette::ui(ui).level(level)
}

/// A small label naming `level`.
pub(crate) fn badge(ui: &mut Ui, level: Level) {
    ui.label(
        RichText::new(level.as_str())
            .small()
            .strong()
            .color(colour(ui, level)),
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
    let colours = super::palette::ui(ui);
    let (active, core) = (colours.level(Level::Active), colours.level(Level::Core));
    let line = ui.visuals().strong_text_color();
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
        .legend(style::legend())
        .show(ui, |plot| {
            plot.hline(HLine::new("active from", f64::from(t.rule.active_from)).color(active));
            plot.hline(HLine::new("core from", f64::from(t.rule.core_from)).color(core));
            plot.line(Line::new("contributions", points).color(line).width(2.0));
        });
}
