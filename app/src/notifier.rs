//! Desktop notifications through the system's notification service (freedesktop D-Bus on
//! Linux, via notify-rust). Where there is none (a server, a bare X session, CI), showing
//! one fails quietly: the app works the same, the "For you" list and rail counts remain.

/// Shows a notification; never fails the caller.
pub async fn show(summary: String, body: String) {
    let shown = notify_rust::Notification::new()
        .appname("Copse")
        .summary(&summary)
        .body(&body)
        .show_async()
        .await;
    if let Err(e) = shown {
        tracing::debug!("no desktop notification ({e}): {summary}");
    }
}
