//! Meetup mode: while an event's room is open (its time, or an hour around it) the members
//! whose devices are here see who is here, check in, open the shared notes, show a large
//! invite for newcomers, and know when every device here has everything. Afterwards,
//! members who were not there read what happened.

use copse_core::MemberId;
use copse_core::view::events::EventView;
use copse_core::view::meetups::MeetupDigest;
use copse_peer::{MeetupNow, SearchTarget};
use egui::{RichText, Ui};

use super::{qr, style};
use crate::state::{AppState, Intent, MEETUP_INVITE};

/// The meetup panel, if a meetup is on now (Overview and Events).
pub(super) fn in_progress(ui: &mut Ui, state: &AppState, out: &mut Vec<Intent>) {
    let Some(now) = state.view().and_then(|v| v.meetup.as_ref()) else {
        return;
    };
    let Some(e) = &now.event else {
        return;
    };
    let Some(me) = state.me.as_ref().map(|(m, d)| (m.clone(), d.name.clone())) else {
        return;
    };
    // Checking in and inviting are for members: a removed one's would be refused.
    if !state.can_write() {
        return;
    }
    let may_confirm = state.is_coordinator() || me.0 == e.created_by;
    egui::Frame::group(ui.style())
        .stroke(egui::Stroke::new(1.5, style::accent(ui)))
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.label(RichText::new("Meetup in progress").strong().color(style::accent(ui)));
            ui.label(RichText::new(&e.title).heading());
            style::muted(ui, format!("{} · {}", style::event_time(ui, e), e.place));
            here_now(ui, now, &me);
            sync_line(ui, now);
            checkin(ui, state, e, &me.0, out);
            if may_confirm {
                confirm(ui, state, now, e, &me, out);
            }
            ui.horizontal(|ui| {
                if ui.button("Open the shared notes").clicked() {
                    out.push(Intent::OpenNotes(e.id.clone()));
                }
                if ui
                    .button("Invite newcomers")
                    .on_hover_text("A large QR code to scan from across the table; any member here admits them")
                    .clicked()
                {
                    out.push(Intent::MeetupInvite);
                }
            });
        });
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
            .color(style::accent(ui)),
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

fn checkin(ui: &mut Ui, state: &AppState, e: &EventView, me: &MemberId, out: &mut Vec<Intent>) {
    ui.horizontal_wrapped(|ui| {
        if e.attended.contains(me) {
            ui.label(RichText::new("✔ You are checked in").color(style::accent(ui)));
            if ui.small_button("Not here after all").clicked() {
                out.push(Intent::Attend(e.id.clone(), me.clone(), false));
            }
        } else if ui.add(style::primary("I'm here")).clicked() {
            out.push(Intent::Attend(e.id.clone(), me.clone(), true));
        }
        let names: Vec<String> = e.attended.iter().map(|m| state.name_of(m)).collect();
        if !names.is_empty() {
            style::muted(ui, format!("Checked in: {}", names.join(", ")));
        }
    });
}

/// The organiser and coordinators confirm or correct who is here.
fn confirm(
    ui: &mut Ui,
    state: &AppState,
    now: &MeetupNow,
    e: &EventView,
    me: &(MemberId, String),
    out: &mut Vec<Intent>,
) {
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
        return;
    }
    ui.horizontal_wrapped(|ui| {
        ui.label("Confirm who is here:");
        for (id, name) in &people {
            let was = e.attended.contains(id);
            let mut is = was;
            ui.checkbox(&mut is, name);
            if is != was {
                out.push(Intent::Attend(e.id.clone(), id.clone(), is));
            }
        }
    });
}

/// The newcomers' invite, large enough to scan from across a table (over any tab, while
/// the meetup lasts).
pub(super) fn qr_window(ui: &mut Ui, state: &AppState, out: &mut Vec<Intent>) {
    let Some(v) = state.view() else { return };
    if !v.meetup_qr {
        return;
    }
    let mut open = true;
    let ticket = &v.meetup_ticket;
    egui::Window::new("Scan to join")
        .open(&mut open)
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
        .show(ui.ctx(), |ui| match ticket {
            Some(t) => {
                ui.label(
                    "Newcomers scan this with a phone's camera, or you send them the ticket \
                     (Copy ticket, below), and they paste it into Copse under Join with an \
                     invite; any member here admits them.",
                );
                let side = ui
                    .ctx()
                    .content_rect()
                    .height()
                    .min(ui.ctx().content_rect().width())
                    * 0.6;
                qr::show(ui, t, side.clamp(240.0, 520.0));
                ui.horizontal(|ui| {
                    style::copy_button(ui, "Copy ticket", t);
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
    if !open || style::close_pressed(ui) {
        out.push(Intent::CloseMeetupQr);
    }
}

/// "Since the last meetup", for members who were not there (Overview).
pub(super) fn digest(ui: &mut Ui, state: &AppState, out: &mut Vec<Intent>) {
    let Some(d) = state.view().and_then(|v| v.meetup_digest.as_ref()) else {
        return;
    };
    let Some((me, _)) = &state.me else {
        return;
    };
    let on_now = state
        .view()
        .and_then(|v| v.meetup.as_ref())
        .and_then(|m| m.event.as_ref())
        .is_some_and(|e| e.id == d.event.id);
    // Its own panel shows it while its room is still open.
    if d.event.attended.contains(me) || on_now {
        return;
    }
    style::section(ui, "Since the last meetup");
    digest_body(ui, d, out);
}

fn digest_body(ui: &mut Ui, d: &MeetupDigest, out: &mut Vec<Intent>) {
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
                    out.push(Intent::Open(SearchTarget::Thread {
                        thread: t.id.clone(),
                    }));
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
            out.push(Intent::OpenNotes(d.event.id.clone()));
        }
    }
}
