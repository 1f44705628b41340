//! Meetup mode: while an event's room is open (its time, or an hour around it) the members
//! whose devices are here see who is here, check in, open the shared notes, show a large
//! invite for newcomers, and know when every device here has everything. Afterwards,
//! members who were not there read what happened.

use copse_core::view::events::EventView;
use copse_core::view::meetups::MeetupDigest;
use copse_core::{Command, MemberId};
use copse_peer::{MeetupNow, SearchTarget, ask};
use egui::{RichText, Ui};

use super::{qr, style};
use crate::state::{AppState, MEETUP_INVITE, Tab};

/// The meetup panel, if a meetup is on now (Overview and Events).
pub(super) fn in_progress(ui: &mut Ui, state: &mut AppState) {
    let Some(now) = state.view().and_then(|v| v.meetup.clone()) else {
        return;
    };
    let Some(e) = now.event.clone() else {
        return;
    };
    let Some(me) = state.me.as_ref().map(|(m, d)| (m.clone(), d.name.clone())) else {
        return;
    };
    let may_confirm = state.is_coordinator() || me.0 == e.created_by;
    let mut act = None;
    egui::Frame::group(ui.style())
        .stroke(egui::Stroke::new(1.5, style::ACCENT))
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.label(RichText::new("Meetup in progress").strong().color(style::ACCENT));
            ui.label(RichText::new(&e.title).heading());
            style::muted(ui, format!("{} · {}", style::event_time(ui, &e), e.place));
            here_now(ui, &now, &me);
            sync_line(ui, &now);
            act = checkin(ui, state, &e, &me.0);
            if may_confirm && let Some(a) = confirm(ui, state, &now, &e, &me) {
                act = Some(a);
            }
            ui.horizontal(|ui| {
                if ui.button("Open the shared notes").clicked() {
                    act = Some(Act::Notes);
                }
                if ui
                    .button("Invite newcomers")
                    .on_hover_text("A large QR code to scan from across the table; any member here admits them")
                    .clicked()
                {
                    act = Some(Act::Invite);
                }
            });
        });
    let Some(c) = state.selected.clone() else {
        return;
    };
    match act {
        Some(Act::Attend(member, present)) => state.command(Command::RecordAttendance {
            event: e.id.clone(),
            member,
            present,
        }),
        Some(Act::Notes) => {
            state.select_tab(Tab::Events);
            state.open_notes(c, &e);
        }
        Some(Act::Invite) => {
            if let Some(v) = state.view_mut() {
                v.meetup_qr = true;
                v.meetup_ticket = None;
            }
            let (valid_ms, uses) = MEETUP_INVITE;
            state.request(ask::Invite {
                community: c,
                valid_ms,
                uses,
                role: copse_core::record::Role::Member,
            });
        }
        None => {}
    }
}

enum Act {
    Attend(MemberId, bool),
    Notes,
    Invite,
}

fn here_now(ui: &mut Ui, now: &MeetupNow, me: &(MemberId, String)) {
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(format!("Here now ({}):", now.devices())).strong());
        style::avatar(ui, &me.0, &me.1, 22.0);
        ui.label("you");
        for p in &now.here {
            style::avatar(ui, &p.member, &p.name, 22.0);
            ui.label(&p.name);
        }
    });
}

fn sync_line(ui: &mut Ui, now: &MeetupNow) {
    let (done, all) = (now.up_to_date(), now.devices());
    if all == 1 {
        style::muted(
            ui,
            "No other member's device is connected yet (they appear as they join this network).",
        );
    } else if done == all {
        ui.label(
            RichText::new(format!(
                "✔ All {all} devices here are up to date: anyone can leave with the whole community."
            ))
            .color(style::ACCENT),
        );
    } else {
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label(format!(
                "{done} of {all} devices here are up to date; syncing the rest…"
            ));
        });
    }
}

fn checkin(ui: &mut Ui, state: &AppState, e: &EventView, me: &MemberId) -> Option<Act> {
    let mut act = None;
    ui.horizontal_wrapped(|ui| {
        if e.attended.contains(me) {
            ui.label(RichText::new("✔ You are checked in").color(style::ACCENT));
            if ui.small_button("Not here after all").clicked() {
                act = Some(Act::Attend(me.clone(), false));
            }
        } else if ui.add(style::primary("I'm here")).clicked() {
            act = Some(Act::Attend(me.clone(), true));
        }
        let names: Vec<String> = e.attended.iter().map(|m| state.name_of(m)).collect();
        if !names.is_empty() {
            style::muted(ui, format!("Checked in: {}", names.join(", ")));
        }
    });
    act
}

/// The organiser and coordinators confirm or correct who is here.
fn confirm(
    ui: &mut Ui,
    state: &AppState,
    now: &MeetupNow,
    e: &EventView,
    me: &(MemberId, String),
) -> Option<Act> {
    let mut people: Vec<(MemberId, String)> = now
        .here
        .iter()
        .map(|p| (p.member.clone(), p.name.clone()))
        .collect();
    for m in &e.attended {
        if m != &me.0 && !people.iter().any(|(id, _)| id == m) {
            people.push((m.clone(), state.name_of(m)));
        }
    }
    if people.is_empty() {
        return None;
    }
    let mut act = None;
    ui.horizontal_wrapped(|ui| {
        ui.label("Confirm who is here:");
        for (id, name) in &people {
            let was = e.attended.contains(id);
            let mut is = was;
            ui.checkbox(&mut is, name);
            if is != was {
                act = Some(Act::Attend(id.clone(), is));
            }
        }
    });
    act
}

/// The newcomers' invite, large enough to scan from across a table (over any tab, while
/// the meetup lasts).
pub(super) fn qr_window(ui: &mut Ui, state: &mut AppState) {
    let Some(v) = state.view_mut() else { return };
    if !v.meetup_qr {
        return;
    }
    let mut open = true;
    let ticket = v.meetup_ticket.clone();
    egui::Window::new("Scan to join")
        .open(&mut open)
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
        .show(ui.ctx(), |ui| match &ticket {
            Some(t) => {
                ui.label(
                    "Newcomers scan this with a phone's camera (or take the copied ticket) and \
                     paste it into Copse under Join with an invite; any member here admits them.",
                );
                let side = ui
                    .ctx()
                    .content_rect()
                    .height()
                    .min(ui.ctx().content_rect().width())
                    * 0.6;
                qr::show(ui, t, side.clamp(240.0, 520.0));
                ui.horizontal(|ui| {
                    if ui.button("Copy ticket").clicked() {
                        ui.ctx().copy_text(t.clone());
                    }
                    style::muted(
                        ui,
                        format!("Valid for a day, for up to {} newcomers.", MEETUP_INVITE.1),
                    );
                });
            }
            None => {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label("Making an invite…");
                });
            }
        });
    if (!open || style::close_pressed(ui))
        && let Some(v) = state.view_mut()
    {
        v.meetup_qr = false;
    }
}

/// "Since the last meetup", for members who were not there (Overview).
pub(super) fn digest(ui: &mut Ui, state: &mut AppState) {
    let Some(d) = state.view().and_then(|v| v.meetup_digest.clone()) else {
        return;
    };
    let Some((me, _)) = state.me.clone() else {
        return;
    };
    let on_now = state
        .view()
        .and_then(|v| v.meetup.as_ref())
        .and_then(|m| m.event.as_ref())
        .is_some_and(|e| e.id == d.event.id);
    // Its own panel shows it while its room is still open.
    if d.event.attended.contains(&me) || on_now {
        return;
    }
    let mut go = None;
    style::section(ui, "Since the last meetup");
    digest_body(ui, &d, &mut go);
    match go {
        Some(Go::Thread(thread)) => state.open_result(&SearchTarget::Thread { thread }),
        Some(Go::Notes) => {
            if let Some(c) = state.selected.clone() {
                state.select_tab(Tab::Events);
                state.open_notes(c, &d.event);
            }
        }
        None => {}
    }
}

enum Go {
    Thread(copse_core::ThreadId),
    Notes,
}

fn digest_body(ui: &mut Ui, d: &MeetupDigest, go: &mut Option<Go>) {
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(&d.event.title).strong());
        style::muted(
            ui,
            format!("{} · {}", style::when(ui, d.event.starts_at), d.event.place),
        );
    });
    ui.horizontal_wrapped(|ui| {
        if d.came.is_empty() {
            style::muted(ui, "Nobody recorded their attendance.");
            return;
        }
        ui.label(format!("{} came:", d.came.len()));
        for (id, name) in &d.came {
            style::avatar(ui, id, name, 20.0);
            ui.label(name);
        }
    });
    for (label, list) in [
        ("Started there:", &d.threads_started),
        ("Answered there:", &d.questions_answered),
    ] {
        if list.is_empty() {
            continue;
        }
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new(label).strong());
            for t in list.iter().take(8) {
                if ui.link(&t.title).clicked() {
                    *go = Some(Go::Thread(t.id.clone()));
                }
            }
        });
    }
    if !d.event.notes.trim().is_empty() {
        let preview: String = d.event.notes.chars().take(400).collect();
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.set_width(ui.available_width());
            super::markdown::show(ui, ("digest-notes", d.event.id.as_str()), &preview);
        });
        if ui.link("Read all the notes").clicked() {
            *go = Some(Go::Notes);
        }
    }
}
