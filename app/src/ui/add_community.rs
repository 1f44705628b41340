//! Create a community, or join one with an invite.

use egui::{RichText, Ui};

use super::style;
use crate::state::{About, AppState, Field, Intent};

pub(super) fn show(ui: &mut Ui, state: &AppState, out: &mut Vec<Intent>) {
    if !state.rail.is_empty() && ui.button("Back").clicked() {
        out.push(Intent::AddCommunity(false));
    }
    ui.heading("Start or join a community");
    ui.add_space(10.0);
    ui.columns(2, |cols| {
        let ui = &mut cols[0];
        ui.label(RichText::new("Create a community").strong().size(17.0));
        let d = &state.new_community;
        style::field(ui, "Name", &d.name, Field::CommunityName, out);
        style::field(ui, "Domain", &d.domain, Field::CommunityDomain, out);
        style::muted(
            ui,
            "The domain is what members share, e.g. \"structural engineering in timber\".",
        );
        style::area(
            ui,
            "Objectives (one per line)",
            &d.objectives,
            3,
            Field::CommunityObjectives,
            out,
        );
        style::area(ui, "Norms", &d.norms, 3, Field::CommunityNorms, out);
        let ready = d.spec().is_some();
        if ui
            .add_enabled(ready, style::primary("Create community"))
            .clicked()
        {
            out.push(Intent::CreateCommunity);
        }

        let ui = &mut cols[1];
        ui.label(RichText::new("Join with an invite").strong().size(17.0));
        ui.label("Paste the ticket a member gave you (it starts with copse:); line breaks and spaces in it do not matter.");
        let l = ui.label("Invite ticket");
        style::text_edit(ui, l.id, &state.join_ticket, Field::JoinTicket, out, |t| {
            egui::TextEdit::multiline(t)
                .desired_rows(4)
                .desired_width(f32::INFINITY)
        });
        let ready = !state.join_ticket.trim().is_empty() && !state.joining;
        if ui.add_enabled(ready, style::primary("Join")).clicked() {
            out.push(Intent::Join);
        }
        super::notices::form_errors(ui, state, About::Join, out);
        if state.joining {
            join_progress(ui, state, out);
        }
    });
    ui.add_space(16.0);
    ui.separator();
    ui.label(RichText::new("From a file").strong().size(17.0));
    ui.horizontal_wrapped(|ui| {
        ui.label("A member exported the community to a file (on a USB stick, say)?");
        if ui.button("Import a community file…").clicked() {
            out.push(Intent::ImportDialog);
        }
    });
    style::muted(ui, "You can also drop the file onto this window.");
}

/// Where a join is: reaching a member, the community arriving, then loading it; with a
/// way to stop while that is still possible.
fn join_progress(ui: &mut Ui, state: &AppState, out: &mut Vec<Intent>) {
    let mb = |b: u64| b as f64 / 1_000_000.0;
    let mut cancel = false;
    match state.join_progress {
        Some((received, total)) if received < total => {
            ui.label(format!(
                "Receiving the community: {:.1} of {:.1} MB",
                mb(received),
                mb(total)
            ));
            ui.add(egui::ProgressBar::new(received as f32 / total.max(1) as f32).show_percentage());
            cancel = ui.button("Cancel").clicked();
        }
        Some(_) => {
            // Cancel still answers: refused once the community is being loaded, and it
            // stops asking if this answer turns out unusable and the next member is asked.
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Received. Checking and loading the community…");
                cancel = ui.button("Cancel").clicked();
            });
        }
        None => {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Reaching the inviter or another member…");
                cancel = ui.button("Cancel").clicked();
            });
        }
    }
    if cancel {
        out.push(Intent::CancelJoin);
    }
}
