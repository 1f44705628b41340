//! In-process peers for multi-peer scenarios: real copse-peer runtimes with real libp2p on
//! 127.0.0.1. Waiting is always for a condition, woken by the peers' own events, with a
//! generous deadline that only turns a hang into a failure.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use copse_core::record::{MemberDetails, Role, ThreadKind};
use copse_core::{Command, CommunityId, MemberId, NewCommunity};
use copse_peer::{Ask, PeerConfig, PeerEvent, PeerHandle, Request, ask};
use serde_json::Value;
use tokio::sync::{Mutex, watch};

/// Longest any wait may take before the test fails.
pub const DEADLINE: Duration = Duration::from_secs(120);

/// A running peer with its own profile.
pub struct TestPeer {
    /// Name (for messages).
    pub name: String,
    /// The runtime.
    pub handle: PeerHandle,
    /// Member id.
    pub member: MemberId,
    /// Listen address with `/p2p/<id>`.
    pub addr: String,
    /// Every event so far.
    pub events: Arc<Mutex<Vec<PeerEvent>>>,
    /// Counts events; `changed()` wakes waiters.
    pub ticks: watch::Receiver<u64>,
    /// The profile directory.
    pub dir: tempfile::TempDir,
}

impl TestPeer {
    /// Creates a profile with an identity named `name` and starts its runtime on loopback.
    pub async fn start(name: &str) -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        Self::start_in(name, dir).await
    }

    /// Starts a runtime on an existing profile directory (initialising it if needed).
    pub async fn start_in(name: &str, dir: tempfile::TempDir) -> Self {
        // COPSE_LOG=debug shows what the runtimes do.
        if let Ok(filter) = std::env::var("COPSE_LOG") {
            let _ = tracing_subscriber::fmt()
                .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
                .with_test_writer()
                .try_init();
        }
        {
            let mut profile = copse_peer::Profile::open(dir.path()).expect("open profile");
            if profile.identity().is_err() {
                profile
                    .init(MemberDetails {
                        name: name.to_owned(),
                        organisation: format!("{name} Ltd"),
                        skills: vec!["testing".into()],
                        ..Default::default()
                    })
                    .expect("init");
            }
        }
        let (handle, mut rx) =
            copse_peer::start(PeerConfig::loopback(dir.path().to_owned())).expect("start peer");
        let member = handle.member_id().clone();
        let events = Arc::new(Mutex::new(Vec::new()));
        let (tx, ticks) = watch::channel(0u64);
        let (addr_tx, mut addr_rx) = watch::channel(String::new());
        let log = events.clone();
        let counter = Arc::new(AtomicU64::new(0));
        let me = member.clone();
        tokio::spawn(async move {
            while let Some(ev) = rx.recv().await {
                if let PeerEvent::Listening { addr } = &ev {
                    let _ = addr_tx.send(format!("{addr}/p2p/{me}"));
                }
                log.lock().await.push(ev);
                let n = counter.fetch_add(1, Ordering::Relaxed) + 1;
                let _ = tx.send(n);
            }
        });
        let addr = tokio::time::timeout(DEADLINE, async {
            loop {
                let a = addr_rx.borrow_and_update().clone();
                if !a.is_empty() {
                    return a;
                }
                addr_rx.changed().await.expect("peer stopped");
            }
        })
        .await
        .expect("peer never listened");
        Self {
            name: name.to_owned(),
            handle,
            member,
            addr,
            events,
            ticks,
            dir,
        }
    }

    /// Runs a request that must succeed; its answer.
    pub async fn ask<Q: Ask>(&self, request: Q) -> Q::Answer {
        let what = format!("{:?}", Into::<Request>::into(request.clone()));
        self.handle
            .ask(request)
            .await
            .unwrap_or_else(|e| panic!("{}: {what} failed: {e}", self.name))
    }

    /// Runs a command in a community; returns the created id, if any.
    pub async fn exec(&self, community: &CommunityId, command: Command) -> String {
        self.ask(ask::Edit {
            community: community.clone(),
            command,
        })
        .await
        .created
        .map(|c| c.id_string())
        .unwrap_or_default()
    }

    /// Founds a community.
    pub async fn create(&self, name: &str) -> CommunityId {
        self.handle
            .create_community(NewCommunity {
                name: name.into(),
                domain: "testing".into(),
                ..Default::default()
            })
            .await
            .unwrap_or_else(|e| panic!("{}: create failed: {e}", self.name))
    }

    /// Starts a discussion; returns its id.
    pub async fn post(&self, community: &CommunityId, title: &str) -> String {
        self.exec(
            community,
            Command::StartThread {
                kind: ThreadKind::Discussion,
                title: title.into(),
                body: "body".into(),
                tags: vec![],
            },
        )
        .await
    }

    /// A ticket for `uses` newcomers.
    pub async fn invite(&self, community: &CommunityId, uses: u64) -> String {
        self.handle
            .invite(community, 3_600_000, uses, Role::Member)
            .await
            .unwrap_or_else(|e| panic!("{}: invite failed: {e}", self.name))
            .ticket
    }

    /// Joins with a ticket.
    pub async fn join(&self, ticket: &str) -> Result<copse_peer::Joined, String> {
        self.handle
            .join(ticket, None)
            .await
            .map_err(|e| e.to_string())
    }

    /// The community as `show --json` prints it.
    pub async fn show(&self, community: &CommunityId) -> Value {
        let shown = self
            .ask(ask::Show {
                community: community.clone(),
            })
            .await;
        serde_json::to_value(shown).unwrap_or_default()
    }

    /// The community's heads.
    pub async fn heads(&self, community: &CommunityId) -> Value {
        let heads = self
            .ask(ask::Heads {
                community: community.clone(),
            })
            .await;
        serde_json::to_value(heads).unwrap_or_default()
    }

    /// What the peer's guard refused in the community, oldest first.
    pub async fn refused(&self, community: &CommunityId) -> Vec<copse_core::guard::Refused> {
        self.ask(ask::Refused {
            community: community.clone(),
        })
        .await
    }

    /// Whether the peer holds this community.
    pub async fn has(&self, community: &CommunityId) -> bool {
        self.handle
            .ask(ask::Heads {
                community: community.clone(),
            })
            .await
            .is_ok()
    }

    /// Titles of every thread in the community.
    pub async fn titles(&self, community: &CommunityId) -> Vec<String> {
        self.ask(ask::Threads {
            community: community.clone(),
            kind: None,
            tag: None,
            after: None,
            limit: usize::MAX,
        })
        .await
        .threads
        .into_iter()
        .map(|t| t.title)
        .collect()
    }

    /// Whether an event matching `f` has happened.
    pub async fn saw(&self, f: impl Fn(&PeerEvent) -> bool) -> bool {
        self.events.lock().await.iter().any(f)
    }
}

/// Waits until `cond` holds, re-checking whenever any of `peers` reports an event.
pub async fn wait_for<F, Fut>(peers: &[&TestPeer], what: &str, mut cond: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let mut ticks: Vec<watch::Receiver<u64>> = peers.iter().map(|p| p.ticks.clone()).collect();
    let result = tokio::time::timeout(DEADLINE, async {
        loop {
            for t in &mut ticks {
                t.borrow_and_update();
            }
            if cond().await {
                return;
            }
            let waits = ticks.iter_mut().map(|t| Box::pin(t.changed()));
            let _ = futures::future::select_all(waits).await;
        }
    })
    .await;
    if result.is_err() {
        panic!("timed out after {DEADLINE:?} waiting for: {what}");
    }
}

/// Waits until every peer holds `community` with the same heads and shows the same JSON, and
/// returns that JSON. Both are compared in one check: a peer may record a newly observed
/// address at any moment, so comparing `show` after a separate heads check would race.
pub async fn converged(peers: &[&TestPeer], community: &CommunityId) -> Value {
    let agreed = std::cell::RefCell::new(Value::Null);
    wait_for(peers, "identical heads and show", || async {
        let mut first: Option<(Value, Value)> = None;
        for p in peers {
            if !p.has(community).await {
                return false;
            }
            let now = (p.heads(community).await, p.show(community).await);
            match &first {
                None => first = Some(now),
                Some(f) if *f != now => return false,
                _ => {}
            }
        }
        *agreed.borrow_mut() = first.map(|f| f.1).unwrap_or(Value::Null);
        true
    })
    .await;
    agreed.into_inner()
}
