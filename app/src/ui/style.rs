//! Look and small shared widgets.

use std::borrow::Cow;

use copse_core::local_time::{self, TimeZone};
use egui::{Color32, RichText, Ui};

use crate::state::{Field, Intent};

use super::palette::{self, PRIMARY_FILL};

/// The accent colour for text in `ui`'s theme (a copse: young woodland green).
pub(crate) fn accent(ui: &Ui) -> Color32 {
    palette::ui(ui).accent
}

/// Error text in `ui`'s theme.
pub(crate) fn error(ui: &Ui) -> Color32 {
    palette::ui(ui).error
}

/// Secondary text in `ui`'s theme.
pub(crate) fn muted_colour(ui: &Ui) -> Color32 {
    palette::ui(ui).muted
}

/// Sets the app's visuals: light, roomy, readable.
pub fn apply_theme(ctx: &egui::Context) {
    ctx.set_visuals_of(egui::Theme::Light, egui::Visuals::light());
    ctx.set_visuals_of(egui::Theme::Dark, egui::Visuals::dark());
    ctx.options_mut(|o| {
        // Where the system's choice is unknown (some X11 desktops), light.
        o.fallback_theme = egui::Theme::Light;
        // Ctrl +/- change the member's text size setting instead (see `keep_settings`).
        o.zoom_with_keyboard = false;
    });
    ctx.all_styles_mut(|style| {
        style.spacing.item_spacing = egui::vec2(8.0, 7.0);
        style.spacing.button_padding = egui::vec2(10.0, 5.0);
        let colours = palette::of(&style.visuals);
        style.visuals.selection.bg_fill = colours.selection_bg;
        style.visuals.selection.stroke.color = colours.selection_text;
        style.visuals.hyperlink_color = colours.link;
        for (text_style, size) in [
            (egui::TextStyle::Heading, 22.0),
            (egui::TextStyle::Body, 14.5),
            (egui::TextStyle::Button, 14.5),
            (egui::TextStyle::Small, 11.5),
        ] {
            if let Some(font) = style.text_styles.get_mut(&text_style) {
                font.size = size;
            }
        }
    });
}

/// Makes the window follow the member's theme and text size; Ctrl +/- step the size (the
/// settings with the new size, when it changed).
pub(crate) fn keep_settings(
    ctx: &egui::Context,
    settings: &crate::settings::AppSettings,
) -> Option<crate::settings::AppSettings> {
    use crate::settings::{TEXT_PERCENT, ThemeChoice};
    let step = ctx.input_mut(|i| {
        if i.consume_key(egui::Modifiers::COMMAND, egui::Key::Plus)
            || i.consume_key(egui::Modifiers::COMMAND, egui::Key::Equals)
        {
            10
        } else if i.consume_key(egui::Modifiers::COMMAND, egui::Key::Minus) {
            -10
        } else {
            0
        }
    });
    let mut changed = None;
    if step != 0 {
        let next = (i32::from(settings.text_percent) + step).clamp(
            i32::from(*TEXT_PERCENT.start()),
            i32::from(*TEXT_PERCENT.end()),
        );
        let next = u16::try_from(next).unwrap_or(100);
        if next != settings.text_percent {
            changed = Some(crate::settings::AppSettings {
                text_percent: next,
                ..settings.clone()
            });
        }
    }
    let theme = match settings.theme {
        ThemeChoice::System => egui::ThemePreference::System,
        ThemeChoice::Light => egui::ThemePreference::Light,
        ThemeChoice::Dark => egui::ThemePreference::Dark,
    };
    if ctx.options(|o| o.theme_preference) != theme {
        ctx.set_theme(theme);
    }
    if (ctx.zoom_factor() - settings.zoom()).abs() > f32::EPSILON {
        ctx.set_zoom_factor(settings.zoom());
    }
    changed
}

/// What the member typed into a text edit that showed the state's text borrowed: egui
/// makes the text owned only when it is edited, and then it becomes an [`Intent::Type`].
pub(crate) fn typed(out: &mut Vec<Intent>, field: Field, text: Cow<'_, str>) {
    if let Cow::Owned(text) = text {
        out.push(Intent::Type(field, text));
    }
}

/// A text edit of the state's `value` for `field`, labelled by `label` (which names it for
/// assistive tech and tests); `edit` shapes it (single or multi-line, width, hint).
pub(crate) fn text_edit<'v>(
    ui: &mut Ui,
    label: egui::Id,
    value: &'v str,
    field: Field,
    out: &mut Vec<Intent>,
    edit: impl for<'t> FnOnce(&'t mut Cow<'v, str>) -> egui::TextEdit<'t>,
) -> egui::Response {
    let mut text = Cow::Borrowed(value);
    let response = ui.add(edit(&mut text)).labelled_by(label);
    typed(out, field, text);
    response
}

/// Whether Enter was pressed in this single-line field (egui then lets go of its focus).
pub(crate) fn entered(ui: &Ui, r: &egui::Response) -> bool {
    r.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter))
}

/// A button that copies `text`, saying "Copied" beside it for two seconds after.
pub(crate) fn copy_button(ui: &mut Ui, label: &str, text: &str) {
    let id = ui.id().with(("copied", label));
    let now = ui.input(|i| i.time);
    if ui.button(label).clicked() {
        ui.ctx().copy_text(text.to_owned());
        ui.ctx().data_mut(|d| d.insert_temp(id, now));
    }
    let copied_at: Option<f64> = ui.ctx().data(|d| d.get_temp(id));
    if let Some(at) = copied_at {
        if now - at < 2.0 {
            ui.label(RichText::new("Copied").color(accent(ui)));
            ui.ctx()
                .request_repaint_after(std::time::Duration::from_secs_f64(2.0 - (now - at)));
        } else {
            ui.ctx().data_mut(|d| d.remove::<f64>(id));
        }
    }
}

/// A labelled single-line field.
pub(crate) fn field(
    ui: &mut Ui,
    label: &str,
    value: &str,
    field: Field,
    out: &mut Vec<Intent>,
) -> egui::Response {
    ui.horizontal(|ui| {
        let l = ui.add_sized([110.0, 20.0], egui::Label::new(label));
        text_edit(ui, l.id, value, field, out, |t| {
            egui::TextEdit::singleline(t).desired_width(320.0)
        })
    })
    .inner
}

/// A labelled multi-line field.
pub(crate) fn area(
    ui: &mut Ui,
    label: &str,
    value: &str,
    rows: usize,
    field: Field,
    out: &mut Vec<Intent>,
) -> egui::Response {
    let l = ui.label(label);
    text_edit(ui, l.id, value, field, out, |t| {
        egui::TextEdit::multiline(t)
            .desired_rows(rows)
            .desired_width(f32::INFINITY)
    })
}

/// A prominent button (the main action of a form).
pub(crate) fn primary(text: &str) -> egui::Button<'static> {
    egui::Button::new(RichText::new(text).color(Color32::WHITE).strong()).fill(PRIMARY_FILL)
}

/// Tags as small green chips.
pub(crate) fn tags(ui: &mut Ui, tags: &[String]) {
    for t in tags {
        ui.label(RichText::new(format!("#{t}")).small().color(accent(ui)));
    }
}

/// A chart's legend, top left: time runs to the right, and the newest weeks, where a new
/// community's data is, stay clear.
pub(crate) fn legend() -> egui_plot::Legend {
    egui_plot::Legend::default().position(egui_plot::Corner::LeftTop)
}

/// A section heading.
pub(crate) fn section(ui: &mut Ui, text: &str) {
    ui.add_space(6.0);
    ui.label(RichText::new(text).strong().size(16.0));
}

fn zone_id() -> egui::Id {
    egui::Id::new("copse-reader-zone")
}

/// Makes `tz` the zone every time on screen is shown in (set each frame from the state).
pub(crate) fn set_zone(ctx: &egui::Context, tz: TimeZone) {
    ctx.data_mut(|d| d.insert_temp(zone_id(), tz));
}

/// The reader's time zone.
pub(crate) fn zone(ui: &Ui) -> TimeZone {
    ui.ctx()
        .data(|d| d.get_temp(zone_id()))
        .unwrap_or(TimeZone::UTC)
}

/// "12 min ago", "yesterday 18:05", "in 3 days" or the date, in the reader's zone.
pub(crate) fn when(ui: &Ui, t: copse_core::Timestamp) -> String {
    local_time::relative(t, copse_peer::now(), &zone(ui))
}

/// "Thu 3 Dec 2026, 18:00" in the reader's zone.
pub(crate) fn date_time(ui: &Ui, t: copse_core::Timestamp) -> String {
    local_time::date_time(t, &zone(ui))
}

/// An event's time in its own zone and, when different, the reader's.
pub(crate) fn event_time(ui: &Ui, e: &copse_core::view::events::EventView) -> String {
    local_time::event_time(e.starts_at, e.ends_at, e.zone.as_deref(), &zone(ui))
}

/// A small filled circle (unread marker), painted: not every font has "●".
pub(crate) fn dot(ui: &mut Ui) -> egui::Response {
    let (rect, response) = ui.allocate_exact_size(egui::vec2(10.0, 10.0), egui::Sense::hover());
    ui.painter().circle_filled(rect.center(), 4.0, accent(ui));
    response
}

/// Muted small text.
pub(crate) fn muted(ui: &mut Ui, text: impl Into<String>) {
    ui.label(RichText::new(text.into()).small().color(muted_colour(ui)));
}

/// A member's initials ("Ada Lovelace" -> "AL", "bob" -> "B").
pub(crate) fn initials(name: &str) -> String {
    let mut words = name.split_whitespace();
    let first = words.next().and_then(|w| w.chars().next());
    let last = words.last().and_then(|w| w.chars().next());
    first
        .into_iter()
        .chain(last)
        .flat_map(char::to_uppercase)
        .collect()
}

/// A member's colour: a hue from their id (FNV-1a, then murmur3's finaliser so ids that
/// share a prefix spread over the wheel; the same on every device and version), darkened
/// until white initials on it read at 4.5:1 (yellows and greens need it, blues do not;
/// `value` is linear light, hence the low floor).
pub(crate) fn member_colour(id: &str) -> Color32 {
    let mut h = id.bytes().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    });
    h ^= h >> 16;
    h = h.wrapping_mul(0x85eb_ca6b);
    h ^= h >> 13;
    h = h.wrapping_mul(0xc2b2_ae35);
    h ^= h >> 16;
    let hue = (h % 360) as f32 / 360.0;
    let mut value = 0.62;
    loop {
        let colour: Color32 = egui::ecolor::Hsva::new(hue, 0.55, value, 1.0).into();
        if value <= 0.05 || palette::contrast(Color32::WHITE, colour) >= 4.5 {
            return colour;
        }
        value -= 0.01;
    }
}

/// A round avatar: initials on the member's colour, `size` points wide; hover for the name.
pub(crate) fn avatar(
    ui: &mut Ui,
    id: &copse_core::MemberId,
    name: &str,
    size: f32,
) -> egui::Response {
    let (rect, response) = ui.allocate_exact_size(egui::vec2(size, size), egui::Sense::hover());
    let painter = ui.painter();
    painter.circle_filled(rect.center(), size / 2.0, member_colour(id.as_str()));
    painter.text(
        rect.center(),
        egui::Align2::CENTER_CENTER,
        initials(name),
        egui::FontId::proportional(size * 0.42),
        Color32::WHITE,
    );
    response.on_hover_text(name)
}

/// Ctrl+Enter (Cmd+Enter on macOS) this frame: posts what is being written.
pub(crate) fn submit_pressed(ui: &Ui) -> bool {
    ui.ctx()
        .input_mut(|i| i.consume_key(egui::Modifiers::COMMAND, egui::Key::Enter))
}

fn typing_id() -> egui::Id {
    egui::Id::new("copse-typing-at-frame-start")
}

/// Notes, before anything is drawn, whether a text field has the keyboard: Esc there only
/// leaves the field (egui's own behaviour), it does not also close the form.
pub(crate) fn note_typing(ctx: &egui::Context) {
    let typing = ctx.memory(|m| m.focused().is_some());
    ctx.data_mut(|d| d.insert_temp(typing_id(), typing));
}

/// Esc this frame, and nothing else claims it (a dialog takes it first, an open list
/// closes, a field being typed in lets go of the keyboard): closes the open form or page.
pub(crate) fn close_pressed(ui: &Ui) -> bool {
    let ctx = ui.ctx();
    let typing: bool = ctx.data(|d| d.get_temp(typing_id())).unwrap_or(false);
    if typing || egui::Popup::is_any_open(ctx) {
        return false;
    }
    ctx.input_mut(|i| i.consume_key(egui::Modifiers::NONE, egui::Key::Escape))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn avatars_read_initials_and_keep_their_colour() {
        assert_eq!(initials("Ada Lovelace"), "AL");
        assert_eq!(initials("bob"), "B");
        assert_eq!(initials("Mary Ann van der Berg"), "MB");
        assert_eq!(initials("  "), "");
        assert_eq!(initials("Øyvind Ås"), "ØÅ");
        // The same id gives the same colour (on every device), others differ.
        let ada = "12D3KooWKUyGXxvijdiBYCRfm9m5g6pMBey9i9qSyW2ogKeosEdu";
        let bob = "12D3KooWN4zoWU3o9BRVjJPJ6FvuRK3vVDoUTXWhpMYavMHpf6FF";
        assert_eq!(member_colour(ada), member_colour(ada));
        assert_ne!(member_colour(ada), member_colour(bob));
        let hue = |id: &str| egui::ecolor::Hsva::from(member_colour(id)).h * 360.0;
        assert!((hue(ada) - 88.0).abs() < 1.5, "{}", hue(ada));
        // Initials read on every colour of the wheel.
        for i in 0..2000 {
            let c = member_colour(&format!("member-{i}"));
            let ratio = palette::contrast(Color32::WHITE, c);
            assert!(ratio >= 4.5, "member-{i}: {c:?} {ratio:.2}");
        }
    }
}
