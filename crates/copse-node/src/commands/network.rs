//! `invite`, `join`, `serve`, `status`: the commands about reaching other members.

use clap::Args;
use copse_core::record::MemberDetails;
use copse_peer::{Invitation, Joined, ask};
use copse_peer::{Route, Status};

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
    /// Do not ask the router for a port mapping (UPnP).
    #[arg(long)]
    pub(crate) no_upnp: bool,
    /// A relay to keep a reservation on, so members reach this device through it when no
    /// direct address does: its address ending in /p2p/<relay id> (repeatable; one or two
    /// are used at a time).
    #[arg(long = "use-relay", value_name = "ADDR")]
    pub(crate) use_relay: Vec<String>,
    /// An address this host is reachable at from outside, e.g. /ip4/203.0.113.5/tcp/4001
    /// (repeatable). A relay advertises itself only once it has one; AutoNAT confirms
    /// addresses otherwise.
    #[arg(long, value_name = "ADDR")]
    pub(crate) external: Vec<String>,
}

/// `serve --relay` and its limits.
#[derive(Debug, Args)]
pub(crate) struct RelayArgs {
    /// Run a circuit relay (and an AutoNAT server) for others: members behind NAT reserve
    /// on it and reach each other through it. It forwards encrypted streams and keeps
    /// nothing. Give it --external so it can advertise itself.
    #[arg(long)]
    pub(crate) relay: bool,
    /// Only members of this device's communities may reserve (anyone may still open a
    /// circuit to a member who did, as a newcomer does to reach an inviter).
    #[arg(long, requires = "relay")]
    pub(crate) relay_members_only: bool,
    /// Reservations held at once.
    #[arg(long, default_value_t = 256, requires = "relay")]
    pub(crate) relay_max_reservations: usize,
    /// Reservations held at once by one peer.
    #[arg(long, default_value_t = 4, requires = "relay")]
    pub(crate) relay_reservations_per_peer: usize,
    /// Circuits open at once.
    #[arg(long, default_value_t = 256, requires = "relay")]
    pub(crate) relay_max_circuits: usize,
    /// Circuits open at once to or from one peer.
    #[arg(long, default_value_t = 16, requires = "relay")]
    pub(crate) relay_circuits_per_peer: usize,
    /// New reservations, and new circuits, per peer and per remote IP per minute.
    #[arg(long, default_value_t = 60, requires = "relay")]
    pub(crate) relay_per_ip_per_minute: u32,
    /// How long one circuit may stay open, in minutes (a dropped one resumes).
    #[arg(long, default_value_t = 60, requires = "relay")]
    pub(crate) relay_circuit_minutes: u64,
    /// How many MiB one circuit may carry in each direction.
    #[arg(long, default_value_t = 1024, requires = "relay")]
    pub(crate) relay_circuit_mib: u64,
}

impl RelayArgs {
    /// The relay server to run, if any.
    pub(crate) fn server(&self) -> Option<copse_peer::RelayServer> {
        self.relay.then(|| copse_peer::RelayServer {
            members_only: self.relay_members_only,
            limits: copse_peer::RelayLimits {
                reservations: self.relay_max_reservations,
                reservations_per_peer: self.relay_reservations_per_peer,
                circuits: self.relay_max_circuits,
                circuits_per_peer: self.relay_circuits_per_peer,
                per_ip_per_minute: self.relay_per_ip_per_minute,
                circuit_duration: std::time::Duration::from_secs(
                    self.relay_circuit_minutes.saturating_mul(60),
                ),
                circuit_bytes: self.relay_circuit_mib.saturating_mul(1 << 20),
            },
        })
    }
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
    #[command(flatten)]
    pub(crate) relay: RelayArgs,
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
    if s.online {
        out.push(format!("  reachability: {}", s.reach.summary()));
        for r in s.reach.relays.iter().filter(|r| !r.reserved) {
            let why = r.error.as_deref().unwrap_or("no answer yet");
            out.push(format!("  relay {}: no reservation ({why})", r.relay));
        }
    }
    for c in &s.communities {
        out.push(format!("{} ({})", c.name, c.id));
        for p in &c.peers {
            let state = match (p.connected, p.up_to_date) {
                (true, true) => "connected, up to date",
                (true, false) => "connected, syncing",
                (false, _) => "not connected",
            };
            let route = p.route.as_ref().map(route_text).unwrap_or_default();
            let last = p.last_sync.map_or("never".to_owned(), when);
            out.push(format!(
                "  {} {}: {state}{route}; last synced {last}",
                p.member, p.name
            ));
        }
    }
    out.join("\n")
}

/// How a connected member is reached, as `status` says it.
fn route_text(route: &Route) -> String {
    match route {
        Route::Direct => " directly".into(),
        Route::Relayed { relay, hole_punch } => {
            let punch = match hole_punch {
                None => String::new(),
                Some(Ok(())) => ", a direct connection was made".into(),
                Some(Err(e)) => format!(", hole punch failed: {e}"),
            };
            format!(" through relay {relay}{punch}")
        }
    }
}
