//! Arguments several commands share.

use clap::Args;
use copse_core::CommunityId;
use copse_core::record::MemberDetails;

/// What a member says about themselves.
#[derive(Debug, Args)]
pub(crate) struct Details {
    /// Your name as members see it.
    #[arg(long)]
    pub(crate) name: String,
    /// Your organisation.
    #[arg(long, default_value = "")]
    pub(crate) organisation: String,
    /// Your department or team.
    #[arg(long, default_value = "")]
    pub(crate) department: String,
    /// A few words about you.
    #[arg(long, default_value = "")]
    pub(crate) bio: String,
    /// What you know about, comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub(crate) skills: Vec<String>,
}

impl From<Details> for MemberDetails {
    fn from(d: Details) -> Self {
        MemberDetails {
            name: d.name,
            organisation: d.organisation,
            department: d.department,
            bio: d.bio,
            skills: d.skills,
        }
    }
}

/// Which community.
#[derive(Debug, Args)]
pub(crate) struct CommunityArg {
    /// Community id (see `community list`).
    #[arg(long, short = 'c')]
    pub(crate) community: CommunityId,
}
