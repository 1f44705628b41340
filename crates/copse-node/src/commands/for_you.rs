//! `for-you`: what in a community concerns this device's member (replies to their threads,
//! their accepted answers, mentions, questions in what they know, meetups within a day).

use copse_peer::ask;
use copse_peer::participation::ForYouItem;
use copse_peer::participation::ForYouKind;

use super::args::CommunityArg;
use super::print::when;
use super::run::{Run, ask};

/// `for-you`.
pub(crate) fn for_you(c: CommunityArg) -> Run {
    ask(
        ask::ForYou {
            community: c.community,
        },
        print_for_you,
    )
}

fn print_for_you(items: Vec<ForYouItem>) -> String {
    if items.is_empty() {
        return "Nothing for you right now.".into();
    }
    items
        .iter()
        .map(|i| {
            let what = match i.kind {
                ForYouKind::Replies if i.count == 1 => "1 reply to your thread".to_owned(),
                ForYouKind::Replies => format!("{} replies to your thread", i.count),
                ForYouKind::Accepted => "your answer was accepted in".to_owned(),
                ForYouKind::Mention => "you were mentioned in".to_owned(),
                ForYouKind::Question => "a question waiting in what you know:".to_owned(),
                ForYouKind::Meetup => "meetup soon:".to_owned(),
            };
            let id = i
                .thread
                .as_ref()
                .map(ToString::to_string)
                .or_else(|| i.event.as_ref().map(ToString::to_string))
                .unwrap_or_default();
            format!(
                "{}{}  {what} \"{}\"  ({id})",
                if i.new { "* " } else { "  " },
                when(i.at),
                i.title
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}
