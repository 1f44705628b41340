//! Levels of participation (peripheral, active, core) from the ledger, at any time: each
//! member's contributions within the community's window are compared with its thresholds.

use copse_core::record::LevelRule;
use copse_core::{MemberId, Timestamp};
use serde::{Deserialize, Serialize};

use crate::contribution::KindCounts;
use crate::health::{Health, health};
use crate::ledger::Ledger;

/// A day in milliseconds.
pub(crate) const DAY_MS: i64 = 86_400_000;
/// Points on a trajectory or on the health chart: one a week over the last year.
pub(crate) const WEEKS: i64 = 52;

/// Where a member stands in the community's practice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Fewer contributions in the window than "active" asks: watching, learning, starting.
    Peripheral,
    /// Contributes regularly.
    Active,
    /// Among those who carry the practice.
    Core,
}

impl Level {
    /// Every level, periphery first.
    pub const ALL: [Level; 3] = [Level::Peripheral, Level::Active, Level::Core];

    /// The level `contributions` in a window reach under `rule`.
    pub fn of(rule: &LevelRule, contributions: u32) -> Self {
        if contributions >= rule.core_from {
            Self::Core
        } else if contributions >= rule.active_from {
            Self::Active
        } else {
            Self::Peripheral
        }
    }

    /// Lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Peripheral => "peripheral",
            Self::Active => "active",
            Self::Core => "core",
        }
    }
}

/// One member's level now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberLevel {
    /// Who.
    pub member: MemberId,
    /// Their name.
    pub name: String,
    /// A coordinator (a role, shown beside the level).
    pub coordinator: bool,
    /// Their level.
    pub level: Level,
    /// Their contributions within the window, by kind.
    pub window: KindCounts,
    /// When they joined.
    pub joined_at: Timestamp,
}

/// Everyone's level and the community's health, as of `at`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Participation {
    /// The thresholds in force.
    pub rule: LevelRule,
    /// When this was computed.
    pub at: Timestamp,
    /// Current members, most contributions in the window first.
    pub members: Vec<MemberLevel>,
    /// The health panel.
    pub health: Health,
}

impl Participation {
    /// The level of `member`, if a current member.
    pub fn level_of(&self, member: &MemberId) -> Option<Level> {
        self.members
            .iter()
            .find(|m| &m.member == member)
            .map(|m| m.level)
    }
}

/// One point of a trajectory.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeekScore {
    /// The end of the window this point counts.
    pub at: Timestamp,
    /// Contributions within the window ending then.
    pub contributions: u32,
    /// The level they make.
    pub level: Level,
}

/// One member's participation over the last year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trajectory {
    /// Who.
    pub member: MemberId,
    /// Their name.
    pub name: String,
    /// The thresholds in force.
    pub rule: LevelRule,
    /// Weekly points over the last year, oldest first (from when they joined).
    pub weeks: Vec<WeekScore>,
    /// Contributions within the current window, by kind.
    pub window: KindCounts,
    /// Every contribution of theirs the community holds, by kind.
    pub all_time: KindCounts,
}

impl Trajectory {
    /// Their level now.
    pub fn level(&self) -> Level {
        self.weeks.last().map_or(Level::Peripheral, |w| w.level)
    }
}

/// Each member's contribution times, sorted: a window's count is two binary searches.
pub(crate) struct Timeline {
    times: Vec<Vec<i64>>,
}

impl Timeline {
    pub(crate) fn new(ledger: &Ledger) -> Self {
        let mut times: Vec<Vec<i64>> = Vec::new();
        for c in ledger.contributions() {
            let i = c.member as usize;
            if times.len() <= i {
                times.resize_with(i + 1, Vec::new);
            }
            times[i].push(c.at);
        }
        for t in &mut times {
            t.sort_unstable();
        }
        Self { times }
    }

    /// Contributions of member `index` in `(end - window, end]`.
    pub(crate) fn count(&self, index: Option<u32>, end: i64, window_ms: i64) -> u32 {
        let Some(t) = index.and_then(|i| self.times.get(i as usize)) else {
            return 0;
        };
        let upto = t.partition_point(|&x| x <= end);
        let from = t.partition_point(|&x| x <= end.saturating_sub(window_ms));
        u32::try_from(upto - from).unwrap_or(u32::MAX)
    }
}

/// Contributions of member `index` by kind within `(end - window, end]` (all if `None`).
fn counts(ledger: &Ledger, index: Option<u32>, end: i64, window_ms: Option<i64>) -> KindCounts {
    let mut out = KindCounts::default();
    let Some(index) = index else { return out };
    for c in ledger.contributions() {
        let inside = window_ms.is_none_or(|w| c.at > end.saturating_sub(w) && c.at <= end);
        if c.member == index && inside {
            out.add(c.kind);
        }
    }
    out
}

/// Everyone's level as of `now`, and the health panel.
pub fn participation(ledger: &Ledger, rule: &LevelRule, now: Timestamp) -> Participation {
    let timeline = Timeline::new(ledger);
    let window_ms = i64::from(rule.window_days) * DAY_MS;
    let mut by_member: Vec<KindCounts> = Vec::new();
    for c in ledger.contributions() {
        if c.at > now.0.saturating_sub(window_ms) && c.at <= now.0 {
            let i = c.member as usize;
            if by_member.len() <= i {
                by_member.resize(i + 1, KindCounts::default());
            }
            by_member[i].add(c.kind);
        }
    }
    let mut members: Vec<MemberLevel> = ledger
        .directory
        .iter()
        .filter(|(_, f)| f.removed_at.is_none())
        .map(|(id, f)| {
            let window = ledger
                .index_of(id)
                .and_then(|i| by_member.get(i as usize).copied())
                .unwrap_or_default();
            MemberLevel {
                member: id.clone(),
                name: f.name.clone(),
                coordinator: f.coordinator,
                level: Level::of(rule, window.total()),
                window,
                joined_at: Timestamp(f.joined_at),
            }
        })
        .collect();
    members.sort_by(|a, b| {
        (b.window.total(), &a.name, &a.member).cmp(&(a.window.total(), &b.name, &b.member))
    });
    let health = health(ledger, &timeline, rule, now);
    Participation {
        rule: *rule,
        at: now,
        members,
        health,
    }
}

/// `member`'s participation over the last year, if the community knows them.
pub fn trajectory(
    ledger: &Ledger,
    rule: &LevelRule,
    now: Timestamp,
    member: &MemberId,
) -> Option<Trajectory> {
    let facts = ledger.directory.get(member)?;
    let timeline = Timeline::new(ledger);
    let index = ledger.index_of(member);
    let window_ms = i64::from(rule.window_days) * DAY_MS;
    let weeks = (0..=WEEKS)
        .rev()
        .map(|k| now.0.saturating_sub(k * 7 * DAY_MS))
        .filter(|&at| at >= facts.joined_at.saturating_sub(7 * DAY_MS))
        .map(|at| {
            let contributions = timeline.count(index, at, window_ms);
            WeekScore {
                at: Timestamp(at),
                contributions,
                level: Level::of(rule, contributions),
            }
        })
        .collect();
    Some(Trajectory {
        member: member.clone(),
        name: facts.name.clone(),
        rule: *rule,
        weeks,
        window: counts(ledger, index, now.0, Some(window_ms)),
        all_time: counts(ledger, index, now.0, None),
    })
}
