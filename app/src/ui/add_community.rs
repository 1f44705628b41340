//! Create a community, or join one with an invite.

use copse_core::NewCommunity;
use copse_peer::ask;
use egui::{RichText, Ui};

use super::style;
use crate::state::AppState;

pub(super) fn show(ui: &mut Ui, state: &mut AppState) {
    if !state.rail.is_empty() && ui.button("Back").clicked() {
        state.adding = false;
    }
    ui.heading("Start or join a community");
    ui.add_space(10.0);
    ui.columns(2, |cols| {
        let ui = &mut cols[0];
        ui.label(RichText::new("Create a community").strong().size(17.0));
        let d = &mut state.new_community;
        style::field(ui, "Name", &mut d.name);
        style::field(ui, "Domain", &mut d.domain);
        style::muted(
            ui,
            "The domain is what members share, e.g. \"structural engineering in timber\".",
        );
        style::area(ui, "Objectives (one per line)", &mut d.objectives, 3);
        style::area(ui, "Norms", &mut d.norms, 3);
        let ready = !d.name.trim().is_empty() && !d.domain.trim().is_empty();
        if ui
            .add_enabled(ready, style::primary("Create community"))
            .clicked()
        {
            let spec = NewCommunity {
                name: d.name.trim().to_owned(),
                domain: d.domain.trim().to_owned(),
                objectives: d
                    .objectives
                    .lines()
                    .map(str::to_owned)
                    .filter(|l| !l.trim().is_empty())
                    .collect(),
                norms: d.norms.clone(),
            };
            state.request(ask::CreateCommunity { spec });
        }

        let ui = &mut cols[1];
        ui.label(RichText::new("Join with an invite").strong().size(17.0));
        ui.label("Paste the ticket a member gave you (it starts with copse:); line breaks and spaces in it do not matter.");
        let l = ui.label("Invite ticket");
        ui.add(
            egui::TextEdit::multiline(&mut state.join_ticket)
                .desired_rows(4)
                .desired_width(f32::INFINITY),
        )
        .labelled_by(l.id);
        let ready = !state.join_ticket.trim().is_empty() && !state.joining;
        if ui.add_enabled(ready, style::primary("Join")).clicked() {
            state.joining = true;
            state.request(ask::Join {
                ticket: state.join_ticket.trim().to_owned(),
                details: None,
            });
        }
        if state.joining {
            join_progress(ui, state);
        }
    });
}

/// Where a join is: reaching a member, the community arriving, then loading it; with a
/// way to stop while that is still possible.
fn join_progress(ui: &mut Ui, state: &mut AppState) {
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
        state.request(ask::CancelJoin);
    }
}
