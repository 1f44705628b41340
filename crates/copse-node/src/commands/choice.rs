//! Closed sets of values as clap `ValueEnum`s (so `--help` lists them and clap rejects
//! anything else), each converting into the core type it stands for.

use clap::ValueEnum;
use copse_core::record::{ObjectiveStatus, Role, Rsvp, TaskStatus};
use copse_peer::SearchKind;

macro_rules! choice {
    ($(#[$meta:meta])* $arg:ident => $core:ident { $($variant:ident),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
        pub(crate) enum $arg {
            $(
                #[doc = concat!("`", stringify!($variant), "`")]
                $variant,
            )+
        }

        impl From<$arg> for $core {
            fn from(a: $arg) -> Self {
                match a {
                    $($arg::$variant => $core::$variant,)+
                }
            }
        }
    };
}

choice!(
    /// A member's role.
    RoleArg => Role { Member, Coordinator }
);
choice!(
    /// A task's column.
    TaskStatusArg => TaskStatus { Todo, Doing, Done }
);
choice!(
    /// An answer to an event.
    RsvpArg => Rsvp { Yes, No, Maybe }
);
choice!(
    /// Where an objective stands.
    ObjectiveStatusArg => ObjectiveStatus { Planned, Active, Achieved, Dropped }
);
choice!(
    /// A kind of search result.
    SearchKindArg => SearchKind { Thread, Post, Article, Event, Task, Resource, Member }
);
