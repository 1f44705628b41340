//! `member list / update / role / remove`.

use clap::Subcommand;
use copse_core::{Command, MemberId};
use copse_peer::{Query, QueryReply, Reply, Request};

use super::args::{CommunityArg, Details};
use super::choice::RoleArg;
use super::print::{Printer, created, query, tags};

#[derive(Debug, Subcommand)]
pub(crate) enum MemberCmd {
    /// The directory; filter by skill or organisation ("who can help with X").
    List {
        #[command(flatten)]
        c: CommunityArg,
        /// Skill (substring).
        #[arg(long)]
        skill: Option<String>,
        /// Organisation (substring).
        #[arg(long)]
        organisation: Option<String>,
    },
    /// Update your entry in a community.
    Update {
        #[command(flatten)]
        c: CommunityArg,
        #[command(flatten)]
        details: Details,
    },
    /// Coordinators: set a member's role.
    Role {
        #[command(flatten)]
        c: CommunityArg,
        /// Member id.
        #[arg(long)]
        member: MemberId,
        /// The new role.
        #[arg(long, value_enum)]
        role: RoleArg,
    },
    /// Coordinators: remove a member.
    Remove {
        #[command(flatten)]
        c: CommunityArg,
        /// Member id.
        #[arg(long)]
        member: MemberId,
    },
}

impl MemberCmd {
    pub(crate) fn request(self) -> (Request, Printer) {
        let edit = |c: CommunityArg, command| {
            (
                Request::Edit {
                    community: c.community,
                    command,
                },
                created as Printer,
            )
        };
        match self {
            MemberCmd::List {
                c,
                skill,
                organisation,
            } => (
                Request::Query(Query::Members {
                    community: c.community,
                    skill,
                    organisation,
                }),
                print_list,
            ),
            MemberCmd::Update { c, details } => edit(c, Command::UpdateMyDetails(details.into())),
            MemberCmd::Role { c, member, role } => edit(
                c,
                Command::SetRole {
                    member,
                    role: role.into(),
                },
            ),
            MemberCmd::Remove { c, member } => edit(c, Command::RemoveMember { member }),
        }
    }
}

fn print_list(reply: &Reply) -> String {
    let Some(QueryReply::Members(list)) = query(reply) else {
        return String::new();
    };
    list.iter()
        .map(|m| {
            format!(
                "{}  {} — {} / {} ({}){}",
                m.id,
                m.member.name,
                m.member.organisation,
                m.member.department,
                m.member.role,
                tags(&m.member.skills)
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}
