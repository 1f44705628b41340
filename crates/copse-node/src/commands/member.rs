//! `member list / experts / levels / update / role / remove`.

use clap::Subcommand;
use copse_core::view::members::MemberEntry;
use copse_core::{Command, MemberId};
use copse_peer::Expert;
use copse_peer::ask;
use copse_peer::participation::Participation;
use copse_peer::participation::Trajectory;

use super::args::{CommunityArg, Details};
use super::choice::RoleArg;
use super::print::{tags, when};
use super::run::{Run, ask, edit};

#[derive(Debug, Subcommand)]
pub(crate) enum MemberCmd {
    /// The directory; filter by skill or organisation ("who can help with X").
    List {
        #[command(flatten)]
        c: CommunityArg,
        /// Skill (substring).
        #[arg(long)]
        skill: Option<String>,
        /// Organisation (substring).
        #[arg(long)]
        organisation: Option<String>,
    },
    /// Who knows about a topic: expertise earned in the history (accepted answers, answers,
    /// articles under that tag), then members who list it as a skill.
    Experts {
        #[command(flatten)]
        c: CommunityArg,
        /// The topic (a tag or skill); repeat for several.
        #[arg(long = "tag", required = true)]
        tags: Vec<String>,
        /// At most this many members.
        #[arg(long, default_value_t = 10)]
        limit: usize,
    },
    /// Participation levels (peripheral, active, core) from the community's history on this
    /// device, and the community's health; with --member, one member's last year.
    Levels {
        #[command(flatten)]
        c: CommunityArg,
        /// Only this member: their weekly contributions over the last year.
        #[arg(long)]
        member: Option<MemberId>,
    },
    /// Update your entry in a community.
    Update {
        #[command(flatten)]
        c: CommunityArg,
        #[command(flatten)]
        details: Details,
    },
    /// Coordinators: set a member's role.
    Role {
        #[command(flatten)]
        c: CommunityArg,
        /// Member id.
        #[arg(long)]
        member: MemberId,
        /// The new role.
        #[arg(long, value_enum)]
        role: RoleArg,
    },
    /// Coordinators: remove a member.
    Remove {
        #[command(flatten)]
        c: CommunityArg,
        /// Member id.
        #[arg(long)]
        member: MemberId,
    },
}

impl MemberCmd {
    pub(crate) fn request(self) -> Run {
        let edit = |c: CommunityArg, command| edit(c.community, command);
        match self {
            MemberCmd::List {
                c,
                skill,
                organisation,
            } => ask(
                ask::Members {
                    community: c.community,
                    skill,
                    organisation,
                    include_removed: false,
                },
                print_list,
            ),
            MemberCmd::Experts { c, tags, limit } => ask(
                ask::Experts {
                    community: c.community,
                    topics: tags,
                    limit,
                },
                print_experts,
            ),
            MemberCmd::Levels { c, member: None } => ask(
                ask::Participation {
                    community: c.community,
                },
                print_levels,
            ),
            MemberCmd::Levels {
                c,
                member: Some(member),
            } => ask(
                ask::Trajectory {
                    community: c.community,
                    member,
                },
                print_trajectory,
            ),
            MemberCmd::Update { c, details } => edit(c, Command::UpdateMyDetails(details.into())),
            MemberCmd::Role { c, member, role } => edit(
                c,
                Command::SetRole {
                    member,
                    role: role.into(),
                },
            ),
            MemberCmd::Remove { c, member } => edit(c, Command::RemoveMember { member }),
        }
    }
}

fn print_list(list: Vec<MemberEntry>) -> String {
    list.iter()
        .map(|m| {
            format!(
                "{}  {} — {} / {} ({}){}",
                m.id,
                m.member.name,
                m.member.organisation,
                m.member.department,
                m.member.role,
                tags(&m.member.skills)
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `member experts`.
fn print_experts(list: Vec<Expert>) -> String {
    if list.is_empty() {
        return "No one has answered or written about it yet, and no one lists it as a skill."
            .into();
    }
    list.iter()
        .map(|e| {
            let earned = if e.earned > 0 {
                format!("earned {} ({})", e.earned, e.breakdown())
            } else {
                "nothing earned yet".to_owned()
            };
            let declared = if e.declared {
                "; lists it as a skill"
            } else {
                ""
            };
            format!("{}  {}  {earned}{declared}", e.member, e.name)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn days_since(at: copse_core::Timestamp, now: copse_core::Timestamp) -> i64 {
    // Times come from members' devices: any i64.
    now.0.saturating_sub(at.0).max(0) / 86_400_000
}

/// `member levels`.
fn print_levels(p: Participation) -> String {
    let r = &p.rule;
    let mut out = vec![format!(
        "Levels over the last {} days (active from {}, core from {} contributions):",
        r.window_days, r.active_from, r.core_from
    )];
    for m in &p.members {
        let role = if m.coordinator { ", coordinator" } else { "" };
        let what = m.window.summary();
        out.push(format!(
            "  {:<10} {:>4}  {} ({}{role}){}",
            m.level.as_str(),
            m.window.total(),
            m.name,
            m.member,
            if what.is_empty() {
                String::new()
            } else {
                format!(": {what}")
            }
        ));
    }
    let h = &p.health;
    let names = |v: Vec<String>| {
        if v.is_empty() {
            "none".to_owned()
        } else {
            v.join(", ")
        }
    };
    out.push(format!(
        "Joined this quarter: {}",
        names(h.newcomers.iter().map(|n| n.name.clone()).collect())
    ));
    out.push(format!(
        "Moved in from the periphery this quarter: {}",
        names(
            h.risers
                .iter()
                .map(|r| format!("{} ({})", r.name, r.level.as_str()))
                .collect()
        )
    ));
    out.push(format!(
        "Questions waiting for an answer: {}",
        h.waiting_total
    ));
    for q in &h.waiting {
        out.push(format!(
            "  {} days  {}  ({})",
            days_since(q.asked_at, p.at),
            q.title,
            q.thread
        ));
    }
    let hints = &h.hints;
    out.push(format!(
        "For coordinators: ready for more? {}",
        names(
            hints
                .ready_for_more
                .iter()
                .map(|r| format!("{} ({} -> {})", r.name, r.from.as_str(), r.level.as_str()))
                .collect()
        )
    ));
    out.push(format!(
        "  questions waiting over a week: {}; articles untouched for a year: {}",
        hints.waited_over_week_total, hints.stale_articles_total
    ));
    let m = &h.meetups;
    let gap = m
        .mean_gap_days
        .map(|d| format!(", one every {d} days"))
        .unwrap_or_default();
    out.push(format!("Meetups in the last year: {}{gap}", m.last_year));
    if let Some(l) = &m.last {
        out.push(format!(
            "  last: {} ({}), {} there",
            l.title,
            when(l.starts_at),
            l.attended
        ));
    }
    if let Some(n) = &m.next {
        out.push(format!("  next: {} ({})", n.title, when(n.starts_at)));
    }
    out.join("\n")
}

/// `member levels --member M`.
fn print_trajectory(t: Trajectory) -> String {
    let mut out = vec![format!(
        "{} is {} ({} contributions in the last {} days{})",
        t.name,
        t.level().as_str(),
        t.window.total(),
        t.rule.window_days,
        match t.window.summary() {
            s if s.is_empty() => String::new(),
            s => format!(": {s}"),
        }
    )];
    out.push(format!("All time: {}", t.all_time.summary()));
    out.push("Week ending   contributions in the window".into());
    for w in &t.weeks {
        out.push(format!(
            "  {}  {:>4}  {}",
            &when(w.at)[..10],
            w.contributions,
            w.level.as_str()
        ));
    }
    out.join("\n")
}
