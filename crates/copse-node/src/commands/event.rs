//! `event new / rsvp / attend / notes / list [--past]`.

use clap::Subcommand;
use copse_core::view::events::EventView;
use copse_core::{Command, EventId, MemberId, Timestamp, local_time};
use copse_peer::ask;

use super::args::CommunityArg;
use super::choice::RsvpArg;
use super::parse;
use super::print::when;
use super::run::{Run, ask, edit};

#[derive(Debug, Subcommand)]
pub(crate) enum EventCmd {
    /// Plan an event. Times are UTC ("2026-12-03 18:00"), or local to --zone. Prints its id.
    New {
        #[command(flatten)]
        c: CommunityArg,
        /// Title.
        #[arg(long)]
        title: String,
        /// Start (UTC).
        #[arg(long, value_parser = parse::when)]
        starts: Timestamp,
        /// End (UTC; default: two hours after the start).
        #[arg(long, value_parser = parse::when)]
        ends: Option<Timestamp>,
        /// Where.
        #[arg(long, default_value = "")]
        place: String,
        /// What it is about.
        #[arg(long, default_value = "")]
        description: String,
        /// The IANA time zone where it happens (`Europe/Oslo`): --starts and --ends are
        /// read as its local time, and everyone sees the event in it and in their own.
        #[arg(long, value_parser = parse::zone)]
        zone: Option<String>,
    },
    /// Answer yes, no or maybe.
    Rsvp {
        #[command(flatten)]
        c: CommunityArg,
        /// Event id.
        #[arg(long)]
        event: EventId,
        /// Your answer.
        #[arg(long, value_enum)]
        answer: RsvpArg,
    },
    /// Record attendance (yours, or anyone's if you organise or coordinate).
    Attend {
        #[command(flatten)]
        c: CommunityArg,
        /// Event id.
        #[arg(long)]
        event: EventId,
        /// Member id (default: you).
        #[arg(long)]
        member: Option<MemberId>,
        /// Record absence instead.
        #[arg(long)]
        absent: bool,
    },
    /// Replace the shared notes.
    Notes {
        #[command(flatten)]
        c: CommunityArg,
        /// Event id.
        #[arg(long)]
        event: EventId,
        /// The notes.
        #[arg(long)]
        text: String,
    },
    /// Upcoming events (or --past).
    List {
        #[command(flatten)]
        c: CommunityArg,
        /// Past events instead.
        #[arg(long)]
        past: bool,
    },
}

impl EventCmd {
    /// The request; `me` is the default attendee.
    pub(crate) fn request(self, me: &MemberId) -> Run {
        let edit = |c: CommunityArg, command| edit(c.community, command);
        match self {
            EventCmd::New {
                c,
                title,
                starts,
                ends,
                place,
                description,
                zone,
            } => {
                // clap read the times as UTC; the same wall-clock time in the event's zone.
                let local = |t: Timestamp| match zone.as_deref().and_then(local_time::zone) {
                    Some(tz) => local_time::parse_local(&t.to_utc_string(), &tz).unwrap_or(t),
                    None => t,
                };
                let starts_at = local(starts);
                edit(
                    c,
                    Command::CreateEvent {
                        title,
                        description,
                        starts_at,
                        ends_at: ends.map_or(
                            starts_at.plus_millis(copse_core::view::events::DEFAULT_LENGTH_MS),
                            local,
                        ),
                        place,
                        zone,
                    },
                )
            }
            EventCmd::Rsvp { c, event, answer } => edit(
                c,
                Command::Rsvp {
                    event,
                    answer: answer.into(),
                },
            ),
            EventCmd::Attend {
                c,
                event,
                member,
                absent,
            } => edit(
                c,
                Command::RecordAttendance {
                    event,
                    member: member.unwrap_or_else(|| me.clone()),
                    present: !absent,
                },
            ),
            EventCmd::Notes { c, event, text } => edit(
                c,
                Command::EditEventNotes {
                    event,
                    notes: text,
                    base: None,
                },
            ),
            EventCmd::List { c, past } => ask(
                ask::Events {
                    community: c.community,
                    past,
                },
                print_list,
            ),
        }
    }
}

fn print_list(list: Vec<EventView>) -> String {
    list.iter()
        .map(|e| {
            // UTC for scripts, then the event's own local time when it has a zone.
            let local = e
                .zone
                .as_deref()
                .and_then(|z| Some((z, local_time::zone(z)?)))
                .map(|(z, tz)| format!(" ({} {z})", local_time::iso_minutes(e.starts_at, &tz)))
                .unwrap_or_default();
            format!(
                "{}  {} UTC{local} — {} at {} ({} going)",
                e.id,
                when(e.starts_at),
                e.title,
                e.place,
                e.going()
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}
