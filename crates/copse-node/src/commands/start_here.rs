//! `start-here`: a newcomer's first steps in a community: the norms, good first tasks,
//! questions waiting in their skills, the next meetup and someone to ask.

use copse_peer::ask;
use copse_peer::participation::StartHere;

use super::args::CommunityArg;
use super::print::when;
use super::run::{Run, ask};

/// `start-here`.
pub(crate) fn start_here(c: CommunityArg) -> Run {
    ask(
        ask::StartHere {
            community: c.community,
        },
        print_start_here,
    )
}

fn print_start_here(s: StartHere) -> String {
    lines(&s).join("\n")
}

fn lines(s: &StartHere) -> Vec<String> {
    let mut out = vec![format!("You are {} here.", s.level.as_str())];
    out.push("Good first tasks:".into());
    if s.tasks.is_empty() {
        out.push("  none marked yet".into());
    }
    for t in &s.tasks {
        out.push(format!("  {}  ({})", t.title, t.task));
    }
    out.push("Questions waiting in your skills:".into());
    if s.questions.is_empty() {
        out.push("  none".into());
    }
    for q in &s.questions {
        out.push(format!("  {}  ({})", q.title, q.thread));
    }
    match &s.next_meetup {
        Some(m) => out.push(format!("Next meetup: {} ({})", m.title, when(m.starts_at))),
        None => out.push("Next meetup: none planned".into()),
    }
    match &s.mentor {
        Some(m) => out.push(format!(
            "Someone to ask: {} ({}{}), who also knows {}",
            m.name,
            m.level.as_str(),
            if m.coordinator { ", coordinator" } else { "" },
            m.shared.join(", ")
        )),
        None => {
            out.push("Someone to ask: no core member or coordinator shares your skills yet".into())
        }
    }
    out
}
