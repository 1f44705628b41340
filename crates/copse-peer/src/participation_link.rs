//! The runtime's side of participation: one ledger per community, built once per open on a
//! thread of its own (from a copy of the document, so the runtime goes on meanwhile) and
//! then brought up to date in place from what changed, when someone asks.

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};

use copse_core::view::meetups::MeetupDigest;
use copse_core::view::profile::level_rule;
use copse_core::{CommunityId, MemberId, Timestamp};
use copse_hub::{Hub, PeerError};
use copse_participation::{
    ForYouItem, ForYouKind, Ledger, NeedsRebuild, Participation, StartHere, StoryPrompt,
    Trajectory, for_you, meetup_digest, participation, start_here, still_open, story_prompts,
    trajectory,
};
use tokio::sync::mpsc;

use crate::ask::Reply;

/// Questions that may wait for one community's first build; more are answered "busy".
const WAITING: usize = 64;

/// New changes the runtime reads itself to bring a ledger up to date (about 50 ms); more
/// (a catch-up after days away, a merge) go to a fresh build on its own thread.
const CATCH_UP_HERE: usize = 2_000;

/// Builds in a row that may fail to catch up (the history kept moving under them).
const ATTEMPTS: u8 = 3;

/// What a caller asked of a community's participation, with where the answer goes.
pub(crate) enum Want {
    /// Everyone's level and the health panel.
    Levels(Reply<Participation>),
    /// One member's trajectory.
    Trajectory(MemberId, Reply<Trajectory>),
    /// What `me` could be asked about, less what was answered or dismissed (`done`).
    StoryPrompts {
        me: MemberId,
        done: std::collections::BTreeSet<String>,
        reply: Reply<Vec<StoryPrompt>>,
    },
    /// The first steps of this device's member.
    StartHere(MemberId, Reply<StartHere>),
    /// What concerns `me`; items after `seen_at` (ms) are new.
    ForYou {
        me: MemberId,
        seen_at: i64,
        reply: Reply<Vec<ForYouItem>>,
    },
    /// What happened at the last meetup.
    MeetupDigest(Reply<Option<MeetupDigest>>),
}

impl Want {
    /// Answers with `error` instead.
    fn refuse(self, error: PeerError) {
        // A caller that stopped waiting is fine.
        let _ = match self {
            Want::Levels(r) => r.send(Err(error)).is_ok(),
            Want::Trajectory(_, r) => r.send(Err(error)).is_ok(),
            Want::StoryPrompts { reply, .. } => reply.send(Err(error)).is_ok(),
            Want::StartHere(_, r) => r.send(Err(error)).is_ok(),
            Want::ForYou { reply, .. } => reply.send(Err(error)).is_ok(),
            Want::MeetupDigest(r) => r.send(Err(error)).is_ok(),
        };
    }
}

enum Tracked {
    Building { waiting: Vec<Want>, attempt: u8 },
    Ready(Box<Ledger>),
}

/// A build finished (`None`: reading the document panicked).
pub(crate) struct Built {
    community: CommunityId,
    ledger: Option<Box<Ledger>>,
}

pub(crate) struct ParticipationLink {
    tracked: HashMap<CommunityId, Tracked>,
    /// The community whose ledger is being built: one build at a time (one copy of a
    /// document, one reading thread), however many communities ask at start.
    running: Option<CommunityId>,
    /// Communities waiting for their build, in the order they asked.
    queue: std::collections::VecDeque<CommunityId>,
    done_tx: mpsc::Sender<Built>,
    pub(crate) done: mpsc::Receiver<Built>,
}

impl ParticipationLink {
    pub(crate) fn new() -> Self {
        let (done_tx, done) = mpsc::channel(16);
        Self {
            tracked: HashMap::new(),
            running: None,
            queue: std::collections::VecDeque::new(),
            done_tx,
            done,
        }
    }

    pub(crate) fn ask(&mut self, hub: &Hub, community: CommunityId, want: Want, at: Timestamp) {
        let Some(c) = hub.community(&community) else {
            want.refuse(PeerError::UnknownCommunity(community));
            return;
        };
        match self.tracked.get_mut(&community) {
            Some(Tracked::Building { waiting, .. }) if waiting.len() >= WAITING => {
                want.refuse(PeerError::Busy);
            }
            Some(Tracked::Building { waiting, .. }) => waiting.push(want),
            Some(Tracked::Ready(ledger)) => {
                let updated = catch_unwind(AssertUnwindSafe(|| {
                    if ledger.behind(c.doc()) > CATCH_UP_HERE {
                        return Err(NeedsRebuild);
                    }
                    ledger.update(c.doc())
                }));
                if let Ok(Ok(())) = updated {
                    answer(hub, &community, ledger, want, at);
                } else {
                    self.build(hub, community, vec![want], 1);
                }
            }
            None => self.build(hub, community, vec![want], 1),
        }
    }

    /// Builds `community`'s ledger now, or after the build under way.
    fn build(&mut self, hub: &Hub, community: CommunityId, waiting: Vec<Want>, attempt: u8) {
        self.tracked
            .insert(community.clone(), Tracked::Building { waiting, attempt });
        if self.running.is_some() {
            if !self.queue.contains(&community) {
                self.queue.push_back(community);
            }
            return;
        }
        self.spawn(hub, community);
    }

    /// Starts the next queued build, if none runs.
    fn next(&mut self, hub: &Hub) {
        while self.running.is_none() {
            let Some(community) = self.queue.pop_front() else {
                return;
            };
            if matches!(self.tracked.get(&community), Some(Tracked::Building { .. })) {
                self.spawn(hub, community);
            }
        }
    }

    /// Hands a copy of `community` to a thread of its own; `running` while it reads.
    fn spawn(&mut self, hub: &Hub, community: CommunityId) {
        let fail = |tracked: &mut HashMap<CommunityId, Tracked>, why: PeerError| {
            if let Some(Tracked::Building { waiting, .. }) = tracked.remove(&community) {
                for want in waiting {
                    want.refuse(why.clone());
                }
            }
        };
        let Some(c) = hub.community(&community) else {
            fail(
                &mut self.tracked,
                PeerError::UnknownCommunity(community.clone()),
            );
            return;
        };
        let doc = c.doc().clone();
        let tx = self.done_tx.clone();
        let id = community.clone();
        let spawned = std::thread::Builder::new()
            .name("copse-levels".into())
            .spawn(move || {
                let ledger = catch_unwind(AssertUnwindSafe(|| Ledger::build(&doc)))
                    .ok()
                    .map(Box::new);
                // The runtime stopped meanwhile: nobody waits for it.
                let _ = tx.blocking_send(Built {
                    community: id,
                    ledger,
                });
            });
        match spawned {
            Ok(_) => self.running = Some(community.clone()),
            Err(e) => fail(
                &mut self.tracked,
                PeerError::Store(format!("could not start reading participation: {e}")),
            ),
        }
    }

    /// A build finished: the ledger catches up with what landed meanwhile and answers
    /// whoever waited.
    pub(crate) fn built(&mut self, hub: &Hub, built: Built, at: Timestamp) {
        if self.running.as_ref() == Some(&built.community) {
            self.running = None;
        }
        self.settle(hub, built, at);
        self.next(hub);
    }

    fn settle(&mut self, hub: &Hub, built: Built, at: Timestamp) {
        let Some(Tracked::Building { waiting, attempt }) = self.tracked.remove(&built.community)
        else {
            return;
        };
        let community = built.community;
        let unreadable =
            || PeerError::Invalid("this community's participation could not be read".into());
        let Some(mut ledger) = built.ledger else {
            for want in waiting {
                want.refuse(unreadable());
            }
            return;
        };
        let caught_up = hub.community(&community).is_some_and(|c| {
            let updated = catch_unwind(AssertUnwindSafe(|| ledger.update(c.doc())));
            matches!(updated, Ok(Ok(())))
        });
        if !caught_up && attempt < ATTEMPTS && hub.community(&community).is_some() {
            // What landed meanwhile cannot be followed from the copy's heads: again, from now.
            self.build(hub, community, waiting, attempt + 1);
            return;
        }
        if !caught_up {
            for want in waiting {
                want.refuse(unreadable());
            }
            return;
        }
        for want in waiting {
            answer(hub, &community, &ledger, want, at);
        }
        self.tracked.insert(community, Tracked::Ready(ledger));
    }
}

/// Answers `want` from `ledger`.
fn answer(hub: &Hub, community: &CommunityId, ledger: &Ledger, want: Want, at: Timestamp) {
    let Some(c) = hub.community(community) else {
        want.refuse(PeerError::UnknownCommunity(community.clone()));
        return;
    };
    let rule = level_rule(c.doc());
    let not_a_member = |m: &MemberId| PeerError::Invalid(format!("{m} is not a member"));
    // A caller that stopped waiting is fine.
    let _ = match want {
        Want::Levels(reply) => reply.send(Ok(participation(ledger, &rule, at))).is_ok(),
        Want::Trajectory(member, reply) => reply
            .send(trajectory(ledger, &rule, at, &member).ok_or_else(|| not_a_member(&member)))
            .is_ok(),
        Want::StoryPrompts { me, done, reply } => {
            let stories = copse_core::view::stories::stories_by(c.doc(), &me);
            let open = still_open(story_prompts(ledger, &me, at), &me, &stories, &done);
            reply.send(Ok(open)).is_ok()
        }
        Want::MeetupDigest(reply) => reply.send(Ok(meetup_digest(ledger, c.doc(), at))).is_ok(),
        Want::StartHere(me, reply) => reply
            .send(start_here(ledger, &rule, at, &me).ok_or_else(|| not_a_member(&me)))
            .is_ok(),
        Want::ForYou { me, seen_at, reply } => {
            let mut items = for_you(ledger, &me, at);
            for item in &mut items {
                // A meetup is news once it comes within a day, until the member looks.
                let since = match item.kind {
                    ForYouKind::Meetup => item.at.0.saturating_sub(86_400_000),
                    _ => item.at.0,
                };
                item.new = since > seen_at;
            }
            reply.send(Ok(items)).is_ok()
        }
    };
}
