//! The member directory: who is here, who can help with what, and what each has done.

use copse_core::view::members::MemberFilter;
use egui::{RichText, Ui};

use super::{levels, style};
use crate::state::{AppState, Field, Intent, LevelFilter};
use copse_peer::participation::Level;

pub(super) fn show(ui: &mut Ui, state: &AppState, out: &mut Vec<Intent>) {
    let Some(v) = state.view() else { return };
    let asking = !v.member_filter.0.trim().is_empty();
    // Wrapped: the three filters do not fit one line of a narrow window.
    ui.horizontal_wrapped(|ui| {
        let l = ui.label("Who can help with");
        style::text_edit(ui, l.id, &v.member_filter.0, Field::MemberSkill, out, |t| {
            egui::TextEdit::singleline(t)
                .hint_text("a skill")
                .desired_width(160.0)
        });
        let l = ui.label("Organisation");
        style::text_edit(
            ui,
            l.id,
            &v.member_filter.1,
            Field::MemberOrganisation,
            out,
            |t| egui::TextEdit::singleline(t).desired_width(160.0),
        );
        let name = |f: Option<LevelFilter>| match f {
            None => "all levels",
            Some(LevelFilter::Level(l)) => l.as_str(),
            Some(LevelFilter::Coordinators) => "coordinators",
        };
        let l = ui.label("Level");
        let mut level_filter = v.level_filter;
        egui::ComboBox::from_id_salt("level-filter")
            .selected_text(name(v.level_filter))
            .show_ui(ui, |ui| {
                let choices = [None]
                    .into_iter()
                    .chain(Level::ALL.map(|l| Some(LevelFilter::Level(l))))
                    .chain([Some(LevelFilter::Coordinators)]);
                for choice in choices {
                    ui.selectable_value(&mut level_filter, choice, name(choice));
                }
            })
            .response
            .labelled_by(l.id);
        if level_filter != v.level_filter {
            out.push(Intent::LevelFilter(level_filter));
        }
    });
    if asking && !v.who_knows.found.is_empty() {
        style::section(ui, &format!("Who knows “{}”", v.member_filter.0.trim()));
        for e in &v.who_knows.found {
            ui.horizontal_wrapped(|ui| {
                if ui.link(RichText::new(&e.name).strong()).clicked() {
                    out.push(Intent::ToggleMember(e.member.clone()));
                }
                style::muted(ui, expertise_text(e));
            });
        }
        ui.separator();
    }
    let filter = MemberFilter {
        skill: Some(v.member_filter.0.trim().to_owned()).filter(|s| !s.is_empty()),
        organisation: Some(v.member_filter.1.trim().to_owned()).filter(|s| !s.is_empty()),
        include_removed: false,
    };
    let level_of = |id| v.participation.as_ref().and_then(|p| p.level_of(id));
    let shown: Vec<_> = v
        .members
        .iter()
        .filter(|m| filter.accepts(&m.member))
        .filter(|m| match v.level_filter {
            None => true,
            Some(LevelFilter::Level(l)) => level_of(&m.id) == Some(l),
            Some(LevelFilter::Coordinators) => {
                m.member.role == copse_core::record::Role::Coordinator
            }
        })
        .collect();
    style::muted(
        ui,
        format!("{} of {} members", shown.len(), v.current_members().count()),
    );
    for m in shown {
        ui.push_id(m.id.as_str(), |ui| {
            egui::Frame::group(ui.style()).show(ui, |ui| {
                ui.set_width(ui.available_width());
                ui.horizontal(|ui| {
                    style::avatar(ui, &m.id, &m.member.name, 28.0);
                    if ui
                        .link(RichText::new(&m.member.name).strong().size(15.5))
                        .clicked()
                    {
                        out.push(Intent::ToggleMember(m.id.clone()));
                    }
                    if let Some(level) = level_of(&m.id) {
                        levels::badge(ui, level);
                    }
                    if m.member.role == copse_core::record::Role::Coordinator {
                        ui.label(
                            RichText::new("coordinator")
                                .small()
                                .color(style::accent(ui)),
                        );
                    }
                });
                let org: Vec<&str> = [m.member.organisation.as_str(), m.member.department.as_str()]
                    .into_iter()
                    .filter(|s| !s.is_empty())
                    .collect();
                if !org.is_empty() {
                    ui.label(org.join(" · "));
                }
                ui.horizontal_wrapped(|ui| style::tags(ui, &m.member.skills));
                if !m.member.bio.is_empty() {
                    style::muted(ui, m.member.bio.clone());
                }
                if let Some((id, digest)) = &v.member_open
                    && id == &m.id
                {
                    match digest {
                        None => {
                            ui.spinner();
                        }
                        Some(d) => {
                            match v.trajectory.as_ref().filter(|t| t.member == m.id) {
                                Some(t) => levels::trajectory(ui, t),
                                None => {
                                    ui.spinner();
                                }
                            }
                            for h in &d.notable {
                                style::muted(
                                    ui,
                                    format!(
                                        "{} {} · {}",
                                        h.cmd.replace('_', " "),
                                        h.title.clone().unwrap_or_default(),
                                        style::when(ui, h.at)
                                    ),
                                );
                            }
                        }
                    }
                }
            });
        });
    }
}

/// "earned 8: 1 accepted answer, 1 answer · lists it as a skill".
fn expertise_text(e: &copse_peer::Expert) -> String {
    let earned = (e.earned > 0).then(|| format!("earned {}: {}", e.earned, e.breakdown()));
    let declared = e.declared.then(|| "lists it as a skill".to_owned());
    earned
        .into_iter()
        .chain(declared)
        .collect::<Vec<_>>()
        .join(" · ")
}
