//! What `copse-node status` and the app's Peers screen show.

use copse_core::{CommunityId, MemberId, Timestamp};
use serde::{Deserialize, Serialize};

/// One member as seen from this device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeerStatus {
    /// Member id.
    pub member: MemberId,
    /// Their name in the community.
    pub name: String,
    /// Connected now.
    pub connected: bool,
    /// Last time we exchanged sync messages with them.
    pub last_sync: Option<Timestamp>,
    /// Whether they have everything we have (as far as we know).
    pub up_to_date: bool,
}

/// Sync state of one community.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommunityStatus {
    /// Id.
    pub id: CommunityId,
    /// Name.
    pub name: String,
    /// Every other current member.
    pub peers: Vec<PeerStatus>,
}

/// The device's network status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Status {
    /// Whether the network runs (false for a CLI without `serve`).
    pub online: bool,
    /// Our member id.
    pub member: MemberId,
    /// Where we listen.
    pub addrs: Vec<String>,
    /// Connected peers (any, members or not).
    pub connected: Vec<MemberId>,
    /// Per community.
    pub communities: Vec<CommunityStatus>,
}
