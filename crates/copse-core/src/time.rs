//! Time as the document stores it: milliseconds since the Unix epoch, supplied by the caller.

use std::fmt;

/// Milliseconds since the Unix epoch (UTC).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Default,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(transparent)]
pub struct Timestamp(pub i64);

impl Timestamp {
    /// Milliseconds since the epoch.
    pub fn millis(self) -> i64 {
        self.0
    }

    /// This time plus `ms` milliseconds (saturating).
    pub fn plus_millis(self, ms: i64) -> Self {
        Self(self.0.saturating_add(ms))
    }

    /// The calendar date and time in UTC, `YYYY-MM-DD HH:MM`.
    pub fn to_utc_string(self) -> String {
        crate::local_time::iso_minutes(self, &jiff::tz::TimeZone::UTC)
    }

    /// Parses `YYYY-MM-DD` or `YYYY-MM-DD HH:MM` (also with a `T`), taken as UTC.
    pub fn parse_utc(s: &str) -> Option<Self> {
        crate::local_time::parse_local(s.trim().trim_end_matches('Z'), &jiff::tz::TimeZone::UTC)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_utc_string())
    }
}

impl autosurgeon::Hydrate for Timestamp {
    fn hydrate_int(i: i64) -> Result<Self, autosurgeon::HydrateError> {
        Ok(Self(i))
    }
    fn hydrate_uint(u: u64) -> Result<Self, autosurgeon::HydrateError> {
        Ok(Self(i64::try_from(u).unwrap_or(i64::MAX)))
    }
    fn hydrate_timestamp(t: i64) -> Result<Self, autosurgeon::HydrateError> {
        Ok(Self(t))
    }
}

impl autosurgeon::Reconcile for Timestamp {
    type Key<'a> = autosurgeon::reconcile::NoKey;
    fn reconcile<R: autosurgeon::Reconciler>(&self, mut r: R) -> Result<(), R::Error> {
        r.i64(self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_parses_utc() {
        let t = Timestamp::parse_utc("2026-11-26 14:05").unwrap();
        assert_eq!(t.to_utc_string(), "2026-11-26 14:05");
        assert_eq!(Timestamp(0).to_utc_string(), "1970-01-01 00:00");
        assert_eq!(
            Timestamp::parse_utc("2024-02-29").unwrap().to_utc_string(),
            "2024-02-29 00:00"
        );
        assert!(Timestamp::parse_utc("2024-13-01").is_none());
        assert!(Timestamp::parse_utc("yesterday").is_none());
    }
}
