//! `community create / list / update / add-objective / set-objective / set-levels /
//! relays`, `show`, `heads`.

use anyhow::bail;
use clap::Subcommand;
use copse_core::automerge::ChangeHash;
use copse_core::record::{LevelRule, Profile};
use copse_core::view::snapshot::CommunitySnapshot;
use copse_core::{Command, NewCommunity, ObjectiveId};
use copse_peer::CommunitySummary;
use copse_peer::ask;

use super::args::CommunityArg;
use super::choice::ObjectiveStatusArg;
use super::run::{Run, ask, ask_as, edit};

#[derive(Debug, Subcommand)]
pub(crate) enum CommunityCmd {
    /// Found a community; you become its coordinator. Prints its id.
    Create {
        /// Name.
        #[arg(long)]
        name: String,
        /// The domain members share.
        #[arg(long)]
        domain: String,
        /// An objective (repeat for several).
        #[arg(long = "objective")]
        objectives: Vec<String>,
        /// How members work together.
        #[arg(long, default_value = "")]
        norms: String,
    },
    /// Communities on this device.
    List,
    /// Coordinators: change name, domain or norms.
    Update {
        #[command(flatten)]
        c: CommunityArg,
        /// New name.
        #[arg(long)]
        name: Option<String>,
        /// New domain.
        #[arg(long)]
        domain: Option<String>,
        /// New norms.
        #[arg(long)]
        norms: Option<String>,
    },
    /// Coordinators: add an objective.
    AddObjective {
        #[command(flatten)]
        c: CommunityArg,
        /// The objective.
        #[arg(long)]
        text: String,
    },
    /// Coordinators: reword an objective or set its status.
    SetObjective {
        #[command(flatten)]
        c: CommunityArg,
        /// Objective id (see `show`).
        #[arg(long)]
        objective: ObjectiveId,
        /// New wording.
        #[arg(long)]
        text: Option<String>,
        /// New status.
        #[arg(long, value_enum)]
        status: Option<ObjectiveStatusArg>,
    },
    /// Coordinators: how participation levels are read (see `member levels`); without
    /// options, back to the defaults.
    SetLevels {
        #[command(flatten)]
        c: CommunityArg,
        /// Contributions count within this many days.
        #[arg(long, default_value_t = LevelRule::default().window_days)]
        window_days: u32,
        /// Contributions in the window from which a member is active.
        #[arg(long, default_value_t = LevelRule::default().active_from)]
        active_from: u32,
        /// Contributions in the window from which a member is core.
        #[arg(long, default_value_t = LevelRule::default().core_from)]
        core_from: u32,
    },
    /// The relays the community's devices keep a reservation on and reach each other
    /// through (coordinators add and remove them).
    Relays {
        #[command(subcommand)]
        cmd: RelaysCmd,
    },
}

/// `community relays ...`.
#[derive(Debug, Subcommand)]
pub(crate) enum RelaysCmd {
    /// One relay a line, in the order devices try them.
    List {
        #[command(flatten)]
        c: CommunityArg,
    },
    /// Coordinators: add a relay, e.g. /ip4/203.0.113.5/udp/4001/quic-v1/p2p/12D3KooW...
    Add {
        #[command(flatten)]
        c: CommunityArg,
        /// The relay's address, ending in /p2p/<its id> (`serve --relay` prints the id).
        relay: String,
    },
    /// Coordinators: stop using a relay.
    Remove {
        #[command(flatten)]
        c: CommunityArg,
        /// The relay's address, as listed.
        relay: String,
    },
}

fn edit_in(c: CommunityArg, command: Command) -> Run {
    edit(c.community, command)
}

impl CommunityCmd {
    pub(crate) fn request(self) -> anyhow::Result<Run> {
        Ok(match self {
            CommunityCmd::Create {
                name,
                domain,
                objectives,
                norms,
            } => ask_as(
                ask::CreateCommunity {
                    spec: NewCommunity {
                        name,
                        domain,
                        objectives,
                        norms,
                    },
                },
                |id| id.to_string(),
                |id| serde_json::json!({ "id": id }),
            ),
            CommunityCmd::List => ask(ask::ListCommunities, print_list),
            CommunityCmd::Update {
                c,
                name,
                domain,
                norms,
            } => {
                if name.is_none() && domain.is_none() && norms.is_none() {
                    bail!("nothing to change: give --name, --domain or --norms");
                }
                edit_in(
                    c,
                    Command::UpdateProfile {
                        name,
                        domain,
                        norms,
                    },
                )
            }
            CommunityCmd::AddObjective { c, text } => edit_in(c, Command::AddObjective { text }),
            CommunityCmd::SetLevels {
                c,
                window_days,
                active_from,
                core_from,
            } => edit_in(
                c,
                Command::SetLevelRule(LevelRule {
                    window_days,
                    active_from,
                    core_from,
                }),
            ),
            CommunityCmd::Relays { cmd } => match cmd {
                RelaysCmd::List { c } => ask(
                    ask::Profile {
                        community: c.community,
                    },
                    print_relays,
                ),
                RelaysCmd::Add { c, relay } => edit_in(c, Command::AddRelay { relay }),
                RelaysCmd::Remove { c, relay } => edit_in(c, Command::RemoveRelay { relay }),
            },
            CommunityCmd::SetObjective {
                c,
                objective,
                text,
                status,
            } => edit_in(
                c,
                Command::SetObjective {
                    id: objective,
                    text,
                    status: status.map(Into::into),
                },
            ),
        })
    }
}

/// `show`.
pub(crate) fn show(c: CommunityArg) -> Run {
    ask(
        ask::Show {
            community: c.community,
        },
        print_show,
    )
}

/// `heads`.
pub(crate) fn heads(c: CommunityArg) -> Run {
    ask(
        ask::Heads {
            community: c.community,
        },
        print_heads,
    )
}

fn print_relays(p: Profile) -> String {
    if p.relays.is_empty() {
        return "no relays yet: `copse-node community relays add -c ID ADDR` (coordinators)".into();
    }
    p.relays.join("\n")
}

fn print_list(list: Vec<CommunitySummary>) -> String {
    if list.is_empty() {
        return "no communities yet: `copse-node community create --name N --domain D`".into();
    }
    list.iter()
        .map(|c| {
            format!(
                "{}  {} — {} ({} members, {} threads)",
                c.id, c.name, c.domain, c.members, c.threads
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn print_show(s: CommunitySnapshot) -> String {
    let p = &s.profile;
    let mut out = vec![format!("{} — {}", p.name, p.domain)];
    for o in &p.objectives {
        out.push(format!("  objective [{}] {}", o.status, o.text));
    }
    if !p.norms.is_empty() {
        out.push(format!("  norms: {}", p.norms));
    }
    out.push(format!(
        "{} members, {} threads, {} articles, {} events, {} resources",
        s.members.len(),
        s.threads.len(),
        s.articles.len(),
        s.events.len(),
        s.resources.len()
    ));
    for t in &s.threads {
        out.push(format!(
            "  {} {} ({} posts)",
            t.id,
            t.thread.title,
            t.thread.posts.len()
        ));
    }
    out.join("\n")
}

fn print_heads(heads: Vec<ChangeHash>) -> String {
    heads
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}
