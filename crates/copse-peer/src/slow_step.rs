//! Logging runtime steps that take long: everything else waits for them.

use std::time::{Duration, Instant};

/// A step of the runtime that takes longer than this is logged.
const SLOW_STEP: Duration = Duration::from_millis(20);

/// A short description of a step, only when slow steps are logged.
pub(crate) fn label(step: &impl std::fmt::Debug) -> Option<String> {
    tracing::enabled!(tracing::Level::INFO).then(|| capped_debug(step, 80))
}

/// The first `max` bytes of `value`'s `Debug` form. Formatting stops there: a step may carry
/// megabytes of changes.
pub(crate) fn capped_debug(value: &impl std::fmt::Debug, max: usize) -> String {
    struct Capped(String, usize);
    impl std::fmt::Write for Capped {
        fn write_str(&mut self, s: &str) -> std::fmt::Result {
            let room = self.1.saturating_sub(self.0.len()).min(s.len());
            let take = s.floor_char_boundary(room);
            self.0.push_str(&s[..take]);
            if take < s.len() {
                return Err(std::fmt::Error);
            }
            Ok(())
        }
    }
    let mut capped = Capped(String::new(), max);
    let _ = std::fmt::write(&mut capped, format_args!("{value:?}"));
    capped.0
}

/// Logs the step if it took long.
pub(crate) fn note(what: Option<String>, started: Instant) {
    let took = started.elapsed();
    if took >= SLOW_STEP {
        tracing::info!(
            step = what.as_deref().unwrap_or("?"),
            ms = took.as_millis() as u64,
            "slow step"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::capped_debug;

    #[test]
    fn slow_step_labels_stop_formatting_early() {
        let big = vec![7u8; 1_000_000];
        let label = capped_debug(&("SyncRequest", big), 80);
        assert_eq!(label.len(), 80);
        assert!(label.starts_with("(\"SyncRequest\", [7, 7"));
        assert_eq!(capped_debug(&"é".repeat(100), 5), "\"éé");
    }
}
