//! Shared by the guard tests: member devices, each a copy signed by its own key, and a
//! small community (Ada coordinator, Bob member, a question by Ada).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    dead_code,
    unreachable_pub
)]

use std::collections::HashSet;

use copse_core::admission_proof::AdmissionProof;
use copse_core::automerge::transaction::{CommitOptions, Transaction};
use copse_core::automerge::{Automerge, Change, ChangeHash, ObjId, ReadDoc};
use copse_core::commit_meta::CommitMeta;
use copse_core::guard::signature::signature_change;
use copse_core::guard::{Admitted, NoLegacy, Refused, Signer, verify_document};
use copse_core::record::{MemberDetails, Role, ThreadKind};
use copse_core::{
    Command, Community, Created, InviteId, InviteSecret, MemberId, NewCommunity, ThreadId,
    Timestamp,
};
use rand::SeedableRng;
use rand::rngs::StdRng;

pub const T0: i64 = 1_790_000_000_000;

pub fn details(name: &str) -> MemberDetails {
    MemberDetails {
        name: name.into(),
        ..MemberDetails::default()
    }
}

/// One member's device: their key and their copy.
pub struct Device {
    pub signer: Signer,
    pub copy: Community,
    pub refused: HashSet<ChangeHash>,
    /// Places found equivocated.
    pub banned: HashSet<(copse_core::automerge::ActorId, u64)>,
    /// Rebuilds so far (each takes a new actor).
    pub rebuilds: u64,
}

impl Device {
    pub fn me(&self) -> MemberId {
        self.signer.member().clone()
    }

    /// Creates an invite for `max_uses` newcomers: its id, secret and changes.
    pub fn invite(
        &mut self,
        rng: &mut StdRng,
        now: i64,
        max_uses: u64,
    ) -> (InviteId, InviteSecret, Vec<Change>) {
        let secret = InviteSecret::random(rng);
        let (created, changes) = self.run(
            rng,
            now,
            Command::CreateInvite {
                role: Role::Member,
                expires_at: Timestamp(T0 + 100_000_000),
                max_uses,
                key: secret.public_key_hex(),
            },
        );
        let Some(Created::Invite(invite)) = created else {
            panic!("no invite: {created:?}")
        };
        (invite, secret, changes)
    }

    pub fn run(
        &mut self,
        rng: &mut StdRng,
        now: i64,
        cmd: Command,
    ) -> (Option<Created>, Vec<Change>) {
        let me = self.me();
        let applied = self
            .copy
            .apply(&me, Timestamp(now), rng, cmd)
            .expect("an honest command");
        let changes = self.copy.doc().get_changes(&applied.heads_before);
        (applied.created, changes)
    }

    /// Like `run`, for a device whose copy a forgery may have broken: `None` if refused.
    pub fn try_run(&mut self, rng: &mut StdRng, now: i64, cmd: Command) -> Option<Vec<Change>> {
        let me = self.me();
        let applied = self.copy.apply(&me, Timestamp(now), rng, cmd).ok()?;
        Some(self.copy.doc().get_changes(&applied.heads_before))
    }

    /// Takes what another device sends: the changes pass through the guard.
    pub fn receive(&mut self, changes: Vec<Change>) -> Admitted {
        let refused = self.refused.clone();
        let banned = self.banned.clone();
        let got = copse_core::guard::admit_held(
            self.copy.doc_mut(),
            changes,
            Vec::new(),
            usize::MAX,
            &copse_core::guard::Known {
                was_refused: &|h| refused.contains(h),
                was_banned: &|a, s| banned.contains(&(a.clone(), s)),
            },
            &NoLegacy,
        )
        .unwrap();
        self.refused.extend(got.refused_hashes.iter().copied());
        self.banned.extend(got.banned.iter().cloned());
        if got.rebuilt {
            // As a device does: changes it wrote may have left, and their sequence numbers
            // may be held elsewhere still.
            // A new actor each time: this key and how many rebuilds came before.
            self.rebuilds += 1;
            let key = self
                .signer
                .member()
                .as_str()
                .bytes()
                .fold(0u64, |a, b| a.rotate_left(5) ^ u64::from(b));
            let seed = key ^ (self.rebuilds << 48);
            let mut rng = <StdRng as rand::SeedableRng>::seed_from_u64(seed);
            self.copy.set_actor(&mut rng);
        }
        got
    }

    /// A modified client: writes `edit` raw, as `me`, signs it with the real key.
    pub fn raw(&mut self, cmd: &str, edit: impl FnOnce(&mut Transaction<'_>)) -> Vec<Change> {
        let (me, signer) = (self.me(), self.signer.clone());
        write_signed(self.copy.doc_mut(), &me, &signer, cmd, edit)
    }

    /// A modified client writing on a fork of its history at `at` (any earlier point),
    /// under a fresh actor of its real key, signed: the changes, not kept in its copy.
    pub fn raw_at(
        &self,
        rng: &mut StdRng,
        at: &[ChangeHash],
        edit: impl FnOnce(&mut Transaction<'_>, &copse_core::record_mint::Mint),
    ) -> Vec<Change> {
        let mut fork = self.copy.doc().fork_at(at).unwrap();
        fork.set_actor(self.signer.actor(rng));
        let mint = copse_core::record_mint::Mint::for_next_change(&fork);
        write_signed(&mut fork, &self.me(), &self.signer, "reply", |tx| {
            edit(tx, &mint)
        })
    }
}

/// Commits `edit` on `doc` as `by` with `cmd` in the message, signed with `signer`: the
/// change and its signature change (none if it wrote nothing, as an attack that repeats
/// itself may).
fn write_signed(
    doc: &mut Automerge,
    by: &MemberId,
    signer: &Signer,
    cmd: &str,
    edit: impl FnOnce(&mut Transaction<'_>),
) -> Vec<Change> {
    let heads = doc.get_heads();
    let meta = CommitMeta {
        by: by.clone(),
        cmd: cmd.into(),
        obj: None,
    };
    let mut tx = doc.transaction();
    edit(&mut tx);
    let (hash, _) = tx.commit_with(
        CommitOptions::default()
            .with_message(meta.to_message())
            .with_time(T0 + 10_000_000),
    );
    let Some(hash) = hash else {
        return Vec::new();
    };
    sign_raw(doc, signer, hash);
    doc.get_changes(&heads)
}

pub fn sign_raw(doc: &mut Automerge, signer: &Signer, hash: ChangeHash) {
    let change = doc.get_change_by_hash(&hash).unwrap();
    let sig = signature_change(&change, &signer.sign(&hash));
    doc.apply_changes([sig]).unwrap();
}

pub struct World {
    pub rng: StdRng,
    pub ada: Device,
    pub bob: Device,
    pub thread: ThreadId,
}

impl World {
    /// Ada makes Bob a coordinator at `now`; Bob's copy takes it.
    pub fn bob_made_coordinator(&mut self, now: i64) {
        let (_, promoted) = self.ada.run(
            &mut self.rng,
            now,
            Command::SetRole {
                member: self.bob.me(),
                role: copse_core::record::Role::Coordinator,
            },
        );
        assert_eq!(self.bob.receive(promoted).refused, vec![]);
    }
}

/// The posts list of thread `t`.
pub fn posts_of(doc: &impl ReadDoc, t: &ThreadId) -> ObjId {
    let threads = obj(doc, &copse_core::automerge::ROOT, "threads");
    let th = obj(doc, &threads, t.as_str());
    obj(doc, &th, "posts")
}

pub fn obj(doc: &impl ReadDoc, parent: &ObjId, key: &str) -> ObjId {
    match doc.get(parent, key).unwrap().unwrap() {
        (copse_core::automerge::Value::Object(_), id) => id,
        other => panic!("{key} is {other:?}"),
    }
}

/// Ada founds a community and admits Bob; Bob's device starts from Ada's copy, checked;
/// Ada starts a thread that Bob receives.
pub fn world(seed: u64) -> World {
    world_under(seed, true)
}

/// The same, in a community made before the current rules (no rules marker): its history
/// is judged by the first rules until a coordinator moves it on.
pub fn world_under_first_rules(seed: u64) -> World {
    world_under(seed, false)
}

fn world_under(seed: u64, current_rules: bool) -> World {
    let mut rng = StdRng::seed_from_u64(seed);
    let ada_key = Signer::random(&mut rng);
    let bob_key = Signer::random(&mut rng);
    let create = if current_rules {
        Community::create_signed
    } else {
        Community::create_signed_before_the_current_rules
    };
    let (copy, _) = create(
        &ada_key,
        details("Ada"),
        NewCommunity {
            name: "Timber".into(),
            domain: "timber".into(),
            ..NewCommunity::default()
        },
        Timestamp(T0),
        &mut rng,
    )
    .unwrap();
    let mut ada = Device {
        signer: ada_key,
        copy,
        refused: HashSet::new(),
        banned: HashSet::new(),
        rebuilds: 0,
    };
    let (invite, secret, _) = ada.invite(&mut rng, T0 + 1, 2);
    ada.run(
        &mut rng,
        T0 + 2,
        Command::Admit {
            member: bob_key.member().clone(),
            details: details("Bob"),
            proof: Box::new(AdmissionProof::sign(
                &secret,
                &bob_key,
                ada.copy.id(),
                &invite,
            )),
            invite,
        },
    );
    let (created, _) = ada.run(
        &mut rng,
        T0 + 3,
        Command::StartThread {
            kind: ThreadKind::Question,
            title: "Glulam spans?".into(),
            body: "How far can a 400 mm beam go?".into(),
            tags: vec!["glulam".into()],
        },
    );
    let Some(Created::Thread(thread)) = created else {
        panic!()
    };
    let (doc, refused) = reloaded(&ada.copy);
    assert_eq!(refused, vec![], "an honest history passes");
    let mut copy = Community::from_doc(doc).unwrap();
    copy.sign_as(bob_key.clone(), &mut rng);
    let bob = Device {
        signer: bob_key,
        copy,
        refused: HashSet::new(),
        banned: HashSet::new(),
        rebuilds: 0,
    };
    World {
        rng,
        ada,
        bob,
        thread,
    }
}

/// Ada admits a newcomer, whose device starts from her copy, checked.
pub fn newcomer(w: &mut World, name: &str) -> Device {
    let key = Signer::random(&mut w.rng);
    let (invite, secret, _) = w.ada.invite(&mut w.rng, T0 + 4, 1);
    w.ada.run(
        &mut w.rng,
        T0 + 4,
        Command::Admit {
            member: key.member().clone(),
            details: details(name),
            proof: Box::new(AdmissionProof::sign(
                &secret,
                &key,
                w.ada.copy.id(),
                &invite,
            )),
            invite,
        },
    );
    let (doc, refused) = reloaded(&w.ada.copy);
    assert_eq!(refused, vec![]);
    let mut copy = Community::from_doc(doc).unwrap();
    copy.sign_as(key.clone(), &mut w.rng);
    Device {
        signer: key,
        copy,
        refused: HashSet::new(),
        banned: HashSet::new(),
        rebuilds: 0,
    }
}

/// `copy` saved and read back as a newcomer or an import reads it: every change checked.
pub fn reloaded(copy: &Community) -> (Automerge, Vec<Refused>) {
    verify_document(Automerge::load(&copy.doc().save()).unwrap()).unwrap()
}
