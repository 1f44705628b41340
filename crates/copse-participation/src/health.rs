//! The community's health panel: members per level over the last year, who is new, who
//! moved in from the periphery, which questions wait, how often members meet.

use copse_core::record::LevelRule;
use copse_core::{ArticleId, EventId, MemberId, ThreadId, Timestamp};
use serde::{Deserialize, Serialize};

use crate::ledger::Ledger;
use crate::levels::{DAY_MS, Level, Timeline, WEEKS};

/// What "this quarter" and "recently" mean on the panel.
pub const QUARTER_DAYS: i64 = 91;
/// Waiting questions listed (the count covers them all).
pub const WAITING_LISTED: usize = 50;
/// A meetup month on the rhythm chart: four weeks.
const MONTH_DAYS: i64 = 28;

/// How many current members stood at each level at one time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LevelCounts {
    /// When.
    pub at: Timestamp,
    /// Peripheral members.
    pub peripheral: u32,
    /// Active members.
    pub active: u32,
    /// Core members.
    pub core: u32,
}

impl LevelCounts {
    /// The count at `level`.
    pub fn get(&self, level: Level) -> u32 {
        match level {
            Level::Peripheral => self.peripheral,
            Level::Active => self.active,
            Level::Core => self.core,
        }
    }
}

/// A member and a time (when they joined).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Newcomer {
    /// Who.
    pub member: MemberId,
    /// Their name.
    pub name: String,
    /// When they joined.
    pub joined_at: Timestamp,
    /// Their level now.
    pub level: Level,
}

/// A member whose level rose in the last quarter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Riser {
    /// Who.
    pub member: MemberId,
    /// Their name.
    pub name: String,
    /// Their level a quarter ago (peripheral if they were not a member yet).
    pub from: Level,
    /// Their level now.
    pub level: Level,
}

/// An article nobody has touched for a year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaleArticle {
    /// The article.
    pub article: ArticleId,
    /// Its title.
    pub title: String,
    /// Its last change.
    pub updated_at: Timestamp,
}

/// Gentle hints for coordinators.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hints {
    /// Members whose level rose this quarter (from the periphery, or from active to core):
    /// ready for more?
    pub ready_for_more: Vec<Riser>,
    /// Questions waiting for an answer for over a week, longest first (at most
    /// [`WAITING_LISTED`]).
    pub waited_over_week: Vec<WaitingQuestion>,
    /// How many questions waited over a week.
    pub waited_over_week_total: usize,
    /// Articles untouched for a year, oldest first (at most [`WAITING_LISTED`]).
    pub stale_articles: Vec<StaleArticle>,
    /// How many articles were untouched for a year.
    pub stale_articles_total: usize,
}

/// A question nobody but its asker has replied to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaitingQuestion {
    /// The thread.
    pub thread: ThreadId,
    /// Its title.
    pub title: String,
    /// Its tags.
    pub tags: Vec<String>,
    /// Who asked.
    pub asked_by: MemberId,
    /// When.
    pub asked_at: Timestamp,
}

/// A meetup on the panel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetupLine {
    /// The event.
    pub event: EventId,
    /// Its title.
    pub title: String,
    /// When it starts.
    pub starts_at: Timestamp,
    /// Members recorded as there.
    pub attended: usize,
}

/// Meetups in one four-week stretch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetupMonth {
    /// The stretch's start.
    pub from: Timestamp,
    /// Meetups that started in it.
    pub meetups: u32,
    /// Attendances recorded at them.
    pub attended: u32,
}

/// How often members meet.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetupRhythm {
    /// Thirteen four-week stretches up to now, oldest first.
    pub months: Vec<MeetupMonth>,
    /// Meetups in the last year.
    pub last_year: u32,
    /// Mean days between consecutive meetups in the last year (two or more).
    pub mean_gap_days: Option<u32>,
    /// The latest one that started.
    pub last: Option<MeetupLine>,
    /// The next one.
    pub next: Option<MeetupLine>,
}

/// The health panel.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    /// Members per level, weekly over the last year, oldest first.
    pub weeks: Vec<LevelCounts>,
    /// Members who joined this quarter, newest first.
    pub newcomers: Vec<Newcomer>,
    /// Members peripheral a quarter ago (or not yet members) who are active or core now.
    pub risers: Vec<Riser>,
    /// Questions waiting for an answer, longest waiting first (at most [`WAITING_LISTED`]).
    pub waiting: Vec<WaitingQuestion>,
    /// How many questions wait.
    pub waiting_total: usize,
    /// Meetups.
    pub meetups: MeetupRhythm,
    /// For coordinators.
    pub hints: Hints,
}

pub(crate) fn health(
    ledger: &Ledger,
    timeline: &Timeline,
    rule: &LevelRule,
    now: Timestamp,
) -> Health {
    let window_ms = i64::from(rule.window_days) * DAY_MS;
    let quarter_ago = now.0.saturating_sub(QUARTER_DAYS * DAY_MS);
    let level_at = |member: &MemberId, at: i64| {
        Level::of(rule, timeline.count(ledger.index_of(member), at, window_ms))
    };
    let member_at = |joined_at: i64, removed_at: Option<i64>, at: i64| {
        joined_at <= at && removed_at.is_none_or(|r| r > at)
    };

    let weeks = (0..=WEEKS)
        .rev()
        .map(|k| {
            let at = now.0.saturating_sub(k * 7 * DAY_MS);
            let mut counts = LevelCounts {
                at: Timestamp(at),
                ..LevelCounts::default()
            };
            for (id, f) in &ledger.directory {
                if member_at(f.joined_at, f.removed_at, at) {
                    match level_at(id, at) {
                        Level::Peripheral => counts.peripheral += 1,
                        Level::Active => counts.active += 1,
                        Level::Core => counts.core += 1,
                    }
                }
            }
            counts
        })
        .collect();

    let current = || {
        ledger
            .directory
            .iter()
            .filter(|(_, f)| f.removed_at.is_none())
    };
    let mut newcomers: Vec<Newcomer> = current()
        .filter(|(_, f)| f.joined_at > quarter_ago && f.joined_at <= now.0)
        .map(|(id, f)| Newcomer {
            member: id.clone(),
            name: f.name.clone(),
            joined_at: Timestamp(f.joined_at),
            level: level_at(id, now.0),
        })
        .collect();
    newcomers.sort_by(|a, b| (b.joined_at, &a.name).cmp(&(a.joined_at, &b.name)));

    let mut rose: Vec<Riser> = current()
        .filter_map(|(id, f)| {
            let from = if f.joined_at <= quarter_ago {
                level_at(id, quarter_ago)
            } else {
                Level::Peripheral
            };
            let level = level_at(id, now.0);
            (level > from).then(|| Riser {
                member: id.clone(),
                name: f.name.clone(),
                from,
                level,
            })
        })
        .collect();
    rose.sort_by(|a, b| (b.level, &a.name).cmp(&(a.level, &b.name)));
    let risers: Vec<Riser> = rose
        .iter()
        .filter(|r| r.from == Level::Peripheral)
        .cloned()
        .collect();
    rose.truncate(WAITING_LISTED);

    let mut waiting: Vec<WaitingQuestion> = ledger
        .threads
        .iter()
        .filter(|(_, q)| q.question && !q.answered && !q.accepted && q.asked_at <= now.0)
        .map(|(id, q)| WaitingQuestion {
            thread: id.clone(),
            title: q.title.clone(),
            tags: q.tags.clone(),
            asked_by: q.asked_by.clone(),
            asked_at: Timestamp(q.asked_at),
        })
        .collect();
    waiting.sort_by(|a, b| (a.asked_at, &a.thread).cmp(&(b.asked_at, &b.thread)));
    let waiting_total = waiting.len();
    let week_ago = now.0.saturating_sub(7 * DAY_MS);
    let mut waited_over_week: Vec<WaitingQuestion> = waiting
        .iter()
        .filter(|q| q.asked_at.0 < week_ago)
        .cloned()
        .collect();
    let waited_over_week_total = waited_over_week.len();
    waited_over_week.truncate(WAITING_LISTED);
    waiting.truncate(WAITING_LISTED);
    let year_ago = now.0.saturating_sub(365 * DAY_MS);
    let mut stale_articles: Vec<StaleArticle> = ledger
        .articles
        .iter()
        .filter(|(_, a)| a.updated_at < year_ago)
        .map(|(id, a)| StaleArticle {
            article: id.clone(),
            title: a.title.clone(),
            updated_at: Timestamp(a.updated_at),
        })
        .collect();
    stale_articles.sort_by(|a, b| (a.updated_at, &a.article).cmp(&(b.updated_at, &b.article)));
    let stale_articles_total = stale_articles.len();
    stale_articles.truncate(WAITING_LISTED);

    Health {
        weeks,
        newcomers,
        risers,
        waiting,
        waiting_total,
        meetups: rhythm(ledger, now),
        hints: Hints {
            ready_for_more: rose,
            waited_over_week,
            waited_over_week_total,
            stale_articles,
            stale_articles_total,
        },
    }
}

fn rhythm(ledger: &Ledger, now: Timestamp) -> MeetupRhythm {
    let line = |(id, m): (&EventId, &crate::ledger::MeetupFacts)| MeetupLine {
        event: id.clone(),
        title: m.title.clone(),
        starts_at: Timestamp(m.starts_at),
        attended: m.attended,
    };
    let year_ago = now.0.saturating_sub(365 * DAY_MS);
    let mut past: Vec<i64> = ledger
        .meetups
        .values()
        .map(|m| m.starts_at)
        .filter(|&at| at > year_ago && at <= now.0)
        .collect();
    past.sort_unstable();
    let mean_gap_days = (past.len() >= 2).then(|| {
        let span = past[past.len() - 1] - past[0];
        let gaps = i64::try_from(past.len() - 1).unwrap_or(1);
        u32::try_from(span / gaps / DAY_MS).unwrap_or(u32::MAX)
    });
    let months = (0..13)
        .rev()
        .map(|k| {
            let to = now.0.saturating_sub(k * MONTH_DAYS * DAY_MS);
            let from = to.saturating_sub(MONTH_DAYS * DAY_MS);
            let inside = ledger
                .meetups
                .values()
                .filter(|m| m.starts_at > from && m.starts_at <= to);
            let (mut meetups, mut attended) = (0u32, 0u32);
            for m in inside {
                meetups += 1;
                attended = attended.saturating_add(u32::try_from(m.attended).unwrap_or(0));
            }
            MeetupMonth {
                from: Timestamp(from),
                meetups,
                attended,
            }
        })
        .collect();
    MeetupRhythm {
        months,
        last_year: u32::try_from(past.len()).unwrap_or(u32::MAX),
        mean_gap_days,
        last: ledger
            .meetups
            .iter()
            .filter(|(_, m)| m.starts_at <= now.0)
            .max_by_key(|(id, m)| (m.starts_at, (*id).clone()))
            .map(line),
        next: ledger
            .meetups
            .iter()
            .filter(|(_, m)| m.starts_at > now.0)
            .min_by_key(|(id, m)| (m.starts_at, (*id).clone()))
            .map(line),
    }
}
