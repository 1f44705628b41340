//! Post and article bodies as Markdown (CommonMark: headings, lists, emphasis, links, code
//! blocks), rendered by egui_commonmark. Links open in the browser (egui's `OpenUrl`, which
//! eframe hands to the system). Plain text reads as it always did.

use std::cell::RefCell;
use std::hash::Hash;

use egui::Ui;
use egui_commonmark::{CommonMarkCache, CommonMarkViewer};

thread_local! {
    /// The renderer's own cache (link hovers, code block layout); frames are drawn on one
    /// thread, so it is that thread's.
    static CACHE: RefCell<CommonMarkCache> = RefCell::new(CommonMarkCache::default());
}

/// Renders `text` as Markdown; `id` tells one body from another on the same screen.
pub(super) fn show(ui: &mut Ui, id: impl Hash + std::fmt::Debug, text: &str) {
    ui.push_id(id, |ui| {
        CACHE.with_borrow_mut(|cache| {
            CommonMarkViewer::new().show(ui, cache, text);
        });
    });
}
