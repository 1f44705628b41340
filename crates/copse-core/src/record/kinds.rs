//! Small closed sets of values stored as lowercase strings.

use std::fmt;
use std::str::FromStr;

/// Error for a string that is none of an enum's names.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{value:?} is not a {kind} (expected one of: {expected})")]
pub struct UnknownKind {
    /// Which set was expected.
    pub kind: &'static str,
    /// What was given.
    pub value: String,
    /// The accepted names.
    pub expected: &'static str,
}

macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident, $kind:literal, { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(rename_all = "lowercase")]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            /// Every value, in display order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored name.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = UnknownKind;
            fn from_str(s: &str) -> Result<Self, UnknownKind> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err(UnknownKind {
                        kind: $kind,
                        value: s.chars().take(40).collect(),
                        expected: concat!($($text, " "),+),
                    }),
                }
            }
        }

        impl autosurgeon::Hydrate for $name {
            fn hydrate_string(s: &str) -> Result<Self, autosurgeon::HydrateError> {
                s.parse().map_err(|e: UnknownKind| autosurgeon::HydrateError::unexpected($kind, e.value))
            }
        }

        impl autosurgeon::Reconcile for $name {
            type Key<'a> = autosurgeon::reconcile::NoKey;
            fn reconcile<R: autosurgeon::Reconciler>(&self, mut r: R) -> Result<(), R::Error> {
                r.str(self.as_str())
            }
        }
    };
}

string_enum!(
    /// What a member may do in a community.
    Role, "role", {
        /// Steers the community: edits profile and norms, removes members, invites coordinators.
        Coordinator = "coordinator",
        /// Takes part.
        Member = "member",
    }
);

string_enum!(
    /// Whether a thread is open talk or a question that wants an accepted answer.
    ThreadKind, "thread kind", {
        /// Open discussion.
        Discussion = "discussion",
        /// A question; one reply can be accepted as the answer.
        Question = "question",
    }
);

string_enum!(
    /// A member's answer to an event invitation.
    Rsvp, "rsvp", {
        /// Coming.
        Yes = "yes",
        /// Not coming.
        No = "no",
        /// Not sure yet.
        Maybe = "maybe",
    }
);

string_enum!(
    /// Column of the task board.
    TaskStatus, "task status", {
        /// Not started.
        Todo = "todo",
        /// In progress.
        Doing = "doing",
        /// Finished.
        Done = "done",
    }
);

string_enum!(
    /// Where an objective stands.
    ObjectiveStatus, "objective status", {
        /// Agreed, not started.
        Planned = "planned",
        /// Being worked on.
        Active = "active",
        /// Reached.
        Achieved = "achieved",
        /// Given up.
        Dropped = "dropped",
    }
);

// What a field outside its enum reads as (`lenient`): the value that grants least. Written
// out rather than derived: the enums come from `string_enum!`, the defaults are chosen here.
#[allow(clippy::derivable_impls)]
impl Default for Role {
    fn default() -> Self {
        Role::Member
    }
}

#[allow(clippy::derivable_impls)]
impl Default for ThreadKind {
    fn default() -> Self {
        ThreadKind::Discussion
    }
}

#[allow(clippy::derivable_impls)]
impl Default for TaskStatus {
    fn default() -> Self {
        TaskStatus::Todo
    }
}
