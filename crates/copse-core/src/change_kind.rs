//! What a change is and what it may have changed, typed. Every Copse commit names its
//! command (`CommitMeta::cmd`); [`CommandKind`] is that name as an enum and [`Touched`] the
//! part of the community it touches, so readers (the app's view invalidation, the runtime's
//! membership reactions) match types instead of strings.

use serde::{Deserialize, Serialize};

use crate::{ArticleId, EventId, ThreadId};

macro_rules! command_kinds {
    ($($kind:ident => $name:literal,)*) => {
        /// The kind of a [`crate::Command`], as recorded in its commit message.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum CommandKind {
            $(
                #[doc = concat!("`", $name, "`")]
                $kind,
            )*
            /// The change that founded the community.
            CreateCommunity,
        }

        impl CommandKind {
            /// Every kind.
            pub const ALL: &'static [CommandKind] = &[$(CommandKind::$kind,)* CommandKind::CreateCommunity];

            /// The name written into commit messages.
            pub fn name(self) -> &'static str {
                match self {
                    $(CommandKind::$kind => $name,)*
                    CommandKind::CreateCommunity => "create_community",
                }
            }

            /// The kind a commit message names; `None` for names this build does not know
            /// (a newer Copse, or a change not made by Copse).
            pub fn from_name(name: &str) -> Option<Self> {
                match name {
                    $($name => Some(CommandKind::$kind),)*
                    "create_community" => Some(CommandKind::CreateCommunity),
                    _ => None,
                }
            }
        }
    };
}

command_kinds! {
    UpdateProfile => "update_profile",
    AddObjective => "add_objective",
    SetObjective => "set_objective",
    SetLevelRule => "set_level_rule",
    AddRelay => "add_relay",
    RemoveRelay => "remove_relay",
    UpdateMyDetails => "update_my_details",
    SetMyAddrs => "set_my_addrs",
    SetRole => "set_role",
    RemoveMember => "remove_member",
    ReportEquivocation => "report_equivocation",
    CreateInvite => "create_invite",
    RevokeInvite => "revoke_invite",
    Admit => "admit",
    StartThread => "start_thread",
    Reply => "reply",
    EditPost => "edit_post",
    AcceptAnswer => "accept_answer",
    PromoteToArticle => "promote_to_article",
    CreateArticle => "create_article",
    EditArticle => "edit_article",
    SpliceArticle => "splice_article",
    SetArticleMeta => "set_article_meta",
    CreateEvent => "create_event",
    Rsvp => "rsvp",
    RecordAttendance => "record_attendance",
    EditEventNotes => "edit_event_notes",
    CreateTask => "create_task",
    AssignTask => "assign_task",
    MoveTask => "move_task",
    SetTaskDue => "set_task_due",
    SetGoodFirstTask => "set_good_first_task",
    ShareStory => "share_story",
    AddResource => "add_resource",
    RemoveResource => "remove_resource",
}

/// The part of a community a change may have changed. Object ids are present when the
/// commit message names the object.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Touched {
    /// Name, domain, objectives, norms.
    Profile,
    /// Who is a member, their roles and details.
    Membership,
    /// A member's own details or addresses (not who is a member).
    MemberDetails,
    /// Invitations.
    Invites,
    /// A thread (and so the thread lists).
    Thread(Option<ThreadId>),
    /// An article (and so the article list).
    Article(Option<ArticleId>),
    /// An event (and so the event lists).
    Event(Option<EventId>),
    /// The task board.
    Tasks,
    /// Shared resources.
    Resources,
    /// The whole community (its founding change).
    Everything,
}

impl CommandKind {
    /// What a change of this kind touches; `obj` is the object its commit message names.
    pub fn touches(self, obj: Option<&str>) -> Touched {
        use CommandKind as K;
        match self {
            K::UpdateProfile
            | K::AddObjective
            | K::SetObjective
            | K::SetLevelRule
            | K::AddRelay
            | K::RemoveRelay => Touched::Profile,
            K::SetRole | K::RemoveMember | K::ReportEquivocation | K::Admit => Touched::Membership,
            K::UpdateMyDetails | K::SetMyAddrs | K::ShareStory => Touched::MemberDetails,
            K::CreateInvite | K::RevokeInvite => Touched::Invites,
            K::StartThread | K::Reply | K::EditPost | K::AcceptAnswer => {
                Touched::Thread(obj.and_then(|o| o.parse().ok()))
            }
            K::PromoteToArticle
            | K::CreateArticle
            | K::EditArticle
            | K::SpliceArticle
            | K::SetArticleMeta => Touched::Article(obj.and_then(|o| o.parse().ok())),
            K::CreateEvent | K::Rsvp | K::RecordAttendance | K::EditEventNotes => {
                Touched::Event(obj.and_then(|o| o.parse().ok()))
            }
            K::CreateTask | K::AssignTask | K::MoveTask | K::SetTaskDue | K::SetGoodFirstTask => {
                Touched::Tasks
            }
            K::AddResource | K::RemoveResource => Touched::Resources,
            K::CreateCommunity => Touched::Everything,
        }
    }

    /// Whether a change of this kind may change who is a member (or a member's role).
    pub fn changes_membership(self) -> bool {
        self.touches(None) == Touched::Membership
    }

    /// Whether a change of this kind writes under `members` or `invites`: what the guard
    /// reads from a received change's operations to decide who may sync what.
    pub fn writes_members_or_invites(self) -> bool {
        matches!(
            self.touches(None),
            Touched::Membership | Touched::MemberDetails | Touched::Invites | Touched::Everything
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_reads_back_as_its_kind() {
        for &k in CommandKind::ALL {
            assert_eq!(CommandKind::from_name(k.name()), Some(k));
            assert_eq!(
                serde_json::to_value(k).unwrap(),
                serde_json::Value::String(k.name().into())
            );
        }
        assert_eq!(CommandKind::from_name("teleport"), None);
    }

    #[test]
    fn thread_changes_name_their_thread() {
        let t = "0000000000000000000000000g";
        assert_eq!(
            CommandKind::Reply.touches(Some(t)),
            Touched::Thread(Some(t.parse().unwrap()))
        );
        assert_eq!(
            CommandKind::Reply.touches(Some("junk")),
            Touched::Thread(None)
        );
        assert!(CommandKind::Admit.changes_membership());
        assert!(!CommandKind::SetMyAddrs.changes_membership());
    }
}
