//! Events: upcoming and past meetups, planning one, RSVP, attendance, shared notes.

use copse_core::record::Rsvp;
use copse_core::view::events::EventView;
use copse_core::{Command, local_time};
use egui::{RichText, Ui};

use super::style;
use crate::state::{AppState, EventDraft};

pub(super) fn show(ui: &mut Ui, state: &mut AppState) {
    let Some(c) = state.selected.clone() else {
        return;
    };
    if state.view().is_some_and(|v| v.notes.is_some()) {
        notes(ui, state);
        return;
    }
    super::meetup::in_progress(ui, state);
    let Some(v) = state.view_mut() else { return };
    if ui.button("Plan a meetup").clicked() && v.event_draft.is_none() {
        v.event_draft = Some(EventDraft::default());
    }
    let mut cmd = None;
    let mut cancel = false;
    if let Some(d) = v.event_draft.as_mut() {
        egui::Frame::group(ui.style()).show(ui, |ui| {
            style::field(ui, "Title", &mut d.title);
            if d.zone.is_empty() {
                d.zone = local_time::zone_name(&style::zone(ui));
            }
            zone_picker(ui, &mut d.zone);
            let tz = local_time::zone(&d.zone).unwrap_or_else(|| style::zone(ui));
            let place = local_time::zone_place(&d.zone);
            style::field(ui, "Starts", &mut d.starts);
            style::field(ui, "Ends", &mut d.ends);
            style::muted(
                ui,
                format!(
                    "In {place} time, as 2026-12-03 18:00; the end defaults to two hours after the start."
                ),
            );
            style::field(ui, "Place", &mut d.place);
            style::area(ui, "What it is about", &mut d.description, 3);
            let starts = local_time::parse_local(&d.starts, &tz);
            let ends = if d.ends.trim().is_empty() {
                starts.map(|s| s.plus_millis(copse_core::view::events::DEFAULT_LENGTH_MS))
            } else {
                local_time::parse_local(&d.ends, &tz)
            };
            if let (Some(s), Some(e)) = (starts, ends) {
                style::muted(
                    ui,
                    local_time::event_time(s, e, Some(&d.zone), &style::zone(ui)),
                );
            }
            ui.horizontal(|ui| {
                let ok = !d.title.trim().is_empty() && starts.is_some() && ends.is_some();
                if (ui.add_enabled(ok, style::primary("Create event")).clicked()
                    || (ok && style::submit_pressed(ui)))
                    && let (Some(s), Some(e)) = (starts, ends)
                {
                    cmd = Some(Command::CreateEvent {
                        title: d.title.trim().to_owned(),
                        description: d.description.clone(),
                        starts_at: s,
                        ends_at: e,
                        place: d.place.clone(),
                        zone: local_time::zone(&d.zone).map(|_| d.zone.clone()),
                    });
                }
                // Esc closes the form only while nothing is written in it.
                let untouched = d.title.is_empty()
                    && d.starts.is_empty()
                    && d.ends.is_empty()
                    && d.place.is_empty()
                    && d.description.is_empty();
                if ui.button("Cancel").clicked() || (untouched && style::close_pressed(ui)) {
                    cancel = true;
                }
            });
            if !d.starts.is_empty() && starts.is_none() {
                ui.label(
                    RichText::new("The start is not a date like 2026-12-03 18:00")
                        .color(style::ERROR),
                );
            }
        });
    }
    if cancel {
        v.event_draft = None;
    }
    let (upcoming, past) = (v.upcoming.clone(), v.past.clone());
    if let Some(cmd) = cmd {
        state.command(cmd);
    }
    style::section(ui, "Upcoming");
    if upcoming.is_empty() {
        ui.label("Nothing planned yet.");
    }
    for e in &upcoming {
        event_card(ui, state, &c, e, false);
    }
    style::section(ui, "Past");
    if past.is_empty() {
        ui.label("No past events.");
    }
    for e in past.iter().take(20) {
        event_card(ui, state, &c, e, true);
    }
}

fn event_card(
    ui: &mut Ui,
    state: &mut AppState,
    c: &copse_core::CommunityId,
    e: &EventView,
    past: bool,
) {
    let me = state.me.as_ref().map(|(m, _)| m.clone());
    let coordinator = state.is_coordinator();
    let mut cmd = None;
    let mut open_notes = false;
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.set_width(ui.available_width());
        ui.horizontal(|ui| {
            ui.label(RichText::new(&e.title).strong().size(15.5));
            // Saturating: a member's device may have written any time.
            let soon = e
                .starts_at
                .0
                .saturating_sub(copse_peer::now().0)
                .unsigned_abs()
                < 14 * 86_400_000;
            let rel = if soon {
                format!(" · {}", style::when(ui, e.starts_at))
            } else {
                String::new()
            };
            style::muted(
                ui,
                format!("{} · {}{rel}", style::event_time(ui, e), e.place),
            );
        });
        if !e.description.is_empty() {
            ui.label(&e.description);
        }
        let mine = me.as_ref().and_then(|m| e.rsvp.get(m)).copied();
        ui.horizontal(|ui| {
            ui.label(format!("{} going", e.going()));
            if !past {
                for (answer, label) in [
                    (Rsvp::Yes, "Going"),
                    (Rsvp::Maybe, "Maybe"),
                    (Rsvp::No, "Not going"),
                ] {
                    if ui.selectable_label(mine == Some(answer), label).clicked()
                        && mine != Some(answer)
                    {
                        cmd = Some(Command::Rsvp {
                            event: e.id.clone(),
                            answer,
                        });
                    }
                }
            }
            if ui.button("Notes").clicked() {
                open_notes = true;
            }
        });
        let started = e.starts_at <= copse_peer::now();
        let organiser = me.as_ref() == Some(&e.created_by);
        if started && (coordinator || organiser) {
            ui.horizontal_wrapped(|ui| {
                ui.label("Attendance:");
                let members: Vec<_> = state.view().map(|v| v.members.clone()).unwrap_or_default();
                for m in &members {
                    let was = e.attended.contains(&m.id);
                    let mut now = was;
                    ui.checkbox(&mut now, &m.member.name);
                    if now != was {
                        cmd = Some(Command::RecordAttendance {
                            event: e.id.clone(),
                            member: m.id.clone(),
                            present: now,
                        });
                    }
                }
            });
        } else if started && let Some(m) = &me {
            let was = e.attended.contains(m);
            let mut now = was;
            ui.checkbox(&mut now, "I was there");
            if now != was {
                cmd = Some(Command::RecordAttendance {
                    event: e.id.clone(),
                    member: m.clone(),
                    present: now,
                });
            }
        }
    });
    if let Some(cmd) = cmd {
        state.command(cmd);
    }
    if open_notes {
        state.open_notes(c.clone(), e);
    }
}

fn notes(ui: &mut Ui, state: &mut AppState) {
    let Some(v) = state.view_mut() else { return };
    let Some(e) = v.notes.as_mut() else { return };
    let mut close = false;
    ui.horizontal(|ui| {
        if ui.button("Back to events").clicked() || style::close_pressed(ui) {
            close = true;
        }
        style::muted(
            ui,
            if e.in_flight.is_some() || e.has_unsent() {
                "saving…"
            } else {
                "saved · shared with everyone"
            },
        );
    });
    ui.label(RichText::new(format!("Notes: {}", e.title)).heading());
    let l = ui.label("Shared notes");
    ui.add(
        egui::TextEdit::multiline(&mut e.buffer)
            .desired_rows(16)
            .desired_width(f32::INFINITY),
    )
    .labelled_by(l.id);
    if close {
        v.notes = None;
    }
}

/// The event's time zone: a searchable list of IANA names.
fn zone_picker(ui: &mut Ui, zone: &mut String) {
    let filter_id = ui.id().with("zone-filter");
    let mut filter: String = ui.data(|d| d.get_temp(filter_id)).unwrap_or_default();
    ui.horizontal(|ui| {
        ui.add_sized([110.0, 20.0], egui::Label::new("Time zone"));
        egui::ComboBox::from_id_salt("event-zone")
            .selected_text(zone.as_str())
            .height(320.0)
            .show_ui(ui, |ui| {
                // Typing goes straight to the search while the list is open.
                ui.add(egui::TextEdit::singleline(&mut filter).hint_text("Search: Oslo, Tokyo…"))
                    .request_focus();
                let needle = filter.to_lowercase().replace(' ', "_");
                for name in zone_names()
                    .iter()
                    .filter(|n| n.to_lowercase().contains(&needle))
                    .take(200)
                {
                    ui.selectable_value(zone, name.clone(), name);
                }
            });
    });
    ui.data_mut(|d| d.insert_temp(filter_id, filter));
}

/// The IANA names, read once.
fn zone_names() -> &'static [String] {
    static NAMES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    NAMES.get_or_init(local_time::zone_names)
}
