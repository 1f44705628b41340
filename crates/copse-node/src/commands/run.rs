//! [`Run`]: what a command does: one typed request, and how its own answer type reads as
//! text (or JSON with `--json`). A command cannot be handed an answer of another kind.

use copse_core::{Command, CommunityId};
use copse_peer::ask::{self, Ask};
use copse_peer::{EditApplied, PeerError};
use serde::Serialize;

use crate::backend::Backend;

/// The text and JSON of an answer.
pub(crate) struct Printed {
    pub(crate) text: String,
    pub(crate) json: serde_json::Value,
}

/// Runs one request on a backend and prints its answer.
type Step = dyn FnOnce(&mut Backend) -> anyhow::Result<Printed>;

/// A command ready to run on a backend.
pub(crate) struct Run(Box<Step>);

impl Run {
    /// Runs it.
    pub(crate) fn on(self, backend: &mut Backend) -> anyhow::Result<Printed> {
        (self.0)(backend)
    }

    /// Adds the flag to fix to a request the device found invalid: the device's messages
    /// never name the CLI's flags.
    pub(crate) fn hint_invalid(self, flag: &'static str) -> Run {
        Run(Box::new(move |backend: &mut Backend| {
            self.on(backend).map_err(|e| with_flag(e, flag))
        }))
    }
}

/// `e` with `flag` named, if the device found the request invalid.
pub(crate) fn with_flag(e: anyhow::Error, flag: &str) -> anyhow::Error {
    match e.downcast_ref::<PeerError>() {
        Some(PeerError::Invalid(why)) => anyhow::anyhow!("{why} ({flag})"),
        _ => e,
    }
}

/// Asks `request`; its answer prints as `text`, or as the answer's own JSON.
pub(crate) fn ask<Q>(request: Q, text: fn(Q::Answer) -> String) -> Run
where
    Q: Ask,
    Q::Answer: Serialize,
{
    ask_as(request, text, |a| {
        serde_json::to_value(a).unwrap_or_default()
    })
}

/// Like [`ask`], with the answer's JSON made by `json`.
pub(crate) fn ask_as<Q: Ask>(
    request: Q,
    text: fn(Q::Answer) -> String,
    json: fn(&Q::Answer) -> serde_json::Value,
) -> Run {
    Run(Box::new(move |backend: &mut Backend| {
        let answer = backend.ask(request)?;
        Ok(Printed {
            json: json(&answer),
            text: text(answer),
        })
    }))
}

/// Applies `command`; prints the id of what it created, or `ok`.
pub(crate) fn edit(community: CommunityId, command: Command) -> Run {
    ask(ask::Edit { community, command }, created)
}

/// The id an edit created, or `ok`.
fn created(a: EditApplied) -> String {
    a.created
        .as_ref()
        .map_or_else(|| "ok".to_owned(), copse_core::Created::id_string)
}

/// A request answered with nothing: prints `text`, and `{}` as JSON.
pub(crate) fn done<Q: Ask<Answer = ()>>(request: Q, text: fn(()) -> String) -> Run {
    ask_as(request, text, |()| serde_json::json!({}))
}
