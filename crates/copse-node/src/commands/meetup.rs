//! `meetup now / digest`: the meetup in progress (who is here, whether every device here
//! has everything) and, afterwards, what happened at the last one.

use clap::Subcommand;
use copse_core::view::meetups::MeetupDigest;
use copse_peer::MeetupNow;
use copse_peer::ask;

use super::args::CommunityArg;
use super::run::{Run, ask};

#[derive(Debug, Subcommand)]
pub(crate) enum MeetupCmd {
    /// The meetup on now (its time, or an hour around it): who is here (connected
    /// devices) and whether they all have everything this device has.
    Now(CommunityArg),
    /// The last meetup (over within 30 days): who came, the notes, threads started and
    /// questions answered during it.
    Digest(CommunityArg),
}

impl MeetupCmd {
    pub(crate) fn request(self) -> Run {
        match self {
            MeetupCmd::Now(c) => ask(
                ask::Meetup {
                    community: c.community,
                },
                print_now,
            ),
            MeetupCmd::Digest(c) => ask(
                ask::MeetupDigest {
                    community: c.community,
                },
                print_digest,
            ),
        }
    }
}

fn print_now(m: MeetupNow) -> String {
    let Some(e) = &m.event else {
        return "No meetup now.".into();
    };
    let mut out = vec![format!(
        "Meetup in progress: {} ({}), {} checked in",
        e.title,
        e.id,
        e.attended.len()
    )];
    for p in &m.here {
        let sync = if p.up_to_date {
            "up to date"
        } else {
            "syncing"
        };
        let checked = if e.attended.contains(&p.member) {
            ", here"
        } else {
            ""
        };
        out.push(format!("  {} ({}): {sync}{checked}", p.name, p.member));
    }
    out.push(if m.up_to_date() == m.devices() {
        format!("all {} devices here are up to date", m.devices())
    } else {
        format!(
            "{} of {} devices here are up to date",
            m.up_to_date(),
            m.devices()
        )
    });
    out.join("\n")
}

fn print_digest(d: Option<MeetupDigest>) -> String {
    let Some(d) = d else {
        return "No meetup in the last 30 days.".into();
    };
    let mut out = vec![format!(
        "Since the last meetup: {} ({})",
        d.event.title, d.event.id
    )];
    out.push(format!(
        "came: {}",
        d.came
            .iter()
            .map(|(_, name)| name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    ));
    for t in &d.threads_started {
        out.push(format!("started: {} ({})", t.title, t.id));
    }
    for t in &d.questions_answered {
        out.push(format!("answered: {} ({})", t.title, t.id));
    }
    if !d.event.notes.is_empty() {
        out.push(format!("notes:\n{}", d.event.notes));
    }
    out.join("\n")
}
