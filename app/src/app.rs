//! [`CopseApp`]: the eframe application tying state, UI and backend together.

use crate::backend::Backend;
use crate::state::AppState;

/// The running app.
pub struct CopseApp {
    /// What the window shows.
    pub state: AppState,
    backend: Backend,
}

impl CopseApp {
    /// An app over a started backend.
    pub fn new(backend: Backend) -> Self {
        Self {
            state: AppState::new(),
            backend,
        }
    }

    /// One frame's work outside drawing: apply results, queue loads and actions.
    pub fn pump(&mut self) {
        for ev in self.backend.poll() {
            self.state.apply(ev);
        }
        for action in self.state.wanted_loads() {
            self.backend.send(action);
        }
    }

    /// Sends what the member did this frame.
    pub fn flush(&mut self) {
        for action in std::mem::take(&mut self.state.outbox) {
            self.backend.send(action);
        }
    }

    /// Draws one frame into `ui` (also used by tests and benchmarks with egui_kittest).
    pub fn frame(&mut self, ui: &mut egui::Ui) {
        self.pump();
        crate::ui::frame(ui, &mut self.state);
        self.flush();
    }

    /// Saves and stops the peer.
    pub fn shutdown(&self) {
        self.backend.shutdown();
    }
}

impl eframe::App for CopseApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.frame(ui);
    }

    fn on_exit(&mut self) {
        self.shutdown();
    }
}
