//! "Since the last meetup" from the ledger: the meetup and who came come from the document
//! (a few reads), the threads started and the questions answered during it from the
//! ledger's thread facts and acceptance times, so asking costs no walk over the threads.

use copse_core::doc_read::DocRead;
use copse_core::view::meetups::{MeetupDigest, ThreadBrief, last_meetup, window};
use copse_core::{ThreadId, Timestamp};

use crate::Ledger;

/// The digest of the last meetup that ended by `now` (within 30 days).
pub fn meetup_digest<D: DocRead>(ledger: &Ledger, doc: &D, now: Timestamp) -> Option<MeetupDigest> {
    let mut digest = last_meetup(doc, now)?;
    let (from, to) = window(&digest.event);
    let during = |t: i64| t >= from.0 && t < to.0;
    let brief = |id: &ThreadId| ThreadBrief {
        id: id.clone(),
        title: ledger
            .threads
            .get(id)
            .map(|t| t.title.clone())
            .unwrap_or_default(),
    };
    let mut started: Vec<(i64, &ThreadId)> = ledger
        .threads
        .iter()
        .filter(|(_, t)| during(t.asked_at))
        .map(|(id, t)| (t.asked_at, id))
        .collect();
    started.sort();
    // Answered there: a question whose answer was accepted during it.
    let mut answered: Vec<(i64, &ThreadId)> = ledger
        .accepted_at
        .iter()
        .filter(|(id, at)| {
            during(**at)
                && ledger
                    .threads
                    .get(*id)
                    .is_some_and(|t| t.question && t.accepted)
        })
        .map(|(id, at)| (*at, id))
        .collect();
    answered.sort();
    digest.threads_started = started.into_iter().map(|(_, id)| brief(id)).collect();
    digest.questions_answered = answered.into_iter().map(|(_, id)| brief(id)).collect();
    Some(digest)
}
