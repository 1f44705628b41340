//! Events: upcoming and past meetups, planning one, RSVP, attendance, shared notes.

use crate::state::About;
use copse_core::CommandKind;
use copse_core::local_time;
use copse_core::record::Rsvp;
use copse_core::view::events::EventView;
use egui::{RichText, Ui};

use super::style;
use crate::state::{AppState, EventDraft, Field, Intent};

pub(super) fn show(ui: &mut Ui, state: &AppState, out: &mut Vec<Intent>) {
    let Some(v) = state.view() else { return };
    if v.notes.is_some() {
        notes(ui, state, out);
        return;
    }
    ui.push_id("meetup-now", |ui| {
        super::meetup::in_progress(ui, state, out)
    });
    if state.can_write() && ui.button("Plan a meetup").clicked() {
        out.push(Intent::PlanMeetup(true));
    }
    if let Some(d) = &v.event_draft {
        plan(ui, state, d, out);
    }
    let (now, coming) = happening_now(&v.upcoming, copse_peer::now());
    if !now.is_empty() {
        style::section(ui, "Happening now");
        for e in now {
            event_card(ui, state, e, false, out);
        }
    }
    style::section(ui, "Upcoming");
    if coming.is_empty() {
        ui.label("Nothing planned yet.");
    }
    for e in coming {
        event_card(ui, state, e, false, out);
    }
    style::section(ui, "Past");
    if v.past.is_empty() {
        ui.label("No past events.");
    }
    for e in v.past.iter().take(20) {
        event_card(ui, state, e, true, out);
    }
}

/// "Plan a meetup": times are typed in the meetup's own zone and shown in the reader's.
fn plan(ui: &mut Ui, state: &AppState, d: &EventDraft, out: &mut Vec<Intent>) {
    let reader = style::zone(ui);
    egui::Frame::group(ui.style()).show(ui, |ui| {
        style::field(ui, "Title", &d.title, Field::EventTitle, out);
        zone_picker(ui, &d.zone, out);
        let place = local_time::zone_place(&d.zone);
        style::field(ui, "Starts", &d.starts, Field::EventStarts, out);
        style::field(ui, "Ends", &d.ends, Field::EventEnds, out);
        style::muted(
            ui,
            format!(
                "In {place} time, as 2026-12-03 18:00; the end defaults to two hours after the start."
            ),
        );
        style::field(ui, "Place", &d.place, Field::EventPlace, out);
        style::area(
            ui,
            "What it is about",
            &d.description,
            3,
            Field::EventDescription,
            out,
        );
        let (starts, ends) = d.times(&reader);
        if let (Some(s), Some(e)) = (starts, ends) {
            style::muted(ui, local_time::event_time(s, e, Some(&d.zone), &reader));
        }
        ui.horizontal(|ui| {
            let ok = d.ready(&reader);
            if ui.add_enabled(ok, style::primary("Create event")).clicked()
                || (ok && style::submit_pressed(ui))
            {
                out.push(Intent::CreateEvent);
            }
            // Esc closes the form only while nothing is written in it.
            if ui.button("Cancel").clicked() || (d.is_untouched() && style::close_pressed(ui)) {
                out.push(Intent::PlanMeetup(false));
            }
        });
        super::notices::form_errors(ui, state, About::Edit(CommandKind::CreateEvent), out);
        if !d.starts.is_empty() && starts.is_none() {
            ui.label(
                RichText::new("The start is not a date like 2026-12-03 18:00").color(style::error(ui)),
            );
        }
        if let Some(s) = starts
            && s < copse_peer::now()
        {
            ui.label(
                RichText::new(format!(
                    "That start is in the past ({}): members will find it among past meetups.",
                    style::when(ui, s)
                ))
                .color(style::error(ui)),
            );
        }
    });
}

fn event_card(ui: &mut Ui, state: &AppState, e: &EventView, past: bool, out: &mut Vec<Intent>) {
    let me = state.me.as_ref().map(|(m, _)| m);
    let coordinator = state.is_coordinator();
    ui.push_id(e.id.as_str(), |ui| {
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
            let mine = me.and_then(|m| e.rsvp.get(m)).copied();
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
                            out.push(Intent::Rsvp(e.id.clone(), answer));
                        }
                    }
                }
                if ui.button("Notes").clicked() {
                    out.push(Intent::OpenNotes(e.id.clone()));
                }
            });
            let started = e.starts_at <= copse_peer::now();
            let organiser = me == Some(&e.created_by);
            if started && (coordinator || organiser) {
                ui.horizontal_wrapped(|ui| {
                    ui.label("Attendance:");
                    // Who can attend now, and anyone marked before they were removed.
                    let members = state.view().into_iter().flat_map(|v| {
                        v.members
                            .iter()
                            .filter(|m| m.member.is_current() || e.attended.contains(&m.id))
                    });
                    for m in members {
                        let was = e.attended.contains(&m.id);
                        let mut now = was;
                        ui.checkbox(&mut now, &m.member.name);
                        if now != was {
                            out.push(Intent::Attend(e.id.clone(), m.id.clone(), now));
                        }
                    }
                });
            } else if started && let Some(m) = me {
                let was = e.attended.contains(m);
                let mut now = was;
                ui.checkbox(&mut now, "I was there");
                if now != was {
                    out.push(Intent::Attend(e.id.clone(), m.clone(), now));
                }
            }
        });
    });
}

fn notes(ui: &mut Ui, state: &AppState, out: &mut Vec<Intent>) {
    let Some(e) = state.view().and_then(|v| v.notes.as_ref()) else {
        return;
    };
    ui.horizontal(|ui| {
        if ui.button("Back to events").clicked() || style::close_pressed(ui) {
            out.push(Intent::CloseNotes);
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
    style::text_edit(ui, l.id, &e.buffer, Field::Notes, out, |t| {
        egui::TextEdit::multiline(t)
            .desired_rows(16)
            .desired_width(f32::INFINITY)
    });
}

/// The event's time zone: a searchable list of IANA names.
fn zone_picker(ui: &mut Ui, zone: &str, out: &mut Vec<Intent>) {
    let filter_id = ui.id().with("zone-filter");
    let mut filter: String = ui.data(|d| d.get_temp(filter_id)).unwrap_or_default();
    ui.horizontal(|ui| {
        ui.add_sized([110.0, 20.0], egui::Label::new("Time zone"));
        egui::ComboBox::from_id_salt("event-zone")
            .selected_text(zone)
            .height(320.0)
            .show_ui(ui, |ui| {
                // Typing goes straight to the search while the list is open.
                ui.add(egui::TextEdit::singleline(&mut filter).hint_text("Search: Oslo, Tokyo…"))
                    .request_focus();
                let needle = filter.to_lowercase().replace(' ', "_");
                let matches: Vec<&String> = zone_names()
                    .iter()
                    .filter(|n| n.to_lowercase().contains(&needle))
                    .take(200)
                    .collect();
                // Enter takes the only match, as a person who typed "Tokyo" expects.
                if let [only] = matches.as_slice()
                    && ui.input(|i| i.key_pressed(egui::Key::Enter))
                {
                    if zone != only.as_str() {
                        out.push(Intent::Type(Field::EventZone, (*only).clone()));
                    }
                    ui.close();
                }
                for name in matches {
                    if ui.selectable_label(zone == name, name).clicked() && zone != name {
                        out.push(Intent::Type(Field::EventZone, name.clone()));
                    }
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

/// Events not over yet, split into those under way at `now` and those still to come: one
/// that started is not "upcoming", and its start reads "… ago".
fn happening_now(
    events: &[EventView],
    now: copse_core::Timestamp,
) -> (Vec<&EventView>, Vec<&EventView>) {
    events.iter().partition(|e| e.starts_at <= now)
}
