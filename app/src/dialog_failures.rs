//! Counts the errors rfd logs when it cannot show a file dialog at all: rfd answers
//! "nothing chosen" for those as for a cancelled dialog, so [`crate::file_dialog::choose`]
//! compares this count before and after. On Linux rfd tries the desktop portal, then zenity;
//! only zenity failing too (its error names zenity) means no dialog was shown: a portal
//! error followed by a working zenity is not counted.

use std::sync::atomic::{AtomicU64, Ordering};

use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_subscriber::Layer;
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::layer::Context;

static FAILURES: AtomicU64 = AtomicU64::new(0);

/// Errors rfd logged so far in this process.
pub fn count() -> u64 {
    FAILURES.load(Ordering::SeqCst)
}

/// The layer to add to the app's subscriber (it sees errors only, whatever `COPSE_LOG`
/// says, so the count holds with logging turned off).
pub fn layer<S>() -> impl Layer<S>
where
    S: Subscriber + for<'span> tracing_subscriber::registry::LookupSpan<'span>,
{
    RfdErrors.with_filter(LevelFilter::ERROR)
}

struct RfdErrors;

impl<S: Subscriber> Layer<S> for RfdErrors {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        // rfd logs through the `log` crate: its records arrive with their target in a
        // `log.target` field (the event's own target is "log").
        let mut seen = Seen {
            from_rfd: event.metadata().target().starts_with("rfd"),
            about_zenity: false,
        };
        event.record(&mut seen);
        if seen.from_rfd && seen.about_zenity {
            FAILURES.fetch_add(1, Ordering::SeqCst);
        }
    }
}

/// Whether the event came from rfd, and whether it says zenity failed.
struct Seen {
    from_rfd: bool,
    about_zenity: bool,
}

impl Visit for Seen {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "log.target" && value.starts_with("rfd") {
            self.from_rfd = true;
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" && format!("{value:?}").contains("with zenity") {
            self.about_zenity = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use tracing_subscriber::layer::SubscriberExt;

    use super::*;

    #[test]
    fn counts_rfd_errors_and_nothing_else() {
        let subscriber = tracing_subscriber::registry().with(layer());
        tracing::subscriber::with_default(subscriber, || {
            let before = count();
            tracing::error!(target: "copse_app", "not a dialog");
            tracing::warn!(target: "rfd::backend", "Using zenity fallback");
            assert_eq!(count(), before);
            // The portal failing is not yet the end: zenity comes next.
            tracing::error!(
                target: "rfd::backend::xdg_desktop_portal::portal::libdbus",
                "Failed to connect to session bus"
            );
            assert_eq!(count(), before);
            tracing::error!(
                target: "rfd::backend::xdg_desktop_portal",
                "Failed to save file with zenity: No such file or directory (os error 2)"
            );
            assert_eq!(count(), before + 1);
        });
    }
}
