//! [`Runtime`]: the actor that owns the device and its sync sessions. One task; everything
//! that touches a document happens here, in order.

use std::collections::{HashMap, HashSet};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::{Duration, Instant};

use copse_core::automerge::ChangeHash;
use copse_core::commit_meta::CommitMeta;
use copse_core::sync::{Refusal, SyncRequest, SyncResponse, SyncSession};
use copse_core::view::members;
use copse_core::{CommunityId, MemberId, Timestamp};
use copse_net::{NetCommand, NetEvent, NetHandle, Tag};
use serde_json::Value;
use tokio::sync::{mpsc, oneshot};

use crate::join::PendingJoin;
use crate::{Device, PeerError, PeerEvent, PeerStatus, Request, Status, now};

/// Commands a [`crate::PeerHandle`] sends.
#[derive(Debug)]
pub(crate) enum PeerCommand {
    Request {
        req: Request,
        reply: oneshot::Sender<Result<Value, PeerError>>,
    },
    Status {
        reply: oneshot::Sender<Status>,
    },
    Block {
        member: MemberId,
        block: bool,
        reply: oneshot::Sender<()>,
    },
    Dial {
        addrs: Vec<String>,
        reply: oneshot::Sender<()>,
    },
    Traffic {
        reply: oneshot::Sender<copse_net::TrafficStats>,
    },
    Shutdown {
        reply: oneshot::Sender<()>,
    },
}

/// A sync session plus what the runtime tracks about it.
#[derive(Debug)]
struct Session {
    sync: SyncSession,
    up_to_date: bool,
    /// The peer was removed: it gets the pending push (which tells it so), then nothing.
    leaving: bool,
}

/// Redial backoff for one member.
#[derive(Debug, Clone, Copy)]
struct Backoff {
    next_at: Timestamp,
    delay_ms: i64,
}

const TICK: Duration = Duration::from_millis(500);

/// A step of the actor that takes longer than this is logged: everything else waits for it.
const SLOW_STEP: Duration = Duration::from_millis(20);

/// A short description of a step, only when slow steps are logged.
fn slow_label(step: &impl std::fmt::Debug) -> Option<String> {
    tracing::enabled!(tracing::Level::INFO).then(|| capped_debug(step, 80))
}

/// The first `max` bytes of `value`'s `Debug` form. Formatting stops there: a step may carry
/// megabytes of changes.
fn capped_debug(value: &impl std::fmt::Debug, max: usize) -> String {
    struct Capped(String, usize);
    impl std::fmt::Write for Capped {
        fn write_str(&mut self, s: &str) -> std::fmt::Result {
            let room = self.1.saturating_sub(self.0.len()).min(s.len());
            let take = s.floor_char_boundary(room);
            self.0.push_str(&s[..take]);
            if take < s.len() {
                return Err(std::fmt::Error);
            }
            Ok(())
        }
    }
    let mut capped = Capped(String::new(), max);
    let _ = std::fmt::write(&mut capped, format_args!("{value:?}"));
    capped.0
}

fn note_slow(what: Option<String>, started: Instant) {
    let took = started.elapsed();
    if took >= SLOW_STEP {
        tracing::info!(
            step = what.as_deref().unwrap_or("?"),
            ms = took.as_millis() as u64,
            "slow step"
        );
    }
}
const REDIAL_MIN_MS: i64 = 1_000;
const REDIAL_MAX_MS: i64 = 300_000;
const MAX_RECORDED_ADDRS: usize = 8;
/// Local file of addresses where members were reached.
const KNOWN_ADDRS: &str = "known-addrs.json";

fn sync_state_file(member: &MemberId) -> String {
    format!("sync/{member}.state")
}

/// Commands whose changes may change who is a member.
fn touches_membership(meta: &CommitMeta) -> bool {
    matches!(meta.cmd.as_str(), "admit" | "remove_member" | "set_role")
}

pub(crate) struct Runtime {
    pub(crate) device: Device,
    pub(crate) me: MemberId,
    pub(crate) net: NetHandle,
    net_events: mpsc::Receiver<NetEvent>,
    commands: mpsc::Receiver<PeerCommand>,
    events: mpsc::Sender<PeerEvent>,
    sessions: HashMap<(CommunityId, MemberId), Session>,
    /// Outbound sync requests awaiting a result.
    pending: HashMap<Tag, (CommunityId, MemberId)>,
    pub(crate) joins: HashMap<Tag, PendingJoin>,
    pub(crate) next_tag: Tag,
    connected: HashMap<MemberId, String>,
    last_sync: HashMap<(CommunityId, MemberId), Timestamp>,
    backoff: HashMap<MemberId, Backoff>,
    blocked: HashSet<MemberId>,
    /// Where members were last reached (from tickets and our own dials), kept in the profile.
    known_addrs: HashMap<MemberId, Vec<String>>,
    /// Members and their recorded addresses (see `contacts()`); `None` when stale.
    contacts: Option<HashMap<MemberId, Vec<String>>>,
    addrs_dirty: bool,
    dirty_cache: HashSet<CommunityId>,
    bootstrap: Vec<String>,
    ticks: u64,
}

impl Runtime {
    pub(crate) fn new(
        mut device: Device,
        net: NetHandle,
        net_events: mpsc::Receiver<NetEvent>,
        commands: mpsc::Receiver<PeerCommand>,
        events: mpsc::Sender<PeerEvent>,
        bootstrap: Vec<String>,
    ) -> Result<Self, PeerError> {
        let me = device.member_id()?;
        device.set_cache_on_execute(false);
        let known_addrs = device
            .profile()
            .read_local(KNOWN_ADDRS)
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default();
        // Open every community now: sessions start as soon as members connect.
        for id in device.community_ids()? {
            let t = Instant::now();
            match device.community(&id) {
                Ok(_) => {
                    tracing::info!(community = %id, ms = t.elapsed().as_millis() as u64, "opened")
                }
                Err(e) => {
                    tracing::error!(community = %id, error = %e, "could not open community")
                }
            }
        }
        Ok(Self {
            device,
            me,
            net,
            net_events,
            commands,
            events,
            sessions: HashMap::new(),
            pending: HashMap::new(),
            joins: HashMap::new(),
            next_tag: 1,
            connected: HashMap::new(),
            last_sync: HashMap::new(),
            backoff: HashMap::new(),
            blocked: HashSet::new(),
            known_addrs,
            contacts: None,
            addrs_dirty: false,
            dirty_cache: HashSet::new(),
            bootstrap,
            ticks: 0,
        })
    }

    pub(crate) async fn run(mut self) {
        let bootstrap = std::mem::take(&mut self.bootstrap);
        if !bootstrap.is_empty() {
            self.dial_addrs(bootstrap).await;
        }
        // The first tick comes one period after start, not at once: the views a window asks
        // for on start are served before the housekeeping (recording our addresses).
        let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + TICK, TICK);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                cmd = self.commands.recv() => match cmd {
                    None => break,
                    Some(PeerCommand::Shutdown { reply }) => {
                        self.shutdown().await;
                        // Release the profile (and its lock) before saying we are done.
                        drop(self);
                        let _ = reply.send(());
                        return;
                    }
                    Some(cmd) => {
                        let what = slow_label(&cmd);
                        let t = Instant::now();
                        self.on_command(cmd).await;
                        note_slow(what, t);
                    }
                },
                ev = self.net_events.recv() => match ev {
                    None => break,
                    Some(ev) => {
                        tracing::trace!(?ev, "net event");
                        let what = slow_label(&ev);
                        let t = Instant::now();
                        self.on_net(ev).await;
                        note_slow(what, t);
                    }
                },
                _ = tick.tick() => {
                    let t = Instant::now();
                    self.on_tick().await;
                    note_slow(slow_label(&format_args!("tick")), t);
                }
            }
        }
        self.shutdown().await;
    }

    pub(crate) async fn emit(&self, event: PeerEvent) {
        let _ = self.events.send(event).await;
    }

    async fn dial_addrs(&self, addrs: Vec<String>) {
        for addr in addrs {
            // An address with /p2p/<id> names its peer; dial it as such.
            let peer = addr
                .rsplit_once("/p2p/")
                .and_then(|(_, id)| id.parse::<MemberId>().ok());
            let bare = addr
                .rsplit_once("/p2p/")
                .map_or(addr.clone(), |(a, _)| a.to_owned());
            self.net
                .send(NetCommand::Dial {
                    peer,
                    addrs: vec![bare],
                })
                .await;
        }
    }

    async fn shutdown(&mut self) {
        self.close_sessions(|_, _| true);
        self.flush_caches();
        self.net.send(NetCommand::Shutdown).await;
    }

    // ----- commands -----

    async fn on_command(&mut self, cmd: PeerCommand) {
        match cmd {
            PeerCommand::Request { req, reply } => self.on_request(req, reply).await,
            PeerCommand::Status { reply } => {
                let status = self.status().await;
                let _ = reply.send(status);
            }
            PeerCommand::Block {
                member,
                block,
                reply,
            } => {
                if block {
                    self.blocked.insert(member.clone());
                    self.net.send(NetCommand::Block { peer: member }).await;
                } else {
                    self.blocked.remove(&member);
                    self.net
                        .send(NetCommand::Unblock {
                            peer: member.clone(),
                        })
                        .await;
                    // Redial at once rather than after the backoff the block built up.
                    self.backoff.remove(&member);
                    self.redial().await;
                }
                let _ = reply.send(());
            }
            PeerCommand::Dial { addrs, reply } => {
                self.dial_addrs(addrs).await;
                let _ = reply.send(());
            }
            PeerCommand::Traffic { reply } => {
                let _ = reply.send(self.net.traffic());
            }
            PeerCommand::Shutdown { .. } => {}
        }
    }

    async fn on_request(&mut self, req: Request, reply: oneshot::Sender<Result<Value, PeerError>>) {
        match req {
            Request::Join { ticket, details } => {
                self.start_join(&ticket, details, reply).await;
            }
            Request::Status => {
                let status = self.status().await;
                let _ = reply.send(Ok(serde_json::to_value(status).unwrap_or(Value::Null)));
            }
            Request::Invite {
                community,
                valid_ms,
                uses,
                role,
            } => {
                let heads = self.heads(&community);
                let addrs = self.net.addresses().await;
                let result = self
                    .device
                    .create_invite(&community, valid_ms, uses, role, Some(addrs))
                    .map(|t| serde_json::json!({ "ticket": t.encode(), "invite": t.invite, "expires_at": t.expires_at }));
                if result.is_ok() {
                    self.after_change(&community, &heads, None, true, None)
                        .await;
                }
                let _ = reply.send(result);
            }
            req @ (Request::Execute { .. } | Request::Import { .. }) => {
                let target = match &req {
                    Request::Execute { community, .. } => Some(community.clone()),
                    _ => None,
                };
                let before: Vec<(CommunityId, Vec<ChangeHash>)> = match &target {
                    Some(c) => vec![(c.clone(), self.heads(c))],
                    None => self
                        .device
                        .community_ids()
                        .unwrap_or_default()
                        .into_iter()
                        .map(|c| {
                            let h = self.heads(&c);
                            (c, h)
                        })
                        .collect(),
                };
                let result = self.device.handle(req);
                if let Ok(v) = &result {
                    let change: Option<Vec<ChangeHash>> = v
                        .get("change")
                        .and_then(|h| h.as_str()?.parse().ok())
                        .map(|h| vec![h]);
                    for (c, heads) in before {
                        self.after_change(&c, &heads, None, true, change.clone())
                            .await;
                    }
                    // An import may have brought a new community.
                    if target.is_none() {
                        self.contacts = None;
                        self.start_all_sessions().await;
                    }
                }
                let _ = reply.send(result);
            }
            other => {
                let created = matches!(other, Request::CreateCommunity { .. });
                let result = self.device.handle(other);
                if created && result.is_ok() {
                    self.addrs_dirty = true;
                }
                let _ = reply.send(result);
            }
        }
    }

    /// Member addresses must be read again (a community was added).
    pub(crate) fn forget_contacts(&mut self) {
        self.contacts = None;
    }

    /// Our addresses should be (re)recorded, e.g. in a community we just joined.
    pub(crate) fn addrs_changed(&mut self) {
        self.addrs_dirty = true;
    }

    fn heads(&mut self, community: &CommunityId) -> Vec<ChangeHash> {
        self.device
            .community(community)
            .map(|o| o.community.doc().get_heads())
            .unwrap_or_default()
    }

    // ----- network events -----

    async fn on_net(&mut self, ev: NetEvent) {
        match ev {
            NetEvent::Listening { addr } => {
                self.addrs_dirty = true;
                self.emit(PeerEvent::Listening { addr }).await;
            }
            NetEvent::ObservedAddr { .. } => self.addrs_dirty = true,
            NetEvent::Connected {
                peer,
                addr,
                outbound,
            } => {
                tracing::debug!(%peer, %addr, outbound, "connected");
                if outbound {
                    self.remember_addrs(&peer, std::slice::from_ref(&addr));
                }
                self.connected.insert(peer.clone(), addr);
                // The redial backoff is reset only once the peer answers a sync request: a
                // peer that accepts connections and drops them (it blocks or removed us)
                // keeps being retried less and less often.
                if self.is_shunned(&peer) {
                    tracing::info!(%peer, "refusing a removed member");
                    self.net.send(NetCommand::Disconnect { peer }).await;
                    return;
                }
                self.emit(PeerEvent::PeerConnected {
                    member: peer.clone(),
                })
                .await;
                self.start_sessions_with(&peer).await;
            }
            NetEvent::Disconnected { peer } => {
                self.connected.remove(&peer);
                self.back_off(&peer);
                self.close_sessions(|_, m| m == &peer);
                self.emit(PeerEvent::PeerDisconnected { member: peer })
                    .await;
            }
            NetEvent::Discovered { peer, addrs } => {
                if !self.connected.contains_key(&peer)
                    && !self.blocked.contains(&peer)
                    && self.is_member_anywhere(&peer)
                {
                    self.net
                        .send(NetCommand::Dial {
                            peer: Some(peer),
                            addrs,
                        })
                        .await;
                }
            }
            NetEvent::DialFailed { peer, error } => {
                tracing::debug!(?peer, %error, "dial failed");
                if let Some(p) = peer {
                    self.back_off(&p);
                }
            }
            NetEvent::SyncRequest { peer, id, request } => {
                let response = self.on_sync_request(&peer, request).await;
                self.net
                    .send(NetCommand::RespondSync { id, response })
                    .await;
            }
            NetEvent::SyncResult { peer, tag, result } => {
                self.on_sync_result(&peer, tag, result).await
            }
            NetEvent::JoinRequest { peer, id, request } => {
                let response = self.on_join_request(&peer, request).await;
                self.net
                    .send(NetCommand::RespondJoin { id, response })
                    .await;
            }
            NetEvent::JoinResult { peer, tag, result } => {
                self.on_join_result(&peer, tag, result).await
            }
            NetEvent::BadInbound { peer, error } => {
                tracing::warn!(%peer, %error, "dropped a malformed message; closing that peer's sessions");
                self.close_sessions(|_, m| m == &peer);
                self.net.send(NetCommand::Disconnect { peer }).await;
            }
        }
    }

    /// Whether `peer` is a current member of `community` and so are we.
    fn shares(&mut self, community: &CommunityId, peer: &MemberId) -> bool {
        let me = self.me.clone();
        match self.device.community(community) {
            Ok(open) => open.community.is_member(peer) && open.community.is_member(&me),
            Err(_) => false,
        }
    }

    fn is_member_anywhere(&mut self, peer: &MemberId) -> bool {
        let ids = self.device.community_ids().unwrap_or_default();
        ids.iter().any(|c| self.shares(c, peer))
    }

    /// A removed member who shares no community with us any more.
    fn is_shunned(&mut self, peer: &MemberId) -> bool {
        let ids = self.device.community_ids().unwrap_or_default();
        let mut removed = false;
        for c in &ids {
            if let Ok(open) = self.device.community(c) {
                match members::read_member(open.community.doc(), peer) {
                    Some(m) if m.is_current() => return false,
                    Some(_) => removed = true,
                    None => {}
                }
            }
        }
        removed
    }

    async fn start_all_sessions(&mut self) {
        let peers: Vec<MemberId> = self.connected.keys().cloned().collect();
        for p in peers {
            self.start_sessions_with(&p).await;
        }
    }

    /// Starts a session for every community we share with a connected peer.
    pub(crate) async fn start_sessions_with(&mut self, peer: &MemberId) {
        if !self.connected.contains_key(peer) {
            return;
        }
        for c in self.device.community_ids().unwrap_or_default() {
            if self.sessions.contains_key(&(c.clone(), peer.clone())) || !self.shares(&c, peer) {
                continue;
            }
            self.open_session(&c, peer);
            self.pump(&c, peer).await;
        }
    }

    fn open_session(&mut self, c: &CommunityId, peer: &MemberId) {
        let saved = self
            .device
            .community(c)
            .ok()
            .and_then(|o| o.store.read_side_file(&sync_state_file(peer)));
        self.sessions.insert(
            (c.clone(), peer.clone()),
            Session {
                sync: SyncSession::resume(saved.as_deref()),
                up_to_date: false,
                leaving: false,
            },
        );
    }

    /// Waits longer before the next redial of `peer` (doubling, up to five minutes).
    fn back_off(&mut self, peer: &MemberId) {
        let t = now();
        let b = self.backoff.entry(peer.clone()).or_insert(Backoff {
            next_at: t,
            delay_ms: REDIAL_MIN_MS / 2,
        });
        b.delay_ms = (b.delay_ms * 2).min(REDIAL_MAX_MS);
        b.next_at = t.plus_millis(b.delay_ms);
    }

    /// Ends every session matching `which(community, member)`.
    fn close_sessions(&mut self, which: impl Fn(&CommunityId, &MemberId) -> bool) {
        let keys: Vec<_> = self
            .sessions
            .keys()
            .filter(|(c, m)| which(c, m))
            .cloned()
            .collect();
        for (c, m) in keys {
            self.close_session(&c, &m);
        }
    }

    /// Ends a session, keeping its sync state for next time.
    fn close_session(&mut self, c: &CommunityId, peer: &MemberId) {
        if let Some(s) = self.sessions.remove(&(c.clone(), peer.clone())) {
            if let Some(t) = s.sync.last_exchange() {
                self.last_sync.insert((c.clone(), peer.clone()), t);
            }
            if let Ok(open) = self.device.community(c)
                && let Err(e) = open
                    .store
                    .write_side_file(&sync_state_file(peer), &s.sync.encoded_state())
            {
                tracing::warn!(error = %e, "could not save a sync state");
            }
        }
    }

    /// Sends the session's next request, if it has one and nothing is in flight.
    async fn pump(&mut self, c: &CommunityId, peer: &MemberId) {
        let Ok(open) = self.device.community(c) else {
            return;
        };
        let Some(s) = self.sessions.get_mut(&(c.clone(), peer.clone())) else {
            return;
        };
        if s.leaving {
            // A removed member gets the pending push that tells them, and no new rounds.
            s.sync.cancel_round();
        }
        let request = match catch_unwind(AssertUnwindSafe(|| s.sync.poll(c, open.community.doc())))
        {
            Ok(r) => r,
            Err(_) => {
                tracing::error!(community = %c, %peer, "automerge panicked generating a sync message; closing the session");
                self.sessions.remove(&(c.clone(), peer.clone()));
                return;
            }
        };
        let leaving_done = s.leaving && request.is_none() && !s.sync.is_busy();
        if let Some(request) = request {
            let tag = self.next_tag;
            self.next_tag += 1;
            self.pending.insert(tag, (c.clone(), peer.clone()));
            self.net
                .send(NetCommand::SendSync {
                    peer: peer.clone(),
                    request,
                    tag,
                })
                .await;
        }
        if leaving_done {
            tracing::info!(community = %c, %peer, "closed the session of a removed member");
            self.close_session(c, peer);
            if self.is_shunned(peer) {
                self.net
                    .send(NetCommand::Disconnect { peer: peer.clone() })
                    .await;
            }
            return;
        }
        self.report_sync_state(c, peer).await;
    }

    async fn report_sync_state(&mut self, c: &CommunityId, peer: &MemberId) {
        let Ok(open) = self.device.community(c) else {
            return;
        };
        let Some(s) = self.sessions.get_mut(&(c.clone(), peer.clone())) else {
            return;
        };
        let now_up = s.sync.is_up_to_date(open.community.doc());
        if now_up != s.up_to_date {
            s.up_to_date = now_up;
            self.emit(PeerEvent::SyncState {
                community: c.clone(),
                member: peer.clone(),
                up_to_date: now_up,
            })
            .await;
        }
    }

    async fn on_sync_request(&mut self, peer: &MemberId, request: SyncRequest) -> SyncResponse {
        let c = request.community().clone();
        if !self.device.profile().has_community(&c) || !self.shares(&c, peer) {
            // Unknown community and non-member look the same from outside.
            return SyncResponse::Refused(Refusal::NotAMember);
        }
        if !self.sessions.contains_key(&(c.clone(), peer.clone())) {
            self.open_session(&c, peer);
        }
        let t = now();
        let Ok(open) = self.device.community(&c) else {
            return SyncResponse::Refused(Refusal::Unavailable);
        };
        let Some(s) = self.sessions.get_mut(&(c.clone(), peer.clone())) else {
            return SyncResponse::Refused(Refusal::Unavailable);
        };
        let doc = open.community.doc_mut();
        let outcome = catch_unwind(AssertUnwindSafe(|| match request {
            SyncRequest::Sync { message, .. } => s.sync.receive_sync(doc, &message, t),
            SyncRequest::Changes { heads, changes, .. } => {
                s.sync.receive_changes(doc, heads, &changes, t)
            }
        }));
        let received = match outcome {
            Ok(Ok(r)) => r,
            Ok(Err(e)) => {
                tracing::warn!(community = %c, %peer, error = %e, "closing a sync session: bad message");
                self.sessions.remove(&(c.clone(), peer.clone()));
                return SyncResponse::Refused(Refusal::BadMessage);
            }
            Err(_) => {
                tracing::error!(community = %c, %peer, "automerge panicked on a peer's message; closing that session and reloading from disk");
                open.rollback();
                self.sessions.remove(&(c.clone(), peer.clone()));
                return SyncResponse::Refused(Refusal::BadMessage);
            }
        };
        if received.changed
            && let Err(e) = open.save()
        {
            tracing::error!(community = %c, error = %e, "could not save changes from a peer");
            if let Some(s) = self.sessions.get_mut(&(c.clone(), peer.clone())) {
                s.sync.request_round();
            }
            self.emit(PeerEvent::Error {
                message: format!("could not save changes from a peer: {e}"),
            })
            .await;
            return SyncResponse::Refused(Refusal::Unavailable);
        }
        let heads = open.community.doc().get_heads();
        if received.changed {
            self.after_change(
                &c,
                &received.heads_before,
                Some(peer),
                false,
                (!received.hashes.is_empty()).then_some(received.hashes),
            )
            .await;
        }
        self.pump(&c, peer).await;
        SyncResponse::Ok { heads }
    }

    async fn on_sync_result(
        &mut self,
        peer: &MemberId,
        tag: Tag,
        result: Result<SyncResponse, String>,
    ) {
        let Some((c, p)) = self.pending.remove(&tag) else {
            return;
        };
        debug_assert_eq!(&p, peer);
        let Ok(open) = self.device.community(&c) else {
            return;
        };
        let Some(s) = self.sessions.get_mut(&(c.clone(), p.clone())) else {
            return;
        };
        match result {
            Ok(response) => {
                if matches!(response, SyncResponse::Ok { .. }) {
                    self.backoff.remove(&p);
                }
                if let Err(e) = s.sync.on_response(response, open.community.doc(), now()) {
                    tracing::info!(community = %c, %peer, error = %e, "sync session ended by the peer");
                    self.close_session(&c, &p);
                    return;
                }
                self.pump(&c, &p).await;
            }
            Err(e) => {
                tracing::debug!(community = %c, %peer, error = %e, "sync request failed; will retry");
                s.sync.on_failure();
                if s.leaving {
                    self.pump(&c, &p).await;
                }
            }
        }
    }

    /// After the document of `c` gained changes beyond `heads_before`: push them to every other
    /// session, tell the user, react to membership changes.
    pub(crate) async fn after_change(
        &mut self,
        c: &CommunityId,
        heads_before: &[ChangeHash],
        source: Option<&MemberId>,
        local: bool,
        new: Option<Vec<ChangeHash>>,
    ) {
        let Ok(open) = self.device.community(c) else {
            return;
        };
        let doc = open.community.doc();
        if doc.get_heads() == heads_before {
            return;
        }
        // With the new changes' hashes at hand this is a few lookups; otherwise Automerge
        // walks the change graph.
        let changes: Vec<CommitMeta> = match new {
            Some(hashes) => hashes
                .iter()
                .filter_map(|h| {
                    let m = doc.get_change_meta_by_hash(h)?;
                    CommitMeta::parse(m.message.as_deref()?)
                })
                .collect(),
            None => doc
                .get_changes_meta(heads_before)
                .iter()
                .filter_map(|m| CommitMeta::parse(m.message.as_deref()?))
                .collect(),
        };
        let peers: Vec<MemberId> = self
            .sessions
            .iter()
            .filter(|((cc, m), s)| cc == c && Some(m) != source && !s.leaving)
            .map(|((_, m), _)| m.clone())
            .collect();
        for p in &peers {
            if let Some(s) = self.sessions.get_mut(&(c.clone(), p.clone())) {
                s.sync.changed_since(heads_before);
            }
            self.pump(c, p).await;
        }
        self.dirty_cache.insert(c.clone());
        tracing::trace!(community = %c, local, cmds = ?changes.iter().map(|m| m.cmd.as_str()).collect::<Vec<_>>(), "community changed");
        let membership = changes.iter().any(touches_membership);
        if membership || changes.iter().any(|m| m.cmd == "set_my_addrs") {
            self.contacts = None;
        }
        self.emit(PeerEvent::CommunityChanged {
            community: c.clone(),
            local,
            changes,
        })
        .await;
        if membership {
            self.membership_changed(c).await;
        }
    }

    async fn membership_changed(&mut self, c: &CommunityId) {
        let me = self.me.clone();
        let Ok(open) = self.device.community(c) else {
            return;
        };
        if !open.community.is_member(&me) {
            let name = open.community.name();
            self.close_sessions(|cc, _| cc == c);
            self.emit(PeerEvent::Removed {
                community: c.clone(),
                name,
            })
            .await;
            return;
        }
        let peers: Vec<MemberId> = self.connected.keys().cloned().collect();
        for p in peers {
            let has = self.sessions.contains_key(&(c.clone(), p.clone()));
            let member = self.shares(c, &p);
            if member && !has {
                self.open_session(c, &p);
                self.pump(c, &p).await;
            } else if !member && has {
                tracing::debug!(community = %c, peer = %p, "a member was removed; sending them the news, then closing");
                // Let the push that tells them go out, then close (see `pump`).
                if let Some(s) = self.sessions.get_mut(&(c.clone(), p.clone())) {
                    s.leaving = true;
                }
                self.pump(c, &p).await;
            }
        }
    }

    // ----- periodic work -----

    async fn on_tick(&mut self) {
        self.ticks += 1;
        if self.addrs_dirty {
            self.addrs_dirty = false;
            self.record_my_addrs().await;
        }
        if self.ticks.is_multiple_of(4) {
            self.redial().await;
        }
        // Retry sessions whose last request failed.
        let keys: Vec<_> = self.sessions.keys().cloned().collect();
        for (c, p) in keys {
            self.pump(&c, &p).await;
        }
        // The cached first screen only has to be roughly current: refresh it every minute
        // (and at shutdown); building it costs a few milliseconds on a large community.
        if self.ticks.is_multiple_of(120) {
            self.flush_caches();
        }
    }

    fn flush_caches(&mut self) {
        for c in std::mem::take(&mut self.dirty_cache) {
            if let Ok(open) = self.device.community(&c) {
                let _ = open.write_cached_view();
            }
        }
    }

    /// Keeps our `addrs` in each community's address book current.
    async fn record_my_addrs(&mut self) {
        let mut addrs = self.net.addresses().await;
        addrs.retain(|a| !a.contains("/0.0.0.0/") && !a.contains("/::/"));
        // Reachable addresses first; loopback last (useful only on this machine).
        addrs.sort_by_key(|a| a.contains("/127.0.0.1/") || a.contains("/::1/"));
        addrs.truncate(MAX_RECORDED_ADDRS);
        if addrs.is_empty() {
            return;
        }
        let me = self.me.clone();
        for c in self.device.community_ids().unwrap_or_default() {
            let Ok(open) = self.device.community(&c) else {
                continue;
            };
            let Some(entry) = members::current_member(open.community.doc(), &me) else {
                continue;
            };
            if entry.addrs == addrs {
                continue;
            }
            let heads = open.community.doc().get_heads();
            match self.device.execute(
                &c,
                copse_core::Command::SetMyAddrs {
                    addrs: addrs.clone(),
                },
            ) {
                Ok(applied) => {
                    let change = applied.change.map(|h| vec![h]);
                    self.after_change(&c, &heads, None, true, change).await
                }
                Err(e) => {
                    tracing::warn!(community = %c, error = %e, "could not record our addresses")
                }
            }
        }
    }

    /// Remembers where a member can be reached (most recent first), in the profile.
    pub(crate) fn remember_addrs(&mut self, member: &MemberId, addrs: &[String]) {
        if member == &self.me || addrs.is_empty() {
            return;
        }
        let entry = self.known_addrs.entry(member.clone()).or_default();
        let before = entry.clone();
        for a in addrs.iter().rev() {
            entry.retain(|x| x != a);
            entry.insert(0, a.clone());
        }
        entry.truncate(MAX_RECORDED_ADDRS);
        if *entry != before
            && let Ok(bytes) = serde_json::to_vec(&self.known_addrs)
        {
            let _ = self.device.profile().write_local(KNOWN_ADDRS, &bytes);
        }
    }

    /// Dials members we know addresses of and are not connected to, with backoff.
    /// Every current member of a community we belong to, with the addresses recorded in
    /// the document. Cached: rebuilt only after membership or address changes.
    fn contacts(&mut self) -> &HashMap<MemberId, Vec<String>> {
        if self.contacts.is_none() {
            let me = self.me.clone();
            let mut all: HashMap<MemberId, Vec<String>> = HashMap::new();
            for c in self.device.community_ids().unwrap_or_default() {
                let Ok(open) = self.device.community(&c) else {
                    continue;
                };
                if !open.community.is_member(&me) {
                    continue;
                }
                for m in members::directory(open.community.doc(), &members::MemberFilter::default())
                {
                    if m.id != me {
                        all.entry(m.id).or_default().extend(m.member.addrs);
                    }
                }
            }
            self.contacts = Some(all);
        }
        self.contacts.get_or_insert_with(HashMap::new)
    }

    /// Dials members we know addresses of and are not connected to, with backoff: the
    /// addresses they recorded, then where we last reached them.
    async fn redial(&mut self) {
        let t = now();
        let contacts = self.contacts().clone();
        let mut targets: HashMap<MemberId, Vec<String>> = HashMap::new();
        for (m, recorded) in contacts {
            if self.connected.contains_key(&m) || self.blocked.contains(&m) {
                continue;
            }
            let mut addrs = recorded;
            for a in self.known_addrs.get(&m).into_iter().flatten() {
                if !addrs.contains(a) {
                    addrs.push(a.clone());
                }
            }
            if !addrs.is_empty() {
                targets.insert(m, addrs);
            }
        }
        for (peer, addrs) in targets {
            let b = self.backoff.entry(peer.clone()).or_insert(Backoff {
                next_at: t,
                delay_ms: REDIAL_MIN_MS,
            });
            if b.next_at > t {
                continue;
            }
            b.next_at = t.plus_millis(b.delay_ms);
            self.net
                .send(NetCommand::Dial {
                    peer: Some(peer),
                    addrs,
                })
                .await;
        }
    }

    async fn status(&mut self) -> Status {
        let me = self.me.clone();
        let mut communities = Vec::new();
        for c in self.device.community_ids().unwrap_or_default() {
            let Ok(open) = self.device.community(&c) else {
                continue;
            };
            let doc = open.community.doc();
            let name = open.community.name();
            let peers = members::directory(doc, &members::MemberFilter::default())
                .into_iter()
                .filter(|m| m.id != me)
                .map(|m| {
                    let key = (c.clone(), m.id.clone());
                    let session = self.sessions.get(&key);
                    PeerStatus {
                        connected: self.connected.contains_key(&m.id),
                        last_sync: session
                            .and_then(|s| s.sync.last_exchange())
                            .or_else(|| self.last_sync.get(&key).copied()),
                        up_to_date: session.is_some_and(|s| s.sync.is_up_to_date(doc)),
                        name: m.member.name,
                        member: m.id,
                    }
                })
                .collect();
            communities.push(crate::CommunityStatus {
                id: c.clone(),
                name,
                peers,
            });
        }
        let mut connected: Vec<MemberId> = self.connected.keys().cloned().collect();
        connected.sort();
        Status {
            online: true,
            member: me,
            addrs: self.net.addresses().await,
            connected,
            communities,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::capped_debug;

    #[test]
    fn slow_step_labels_stop_formatting_early() {
        let big = vec![7u8; 1_000_000];
        let label = capped_debug(&("SyncRequest", big), 80);
        assert_eq!(label.len(), 80);
        assert!(label.starts_with("(\"SyncRequest\", [7, 7"));
        assert_eq!(capped_debug(&"é".repeat(100), 5), "\"éé");
    }
}
