//! The Copse desktop app (binary `copse`).
//!
//! ```text
//!  egui frame ──▶ ui::show(&AppState) ──▶ Intent ──▶ AppState::act ──▶ outbox: UiAction
//!       ▲                                                                   │ Backend (tokio)
//!       └── AppState::apply(AppEvent) ◀── replies, PeerEvents ◀─────────────┘ copse-peer
//! ```
//! The UI thread never awaits: it renders plain data, queues work and drains results.
//! Views reload only when a change touches them (`state::loads`), never per frame.

pub mod app;
pub mod backend;
pub mod dialog_failures;
pub mod drafts_file;
pub mod file_dialog;
pub mod notifier;
pub mod settings;
pub mod state;
pub mod ui;
