//! Peers: who is connected, and for each member when we last synced and whether they have
//! everything; invitations (ticket text and QR code); export and import files; removal.

use copse_core::Command;
use copse_core::record::Role;
use copse_peer::ask;
use egui::{RichText, Ui};

use super::{qr, style};
use crate::file_dialog::{self, FileChoice};
use crate::state::{AppState, Confirm, UiAction};

pub(super) fn show(ui: &mut Ui, state: &mut AppState) {
    let Some(c) = state.selected.clone() else {
        return;
    };
    let coordinator = state.is_coordinator();
    let me = state.me.as_ref().map(|(m, _)| m.clone());
    style::section(ui, "Members and sync");
    let status = state.status.clone();
    let community = status
        .as_ref()
        .and_then(|s| s.communities.iter().find(|x| x.id == c).cloned());
    if let Some(s) = &status {
        style::muted(
            ui,
            format!(
                "You: {} · listening on {}",
                crate::state::short_id(s.member.as_str()),
                s.addrs
                    .first()
                    .cloned()
                    .unwrap_or_else(|| "(not yet)".into())
            ),
        );
    }
    let mut remove = None;
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
                            (true, true) => ("connected · up to date", style::ACCENT),
                            (true, false) => ("connected · syncing", style::MUTED),
                            (false, _) => ("offline", style::MUTED),
                        };
                        ui.label(RichText::new(text).color(color));
                        ui.label(
                            p.last_sync
                                .map_or_else(|| "never".to_owned(), |t| style::when(ui, t)),
                        );
                        if coordinator && me.as_ref() != Some(&p.member) {
                            if ui.small_button(format!("Remove {}", p.name)).clicked() {
                                remove = Some((p.member.clone(), p.name.clone()));
                            }
                        } else {
                            ui.label("");
                        }
                        ui.end_row();
                    }
                });
        }
    }
    if let Some((member, name)) = remove {
        let community = state
            .view()
            .and_then(|v| v.profile.as_ref())
            .map(|p| p.name.clone())
            .unwrap_or_default();
        state.ask_first(Confirm {
            title: format!("Remove {name} from {community}?"),
            consequence: format!(
                "Every member will see that you removed {name}. Nothing new reaches {name} from \
                 then on, and members' devices stop syncing with theirs; {name} keeps what \
                 they already had. Only a new invitation brings them back."
            ),
            action: format!("Remove {name}"),
            command: Command::RemoveMember { member },
            community: None,
        });
    }

    style::section(ui, "Invite someone");
    let community_name = state
        .view()
        .and_then(|v| v.profile.as_ref())
        .map(|p| p.name.clone())
        .unwrap_or_default();
    let Some(v) = state.view_mut() else { return };
    if v.invite_uses == 0 {
        v.invite_uses = 1;
    }
    let mut invite = None;
    // Its own id scope: the buttons keep their ids whatever loads above them (a click sent
    // by accessibility tools names a widget's id, one frame later).
    ui.push_id("invite", |ui| {
        ui.horizontal(|ui| {
            ui.label("Uses");
            ui.add(egui::DragValue::new(&mut v.invite_uses).range(1..=100));
            if ui.button("Create invite").clicked() {
                invite = Some(Role::Member);
            }
            if coordinator && ui.button("Invite a coordinator").clicked() {
                invite = Some(Role::Coordinator);
            }
        });
    });
    style::muted(
        ui,
        "Valid for 7 days. The ticket lets whoever holds it join: send it privately.",
    );
    if let Some(ticket) = v.ticket.clone() {
        let mut shown = ticket.clone();
        let l = ui.label("Invite ticket");
        ui.add(
            egui::TextEdit::multiline(&mut shown)
                .desired_rows(3)
                .desired_width(f32::INFINITY),
        )
        .labelled_by(l.id);
        ui.horizontal(|ui| {
            if ui.button("Copy ticket").clicked() {
                ui.ctx().copy_text(ticket.clone());
            }
        });
        qr::show(ui, &ticket, 220.0);
    }
    let uses = v.invite_uses;

    style::section(ui, "Files (for a USB stick)");
    let mut export = None;
    let mut import = None;
    let mut dialog = None;
    ui.horizontal(|ui| {
        if ui.button("Export…").clicked() {
            dialog = Some(FileChoice::Export {
                community: c.clone(),
                name: community_name.clone(),
            });
        }
        if ui.button("Import…").clicked() {
            dialog = Some(FileChoice::Import);
        }
        style::muted(ui, "or drop a community file onto the window to import it");
    });
    egui::CollapsingHeader::new("Or type a path").show(ui, |ui| {
        ui.horizontal(|ui| {
            let l = ui.label("Export to");
            ui.add(
                egui::TextEdit::singleline(&mut v.export_path)
                    .hint_text(format!(
                        "/media/usb/{}",
                        file_dialog::suggested_file_name(&community_name)
                    ))
                    .desired_width(300.0),
            )
            .labelled_by(l.id);
            if ui
                .add_enabled(
                    !v.export_path.trim().is_empty(),
                    egui::Button::new("Export"),
                )
                .clicked()
            {
                export = Some(v.export_path.trim().to_owned());
            }
        });
        ui.horizontal(|ui| {
            let l = ui.label("Import from");
            ui.add(egui::TextEdit::singleline(&mut v.import_path).desired_width(300.0))
                .labelled_by(l.id);
            if ui
                .add_enabled(
                    !v.import_path.trim().is_empty(),
                    egui::Button::new("Import"),
                )
                .clicked()
            {
                import = Some(v.import_path.trim().to_owned());
            }
        });
    });
    if let Some(choice) = dialog {
        state.outbox.push(UiAction::ChooseFile(choice));
    }
    if let Some(role) = invite {
        state.request(ask::Invite {
            community: c.clone(),
            valid_ms: 7 * 86_400_000,
            uses,
            role,
        });
    }
    if let Some(out) = export {
        state.request(ask::Export {
            community: c.clone(),
            out: out.into(),
        });
    }
    if let Some(path) = import {
        state.request(ask::Import { path: path.into() });
    }
}
