//! `invite`, `join`, `serve`, `status`: the commands about reaching other members.

use clap::Args;
use copse_core::record::MemberDetails;
use copse_peer::Status;
use copse_peer::{Invitation, Joined, ask};

use super::args::CommunityArg;
use super::choice::RoleArg;
use super::parse;
use super::print::when;
use super::run::{Run, ask};

/// `invite`.
#[derive(Debug, Args)]
pub(crate) struct InviteArgs {
    #[command(flatten)]
    c: CommunityArg,
    /// How long it is valid: 90s, 30m, 12h, 7d.
    #[arg(long, default_value = "7d", value_parser = parse::duration_ms)]
    expires: i64,
    /// How many newcomers may use it.
    #[arg(long, default_value_t = 1)]
    uses: u64,
    /// The role newcomers get (coordinator: coordinators only).
    #[arg(long, value_enum, default_value = "member")]
    role: RoleArg,
}

impl InviteArgs {
    pub(crate) fn request(self) -> Run {
        self.invite().hint_invalid("--expires")
    }

    fn invite(self) -> Run {
        ask(
            ask::Invite {
                community: self.c.community,
                valid_ms: self.expires,
                uses: self.uses,
                role: self.role.into(),
            },
            print_ticket,
        )
    }
}

/// Where the network listens.
#[derive(Debug, Args)]
pub(crate) struct NetArgs {
    /// Do not look for members on the local network (mDNS).
    #[arg(long)]
    pub(crate) no_mdns: bool,
}

/// `join`.
#[derive(Debug, Args)]
pub(crate) struct JoinArgs {
    /// The ticket (copse:...; spaces and line breaks in it are ignored).
    pub(crate) ticket: String,
    /// Your name (needed if this profile has no identity yet).
    #[arg(long)]
    name: Option<String>,
    /// Your organisation.
    #[arg(long)]
    organisation: Option<String>,
    /// Your department.
    #[arg(long)]
    department: Option<String>,
    /// About you.
    #[arg(long)]
    bio: Option<String>,
    /// Your skills, comma-separated.
    #[arg(long, value_delimiter = ',')]
    skills: Vec<String>,
    /// Address to listen on while joining (repeatable).
    #[arg(long = "listen", default_values_t = [String::from("/ip4/0.0.0.0/tcp/0")])]
    pub(crate) listen: Vec<String>,
    #[command(flatten)]
    pub(crate) net: NetArgs,
}

impl JoinArgs {
    /// The details given on the command line, if a name was.
    pub(crate) fn details(&self) -> Option<MemberDetails> {
        self.name.clone().map(|name| MemberDetails {
            name,
            organisation: self.organisation.clone().unwrap_or_default(),
            department: self.department.clone().unwrap_or_default(),
            bio: self.bio.clone().unwrap_or_default(),
            skills: self.skills.clone(),
        })
    }
}

/// `serve`.
#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// Address to listen on (repeatable).
    #[arg(long = "listen", default_values_t = [String::from("/ip4/0.0.0.0/tcp/4001"), String::from("/ip4/0.0.0.0/udp/4001/quic-v1")])]
    pub(crate) listen: Vec<String>,
    #[command(flatten)]
    pub(crate) net: NetArgs,
    /// A peer to dial at start, e.g. /ip4/203.0.113.5/tcp/4001/p2p/12D3KooW... (repeatable).
    #[arg(long)]
    pub(crate) bootstrap: Vec<String>,
}

/// `status`.
pub(crate) fn status() -> Run {
    ask(ask::Status, print_status)
}

fn print_ticket(i: Invitation) -> String {
    i.ticket
}

/// `join`'s output.
pub(crate) fn print_joined(j: Joined) -> String {
    format!("joined {} ({})", j.name, j.community)
}

fn print_status(s: Status) -> String {
    let mut out = vec![format!(
        "{} ({})",
        s.member,
        if s.online {
            "online"
        } else {
            "offline: no copse-node serve running"
        }
    )];
    for a in &s.addrs {
        out.push(format!("  listening on {a}"));
    }
    for c in &s.communities {
        out.push(format!("{} ({})", c.name, c.id));
        for p in &c.peers {
            let state = match (p.connected, p.up_to_date) {
                (true, true) => "connected, up to date",
                (true, false) => "connected, syncing",
                (false, _) => "not connected",
            };
            let last = p.last_sync.map_or("never".to_owned(), when);
            out.push(format!(
                "  {} {}: {state}; last synced {last}",
                p.member, p.name
            ));
        }
    }
    out.join("\n")
}
