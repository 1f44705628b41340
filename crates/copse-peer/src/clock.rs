//! The wall clock, as the document stores time. Only drivers read it; the hub gets `now`.

use std::time::{SystemTime, UNIX_EPOCH};

use copse_core::Timestamp;

/// Now, in milliseconds since the epoch.
pub fn now() -> Timestamp {
    let ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or(0);
    Timestamp(i64::try_from(ms).unwrap_or(i64::MAX))
}
