//! Random scenarios: from one seed, 3 to 6 devices found a community, join it by ticket,
//! edit, get removed (and write on, on a fork from before their removal), get partitioned
//! and healed, crash and restart, fill their disks; then the network heals, everyone
//! restarts, and the invariants are checked.

use copse_core::automerge::{ChangeHash, ReadDoc};
use copse_core::record::{Role, TaskStatus, ThreadKind};
use copse_core::sync::SyncRequest;
use copse_core::view::{articles, members, tasks, threads};
use copse_core::{Command, CommunityId, MemberId, NewCommunity};
use copse_hub::{Done, Input};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::world::{Dev, NetFaults, World};
use crate::malicious::Forger;

/// What a run did (for the summary printed by the test).
#[derive(Debug, Default, Clone)]
pub struct Outcome {
    /// Devices.
    pub devices: usize,
    /// Edits acknowledged.
    pub acked: usize,
    /// Joins that succeeded.
    pub joins: usize,
    /// Removals applied.
    pub removals: usize,
    /// Crashes.
    pub crashes: usize,
    /// Partitions.
    pub partitions: usize,
    /// Virtual seconds until everyone agreed after the heal.
    pub settle_s: i64,
    /// Forged changes pushed by modified clients (all refused).
    pub forgeries: usize,
    /// Threads removed members wrote on forks from before their removal (none shown).
    pub beyond_removal: usize,
}

/// Virtual milliseconds of random activity.
const ACTIVE_MS: i64 = 60_000;
/// Virtual milliseconds the settle phase may take at most.
const SETTLE_MS: i64 = 900_000;

/// Runs one seed. `Err` says which invariant broke.
pub fn run(seed: u64) -> Result<Outcome, String> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let n = rng.gen_range(3..=6usize);
    let faults = NetFaults {
        drop: rng.gen_range(0.0..0.05),
        duplicate: rng.gen_range(0.0..0.03),
        max_delay_ms: rng.gen_range(1..80),
    };
    let mut w = World::new(seed ^ 0x5eed, n, faults);
    let mut out = Outcome {
        devices: n,
        ..Outcome::default()
    };
    for d in 0..n {
        w.start(d);
    }
    let c = create(&mut w, 0, "Guild").ok_or("the founder could not create the community")?;
    // With four devices or more, the last is a stranger: it has a community of its own,
    // connects to everyone, and must never receive a byte of the guild.
    let stranger = (n >= 4).then_some(n - 1);
    if let Some(s) = stranger {
        create(&mut w, s, "Elsewhere");
    }
    let mut tickets: Vec<Option<String>> = vec![None; n];
    let mut forged: Vec<ChangeHash> = Vec::new();
    // Threads written beyond a removal: their titles, and the removal each was written
    // against.
    let mut forks: Vec<(String, ChangeHash)> = Vec::new();
    let mut crashed: Vec<bool> = vec![false; n];

    let end = w.now.plus_millis(ACTIVE_MS);
    while w.now < end {
        let step = rng.gen_range(20..600);
        w.run_for(step);
        let roll = rng.gen_range(0..100);
        match roll {
            0..=54 => {
                let d = rng.gen_range(0..n);
                edit(&mut w, &mut rng, d, &c);
            }
            55..=64 => {
                // Someone not in the guild (never the stranger) asks a member for a ticket.
                let joiner = rng.gen_range(1..n);
                if Some(joiner) == stranger || crashed[joiner] {
                    continue;
                }
                let inviter = rng.gen_range(0..n);
                if let Some(t) = invite(&mut w, inviter, joiner, &c) {
                    tickets[joiner] = Some(t.clone());
                    join(&mut w, joiner, &t);
                }
            }
            65..=66 => {
                // A member's modified client pushes a forgery, signed with its real key; or
                // a removed member's writes on its history from before the removal.
                let d = rng.gen_range(1..n);
                let to = rng.gen_range(0..n);
                if d != to && Some(d) != stranger && Some(to) != stranger && !crashed[d] {
                    if rng.gen_bool(0.5) {
                        forge(&mut w, &mut rng, d, to, &c, &mut forged);
                    } else {
                        fork_beyond_removal(&mut w, &mut rng, d, to, &c, &mut forks);
                    }
                }
            }
            67..=69 => {
                let victim = rng.gen_range(1..n);
                if Some(victim) != stranger {
                    let m = w.devices[victim].member.clone();
                    w.request(0, |request| Input::Edit {
                        request,
                        community: c.clone(),
                        command: Command::RemoveMember { member: m },
                    });
                }
            }
            70..=75 => {
                let groups: Vec<u8> = (0..n).map(|_| rng.gen_range(0..2)).collect();
                w.partition(&groups);
                out.partitions += 1;
            }
            76..=80 => w.heal(),
            81..=84 => {
                let d = rng.gen_range(0..n);
                if !crashed[d] {
                    w.crash(d);
                    crashed[d] = true;
                    out.crashes += 1;
                }
            }
            85..=92 => {
                if let Some(d) = (0..n).find(|d| crashed[*d]) {
                    w.start(d);
                    crashed[d] = false;
                }
            }
            93..=95 => {
                let d = rng.gen_range(0..n);
                w.devices[d].store.fail_next_append = true;
            }
            _ => {
                let d = rng.gen_range(0..n);
                w.devices[d].store.compact(&c);
            }
        }
        if !w.violations.is_empty() {
            return Err(w.violations.join("\n"));
        }
    }

    // Settle: the network heals, every device runs, and members missing the community
    // (admitted, but the answer was lost) ask again with their ticket.
    w.heal();
    for (d, down) in crashed.iter().enumerate() {
        if *down {
            w.start(d);
        }
    }
    for d in 0..n {
        w.devices[d].store.fail_next_append = false;
    }
    let settle_start = w.now;
    let deadline = w.now.plus_millis(SETTLE_MS);
    loop {
        w.run_for(15_000);
        if !w.violations.is_empty() {
            return Err(w.violations.join("\n"));
        }
        // Admitted (perhaps again, after a removal) without having heard: the member asks
        // again with their ticket, as a person would.
        let missing: Vec<Dev> = current_members(&w, &c)
            .into_iter()
            .filter(|d| {
                let me = w.devices[*d].member.clone();
                !is_member(&w, *d, &c, &me)
            })
            .collect();
        if !missing.is_empty() && w.now < deadline {
            for d in &missing {
                // Their own ticket first (the answer to it may have been lost); if its
                // inviter cannot admit them any more, a fresh one from the founder.
                let ticket = match tickets[*d].take() {
                    Some(t) => Some(t),
                    None => invite(&mut w, 0, *d, &c),
                };
                if let Some(t) = ticket {
                    join(&mut w, *d, &t);
                }
            }
            continue;
        }
        match converged(&w, &c) {
            Ok(()) => break,
            Err(e) if w.now >= deadline => {
                let states: Vec<String> = w
                    .devices
                    .iter()
                    .enumerate()
                    .map(|(d, dev)| {
                        format!(
                            "device {d}: {}",
                            dev.hub
                                .as_ref()
                                .map_or("down".into(), copse_hub::Hub::describe)
                        )
                    })
                    .collect();
                return Err(format!(
                    "not converged {} s after the heal: {e}\n{}",
                    (w.now.0 - settle_start.0) / 1000,
                    states.join("\n")
                ));
            }
            Err(_) => {}
        }
    }
    out.settle_s = (w.now.0 - settle_start.0) / 1000;
    acked_edits_kept(&w)?;
    no_forgery_got_in(&w, &c, &forged)?;
    nothing_beyond_a_removal_shown(&w, &c, &forks)?;
    out.beyond_removal = forks.len();
    out.forgeries = forged.len();
    if let Some(s) = stranger
        && w.devices[s]
            .hub
            .as_ref()
            .and_then(|h| h.community(&c))
            .is_some()
    {
        return Err(format!("the stranger (device {s}) holds the guild"));
    }
    for d in &w.devices {
        out.acked += d.journal.acked.len();
        out.joins += d
            .journal
            .done
            .values()
            .filter(|r| matches!(r, Done::Joined(Ok(_))))
            .count();
    }
    out.removals = w
        .devices
        .first()
        .and_then(|d| d.hub.as_ref())
        .and_then(|h| h.community(&c))
        .map(|comm| {
            members::directory(
                comm.doc(),
                &members::MemberFilter {
                    include_removed: true,
                    ..members::MemberFilter::default()
                },
            )
            .iter()
            .filter(|m| !m.member.is_current())
            .count()
        })
        .unwrap_or(0);
    Ok(out)
}

/// Device `d`'s copy of `c`, if it holds it.
fn copy_of(w: &World, d: Dev, c: &CommunityId) -> Option<copse_core::automerge::Automerge> {
    w.devices[d]
        .hub
        .as_ref()
        .and_then(|h| h.community(c))
        .map(|x| x.doc().clone())
}

/// Device `d`'s modified client builds a random attack on its own copy and pushes it to
/// `to`. The forged change must never enter any device's copy.
fn forge(
    w: &mut World,
    rng: &mut ChaCha8Rng,
    d: Dev,
    to: Dev,
    c: &CommunityId,
    forged: &mut Vec<ChangeHash>,
) {
    let Some(doc) = copy_of(w, d, c) else {
        return;
    };
    let founder = w.devices[0].member.clone();
    let mut forger = Forger::new(w.devices[d].signer.clone(), doc.clone());
    let attacks = forger.all(&founder, None);
    if attacks.is_empty() {
        return;
    }
    let attack = &attacks[rng.gen_range(0..attacks.len())];
    forged.push(attack.hash());
    w.inject(
        d,
        to,
        SyncRequest::Changes {
            community: c.clone(),
            heads: doc.get_heads(),
            changes: attack.bytes(),
        },
    );
}

/// If device `d` is removed in the founder's copy, its modified client writes a thread on
/// the history from before that removal (at the removal's deps, where it was a member),
/// signed with its real key, and hands it to a current member, whose device pushes it to
/// `to`. Any device may take it; no current member may show it.
fn fork_beyond_removal(
    w: &mut World,
    rng: &mut ChaCha8Rng,
    d: Dev,
    to: Dev,
    c: &CommunityId,
    forks: &mut Vec<(String, ChangeHash)>,
) {
    let Some(doc) = copy_of(w, 0, c) else {
        return;
    };
    let member = w.devices[d].member.clone();
    let Some(map) = copse_core::doc_read::root(&doc, copse_core::schema::MEMBERS) else {
        return;
    };
    let entries = copse_core::removal_wins::entries(&doc, &map, member.as_str(), None);
    let Some(removal) = copse_core::removal_frontier::removals(&doc, &entries, None)
        .first()
        .copied()
    else {
        return;
    };
    let Some(deps) = doc.get_change_meta_by_hash(&removal).map(|m| m.deps) else {
        return;
    };
    let Some(mut copy) = doc
        .fork_at(&deps)
        .ok()
        .and_then(|f| copse_core::Community::from_doc(f).ok())
    else {
        return;
    };
    copy.sign_as(w.devices[d].signer.clone(), rng);
    let title = format!("beyond removal {}", forks.len());
    let cmd = Command::StartThread {
        kind: ThreadKind::Discussion,
        title: title.clone(),
        body: "written on a fork".into(),
        tags: vec![],
    };
    let Ok(applied) = copy.apply(&member, w.now, rng, cmd) else {
        return;
    };
    // She hands it over (a file); a current member's device pushes it on.
    let relays: Vec<Dev> = current_members(w, c)
        .into_iter()
        .filter(|r| *r != to && *r != d)
        .collect();
    if relays.is_empty() {
        return;
    }
    let via = relays[rng.gen_range(0..relays.len())];
    forks.push((title, removal));
    let changes: Vec<u8> = copy
        .doc()
        .get_changes(&applied.heads_before)
        .iter()
        .flat_map(|c| c.raw_bytes().to_vec())
        .collect();
    w.inject(
        via,
        to,
        SyncRequest::Changes {
            community: c.clone(),
            heads: copy.doc().get_heads(),
            changes,
        },
    );
}

/// No current member shows a thread written beyond a removal while that removal holds (a
/// member let back in gets back what they wrote beyond the removal the re-admission
/// cleared, and a later removal keeps what it had seen: docs/schema.md, "What survives a
/// removal").
fn nothing_beyond_a_removal_shown(
    w: &World,
    c: &CommunityId,
    forks: &[(String, ChangeHash)],
) -> Result<(), String> {
    let all = threads::ThreadQuery {
        limit: usize::MAX,
        ..threads::ThreadQuery::default()
    };
    for d in current_members(w, c) {
        let Some(comm) = w.devices[d].hub.as_ref().and_then(|h| h.community(c)) else {
            continue;
        };
        let doc = comm.doc();
        let Some(map) = copse_core::doc_read::root(doc, copse_core::schema::MEMBERS) else {
            continue;
        };
        for t in threads::thread_page(doc, &all).threads {
            let Some((_, removal)) = forks.iter().find(|(title, _)| *title == t.title) else {
                continue;
            };
            let entries = copse_core::removal_wins::entries(doc, &map, t.author.as_str(), None);
            if copse_core::removal_frontier::removals(doc, &entries, None).contains(removal) {
                return Err(format!(
                    "device {d} shows {:?}, written beyond a removal that holds",
                    t.title
                ));
            }
        }
    }
    Ok(())
}

/// No forged change is in any device's copy.
fn no_forgery_got_in(w: &World, c: &CommunityId, forged: &[ChangeHash]) -> Result<(), String> {
    for (d, dev) in w.devices.iter().enumerate() {
        let Some(comm) = dev.hub.as_ref().and_then(|h| h.community(c)) else {
            continue;
        };
        if let Some(h) = forged
            .iter()
            .find(|h| comm.doc().get_change_by_hash(h).is_some())
        {
            return Err(format!("device {d} holds the forged change {h}"));
        }
    }
    Ok(())
}

/// Runs a request on `d` and the world until it is answered (or `ms` pass).
fn await_done(w: &mut World, d: Dev, id: u64, ms: i64) -> Option<Done> {
    let until = w.now.plus_millis(ms);
    while w.now < until {
        if let Some(r) = w.devices[d].journal.done.get(&id) {
            return Some(r.clone());
        }
        w.run_for(10);
    }
    w.devices[d].journal.done.get(&id).cloned()
}

fn create(w: &mut World, d: Dev, name: &str) -> Option<CommunityId> {
    let id = w.request(d, |request| Input::Create {
        request,
        spec: NewCommunity {
            name: name.into(),
            domain: "simulation".into(),
            ..NewCommunity::default()
        },
    })?;
    match await_done(w, d, id, 10_000)? {
        Done::Created(Ok(c)) => Some(c),
        _ => None,
    }
}

fn invite(w: &mut World, inviter: Dev, _for: Dev, c: &CommunityId) -> Option<String> {
    let id = w.request(inviter, |request| Input::Invite {
        request,
        community: c.clone(),
        valid_ms: 3_600_000,
        uses: 1,
        role: Role::Member,
    })?;
    match await_done(w, inviter, id, 10_000)? {
        Done::Invited(Ok(i)) => Some(i.ticket),
        _ => None,
    }
}

fn join(w: &mut World, d: Dev, ticket: &str) {
    w.request(d, |request| Input::Join {
        request,
        ticket: ticket.to_owned(),
        details: None,
    });
}

/// A random edit by device `d`, if it runs and holds the community.
fn edit(w: &mut World, rng: &mut ChaCha8Rng, d: Dev, c: &CommunityId) {
    let Some(doc) = w.devices[d]
        .hub
        .as_ref()
        .and_then(|h| h.community(c))
        .map(|comm| comm.doc().clone())
    else {
        return;
    };
    let n: u32 = rng.r#gen();
    let command = match rng.gen_range(0..8) {
        0 | 1 => Command::StartThread {
            kind: if rng.gen_bool(0.5) {
                ThreadKind::Question
            } else {
                ThreadKind::Discussion
            },
            title: format!("thread {n}"),
            body: format!("opening {n}"),
            tags: vec!["sim".into()],
        },
        2 | 3 => {
            let page = threads::thread_page(
                &doc,
                &threads::ThreadQuery {
                    limit: 20,
                    ..threads::ThreadQuery::default()
                },
            );
            let Some(t) = pick(rng, &page.threads) else {
                return;
            };
            Command::Reply {
                thread: t.id.clone(),
                body: format!("reply {n}"),
            }
        }
        4 => Command::CreateArticle {
            title: format!("article {n}"),
            body: "shared text".into(),
            tags: vec![],
        },
        5 => {
            let list = articles::article_list(&doc, None);
            let Some(a) = pick(rng, &list) else {
                return;
            };
            let body = articles::article(&doc, &a.id)
                .map(|v| v.body)
                .unwrap_or_default();
            Command::EditArticle {
                article: a.id.clone(),
                body: format!("{body} +{n}"),
                base: None,
            }
        }
        6 => Command::CreateTask {
            title: format!("task {n}"),
            description: String::new(),
            assignee: None,
            due: None,
            good_first: false,
        },
        _ => {
            let board = tasks::task_board(&doc);
            let Some(t) = pick(rng, &board.todo) else {
                return;
            };
            Command::MoveTask {
                task: t.id.clone(),
                status: TaskStatus::Doing,
            }
        }
    };
    w.request(d, |request| Input::Edit {
        request,
        community: c.clone(),
        command,
    });
}

fn pick<'a, T>(rng: &mut ChaCha8Rng, items: &'a [T]) -> Option<&'a T> {
    (!items.is_empty()).then(|| &items[rng.gen_range(0..items.len())])
}

/// The devices that are current members according to the founder (never removed).
fn current_members(w: &World, c: &CommunityId) -> Vec<Dev> {
    let Some(comm) = w.devices[0].hub.as_ref().and_then(|h| h.community(c)) else {
        return Vec::new();
    };
    members::directory(comm.doc(), &members::MemberFilter::default())
        .iter()
        .filter_map(|m| w.dev_of(&m.id))
        .collect()
}

/// Every current member holds the community with the same heads and the same content.
fn converged(w: &World, c: &CommunityId) -> Result<(), String> {
    let reference = w.devices[0]
        .hub
        .as_ref()
        .and_then(|h| h.community(c))
        .ok_or("the founder lost the community")?;
    let heads = {
        let mut h = reference.doc().get_heads();
        h.sort();
        h
    };
    let view = serde_json::to_string(&reference.snapshot()).unwrap_or_default();
    for d in current_members(w, c) {
        let Some(comm) = w.devices[d].hub.as_ref().and_then(|h| h.community(c)) else {
            return Err(format!("member device {d} does not hold the community"));
        };
        let mut h = comm.doc().get_heads();
        h.sort();
        if h != heads {
            return Err(format!("device {d} has other heads than the founder"));
        }
        if serde_json::to_string(&comm.snapshot()).unwrap_or_default() != view {
            return Err(format!("device {d} shows other content than the founder"));
        }
    }
    Ok(())
}

/// Every edit acknowledged on a device is in that device's copy at the end.
fn acked_edits_kept(w: &World) -> Result<(), String> {
    for (d, dev) in w.devices.iter().enumerate() {
        let hub = dev.hub.as_ref().ok_or(format!("device {d} is down"))?;
        for h in &dev.journal.acked {
            let kept = hub.community_ids().iter().any(|c| {
                hub.community(c)
                    .is_some_and(|comm| comm.doc().get_change_by_hash(h).is_some())
            });
            if !kept {
                return Err(format!("device {d} lost acknowledged change {h}"));
            }
        }
    }
    Ok(())
}

/// Whether `m` is a current member in device `d`'s copy.
pub fn is_member(w: &World, d: Dev, c: &CommunityId, m: &MemberId) -> bool {
    w.devices[d]
        .hub
        .as_ref()
        .and_then(|h| h.community(c))
        .is_some_and(|comm| comm.is_member(m))
}
