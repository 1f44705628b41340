//! Participation: who contributes what to the practice and how that moves over time, from
//! the community's own history, on this device (nothing about anyone's activity leaves it).
//!
//! ```text
//!  document (records + change metadata) ──▶ Ledger::build / Ledger::update (from what
//!                                            changed: copse_core::changed_records)
//!  Ledger ──▶ participation (levels, health)   trajectory (one member's year)
//!         ──▶ for_you   start_here   story_prompts   meetup_digest
//! ```
//! The ledger is a cache: built once per open (off the runtime, by copse-peer), brought up
//! to date from the changes' operations, never synced, never sent anywhere.

mod contribution;
mod for_you;
mod health;
mod ledger;
mod levels;
mod meetup_digest;
mod start_here;
mod story_prompts;

pub use contribution::{ContributionKind, KindCounts};
pub use for_you::{ForYouItem, ForYouKind, RECENT_DAYS, for_you};
pub use health::{
    Health, Hints, LevelCounts, MeetupLine, MeetupMonth, MeetupRhythm, Newcomer, QUARTER_DAYS,
    Riser, StaleArticle, WAITING_LISTED, WaitingQuestion,
};
pub use ledger::{Ledger, NeedsRebuild};
pub use levels::{
    Level, MemberLevel, Participation, Trajectory, WeekScore, participation, trajectory,
};
pub use meetup_digest::meetup_digest;
pub use start_here::{FirstTask, Mentor, StartHere, start_here};
pub use story_prompts::{ASK_AFTER_DAYS, PromptKind, StoryPrompt, still_open, story_prompts};
