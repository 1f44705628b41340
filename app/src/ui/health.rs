//! The Overview's health panel: members per level over the last year, who is new, who
//! moved in from the periphery, which questions wait, how often members meet; and, for
//! coordinators, the thresholds the levels use. Computed on this device.

use copse_core::record::LevelRule;
use copse_peer::participation::{Level, Participation};
use egui::{RichText, Ui};
use egui_plot::{Bar, BarChart, Line, Plot, PlotPoints};

use super::{levels, style};
use crate::state::{AppState, Intent, Tab};

const DAY_MS: i64 = 86_400_000;

pub(super) fn show(ui: &mut Ui, state: &AppState, out: &mut Vec<Intent>) {
    style::section(ui, "Community health");
    let Some(p) = state.view().and_then(|v| v.participation.as_deref()) else {
        ui.horizontal(|ui| {
            ui.spinner();
            style::muted(ui, "Reading the community's history…");
        });
        return;
    };
    style::muted(
        ui,
        format!(
            "From the history on this device; nothing leaves it. A member is active from {} \
             and core from {} contributions in {} days.",
            p.rule.active_from, p.rule.core_from, p.rule.window_days
        ),
    );
    levels_chart(ui, p);
    let h = &p.health;
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new("Joined this quarter:").strong());
        if h.newcomers.is_empty() {
            style::muted(ui, "nobody");
        }
        for n in &h.newcomers {
            ui.label(&n.name);
            levels::badge(ui, n.level);
        }
    });
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new("Moved in from the periphery this quarter:").strong());
        if h.risers.is_empty() {
            style::muted(ui, "nobody yet");
        }
        for r in &h.risers {
            ui.label(&r.name);
            levels::badge(ui, r.level);
        }
    });
    ui.label(
        RichText::new(format!(
            "Questions waiting for an answer: {}",
            h.waiting_total
        ))
        .strong(),
    );
    for q in h.waiting.iter().take(5) {
        ui.horizontal(|ui| {
            // Times come from members' devices: any i64.
            let days = p.at.0.saturating_sub(q.asked_at.0).max(0) / DAY_MS;
            style::muted(ui, format!("{days} days"));
            if ui.link(&q.title).clicked() {
                out.push(Intent::SelectTab(Tab::Questions));
                out.push(Intent::OpenThread(q.thread.clone()));
            }
            style::muted(ui, format!("asked by {}", state.name_of(&q.asked_by)));
        });
    }
    meetups(ui, p);
    if state.is_coordinator() {
        rule_editor(ui, state, p.rule, out);
    }
}

/// Members per level, weekly over the last year.
fn levels_chart(ui: &mut Ui, p: &Participation) {
    let Some(last) = p.health.weeks.last() else {
        return;
    };
    let weeks_ago = |at: i64| -((last.at.0 - at) as f64) / (7.0 * DAY_MS as f64);
    let colours = super::palette::ui(ui);
    Plot::new("members-per-level")
        .height(150.0)
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .include_y(0.0)
        .x_axis_label("weeks ago")
        .x_axis_formatter(|mark, _| format!("{}", -mark.value + 0.0))
        .y_axis_label("members")
        .y_axis_min_width(30.0)
        .legend(style::legend())
        .show(ui, |plot| {
            for level in Level::ALL.into_iter().rev() {
                let points: PlotPoints = p
                    .health
                    .weeks
                    .iter()
                    .map(|w| [weeks_ago(w.at.0), f64::from(w.get(level))])
                    .collect();
                plot.line(
                    Line::new(level.as_str(), points)
                        .color(colours.level(level))
                        .width(2.0),
                );
            }
        });
}

/// How often meetups happen, in words: ", about one every 12 days"; "0 days" would say
/// nothing (meetups on the same day), and "1 days" reads wrong.
pub(crate) fn meetup_rhythm(days: u32) -> String {
    match days {
        0 => ", several on the same day".into(),
        1 => ", about one a day".into(),
        d => format!(", about one every {d} days"),
    }
}

/// How often members meet: meetups per four weeks, the last and the next.
fn meetups(ui: &mut Ui, p: &Participation) {
    let m = &p.health.meetups;
    let gap = m.mean_gap_days.map(meetup_rhythm).unwrap_or_default();
    ui.label(RichText::new(format!("Meetups in the last year: {}{gap}", m.last_year)).strong());
    if let Some(l) = &m.last {
        style::muted(
            ui,
            format!(
                "Last: {} ({}), {} there",
                l.title,
                style::when(ui, l.starts_at),
                l.attended
            ),
        );
    }
    if m.last_year == 0 {
        return;
    }
    let bars: Vec<Bar> = m
        .months
        .iter()
        .enumerate()
        .map(|(i, month)| {
            Bar::new(i as f64 - 12.0, f64::from(month.meetups))
                .width(0.7)
                .name(format!(
                    "{} meetups, {} there",
                    month.meetups, month.attended
                ))
        })
        .collect();
    let colour = style::accent(ui);
    Plot::new("meetup-rhythm")
        .height(90.0)
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .include_y(0.0)
        .x_axis_label("four-week stretches ago")
        .x_axis_formatter(|mark, _| format!("{}", -mark.value + 0.0))
        .show(ui, |plot| {
            plot.bar_chart(BarChart::new("meetups", bars).color(colour));
        });
}

/// Coordinators: the window and thresholds of the levels.
fn rule_editor(ui: &mut Ui, state: &AppState, rule: LevelRule, out: &mut Vec<Intent>) {
    let Some(before) = state.view().and_then(|v| v.level_rule_draft) else {
        if ui.small_button("Change the levels").clicked() {
            out.push(Intent::LevelRuleDraft(Some(rule)));
        }
        return;
    };
    let mut draft = before;
    let mut save = false;
    let mut cancel = false;
    ui.horizontal_wrapped(|ui| {
        ui.label("Active from");
        ui.add(egui::DragValue::new(&mut draft.active_from).range(1..=LevelRule::MAX_THRESHOLD));
        ui.label("and core from");
        ui.add(egui::DragValue::new(&mut draft.core_from).range(2..=LevelRule::MAX_THRESHOLD));
        ui.label("contributions in");
        ui.add(egui::DragValue::new(&mut draft.window_days).range(7..=LevelRule::MAX_WINDOW_DAYS));
        ui.label("days");
        save = ui.button("Save levels").clicked();
        cancel = ui.button("Cancel").clicked();
    });
    if let Some(problem) = draft.problem() {
        ui.label(RichText::new(problem).color(style::error(ui)));
    }
    if draft != before {
        out.push(Intent::LevelRuleDraft(Some(draft)));
    }
    if cancel {
        out.push(Intent::LevelRuleDraft(None));
    } else if save {
        out.push(Intent::SaveLevelRule);
    }
}

#[cfg(test)]
mod tests {
    use super::meetup_rhythm;

    #[test]
    fn the_meetup_rhythm_reads_as_words() {
        assert_eq!(meetup_rhythm(0), ", several on the same day");
        assert_eq!(meetup_rhythm(1), ", about one a day");
        assert_eq!(meetup_rhythm(12), ", about one every 12 days");
    }
}
