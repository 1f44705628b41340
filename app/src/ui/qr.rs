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
    // Tickets read in any case: in upper case they fit the QR code's dense alphanumeric
    // mode, and the code can afford medium error correction (a phone across a table).
    let payload = if text.starts_with("copse:") {
        text.to_ascii_uppercase()
    } else {
        text.to_owned()
    };
    let code =
        qrcode::QrCode::with_error_correction_level(payload.as_bytes(), qrcode::EcLevel::M).ok()?;
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

#[cfg(test)]
mod tests {
    use copse_core::ticket::{Contact, Ticket};
    use copse_core::{CommunityId, InviteId, InviteSecret, Timestamp};
    use rand::{Rng, SeedableRng};

    /// A ticket as a member of a community spread over a few sites makes it: their three
    /// addresses and four other members with two each.
    fn ticket() -> String {
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let mut peer = || {
            let mut bytes = vec![0x00, 0x24, 0x08, 0x01, 0x12, 0x20];
            bytes.extend((0..32).map(|_| rng.r#gen::<u8>()));
            bs58::encode(bytes).into_string().parse().unwrap()
        };
        let inviter = Contact {
            member: peer(),
            addrs: vec![
                "/ip4/192.168.1.20/tcp/40123".into(),
                "/ip6/2001:db8::20/tcp/40123".into(),
                "/ip4/81.2.69.20/tcp/4001".into(),
            ],
        };
        let others = (1..=4)
            .map(|i| Contact {
                member: peer(),
                addrs: vec![
                    format!("/ip4/192.168.1.{i}/tcp/41{i:03}"),
                    format!("/ip4/81.2.69.{i}/tcp/4001"),
                ],
            })
            .collect();
        let mut rng = rand::rngs::StdRng::seed_from_u64(8);
        Ticket {
            v: 2,
            community: CommunityId::random(&mut rng),
            name: "Timber Engineers".into(),
            invite: InviteId::random(&mut rng),
            secret: InviteSecret::random(&mut rng),
            inviter,
            others,
            expires_at: Timestamp(1_800_000_000_000),
        }
        .encode()
    }

    #[test]
    fn the_invite_qr_scans_back_to_the_ticket_at_a_modest_size() {
        let text = ticket();
        let image = super::render(&text).unwrap();
        let [w, h] = image.size;
        let mut grid = rqrr::PreparedImage::prepare_from_greyscale(w * 4, h * 4, |x, y| {
            image.pixels[(y / 4) * w + x / 4].r()
        });
        let codes = grid.detect_grids();
        assert_eq!(codes.len(), 1);
        let (meta, content) = codes[0].decode().unwrap();
        assert_eq!(Ticket::decode(&content), Ticket::decode(&text));
        // Version 15 is 77 modules a side (format 1's JSON ticket needed version 27, 125):
        // at 480 points on screen, 6 points a module, medium error correction.
        eprintln!(
            "ticket: {} characters, QR version {}",
            text.len(),
            meta.version.0
        );
        assert!(meta.version.0 <= 15, "QR version {}", meta.version.0);
    }
}
