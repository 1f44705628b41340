//! [`Device`]: this device's identity and its communities, open on demand. It answers
//! [`Request`]s; the CLI uses it directly, and the networked runtime wraps it.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use copse_core::record::MemberDetails;
use copse_core::view::{activity, articles, events, members, resources, tasks, threads};
use copse_core::{Applied, Command, Community, CommunityId, MemberId, NewCommunity, Timestamp};
use copse_store::{DeviceKey, OpenCommunity, ProfileDir};
use rand::SeedableRng;
use rand::rngs::StdRng;
use serde_json::{Value, json};

use crate::local_state::LocalState;
use crate::{PeerError, Request};

/// The wall clock, as the document stores time.
pub fn now() -> Timestamp {
    let ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or(0);
    Timestamp(i64::try_from(ms).unwrap_or(i64::MAX))
}

/// The device's identity.
#[derive(Debug, Clone)]
pub struct Identity {
    /// Secret key seed.
    pub key: DeviceKey,
    /// The member id it gives.
    pub member: MemberId,
}

/// A device: profile directory, identity, and the communities opened so far.
#[derive(Debug)]
pub struct Device {
    profile: ProfileDir,
    identity: Option<Identity>,
    communities: BTreeMap<CommunityId, OpenCommunity>,
    rng: StdRng,
    /// Refresh the cached first screen after every command (the CLI); the runtime turns
    /// this off and refreshes it periodically instead.
    cache_on_execute: bool,
}

fn to_json<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

impl Device {
    /// Opens (and locks) the profile at `path`.
    pub fn open(path: &Path) -> Result<Self, PeerError> {
        let profile = ProfileDir::open(path)?;
        let identity = profile.device_key()?.map(|key| Identity {
            member: copse_net::identity::member_id(key.seed()),
            key,
        });
        Ok(Self {
            profile,
            identity,
            communities: BTreeMap::new(),
            rng: StdRng::from_entropy(),
            cache_on_execute: true,
        })
    }

    /// Whether every command also refreshes the cached first screen (see the field doc).
    pub fn set_cache_on_execute(&mut self, on: bool) {
        self.cache_on_execute = on;
    }

    /// The profile directory.
    pub fn profile(&self) -> &ProfileDir {
        &self.profile
    }

    /// The identity, once `init` ran.
    pub fn identity(&self) -> Result<&Identity, PeerError> {
        self.identity.as_ref().ok_or(PeerError::NoIdentity)
    }

    /// This device's member id.
    pub fn member_id(&self) -> Result<MemberId, PeerError> {
        Ok(self.identity()?.member.clone())
    }

    /// Creates the identity if there is none, and saves the member's details.
    pub fn init(&mut self, details: MemberDetails) -> Result<MemberId, PeerError> {
        let details = copse_core::record::MemberDetails {
            name: details.name.trim().to_owned(),
            ..details
        };
        if details.name.is_empty() {
            return Err(PeerError::Invalid("a name is needed (--name)".into()));
        }
        if self.identity.is_none() {
            let key = DeviceKey::generate(&mut self.rng);
            self.profile.create_device_key(&key)?;
            self.identity = Some(Identity {
                member: copse_net::identity::member_id(key.seed()),
                key,
            });
        }
        self.profile.set_me(&details)?;
        self.member_id()
    }

    /// What the member said about themselves at `init`.
    pub fn my_details(&self) -> Result<MemberDetails, PeerError> {
        self.identity()?;
        Ok(self.profile.me()?.unwrap_or_default())
    }

    /// Founds a community with this device's member as coordinator.
    pub fn create_community(&mut self, spec: NewCommunity) -> Result<CommunityId, PeerError> {
        let me = self.member_id()?;
        let details = self.my_details()?;
        let (community, _) = Community::create(&me, details, spec, now(), &mut self.rng)?;
        let open = self.profile.add_community(community)?;
        let _ = open.write_cached_view();
        let id = open.community.id().clone();
        self.communities.insert(id.clone(), open);
        Ok(id)
    }

    /// Ids of the communities on this device.
    pub fn community_ids(&self) -> Result<Vec<CommunityId>, PeerError> {
        Ok(self.profile.community_ids()?)
    }

    /// A community, opened from disk on first use.
    pub fn community(&mut self, id: &CommunityId) -> Result<&mut OpenCommunity, PeerError> {
        if !self.communities.contains_key(id) {
            if !self.profile.has_community(id) {
                return Err(PeerError::UnknownCommunity(id.clone()));
            }
            let open = self.profile.open_community(id)?;
            self.communities.insert(id.clone(), open);
        }
        self.communities
            .get_mut(id)
            .ok_or_else(|| PeerError::UnknownCommunity(id.clone()))
    }

    /// Applies a command as this device's member; returns once it is on disk.
    pub fn execute(&mut self, id: &CommunityId, cmd: Command) -> Result<Applied, PeerError> {
        let me = self.member_id()?;
        let now = now();
        let mut rng =
            StdRng::from_rng(&mut self.rng).map_err(|e| PeerError::Invalid(e.to_string()))?;
        let cache = self.cache_on_execute;
        let open = self.community(id)?;
        let applied = open.execute(&me, now, &mut rng, cmd)?;
        if cache && let Err(e) = open.write_cached_view() {
            tracing::warn!(error = %e, "could not refresh the cached view");
        }
        Ok(applied)
    }

    /// Merges `incoming` into the copy of the same community this device holds, and saves.
    /// `what` names the source in the error.
    fn merge_known(&mut self, incoming: &Community, what: &str) -> Result<(), PeerError> {
        let open = self.community(incoming.id())?;
        let mut other = incoming.doc().clone();
        open.community
            .doc_mut()
            .merge(&mut other)
            .map_err(|e| PeerError::Invalid(format!("{what} could not be merged: {e}")))?;
        open.save()?;
        Ok(())
    }

    /// Takes in a saved community: a new one is added; a known one is merged.
    /// Returns the id and whether it was new. Bad bytes change nothing.
    pub fn import(&mut self, bytes: &[u8]) -> Result<(CommunityId, bool), PeerError> {
        let incoming = Community::load(bytes)?;
        let id = incoming.id().clone();
        if self.profile.has_community(&id) {
            self.merge_known(&incoming, "the file")?;
            Ok((id, false))
        } else {
            let open = self.profile.add_community(incoming)?;
            self.communities.insert(id.clone(), open);
            Ok((id, true))
        }
    }

    /// Answers a request with JSON.
    pub fn handle(&mut self, req: Request) -> Result<Value, PeerError> {
        Ok(match req {
            Request::Init { details } => json!({ "member_id": self.init(details)? }),
            Request::Whoami => json!({
                "member_id": self.member_id()?,
                "details": self.my_details()?,
                "profile_dir": self.profile.path(),
            }),
            Request::CreateCommunity { spec } => json!({ "id": self.create_community(spec)? }),
            Request::ListCommunities => {
                let mut list = Vec::new();
                for id in self.community_ids()? {
                    let open = self.community(&id)?;
                    let c = &open.community;
                    let profile = c.profile();
                    list.push(json!({
                        "id": id,
                        "name": profile.name,
                        "domain": profile.domain,
                        "members": members::member_count(c.doc()),
                        "threads": threads::thread_count(c.doc()),
                    }));
                }
                Value::Array(list)
            }
            Request::Execute { community, command } => {
                let applied = self.execute(&community, command)?;
                json!({
                    "created": applied.created,
                    "change": applied.change.map(|h| h.to_string()),
                })
            }
            Request::Profile { community } => {
                to_json(&self.community(&community)?.community.profile())
            }
            Request::ReadState { community } => {
                to_json(&LocalState::load(self.community(&community)?))
            }
            Request::MarkRead {
                community,
                thread,
                posts,
            } => {
                let open = self.community(&community)?;
                let mut state = LocalState::load(open);
                let seen = state.read.entry(thread).or_default();
                *seen = (*seen).max(posts);
                state.save(open)?;
                json!({})
            }
            Request::MarkSeen { community } => {
                let open = self.community(&community)?;
                let mut state = LocalState::load(open);
                state.seen_heads = open
                    .community
                    .doc()
                    .get_heads()
                    .iter()
                    .map(ToString::to_string)
                    .collect();
                state.save(open)?;
                json!({})
            }
            Request::WhatsNew { community } => {
                let me = self.member_id()?;
                let open = self.community(&community)?;
                let mut state = LocalState::load(open);
                if state.seen_heads.is_empty() {
                    // First look: start counting from now. (Everything since the founding
                    // would be a walk of the whole history, and news to nobody.)
                    state.seen_heads = open
                        .community
                        .doc()
                        .get_heads()
                        .iter()
                        .map(ToString::to_string)
                        .collect();
                    state.save(open)?;
                }
                let since: Vec<copse_core::automerge::ChangeHash> = state
                    .seen_heads
                    .iter()
                    .filter_map(|h| h.parse().ok())
                    .collect();
                to_json(&activity::whats_new(open.community.doc(), &since, &me, 12))
            }
            Request::Contributions { community, member } => {
                let open = self.community(&community)?;
                to_json(&activity::contributions(open.community.doc(), &member, 10))
            }
            Request::Show { community } => {
                to_json(&self.community(&community)?.community.snapshot())
            }
            Request::Threads {
                community,
                kind,
                tag,
                after,
                limit,
            } => {
                let doc = self.community(&community)?.community.doc();
                to_json(&threads::thread_page(
                    doc,
                    &threads::ThreadQuery {
                        kind,
                        tag,
                        after,
                        limit,
                    },
                ))
            }
            Request::Thread { community, thread } => {
                let doc = self.community(&community)?.community.doc();
                let view = threads::thread(doc, &thread)
                    .ok_or_else(|| PeerError::NotFound(format!("there is no thread {thread}")))?;
                to_json(&view)
            }
            Request::Members {
                community,
                skill,
                organisation,
            } => {
                let doc = self.community(&community)?.community.doc();
                to_json(&members::directory(
                    doc,
                    &members::MemberFilter {
                        skill,
                        organisation,
                        include_removed: false,
                    },
                ))
            }
            Request::Articles { community, tag } => {
                let doc = self.community(&community)?.community.doc();
                to_json(&articles::article_list(doc, tag.as_deref()))
            }
            Request::Article {
                community,
                article,
                at,
            } => {
                let doc = self.community(&community)?.community.doc();
                let view = articles::article(doc, &article)
                    .ok_or_else(|| PeerError::NotFound(format!("there is no article {article}")))?;
                match at {
                    None => {
                        let mut v = to_json(&view);
                        v["heads"] = json!(
                            doc.get_heads()
                                .iter()
                                .map(ToString::to_string)
                                .collect::<Vec<_>>()
                        );
                        v
                    }
                    Some(change) => {
                        let body =
                            articles::article_text_at(doc, &article, &change).ok_or_else(|| {
                                PeerError::NotFound(format!(
                                    "{change} is not a revision of this article"
                                ))
                            })?;
                        json!({ "id": article, "title": view.summary.title, "at": change, "body": body })
                    }
                }
            }
            Request::ArticleHistory { community, article } => {
                let doc = self.community(&community)?.community.doc();
                to_json(&articles::article_history(doc, &article))
            }
            Request::Events { community, past } => {
                let doc = self.community(&community)?.community.doc();
                if past {
                    to_json(&events::past_events(doc, now()))
                } else {
                    to_json(&events::upcoming_events(doc, now()))
                }
            }
            Request::Event { community, event } => {
                let doc = self.community(&community)?.community.doc();
                let mut v =
                    to_json(&events::event(doc, &event).ok_or_else(|| {
                        PeerError::NotFound(format!("there is no event {event}"))
                    })?);
                v["heads"] = json!(
                    doc.get_heads()
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                );
                v
            }
            Request::Tasks { community } => to_json(&tasks::task_board(
                self.community(&community)?.community.doc(),
            )),
            Request::Resources { community, tag } => to_json(&resources::resources(
                self.community(&community)?.community.doc(),
                tag.as_deref(),
            )),
            Request::Export { community, out } => {
                let bytes = self.community(&community)?.community.doc().save();
                std::fs::write(&out, &bytes).map_err(|e| {
                    PeerError::Invalid(format!("could not write {}: {e}", out.display()))
                })?;
                json!({ "path": out, "bytes": bytes.len() })
            }
            Request::Invite {
                community,
                valid_ms,
                uses,
                role,
            } => {
                let ticket = self.create_invite(&community, valid_ms, uses, role, None)?;
                json!({ "ticket": ticket.encode(), "invite": ticket.invite, "expires_at": ticket.expires_at })
            }
            Request::Join { .. } => {
                return Err(PeerError::Invalid(
                    "joining needs the network; this request must go to a running peer".into(),
                ));
            }
            Request::Status => to_json(&self.offline_status()?),
            Request::Heads { community } => {
                let mut heads: Vec<String> = self
                    .community(&community)?
                    .community
                    .doc()
                    .get_heads()
                    .iter()
                    .map(ToString::to_string)
                    .collect();
                heads.sort();
                json!(heads)
            }
            Request::Import { path } => {
                let bytes = std::fs::read(&path).map_err(|e| {
                    PeerError::Invalid(format!("could not read {}: {e}", path.display()))
                })?;
                let (id, created) = self.import(&bytes)?;
                json!({ "id": id, "created": created })
            }
        })
    }
}

impl Device {
    /// Status without a network: every member, none connected.
    pub fn offline_status(&mut self) -> Result<crate::Status, PeerError> {
        let me = self.member_id()?;
        let mut communities = Vec::new();
        for id in self.community_ids()? {
            let c = &self.community(&id)?.community;
            let peers = members::directory(c.doc(), &members::MemberFilter::default())
                .into_iter()
                .filter(|m| m.id != me)
                .map(|m| crate::PeerStatus {
                    member: m.id,
                    name: m.member.name,
                    connected: false,
                    last_sync: None,
                    up_to_date: false,
                })
                .collect();
            communities.push(crate::CommunityStatus {
                id: id.clone(),
                name: c.name(),
                peers,
            });
        }
        Ok(crate::Status {
            online: false,
            member: me,
            addrs: Vec::new(),
            connected: Vec::new(),
            communities,
        })
    }
}

/// Up to this many other members go into a ticket, so any of them can admit the newcomer.
const TICKET_CONTACTS: usize = 4;

impl Device {
    /// Creates an invite in `community` and returns its ticket. `my_addrs` are the addresses
    /// the network listens on now; without them the addresses recorded in the document are
    /// used.
    pub fn create_invite(
        &mut self,
        community: &CommunityId,
        valid_ms: i64,
        uses: u64,
        role: copse_core::record::Role,
        my_addrs: Option<Vec<String>>,
    ) -> Result<copse_core::ticket::Ticket, PeerError> {
        use copse_core::ticket::{Contact, Ticket};
        if valid_ms <= 0 {
            return Err(PeerError::Invalid(
                "an invite must be valid for some time (--expires)".into(),
            ));
        }
        let me = self.member_id()?;
        let secret = copse_core::InviteSecret::random(&mut self.rng);
        let expires_at = now().plus_millis(valid_ms);
        let applied = self.execute(
            community,
            Command::CreateInvite {
                role,
                expires_at,
                max_uses: uses,
                secret_hash: secret.hash_hex(),
            },
        )?;
        let Some(copse_core::Created::Invite(invite)) = applied.created else {
            return Err(PeerError::Invalid("the invite was not created".into()));
        };
        let c = &self.community(community)?.community;
        let everyone = members::directory(c.doc(), &members::MemberFilter::default());
        let my_recorded = everyone
            .iter()
            .find(|m| m.id == me)
            .map(|m| m.member.addrs.clone())
            .unwrap_or_default();
        let mut others: Vec<Contact> = everyone
            .into_iter()
            .filter(|m| m.id != me && !m.member.addrs.is_empty())
            .map(|m| Contact {
                member: m.id,
                addrs: m.member.addrs,
            })
            .collect();
        others.truncate(TICKET_CONTACTS);
        Ok(Ticket {
            v: 1,
            community: community.clone(),
            name: c.name(),
            invite,
            secret,
            inviter: Contact {
                member: me,
                addrs: my_addrs.filter(|a| !a.is_empty()).unwrap_or(my_recorded),
            },
            others,
            expires_at,
        })
    }

    /// Stores a community we were just admitted to (or merges it into a copy we had).
    /// Loads the bytes once and keeps them as the snapshot: a big community is not saved
    /// again on arrival.
    pub fn add_joined(
        &mut self,
        document: &[u8],
        expected: &CommunityId,
    ) -> Result<CommunityId, PeerError> {
        let incoming = Community::load(document)?;
        if incoming.id() != expected {
            return Err(PeerError::Invalid(
                "the member answered with a different community".into(),
            ));
        }
        let me = self.member_id()?;
        if !incoming.is_member(&me) {
            return Err(PeerError::Invalid(
                "the member answered, but did not admit us".into(),
            ));
        }
        let id = incoming.id().clone();
        if self.profile.has_community(&id) {
            self.merge_known(&incoming, "the admitting member's copy")?;
        } else {
            let open = self.profile.add_community_saved(incoming, document)?;
            let _ = open.write_cached_view();
            self.communities.insert(id.clone(), open);
        }
        Ok(id)
    }
}
