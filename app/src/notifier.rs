//! Desktop notifications through the system's notification service (freedesktop D-Bus on
//! Linux and the BSDs, via notify-rust; the platform's own elsewhere). Where there is none
//! (a server, a bare X session, CI), showing one fails quietly: the app works the same,
//! the "For you" list and rail counts remain.

/// Shows a notification; never fails the caller.
pub async fn show(summary: String, body: String) {
    let mut n = notify_rust::Notification::new();
    n.appname("Copse").summary(&summary).body(&body);
    if let Err(e) = deliver(n).await {
        tracing::debug!("no desktop notification ({e}): {summary}");
    }
}

#[cfg(all(unix, not(target_os = "macos")))]
async fn deliver(n: notify_rust::Notification) -> Result<(), String> {
    n.show_async().await.map(|_| ()).map_err(|e| e.to_string())
}

/// Elsewhere the call blocks: off the runtime's workers.
#[cfg(not(all(unix, not(target_os = "macos"))))]
async fn deliver(n: notify_rust::Notification) -> Result<(), String> {
    tokio::task::spawn_blocking(move || n.show().map(|_| ()).map_err(|e| e.to_string()))
        .await
        .map_err(|e| e.to_string())?
}
