//! `copse`: the desktop app. For now a window that shows this device's profile; the full
//! client follows in the app issue.

use eframe::egui;

fn main() -> eframe::Result<()> {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Copse")
            .with_inner_size([900.0, 600.0]),
        ..Default::default()
    };
    eframe::run_native("Copse", options, Box::new(|_cc| Ok(Box::new(Placeholder))))
}

struct Placeholder;

impl eframe::App for Placeholder {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        egui::CentralPanel::default().show(ui, |ui| {
            ui.heading("Copse");
            ui.label("Use copse-node from a terminal for now; see README.md.");
        });
    }
}
