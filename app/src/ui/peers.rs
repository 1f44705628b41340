//! Peers: who is connected, and for each member when we last synced and whether they have
//! everything; invitations (ticket text and QR code); export and import files; removal.

use crate::state::About;
use copse_core::CommandKind;
use copse_core::record::Role;
use copse_peer::Route;
use egui::{RichText, Ui};

use super::{qr, style};
use crate::file_dialog;
use crate::state::{AppState, CommunityView, Field, Intent};

pub(super) fn show(ui: &mut Ui, state: &AppState, out: &mut Vec<Intent>) {
    let (Some(c), Some(v)) = (&state.selected, state.view()) else {
        return;
    };
    let coordinator = state.is_coordinator();
    let me = state.me.as_ref().map(|(m, _)| m);
    style::section(ui, "Members and sync");
    let status = state.status.as_ref();
    let community = status.and_then(|s| s.communities.iter().find(|x| &x.id == c));
    if let Some(s) = status {
        // One line, whatever the network reports later: rows appearing above would move
        // the buttons below between frames.
        let reach = if s.online {
            format!(" · {}", s.reach.summary())
        } else {
            String::new()
        };
        style::muted(
            ui,
            format!(
                "You: {} · listening on {}{reach}",
                crate::state::short_id(s.member.as_str()),
                s.addrs
                    .first()
                    .cloned()
                    .unwrap_or_else(|| "(not yet)".into())
            ),
        );
    }
    match community {
        None => {
            ui.spinner();
        }
        Some(cs) if cs.peers.is_empty() => {
            ui.label("You are the only member so far. Invite someone below.");
        }
        Some(cs) => {
            egui::Grid::new("peers")
                .num_columns(4)
                .striped(true)
                .show(ui, |ui| {
                    ui.label(RichText::new("Member").strong());
                    ui.label(RichText::new("Connection").strong());
                    ui.label(RichText::new("Last synced").strong());
                    ui.label("");
                    ui.end_row();
                    for p in &cs.peers {
                        ui.label(&p.name);
                        let (text, color) = match (p.connected, p.up_to_date) {
                            (true, true) => ("connected · up to date", style::accent(ui)),
                            (true, false) => ("connected · syncing", style::muted_colour(ui)),
                            (false, _) => ("offline", style::muted_colour(ui)),
                        };
                        let route = match &p.route {
                            Some(Route::Relayed { relay, hole_punch }) => {
                                let punch = match hole_punch {
                                    Some(Err(_)) => ", direct connection not possible",
                                    _ => "",
                                };
                                format!(" · through relay {}{punch}", crate::state::short_id(relay))
                            }
                            Some(Route::Direct) | None => String::new(),
                        };
                        ui.label(RichText::new(format!("{text}{route}")).color(color));
                        ui.label(
                            p.last_sync
                                .map_or_else(|| "never".to_owned(), |t| style::when(ui, t)),
                        );
                        if coordinator && me != Some(&p.member) {
                            if ui.small_button(format!("Remove {}", p.name)).clicked() {
                                out.push(Intent::RemoveMember(p.member.clone()));
                            }
                        } else {
                            ui.label("");
                        }
                        ui.end_row();
                    }
                });
        }
    }

    relays(ui, state, v, coordinator, out);

    if state.can_write() {
        invite(ui, state, v, coordinator, out);
    }
    ui.push_id("files", |ui| files(ui, v, out));
}

/// "Invite someone": the uses, the buttons, and the ticket made.
fn invite(
    ui: &mut Ui,
    state: &AppState,
    v: &CommunityView,
    coordinator: bool,
    out: &mut Vec<Intent>,
) {
    style::section(ui, "Invite someone");
    // Its own id scope: the buttons keep their ids whatever loads above them (a click sent
    // by accessibility tools names a widget's id, one frame later).
    ui.push_id("invite", |ui| {
        ui.horizontal(|ui| {
            ui.label("Uses");
            let mut uses = v.invite_uses.max(1);
            if ui
                .add(egui::DragValue::new(&mut uses).range(1..=100))
                .changed()
            {
                out.push(Intent::InviteUses(uses));
            }
            if ui.button("Create invite").clicked() {
                out.push(Intent::Invite(Role::Member));
            }
            if coordinator && ui.button("Invite a coordinator").clicked() {
                out.push(Intent::Invite(Role::Coordinator));
            }
        });
    });
    super::notices::form_errors(ui, state, About::Invite, out);
    style::muted(
        ui,
        "Valid for 7 days. The ticket lets whoever holds it join: send it privately.",
    );
    // A ticket whose invite admits nobody more (used up, expired, withdrawn) is not
    // offered again.
    let spent = v.ticket_invite.as_ref().and_then(|id| {
        v.invites
            .iter()
            .find(|e| &e.id == id)
            .filter(|e| !e.invite.admits_more(copse_peer::now()))
    });
    if let Some(spent) = spent {
        let i = &spent.invite;
        let why = if i.revoked {
            "was withdrawn".to_owned()
        } else if i.used_by.len() as u64 >= i.max_uses {
            let who: Vec<String> = i.used_by.iter().map(|m| state.name_of(m)).collect();
            format!("has been used ({})", who.join(", "))
        } else {
            "has expired".to_owned()
        };
        style::muted(
            ui,
            format!("The invite you made {why}: create another to invite someone else."),
        );
    } else if let Some(ticket) = &v.ticket {
        // Selectable to copy, never edited: a `&str` buffer is read-only.
        let mut shown = ticket.as_str();
        let l = ui.label("Invite ticket");
        ui.add(
            egui::TextEdit::multiline(&mut shown)
                .desired_rows(3)
                .desired_width(f32::INFINITY),
        )
        .labelled_by(l.id);
        ui.horizontal(|ui| {
            style::copy_button(ui, "Copy ticket", ticket);
        });
        qr::show(ui, ticket, 220.0);
    }
}

/// "Files": export and import, through a dialog or a typed path.
fn files(ui: &mut Ui, v: &CommunityView, out: &mut Vec<Intent>) {
    let community_name = v
        .profile
        .as_ref()
        .map(|p| p.name.as_str())
        .unwrap_or_default();
    style::section(ui, "Files (for a USB stick)");
    ui.horizontal(|ui| {
        if ui.button("Export…").clicked() {
            out.push(Intent::ExportDialog);
        }
        if ui.button("Import…").clicked() {
            out.push(Intent::ImportDialog);
        }
        style::muted(ui, "or drop a community file onto the window to import it");
    });
    egui::CollapsingHeader::new("Or type a path").show(ui, |ui| {
        ui.horizontal(|ui| {
            let l = ui.label("Export to");
            let hint = format!(
                "/media/usb/{}",
                file_dialog::suggested_file_name(community_name)
            );
            style::text_edit(ui, l.id, &v.export_path, Field::ExportPath, out, |t| {
                egui::TextEdit::singleline(t)
                    .hint_text(hint)
                    .desired_width(300.0)
            });
            if ui
                .add_enabled(
                    !v.export_path.trim().is_empty(),
                    egui::Button::new("Export"),
                )
                .clicked()
            {
                out.push(Intent::ExportToPath);
            }
        });
        ui.horizontal(|ui| {
            let l = ui.label("Import from");
            style::text_edit(ui, l.id, &v.import_path, Field::ImportPath, out, |t| {
                egui::TextEdit::singleline(t).desired_width(300.0)
            });
            if ui
                .add_enabled(
                    !v.import_path.trim().is_empty(),
                    egui::Button::new("Import"),
                )
                .clicked()
            {
                out.push(Intent::ImportFromPath);
            }
        });
    });
}

/// The community's relays: how members behind NATs at different organisations reach each
/// other. Coordinators add and remove them.
fn relays(
    ui: &mut Ui,
    state: &AppState,
    v: &CommunityView,
    coordinator: bool,
    out: &mut Vec<Intent>,
) {
    let list = v
        .profile
        .as_ref()
        .map(|p| p.relays.as_slice())
        .unwrap_or_default();
    style::section(ui, "Relays");
    style::muted(
        ui,
        "Members behind office or home routers reach each other through a relay \
         (copse-node serve --relay on any public host). It forwards encrypted traffic \
         and keeps nothing.",
    );
    ui.push_id("relays", |ui| {
        if list.is_empty() {
            style::muted(ui, "The community lists no relay yet.");
        }
        for r in list {
            ui.horizontal_wrapped(|ui| {
                ui.label(RichText::new(r.as_str()).monospace());
                if coordinator && ui.small_button("Remove relay").clicked() {
                    out.push(Intent::RemoveRelay(r.clone()));
                }
            });
        }
        if coordinator {
            ui.horizontal_wrapped(|ui| {
                let l = ui.label("Relay address");
                let field = style::text_edit(ui, l.id, &v.relay_draft, Field::Relay, out, |t| {
                    egui::TextEdit::singleline(t)
                        .hint_text("/ip4/203.0.113.5/udp/4001/quic-v1/p2p/12D3KooW…")
                        .desired_width(360.0)
                });
                if ui.button("Add relay").clicked() || style::entered(ui, &field) {
                    out.push(Intent::AddRelay);
                }
            });
            super::notices::form_errors(ui, state, About::Edit(CommandKind::AddRelay), out);
        }
    });
    device_relays(ui, state, out);
}

/// Relays this device uses besides the communities' (kept in the app's settings; only
/// this device uses them, the other members never see them).
fn device_relays(ui: &mut Ui, state: &AppState, out: &mut Vec<Intent>) {
    ui.push_id("device-relays", |ui| {
        ui.label(RichText::new("This device's own relays").strong());
        style::muted(
            ui,
            "Used by this device only, in every community (say, one your organisation runs).",
        );
        for r in &state.settings.relays {
            ui.horizontal_wrapped(|ui| {
                ui.label(RichText::new(r.as_str()).monospace());
                if ui.small_button("Stop using").clicked() {
                    out.push(Intent::RemoveDeviceRelay(r.clone()));
                }
            });
        }
        ui.horizontal_wrapped(|ui| {
            let l = ui.label("Relay for this device");
            let field = style::text_edit(
                ui,
                l.id,
                &state.device_relay_draft,
                Field::DeviceRelay,
                out,
                |t| {
                    egui::TextEdit::singleline(t)
                        .hint_text("/ip4/198.51.100.7/tcp/4001/p2p/12D3KooW…")
                        .desired_width(360.0)
                },
            );
            if ui.button("Use relay").clicked() || style::entered(ui, &field) {
                out.push(Intent::AddDeviceRelay);
            }
        });
        super::notices::form_errors(ui, state, About::DeviceRelay, out);
    });
}
