//! `member list / experts / update / role / remove`.

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
    /// Who knows about a topic: expertise earned in the history (accepted answers, answers,
    /// articles under that tag), then members who list it as a skill.
    Experts {
        #[command(flatten)]
        c: CommunityArg,
        /// The topic (a tag or skill); repeat for several.
        #[arg(long = "tag", required = true)]
        tags: Vec<String>,
        /// At most this many members.
        #[arg(long, default_value_t = 10)]
        limit: usize,
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
            MemberCmd::Experts { c, tags, limit } => (
                Request::Query(Query::Experts {
                    community: c.community,
                    topics: tags,
                    limit,
                }),
                print_experts,
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

/// `member experts`.
fn print_experts(reply: &Reply) -> String {
    let Some(QueryReply::Experts(list)) = query(reply) else {
        return String::new();
    };
    if list.is_empty() {
        return "No one has answered or written about it yet, and no one lists it as a skill."
            .into();
    }
    list.iter()
        .map(|e| {
            let earned = if e.earned > 0 {
                format!("earned {} ({})", e.earned, e.breakdown())
            } else {
                "nothing earned yet".to_owned()
            };
            let declared = if e.declared {
                "; lists it as a skill"
            } else {
                ""
            };
            format!("{}  {}  {earned}{declared}", e.member, e.name)
        })
        .collect::<Vec<_>>()
        .join("\n")
}
