//! clap value parsers for dates and durations, so a bad value is rejected by clap with the
//! argument's name before anything runs.

use copse_core::Timestamp;

/// `YYYY-MM-DD` or `YYYY-MM-DD HH:MM`, UTC.
pub(crate) fn when(s: &str) -> Result<Timestamp, String> {
    Timestamp::parse_utc(s).ok_or_else(|| {
        format!(
            "{s:?} is not a date; use \"YYYY-MM-DD\" or \"YYYY-MM-DD HH:MM\" (UTC, or the event's --zone)"
        )
    })
}

/// An IANA time zone name the bundled database knows.
pub(crate) fn zone(s: &str) -> Result<String, String> {
    copse_core::local_time::zone(s)
        .map(|_| s.trim().to_owned())
        .ok_or_else(|| format!("{s:?} is not a time zone; use a name like Europe/Oslo"))
}

/// A duration like `90s`, `30m`, `12h`, `7d`, `2w` (a bare number is days), in milliseconds.
pub(crate) fn duration_ms(s: &str) -> Result<i64, String> {
    let s = s.trim();
    let bad = || format!("{s:?} is not a duration like 30m, 12h or 7d");
    let (num, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()));
    let n: i64 = num.parse().map_err(|_| bad())?;
    let ms = match unit {
        "s" => 1_000,
        "m" => 60_000,
        "h" => 3_600_000,
        "d" | "" => 86_400_000,
        "w" => 7 * 86_400_000,
        _ => return Err(bad()),
    };
    Ok(n.saturating_mul(ms))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_dates() {
        assert_eq!(duration_ms("90s"), Ok(90_000));
        assert_eq!(duration_ms("7d"), Ok(7 * 86_400_000));
        assert_eq!(duration_ms("3"), Ok(3 * 86_400_000));
        assert!(duration_ms("soon").is_err());
        assert!(when("2026-12-03 18:00").is_ok());
        assert!(when("tomorrow").unwrap_err().contains("is not a date"));
    }
}
