//! `resource add / remove / list`.

use clap::Subcommand;
use copse_core::view::resources::ResourceEntry;
use copse_core::{Command, ResourceId};
use copse_peer::ask;

use super::args::CommunityArg;
use super::print::tags;
use super::run::{Run, ask, edit};

#[derive(Debug, Subcommand)]
pub(crate) enum ResourceCmd {
    /// Share a link or reference. Prints its id.
    Add {
        #[command(flatten)]
        c: CommunityArg,
        /// Title.
        #[arg(long)]
        title: String,
        /// Link.
        #[arg(long)]
        url: Option<String>,
        /// Why it matters.
        #[arg(long, default_value = "")]
        description: String,
        /// Tags, comma-separated.
        #[arg(long, value_delimiter = ',')]
        tags: Vec<String>,
    },
    /// Take a resource down.
    Remove {
        #[command(flatten)]
        c: CommunityArg,
        /// Resource id.
        #[arg(long)]
        resource: ResourceId,
    },
    /// List resources.
    List {
        #[command(flatten)]
        c: CommunityArg,
        /// Only with this tag.
        #[arg(long)]
        tag: Option<String>,
    },
}

impl ResourceCmd {
    pub(crate) fn request(self) -> Run {
        let edit = |c: CommunityArg, command| edit(c.community, command);
        match self {
            ResourceCmd::Add {
                c,
                title,
                url,
                description,
                tags,
            } => edit(
                c,
                Command::AddResource {
                    title,
                    url,
                    description,
                    tags,
                },
            ),
            ResourceCmd::Remove { c, resource } => edit(c, Command::RemoveResource { resource }),
            ResourceCmd::List { c, tag } => ask(
                ask::Resources {
                    community: c.community,
                    tag,
                },
                print_list,
            ),
        }
    }
}

fn print_list(list: Vec<ResourceEntry>) -> String {
    list.iter()
        .map(|r| {
            format!(
                "{}  {} {}{}",
                r.id,
                r.resource.title,
                r.resource.url.as_deref().unwrap_or(""),
                tags(&r.resource.tags)
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}
