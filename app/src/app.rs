//! [`CopseApp`]: the eframe application tying state, UI and backend together.

use crate::backend::Backend;
use crate::state::AppState;

/// The running app.
pub struct CopseApp {
    /// What the window shows.
    pub state: AppState,
    backend: Backend,
    sent: u64,
}

impl CopseApp {
    /// An app over a started backend.
    pub fn new(backend: Backend) -> Self {
        Self {
            state: AppState::new(),
            backend,
            sent: 0,
        }
    }

    /// One frame's work outside drawing: apply results, queue loads and actions.
    pub fn pump(&mut self) {
        self.take_results();
        self.ask_loads();
    }

    fn take_results(&mut self) {
        for ev in self.backend.poll() {
            self.state.apply(ev);
        }
    }

    fn ask_loads(&mut self) {
        for action in self.state.wanted_loads() {
            self.backend.send(action);
        }
    }

    /// Sends what the member did this frame.
    pub fn flush(&mut self) {
        for action in std::mem::take(&mut self.state.outbox) {
            self.sent += 1;
            self.backend.send(action);
        }
    }

    /// How many actions the window has sent the backend (a test checks a click did
    /// something).
    pub fn actions_sent(&self) -> u64 {
        self.sent
    }

    /// Draws one frame into `ui` (also used by tests and benchmarks with egui_kittest).
    pub fn frame(&mut self, ui: &mut egui::Ui) {
        // While a click is under way (a button held, or let go this frame) results wait:
        // a list that arrived in between would move what is being clicked, and the click
        // would land on something else or nothing.
        let clicking = ui.input(|i| i.pointer.any_down() || i.pointer.any_released());
        if clicking {
            if self.backend.waiting() > 0 {
                ui.ctx().request_repaint();
            }
        } else {
            self.take_results();
        }
        self.ask_loads();
        crate::ui::frame(ui, &mut self.state);
        self.flush();
    }

    /// Results the backend holds that no frame has taken in yet.
    pub fn results_waiting(&self) -> usize {
        self.backend.waiting()
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
