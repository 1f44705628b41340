//! "Start here": a newcomer's first steps, for a member at the periphery: good first
//! tasks, questions waiting in their skills, the next meetup, and a suggested mentor (a
//! core member or a coordinator who shares their skills). The norms come with the profile.

use std::collections::BTreeSet;

use copse_core::record::LevelRule;
use copse_core::{EventId, MemberId, TaskId, Timestamp};
use serde::{Deserialize, Serialize};

use crate::health::{MeetupLine, WaitingQuestion};
use crate::ledger::Ledger;
use crate::levels::{DAY_MS, Level, Timeline};

/// Tasks and questions listed.
const LISTED: usize = 5;

/// An open task marked as a good first task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirstTask {
    /// The task.
    pub task: TaskId,
    /// What to do.
    pub title: String,
}

/// Someone to ask.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mentor {
    /// Who.
    pub member: MemberId,
    /// Their name.
    pub name: String,
    /// A coordinator.
    pub coordinator: bool,
    /// Their level.
    pub level: Level,
    /// Skills you both list.
    pub shared: Vec<String>,
}

/// A member's first steps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StartHere {
    /// The member's level (the app shows "Start here" at the periphery).
    pub level: Level,
    /// Open good first tasks nobody else took on, newest first.
    pub tasks: Vec<FirstTask>,
    /// Questions nobody has answered in the member's skills, newest first.
    pub questions: Vec<WaitingQuestion>,
    /// The next meetup.
    pub next_meetup: Option<MeetupLine>,
    /// A core member or coordinator who shares the member's skills.
    pub mentor: Option<Mentor>,
}

/// `me`'s first steps as of `now`, if the community knows them.
pub fn start_here(
    ledger: &Ledger,
    rule: &LevelRule,
    now: Timestamp,
    me: &MemberId,
) -> Option<StartHere> {
    let facts = ledger.directory.get(me)?;
    let timeline = Timeline::new(ledger);
    let window_ms = i64::from(rule.window_days) * DAY_MS;
    let level_of =
        |m: &MemberId| Level::of(rule, timeline.count(ledger.index_of(m), now.0, window_ms));
    let skills: BTreeSet<String> = facts.skills.iter().map(|s| s.to_lowercase()).collect();

    let mut tasks: Vec<FirstTask> = ledger
        .tasks
        .iter()
        .filter(|(_, t)| t.open && t.good_first)
        .filter(|(_, t)| t.assignee.as_ref().is_none_or(|a| a == me))
        .map(|(id, t)| FirstTask {
            task: id.clone(),
            title: t.title.clone(),
        })
        .collect();
    // Task ids are random: order by title for a stable list.
    tasks.sort_by(|a, b| (&a.title, &a.task).cmp(&(&b.title, &b.task)));
    tasks.truncate(LISTED);

    let mut questions: Vec<WaitingQuestion> = ledger
        .threads
        .iter()
        .filter(|(_, t)| t.question && !t.answered && !t.accepted && t.asked_by != *me)
        .filter(|(_, t)| t.asked_at <= now.0 && t.tags.iter().any(|g| skills.contains(g)))
        .map(|(id, t)| WaitingQuestion {
            thread: id.clone(),
            title: t.title.clone(),
            tags: t.tags.clone(),
            asked_by: t.asked_by.clone(),
            asked_at: Timestamp(t.asked_at),
        })
        .collect();
    questions.sort_by(|a, b| (b.asked_at, &b.thread).cmp(&(a.asked_at, &a.thread)));
    questions.truncate(LISTED);

    let next_meetup = ledger
        .meetups
        .iter()
        .filter(|(_, m)| m.starts_at > now.0)
        .min_by_key(|(id, m)| (m.starts_at, (*id).clone()))
        .map(|(id, m): (&EventId, _)| MeetupLine {
            event: id.clone(),
            title: m.title.clone(),
            starts_at: Timestamp(m.starts_at),
            attended: m.attended,
        });

    let mentor = ledger
        .directory
        .iter()
        .filter(|(id, f)| *id != me && f.removed_at.is_none())
        .filter_map(|(id, f)| {
            let level = level_of(id);
            if !(f.coordinator || level == Level::Core) {
                return None;
            }
            let shared: Vec<String> = f
                .skills
                .iter()
                .map(|s| s.to_lowercase())
                .filter(|s| skills.contains(s))
                .collect();
            let busy = timeline.count(ledger.index_of(id), now.0, window_ms);
            (!shared.is_empty()).then(|| {
                let mentor = Mentor {
                    member: id.clone(),
                    name: f.name.clone(),
                    coordinator: f.coordinator,
                    level,
                    shared,
                };
                (mentor, busy)
            })
        })
        // Most shared skills, then the core before coordinators who are not, then the
        // most active; the id settles ties.
        .max_by(|(a, a_busy), (b, b_busy)| {
            (a.shared.len(), a.level, a_busy, &b.member).cmp(&(
                b.shared.len(),
                b.level,
                b_busy,
                &a.member,
            ))
        })
        .map(|(m, _)| m);

    Some(StartHere {
        level: level_of(me),
        tasks,
        questions,
        next_meetup,
        mentor,
    })
}
