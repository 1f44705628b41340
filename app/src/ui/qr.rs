//! Invite tickets as QR codes (qrcode crate), drawn as an egui texture cached per ticket.

use egui::{Color32, ColorImage, TextureHandle, TextureOptions, Ui};

/// Draws `text` as a QR code `size` points wide; nothing if it does not fit a QR code.
pub(super) fn show(ui: &mut Ui, text: &str, size: f32) {
    let id = egui::Id::new(("qr", text));
    let texture: Option<TextureHandle> = ui.ctx().data(|d| d.get_temp(id));
    let texture = match texture {
        Some(t) => t,
        None => {
            let Some(image) = render(text) else {
                ui.label("(too long for a QR code; copy the text instead)");
                return;
            };
            let t = ui
                .ctx()
                .load_texture("invite-qr", image, TextureOptions::NEAREST);
            ui.ctx().data_mut(|d| d.insert_temp(id, t.clone()));
            t
        }
    };
    ui.image((texture.id(), egui::vec2(size, size)));
}

fn render(text: &str) -> Option<ColorImage> {
    let code =
        qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::L).ok()?;
    let width = code.width();
    let quiet = 2;
    let side = width + 2 * quiet;
    let mut pixels = vec![Color32::WHITE; side * side];
    for (i, c) in code.to_colors().into_iter().enumerate() {
        if c == qrcode::Color::Dark {
            let (x, y) = (i % width + quiet, i / width + quiet);
            pixels[y * side + x] = Color32::BLACK;
        }
    }
    Some(ColorImage::new([side, side], pixels))
}
