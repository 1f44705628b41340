//! Search: the box at the top of every community (Ctrl+K), and the results that show
//! instead of the tab while it is open: grouped by kind, matching words marked, filters,
//! and progress while the index is first built.

use copse_peer::{Highlighted, SearchKind};
use egui::text::{LayoutJob, TextFormat};
use egui::{Color32, FontId, RichText, Ui};

use super::style;
use crate::state::{AppState, Field, Intent, Period};

/// The search box (in the community's header).
pub(super) fn bar(ui: &mut Ui, state: &AppState, out: &mut Vec<Intent>) {
    let Some(v) = state.view() else { return };
    let s = &v.search;
    let l = ui.label("Search");
    let edit = style::text_edit(ui, l.id, &s.text, Field::SearchText, out, |t| {
        egui::TextEdit::singleline(t)
            .hint_text("words, \"a phrase\", -not   (Ctrl+K)")
            .desired_width(320.0)
    });
    if s.focus {
        edit.request_focus();
        out.push(Intent::SearchFocused);
    }
    if edit.gained_focus() && !s.text.trim().is_empty() {
        out.push(Intent::OpenSearch);
    }
    if s.open && (ui.button("Close search").clicked() || style::close_pressed(ui)) {
        out.push(Intent::CloseSearch);
    }
}

/// Whether results show instead of the tab.
pub(super) fn is_open(state: &AppState) -> bool {
    state.view().is_some_and(|v| v.search.open)
}

/// The results screen.
pub(super) fn show(ui: &mut Ui, state: &AppState, out: &mut Vec<Intent>) {
    filters(ui, state, out);
    let Some(v) = state.view() else { return };
    let s = &v.search;
    if let Some((done, total)) = s.indexing {
        ui.label(format!(
            "Building this device's search index: {done} of {total} records. Results so far may be incomplete."
        ));
        ui.add(egui::ProgressBar::new(done as f32 / total.max(1) as f32).show_percentage());
    }
    let Some(results) = &s.results else {
        if s.asked.is_some() {
            ui.spinner();
        }
        return;
    };
    if let Some(e) = &s.error {
        ui.label(
            RichText::new(format!("The search could not be run: {e}")).color(style::error(ui)),
        );
        return;
    }
    if results.hits.is_empty() {
        ui.label("Nothing found. Fewer words, or other filters, may find more.");
        return;
    }
    style::muted(
        ui,
        if results.total > results.hits.len() {
            format!(
                "The best {} of {} results",
                results.hits.len(),
                results.total
            )
        } else {
            format!(
                "{} result{}",
                results.total,
                if results.total == 1 { "" } else { "s" }
            )
        },
    );
    for (kind, hits) in results.grouped() {
        style::section(ui, kind.plural());
        for hit in hits {
            let frame = egui::Frame::group(ui.style()).show(ui, |ui| {
                ui.set_width(ui.available_width());
                let title = if hit.title.text.is_empty() {
                    Highlighted {
                        text: format!("In “{}”", hit.context),
                        matches: Vec::new(),
                    }
                } else {
                    hit.title.clone()
                };
                let clicked = ui
                    .add(
                        egui::Label::new(marked(ui, &title, 15.0, true))
                            .sense(egui::Sense::click()),
                    )
                    .clicked();
                if !hit.snippet.text.trim().is_empty() {
                    ui.label(marked(ui, &hit.snippet, 13.5, false));
                }
                ui.horizontal_wrapped(|ui| {
                    let by = hit
                        .author
                        .as_ref()
                        .map(|a| format!("{} · ", state.name_of(a)))
                        .unwrap_or_default();
                    style::muted(ui, format!("{by}{}", style::when(ui, hit.at)));
                    if hit.kind() != SearchKind::Post && !hit.context.is_empty() {
                        style::muted(ui, hit.context.clone());
                    }
                    style::tags(ui, &hit.tags);
                });
                clicked
            });
            let r = frame.response.interact(egui::Sense::click());
            if frame.inner || r.clicked() {
                out.push(Intent::Open(hit.target.clone()));
            }
        }
    }
}

fn filters(ui: &mut Ui, state: &AppState, out: &mut Vec<Intent>) {
    let members = state.member_names();
    let Some(v) = state.view() else { return };
    let s = &v.search;
    let (mut kind, mut by, mut period) = (s.kind, s.author.clone(), s.period);
    ui.horizontal_wrapped(|ui| {
        ui.label("Kind");
        egui::ComboBox::from_id_salt("search-kind")
            .selected_text(s.kind.map_or("Everything", SearchKind::plural))
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut kind, None, "Everything");
                for k in SearchKind::ALL {
                    ui.selectable_value(&mut kind, Some(k), k.plural());
                }
            });
        let author = s
            .author
            .as_ref()
            .and_then(|a| members.iter().find(|(id, _)| id == a))
            .map_or_else(|| "Anyone".to_owned(), |(_, n)| n.clone());
        ui.label("Author");
        egui::ComboBox::from_id_salt("search-author")
            .selected_text(author)
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut by, None, "Anyone");
                for (id, name) in &members {
                    ui.selectable_value(&mut by, Some(id.clone()), name);
                }
            });
        ui.label("When");
        egui::ComboBox::from_id_salt("search-when")
            .selected_text(s.period.label())
            .show_ui(ui, |ui| {
                for p in Period::ALL {
                    ui.selectable_value(&mut period, p, p.label());
                }
            });
        let l = ui.label("Tag");
        style::text_edit(ui, l.id, &s.tag, Field::SearchTag, out, |t| {
            egui::TextEdit::singleline(t).desired_width(110.0)
        });
    });
    if kind != s.kind {
        out.push(Intent::SearchKind(kind));
    }
    if by != s.author {
        out.push(Intent::SearchAuthor(by));
    }
    if period != s.period {
        out.push(Intent::SearchPeriod(period));
    }
    ui.separator();
}

/// Text with its matches marked.
fn marked(ui: &Ui, h: &Highlighted, size: f32, strong: bool) -> LayoutJob {
    let color = if strong {
        ui.visuals().strong_text_color()
    } else {
        ui.visuals().text_color()
    };
    let mut job = LayoutJob::default();
    for (piece, hit) in h.pieces() {
        job.append(
            piece,
            0.0,
            TextFormat {
                font_id: FontId::proportional(size),
                color: if hit { Color32::BLACK } else { color },
                background: if hit {
                    super::palette::MARK
                } else {
                    Color32::TRANSPARENT
                },
                ..Default::default()
            },
        );
    }
    job.wrap.max_width = ui.available_width();
    job
}
