//! Times as people read them: in the reader's own time zone, and an event in the zone where
//! it happens ("17:00 Oslo time · 16:00 your time"). The document stores only milliseconds
//! since the epoch (plus an event's IANA zone name); everything here is presentation.

use jiff::civil::{Date, DateTime};
use jiff::tz;
pub use jiff::tz::TimeZone;

use crate::Timestamp;

const MINUTE: i64 = 60_000;
const HOUR: i64 = 60 * MINUTE;

/// The zone this device is set to (UTC when it cannot be found).
pub fn device_zone() -> TimeZone {
    TimeZone::try_system().unwrap_or(TimeZone::UTC)
}

/// The zone with this IANA name (`Europe/Oslo`), if the bundled database knows it.
pub fn zone(name: &str) -> Option<TimeZone> {
    let name = name.trim();
    if name.is_empty() {
        return None;
    }
    tz::db().get(name).ok()
}

/// Every IANA zone name, sorted, for a zone picker.
pub fn zone_names() -> Vec<String> {
    let mut names: Vec<String> = tz::db()
        .available()
        .map(|n| n.as_str().to_owned())
        .collect();
    names.sort();
    names
}

/// The IANA name of a zone (`UTC` for a zone without one).
pub fn zone_name(tz: &TimeZone) -> String {
    tz.iana_name().unwrap_or("UTC").to_owned()
}

/// The place a zone is named after: `Europe/Oslo` -> `Oslo`,
/// `America/Argentina/Buenos_Aires` -> `Buenos Aires`.
pub fn zone_place(name: &str) -> String {
    name.rsplit('/').next().unwrap_or(name).replace('_', " ")
}

fn instant(t: Timestamp) -> jiff::Timestamp {
    // Times come from members' devices: any i64, clamped to what a calendar can show.
    jiff::Timestamp::from_millisecond(t.0).unwrap_or(if t.0 < 0 {
        jiff::Timestamp::MIN
    } else {
        jiff::Timestamp::MAX
    })
}

fn civil(t: Timestamp, tz: &TimeZone) -> DateTime {
    tz.to_datetime(instant(t))
}

/// `2026-12-03 18:00` in `tz`: the form's format, also what the CLI accepts.
pub fn iso_minutes(t: Timestamp, tz: &TimeZone) -> String {
    civil(t, tz).strftime("%Y-%m-%d %H:%M").to_string()
}

/// `Thu 3 Dec 2026, 18:00` in `tz`.
pub fn date_time(t: Timestamp, tz: &TimeZone) -> String {
    civil(t, tz).strftime("%a %-d %b %Y, %H:%M").to_string()
}

/// `3 Dec 2026` in `tz`.
pub fn date(t: Timestamp, tz: &TimeZone) -> String {
    civil(t, tz).strftime("%-d %b %Y").to_string()
}

fn days_between(from: Date, to: Date) -> i64 {
    to.since(from)
        .ok()
        .map_or(0, |span| i64::from(span.get_days()))
}

/// When something happened or will, as a person says it: "just now", "12 min ago",
/// "in 3 h", "yesterday 18:05", "tomorrow 09:00", "3 days ago", "in 5 days", else the
/// date ("3 Dec", with the year when it is not this year's). Calendar words follow `tz`.
pub fn relative(t: Timestamp, now: Timestamp, tz: &TimeZone) -> String {
    let d = t.0.saturating_sub(now.0);
    let abs = d.unsigned_abs();
    let future = d > 0;
    let ago_or_in = |s: String| {
        if future {
            format!("in {s}")
        } else {
            format!("{s} ago")
        }
    };
    if abs < MINUTE as u64 {
        return "just now".to_owned();
    }
    if abs < HOUR as u64 {
        return ago_or_in(format!("{} min", abs / MINUTE as u64));
    }
    let (then, today) = (civil(t, tz), civil(now, tz));
    let days = days_between(today.date(), then.date());
    match days {
        0 => ago_or_in(format!("{} h", abs / HOUR as u64)),
        -1 => format!("yesterday {}", then.strftime("%H:%M")),
        1 => format!("tomorrow {}", then.strftime("%H:%M")),
        -13..=-2 => format!("{} days ago", -days),
        2..=13 => format!("in {days} days"),
        _ if then.year() == today.year() => then.strftime("%-d %b").to_string(),
        _ => then.strftime("%-d %b %Y").to_string(),
    }
}

/// An event's time in its own zone, and in the reader's when that differs:
/// `Thu 3 Dec 2026, 17:00–19:00 Oslo time · 16:00 your time`. An event without a
/// (known) zone reads in the reader's.
pub fn event_time(
    starts: Timestamp,
    ends: Timestamp,
    event_zone: Option<&str>,
    reader: &TimeZone,
) -> String {
    let here = event_zone.and_then(zone);
    let tz = here.as_ref().unwrap_or(reader);
    let (s, e) = (civil(starts, tz), civil(ends, tz));
    let mut out = date_time(starts, tz);
    if e.date() == s.date() {
        out.push_str(&format!("–{}", e.strftime("%H:%M")));
    } else {
        out.push_str(&format!(" – {}", e.strftime("%a %-d %b, %H:%M")));
    }
    let Some(name) = event_zone.filter(|_| here.is_some()) else {
        return out;
    };
    let at = instant(starts);
    if tz.to_offset(at) == reader.to_offset(at) {
        return out;
    }
    let mine = civil(starts, reader);
    let yours = if mine.date() == s.date() {
        mine.strftime("%H:%M").to_string()
    } else {
        mine.strftime("%a %-d %b, %H:%M").to_string()
    };
    format!("{out} {} time · {yours} your time", zone_place(name))
}

/// Reads `2026-12-03 18:00` (or with a `T`, or a date alone for midnight) as a time in
/// `tz`. A time the clocks skip or repeat that day is taken as the clocks would show it
/// first (jiff's "compatible" rule).
pub fn parse_local(s: &str, tz: &TimeZone) -> Option<Timestamp> {
    let s = s.trim();
    let dt: DateTime = s
        .parse()
        .ok()
        .or_else(|| s.parse::<Date>().ok().map(DateTime::from))?;
    let at = tz.to_timestamp(dt).ok()?;
    Some(Timestamp(at.as_millisecond()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str, tz: &str) -> Timestamp {
        parse_local(s, &zone(tz).unwrap()).unwrap()
    }

    #[test]
    fn an_event_in_oslo_reads_right_from_lisbon() {
        let lisbon = zone("Europe/Lisbon").unwrap();
        let s = at("2026-12-03 17:00", "Europe/Oslo");
        let e = at("2026-12-03 19:00", "Europe/Oslo");
        assert_eq!(
            event_time(s, e, Some("Europe/Oslo"), &lisbon),
            "Thu 3 Dec 2026, 17:00–19:00 Oslo time · 16:00 your time"
        );
        // Read in Oslo: no second time.
        assert_eq!(
            event_time(s, e, Some("Europe/Oslo"), &zone("Europe/Oslo").unwrap()),
            "Thu 3 Dec 2026, 17:00–19:00"
        );
        // Summer: both zones move, the hour between them stays.
        let s = at("2026-07-02 17:00", "Europe/Oslo");
        assert!(
            event_time(s, s.plus_millis(HOUR), Some("Europe/Oslo"), &lisbon)
                .ends_with("16:00 your time")
        );
        // From Tokyo the day differs.
        let tokyo = zone("Asia/Tokyo").unwrap();
        let s = at("2026-12-03 17:00", "Europe/Oslo");
        assert_eq!(
            event_time(s, e, Some("Europe/Oslo"), &tokyo),
            "Thu 3 Dec 2026, 17:00–19:00 Oslo time · Fri 4 Dec, 01:00 your time"
        );
        // Unknown or absent zone: the reader's.
        assert_eq!(
            event_time(s, e, Some("Mars/Olympus"), &lisbon),
            "Thu 3 Dec 2026, 16:00–18:00"
        );
    }

    #[test]
    fn relative_times_follow_the_readers_calendar() {
        let oslo = zone("Europe/Oslo").unwrap();
        let now = at("2026-11-27 10:00", "Europe/Oslo");
        let r = |s: &str| relative(at(s, "Europe/Oslo"), now, &oslo);
        assert_eq!(relative(now.plus_millis(-30_000), now, &oslo), "just now");
        assert_eq!(r("2026-11-27 09:48"), "12 min ago");
        assert_eq!(r("2026-11-27 13:00"), "in 3 h");
        assert_eq!(r("2026-11-26 23:30"), "yesterday 23:30");
        assert_eq!(r("2026-11-28 09:00"), "tomorrow 09:00");
        assert_eq!(r("2026-11-24 12:00"), "3 days ago");
        assert_eq!(r("2026-12-02 12:00"), "in 5 days");
        assert_eq!(r("2026-10-01 12:00"), "1 Oct");
        assert_eq!(r("2025-10-01 12:00"), "1 Oct 2025");
        // Hostile times never panic.
        assert!(relative(Timestamp(i64::MIN), now, &oslo).ends_with("-9999"));
        let _ = relative(Timestamp(i64::MAX), now, &oslo);
    }

    #[test]
    fn local_times_parse_in_their_zone() {
        assert_eq!(
            iso_minutes(at("2026-12-03 17:00", "Europe/Oslo"), &TimeZone::UTC),
            "2026-12-03 16:00"
        );
        assert_eq!(
            iso_minutes(at("2026-12-03", "UTC"), &TimeZone::UTC),
            "2026-12-03 00:00"
        );
        assert_eq!(
            iso_minutes(at("2026-12-03T08:30", "UTC"), &TimeZone::UTC),
            "2026-12-03 08:30"
        );
        // 02:30 does not exist in Oslo on 29 March 2026: the clocks show 03:30.
        assert_eq!(
            iso_minutes(
                at("2026-03-29 02:30", "Europe/Oslo"),
                &zone("Europe/Oslo").unwrap()
            ),
            "2026-03-29 03:30"
        );
        assert!(parse_local("2026-13-01", &TimeZone::UTC).is_none());
        assert!(parse_local("yesterday", &TimeZone::UTC).is_none());
        assert_eq!(zone_place("America/Argentina/Buenos_Aires"), "Buenos Aires");
        assert!(zone_names().iter().any(|n| n == "Europe/Oslo"));
        assert!(zone("").is_none());
    }
}
