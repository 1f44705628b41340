//! One module per area of the CLI: its clap arguments, the request it makes, and how its
//! reply reads as text. `--json` prints the reply's JSON instead.

pub(crate) mod args;
pub(crate) mod article;
pub(crate) mod choice;
pub(crate) mod community;
pub(crate) mod event;
pub(crate) mod files;
pub(crate) mod for_you;
pub(crate) mod guard;
pub(crate) mod identity;
pub(crate) mod meetup;
pub(crate) mod member;
pub(crate) mod network;
pub(crate) mod parse;
pub(crate) mod print;
pub(crate) mod resource;
pub(crate) mod run;
pub(crate) mod search;
pub(crate) mod start_here;
pub(crate) mod story;
pub(crate) mod task;
pub(crate) mod thread;
