//! Which views a change may have made stale, from the typed [`Touched`] that core derives
//! from each change's command (never from command-name strings).

use copse_core::record::ThreadKind;
use copse_core::{CommunityId, Touched};

use super::loads::View;

/// The views of community `c` that a change touching `t` may have changed.
pub(crate) fn views_touched(c: &CommunityId, t: &Touched) -> Vec<View> {
    let c = c.clone();
    let mut v = match t {
        Touched::Thread(id) => {
            let mut v = vec![
                View::Threads(c.clone(), ThreadKind::Discussion),
                View::Threads(c.clone(), ThreadKind::Question),
            ];
            v.extend(id.clone().map(|t| View::Thread(c.clone(), t)));
            v
        }
        Touched::Article(id) => {
            let mut v = vec![View::Articles(c.clone())];
            if let Some(a) = id {
                v.push(View::Article(c.clone(), a.clone()));
                v.push(View::History(c.clone(), a.clone()));
            }
            v
        }
        Touched::Event(id) => {
            let mut v = vec![View::Upcoming(c.clone()), View::Past(c.clone())];
            v.extend(id.clone().map(|e| View::Event(c.clone(), e)));
            v
        }
        Touched::Tasks => vec![View::Tasks(c.clone())],
        Touched::Resources => vec![View::Resources(c.clone())],
        Touched::Profile => vec![View::Profile(c.clone()), View::Communities],
        Touched::Membership | Touched::MemberDetails => {
            vec![
                View::Members(c.clone()),
                View::Invites(c.clone()),
                View::Status,
            ]
        }
        Touched::Invites => return vec![View::WhatsNew(c.clone()), View::Invites(c)],
        Touched::Everything => vec![
            View::Communities,
            View::Profile(c.clone()),
            View::Members(c.clone()),
            View::Threads(c.clone(), ThreadKind::Discussion),
            View::Threads(c.clone(), ThreadKind::Question),
            View::Articles(c.clone()),
            View::Upcoming(c.clone()),
            View::Past(c.clone()),
            View::Tasks(c.clone()),
            View::Resources(c.clone()),
            View::Status,
        ],
    };
    // Levels and health read threads, articles, events, tasks and members (not resources).
    if *t != Touched::Resources {
        v.push(View::Participation(c.clone()));
    }
    // "For you" reads threads, events and members (names, skills); "Start here" tasks too.
    if matches!(
        t,
        Touched::Thread(_)
            | Touched::Event(_)
            | Touched::Membership
            | Touched::MemberDetails
            | Touched::Everything
    ) {
        v.push(View::ForYou(c.clone()));
    }
    if !matches!(
        t,
        Touched::Resources | Touched::Invites | Touched::Article(_)
    ) {
        v.push(View::StartHere(c.clone()));
    }
    // Stories live in members' entries; prompts follow accepted answers and meetups.
    if matches!(t, Touched::MemberDetails | Touched::Everything) {
        v.push(View::Stories(c.clone()));
    }
    if matches!(
        t,
        Touched::MemberDetails | Touched::Thread(_) | Touched::Event(_) | Touched::Everything
    ) {
        v.push(View::StoryPrompts(c.clone()));
    }
    // The meetup panel shows an event, its attendance and the members here; the digest
    // also the threads started and answered during it.
    if matches!(
        t,
        Touched::Event(_) | Touched::Membership | Touched::MemberDetails | Touched::Everything
    ) {
        v.push(View::Meetup(c.clone()));
    }
    if matches!(
        t,
        Touched::Event(_) | Touched::Thread(_) | Touched::MemberDetails | Touched::Everything
    ) {
        v.push(View::MeetupDigest(c.clone()));
    }
    v.push(View::WhatsNew(c));
    v
}
