//! A malicious member: writes raw Automerge changes a modified client could make, each
//! signed with the attacker's real key (or not, or with the wrong one), and says which
//! rule every honest device must give for refusing it. Tests push them over the real
//! protocol (`tests/tests/guardian.rs`) and through the simulator.

// Test support: an attack that cannot be built is a broken test, so it panics.
#![allow(clippy::unwrap_used, clippy::panic)]

use automerge::transaction::{CommitOptions, Transactable, Transaction};
use automerge::{Automerge, Change, ChangeHash, ObjId, ObjType, ROOT, ReadDoc, ScalarValue, Value};
use copse_core::commit_meta::CommitMeta;
use copse_core::guard::signature::signature_change;
use copse_core::guard::{Signer, Violation, member_of_actor};
use copse_core::record_mint::Mint;
use copse_core::{MemberId, PostId, ThreadId};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// One attack: its name, the changes to push, and the reason an honest device gives.
#[derive(Debug, Clone)]
pub struct Attack {
    /// What it tries.
    pub name: &'static str,
    /// The change chunks (attack, then its signature change if it has one).
    pub changes: Vec<Change>,
    /// Why every honest device refuses it.
    pub reason: Violation,
}

impl Attack {
    /// The changes as one push (`save_after` layout: change chunks back to back).
    pub fn bytes(&self) -> Vec<u8> {
        self.changes
            .iter()
            .flat_map(|c| c.raw_bytes().to_vec())
            .collect()
    }

    /// The hash of the refused change.
    pub fn hash(&self) -> ChangeHash {
        self.changes[0].hash()
    }
}

/// The attacker: their key and their (honest, up-to-date) copy of the community.
pub struct Forger {
    key: Signer,
    base: Automerge,
    rng: ChaCha8Rng,
}

fn obj(doc: &impl ReadDoc, parent: &ObjId, key: &str) -> ObjId {
    match doc.get(parent, key) {
        Ok(Some((Value::Object(_), id))) => id,
        other => panic!("{key}: {other:?}"),
    }
}

impl Forger {
    /// `base` is the attacker's copy; every attack builds on it alone, so each is judged
    /// on its own (none depends on another).
    pub fn new(key: Signer, base: Automerge) -> Self {
        Self {
            key,
            base,
            rng: ChaCha8Rng::seed_from_u64(99),
        }
    }

    /// The attacker's member id.
    pub fn member(&self) -> &MemberId {
        self.key.member()
    }

    /// Writes `edit` on a fork under `actor` with `by` in the message; signs it with
    /// `sign_with` if given.
    fn write(
        &mut self,
        actor: automerge::ActorId,
        by: &MemberId,
        sign_with: Option<&Signer>,
        edit: impl FnOnce(&mut Transaction<'_>),
    ) -> Vec<Change> {
        let mut doc = self.base.fork();
        doc.set_actor(actor);
        let heads = doc.get_heads();
        let mut tx = doc.transaction();
        edit(&mut tx);
        let meta = CommitMeta {
            by: by.clone(),
            cmd: "reply".into(),
            obj: None,
        };
        let (hash, _) = tx.commit_with(
            CommitOptions::default()
                .with_message(meta.to_message())
                .with_time(1_900_000_000_000),
        );
        // An attack the copy makes pointless (promoting a coordinator) writes nothing.
        let Some(hash) = hash else {
            return Vec::new();
        };
        if let Some(key) = sign_with {
            let change = doc
                .get_change_by_hash(&hash)
                .unwrap_or_else(|| panic!("made"));
            let sig = signature_change(&change, &key.sign(&hash));
            doc.apply_changes([sig]).unwrap_or_else(|e| panic!("{e}"));
        }
        doc.get_changes(&heads)
    }

    fn own(&mut self, edit: impl FnOnce(&mut Transaction<'_>)) -> Vec<Change> {
        self.own_minted(|tx, _| edit(tx))
    }

    /// Like `own`, with the record ids the change mints (`record_mint`), so that what is
    /// judged is the attack itself.
    fn own_minted(&mut self, edit: impl FnOnce(&mut Transaction<'_>, &Mint)) -> Vec<Change> {
        let key = self.key.clone();
        let actor = key.actor(&mut self.rng);
        let mut fork = self.base.fork();
        fork.set_actor(actor.clone());
        let mint = Mint::for_next_change(&fork);
        self.write(actor, key.member(), Some(&key), |tx| edit(tx, &mint))
    }

    /// Every attack against `victim` (another member who has written something), and with
    /// `thread` (opened by the victim) those on posts too.
    pub fn all(&mut self, victim: &MemberId, thread: Option<&ThreadId>) -> Vec<Attack> {
        let mut out = self.on_members_and_root(victim);
        if let Some(t) = thread {
            out.extend(self.on_posts(t));
        }
        out.retain(|a| !a.changes.is_empty());
        out
    }

    /// Attacks on posts in `thread`, opened by another member.
    fn on_posts(&mut self, thread: &ThreadId) -> Vec<Attack> {
        let me = self.member().clone();
        let key = self.key.clone();
        let mut out = Vec::new();
        let t = thread.clone();
        let first_post = |tx: &Transaction<'_>| {
            let threads = obj(tx, &ROOT, "threads");
            let th = obj(tx, &threads, t.as_str());
            let posts = obj(tx, &th, "posts");
            match tx.get(&posts, 0) {
                Ok(Some((_, id))) => (posts, id),
                other => panic!("{other:?}"),
            }
        };
        out.push(Attack {
            name: "forge another member's post",
            changes: self.own(|tx| {
                let (_, post) = first_post(tx);
                tx.put(&post, "body", "the victim now says whatever I like")
                    .unwrap();
            }),
            reason: Violation::OthersRecord("post".into()),
        });
        let m = me.clone();
        let post_id = PostId::random(&mut self.rng);
        out.push(Attack {
            name: "a post with a Text body",
            changes: self.own(|tx| {
                let (posts, _) = first_post(tx);
                let post = tx.insert_object(&posts, 1, ObjType::Map).unwrap();
                tx.put(&post, "id", post_id.as_str()).unwrap();
                tx.put(&post, "author", m.as_str()).unwrap();
                tx.put_object(&post, "body", ObjType::Text).unwrap();
            }),
            reason: Violation::Malformed("post body (it must be a string)".into()),
        });
        let m = me.clone();
        out.push(Attack {
            name: "a thread with a malformed id",
            changes: self.own(|tx| {
                let threads = obj(tx, &ROOT, "threads");
                let th = tx.put_object(&threads, "../../etc", ObjType::Map).unwrap();
                tx.put(&th, "author", m.as_str()).unwrap();
                tx.put(&th, "kind", "discussion").unwrap();
            }),
            reason: Violation::Malformed("thread id".into()),
        });
        let m = me.clone();
        let body = "x".repeat(copse_core::schema::limits::BODY + 1);
        out.push(Attack {
            name: "a post longer than the schema allows",
            changes: self.own_minted(|tx, mint| {
                let post_id = PostId::from_bytes(mint.next());
                let (posts, _) = first_post(tx);
                let post = tx.insert_object(&posts, 1, ObjType::Map).unwrap();
                tx.put(&post, "id", post_id.as_str()).unwrap();
                tx.put(&post, "author", m.as_str()).unwrap();
                tx.put(&post, "body", body.as_str()).unwrap();
                tx.put(&post, "created_at", 1_900_000_000_000i64).unwrap();
                tx.put(&post, "edited_at", ScalarValue::Null).unwrap();
            }),
            reason: Violation::Malformed(format!("threads/{thread}/posts/[]/body")),
        });
        // The victim's own opening post, written again under the attacker's key.
        let (body, author) = {
            let (_, post) = first_post_of(&self.base, thread);
            (
                str_at(&self.base, &post, "body"),
                str_at(&self.base, &post, "author"),
            )
        };
        let post_id = PostId::random(&mut self.rng);
        let actor = key.actor(&mut self.rng);
        let victim = author.parse::<MemberId>().ok();
        let by: MemberId = victim.unwrap_or_else(|| me.clone());
        out.push(Attack {
            name: "another member's change replayed under the attacker's key",
            changes: self.write(actor, &by, Some(&key), |tx| {
                let (posts, _) = first_post(tx);
                let post = tx.insert_object(&posts, 1, ObjType::Map).unwrap();
                tx.put(&post, "id", post_id.as_str()).unwrap();
                tx.put(&post, "author", author.as_str()).unwrap();
                tx.put(&post, "body", body.as_str()).unwrap();
            }),
            reason: Violation::WrongAuthorName,
        });
        out
    }

    /// Attacks on membership, the root, and signatures.
    fn on_members_and_root(&mut self, victim: &MemberId) -> Vec<Attack> {
        let me = self.member().clone();
        let mut out = Vec::new();
        let m = me.clone();
        out.push(Attack {
            name: "self-promotion",
            changes: self.own(|tx| {
                let members = obj(tx, &ROOT, "members");
                let entry = obj(tx, &members, m.as_str());
                tx.put(&entry, "role", "coordinator").unwrap();
            }),
            reason: Violation::CoordinatorsOnly("change roles".into()),
        });
        let m = me.clone();
        out.push(Attack {
            name: "remove every other member",
            changes: self.own(|tx| {
                let members = obj(tx, &ROOT, "members");
                let ids: Vec<String> = tx.keys(&members).collect();
                for id in ids.iter().filter(|id| **id != m.as_str()) {
                    let entry = obj(tx, &members, id);
                    tx.put(&entry, "removed_at", ScalarValue::Int(1)).unwrap();
                }
            }),
            reason: Violation::CoordinatorsOnly("remove members".into()),
        });
        let m = me.clone();
        out.push(Attack {
            name: "more addresses than a member may advertise",
            changes: self.own(|tx| {
                let members = obj(tx, &ROOT, "members");
                let entry = obj(tx, &members, m.as_str());
                let addrs = obj(tx, &entry, "addrs");
                for i in 0..300 {
                    tx.insert(&addrs, 0, format!("/ip4/127.0.0.1/tcp/{}", 1000 + i))
                        .unwrap();
                }
            }),
            reason: Violation::TooLarge(format!(
                "a list or text of more than {}",
                copse_core::schema::limits::ADDRS
            )),
        });
        out.push(Attack {
            name: "bump schema_version",
            changes: self.own(|tx| {
                tx.put(ROOT, "schema_version", ScalarValue::Uint(99))
                    .unwrap();
            }),
            reason: Violation::RootKey("schema_version".into()),
        });
        out.push(Attack {
            name: "delete a root key",
            changes: self.own(|tx| tx.delete(ROOT, "threads").unwrap()),
            reason: Violation::RootKey("threads".into()),
        });
        out.push(Attack {
            name: "change the community id",
            changes: self.own(|tx| tx.put(ROOT, "community_id", "0".repeat(26)).unwrap()),
            reason: Violation::RootKey("community_id".into()),
        });
        // Under the victim's actor, signed with the attacker's key.
        let victim_actor = self.actor_of(victim);
        let key = self.key.clone();
        let v = victim.clone();
        out.push(Attack {
            name: "a forged signature",
            changes: self.write(victim_actor.clone(), victim, Some(&key), |tx| {
                let members = obj(tx, &ROOT, "members");
                let entry = obj(tx, &members, v.as_str());
                tx.put(&entry, "bio", "I resign").unwrap();
            }),
            reason: Violation::BadSignature,
        });
        let actor = key.actor(&mut self.rng);
        out.push(Attack {
            name: "a missing signature",
            changes: self.write(actor, &me, None, |tx| {
                tx.put(ROOT, "x", 1).unwrap();
            }),
            reason: Violation::MissingSignature,
        });
        out
    }

    /// A member's flood: `n` tiny valid changes, each signed, one after the other on one
    /// actor (each rewrites the attacker's own bio, which any member may do). Every honest
    /// device accepts them; the point is how it copes with their number.
    pub fn flood(&mut self, n: usize) -> Vec<Change> {
        let key = self.key.clone();
        let mut doc = self.base.fork();
        doc.set_actor(key.actor(&mut self.rng));
        let heads = doc.get_heads();
        let members = obj(&doc, &ROOT, "members");
        let entry = obj(&doc, &members, key.member().as_str());
        let meta = CommitMeta {
            by: key.member().clone(),
            cmd: "update_my_details".into(),
            obj: None,
        }
        .to_message();
        for i in 0..n {
            let mut tx = doc.transaction();
            tx.put(&entry, "bio", format!("flood {i}")).unwrap();
            let (hash, _) = tx.commit_with(
                CommitOptions::default()
                    .with_message(meta.clone())
                    .with_time(1_900_000_000_000),
            );
            let hash = hash.unwrap();
            let change = doc.get_change_by_hash(&hash).unwrap();
            let sig = signature_change(&change, &key.sign(&hash));
            doc.apply_changes([sig]).unwrap();
        }
        doc.get_changes(&heads)
    }

    /// An actor of `member`'s in the copy (they must have written something).
    fn actor_of(&self, member: &MemberId) -> automerge::ActorId {
        self.base
            .get_changes(&[])
            .iter()
            .find(|c| member_of_actor(c.actor_id()).as_ref() == Some(member))
            .map(|c| c.actor_id().clone())
            .unwrap_or_else(|| panic!("{member} wrote nothing"))
    }
}

fn first_post_of(doc: &Automerge, t: &ThreadId) -> (ObjId, ObjId) {
    let threads = obj(doc, &ROOT, "threads");
    let th = obj(doc, &threads, t.as_str());
    let posts = obj(doc, &th, "posts");
    match doc.get(&posts, 0) {
        Ok(Some((_, id))) => (posts, id),
        other => panic!("{other:?}"),
    }
}

fn str_at(doc: &Automerge, o: &ObjId, key: &str) -> String {
    match doc.get(o, key) {
        Ok(Some((Value::Scalar(s), _))) => s.as_str().unwrap_or_default().to_owned(),
        other => panic!("{key}: {other:?}"),
    }
}
