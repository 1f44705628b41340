//! [`Community`]: one community's Automerge document with the rules that guard it.

use automerge::transaction::{CommitOptions, Transactable};
use automerge::{Automerge, ChangeHash, ObjType, ROOT, ReadDoc, ScalarValue};
use autosurgeon::reconcile_prop;
use rand::RngCore;
use serde::{Deserialize, Serialize};

use crate::apply::{Ctx, apply};
use crate::command::{Command, Created};
use crate::commit_meta::CommitMeta;
use crate::doc_read::{get_i64, get_obj, get_str};
use crate::guard::Signer;
use crate::guard::signature::signature_change;
use crate::input::{bounded, required};
use crate::record::{Member, MemberDetails, Objective, ObjectiveStatus, Profile, Role};
use crate::schema::field;
use crate::schema::{self, SCHEMA_VERSION, limits};
use crate::view::members::current_member;
use crate::view::profile::profile;
use crate::view::snapshot::{CommunitySnapshot, snapshot};
use crate::{CommandError, CommunityId, DocError, MemberId, ObjectiveId, Timestamp};

/// What a founder fills in to create a community.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewCommunity {
    /// Name.
    pub name: String,
    /// The shared domain ("structural engineering of timber buildings").
    pub domain: String,
    /// Objectives, one per entry.
    #[serde(default)]
    pub objectives: Vec<String>,
    /// How members work together.
    #[serde(default)]
    pub norms: String,
}

/// The result of an applied command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    /// What it created, if anything.
    pub created: Option<Created>,
    /// Document heads before the command: `doc.save_after(&heads_before)` is its change.
    pub heads_before: Vec<ChangeHash>,
    /// The change it made (`None` if it changed nothing, e.g. an edit to the same text).
    pub change: Option<ChangeHash>,
}

/// A fresh 16-byte Automerge actor id.
fn random_actor(rng: &mut dyn RngCore) -> automerge::ActorId {
    let mut bytes = [0u8; 16];
    rng.fill_bytes(&mut bytes);
    automerge::ActorId::from(bytes)
}

/// A community document. Edits go through [`Community::apply`]; remote changes are merged
/// into [`Community::doc_mut`] by the sync layer.
#[derive(Debug, Clone)]
pub struct Community {
    id: CommunityId,
    doc: Automerge,
    /// Signs this copy's changes (see `guard`); `None` in tests that play several members
    /// on one copy, whose changes are then unsigned.
    signer: Option<Signer>,
}

fn commit_options(by: &MemberId, cmd: &str, obj: Option<String>, now: Timestamp) -> CommitOptions {
    let meta = CommitMeta {
        by: by.clone(),
        cmd: cmd.to_owned(),
        obj,
    };
    CommitOptions::default()
        .with_message(meta.to_message())
        .with_time(now.0)
}

impl Community {
    /// Creates a community with `founder` as its first coordinator (unsigned: for tests
    /// that play several members on one copy; devices use [`Self::create_signed`]).
    pub fn create(
        founder: &MemberId,
        details: MemberDetails,
        spec: NewCommunity,
        now: Timestamp,
        rng: &mut dyn RngCore,
    ) -> Result<(Self, Applied), CommandError> {
        let actor = random_actor(rng);
        Self::create_with_actor(founder, details, spec, now, rng, actor, true)
    }

    fn create_with_actor(
        founder: &MemberId,
        details: MemberDetails,
        spec: NewCommunity,
        now: Timestamp,
        rng: &mut dyn RngCore,
        actor: automerge::ActorId,
        current_rules: bool,
    ) -> Result<(Self, Applied), CommandError> {
        let name = required(field::NAME, &spec.name, limits::TITLE)?;
        let domain = required(field::DOMAIN, &spec.domain, limits::BODY)?;
        let norms = bounded(field::NORMS, &spec.norms, limits::BODY)?;
        let mut objectives = Vec::new();
        for text in spec.objectives.iter().filter(|t| !t.trim().is_empty()) {
            objectives.push(Objective {
                id: ObjectiveId::random(rng),
                text: required("objective", text, limits::BODY)?,
                status: ObjectiveStatus::Planned,
            });
        }
        let details = crate::apply::checked_details(details)?;
        let id = CommunityId::random(rng);
        let profile = Profile {
            name,
            domain,
            objectives,
            norms,
            created_at: now,
            created_by: founder.clone(),
            relays: Vec::new(),
        };
        let founder_entry = Member::new(details, Role::Coordinator, now, None);
        let mut doc = Automerge::new();
        doc.set_actor(actor);
        let result = doc.transact_with(
            |_| {
                commit_options(
                    founder,
                    crate::CommandKind::CreateCommunity.name(),
                    Some(id.to_string()),
                    now,
                )
            },
            |tx| {
                tx.put(ROOT, schema::KIND_KEY, schema::KIND_VALUE)?;
                tx.put(
                    ROOT,
                    schema::SCHEMA_VERSION_KEY,
                    ScalarValue::Uint(SCHEMA_VERSION),
                )?;
                tx.put(ROOT, schema::COMMUNITY_ID_KEY, id.as_str())?;
                if current_rules {
                    tx.put(
                        ROOT,
                        schema::RULES_KEY,
                        ScalarValue::Uint(schema::RULES_VERSION),
                    )?;
                }
                for key in schema::ROOT_MAPS {
                    if key != schema::PROFILE {
                        tx.put_object(ROOT, key, ObjType::Map)?;
                    }
                }
                reconcile_prop(tx, ROOT, schema::PROFILE, &profile)?;
                let members = get_obj(tx, &ROOT, schema::MEMBERS, ObjType::Map)
                    .ok_or_else(|| CommandError::Document("members map missing".into()))?;
                reconcile_prop(tx, &members, founder.as_str(), &founder_entry)?;
                Ok::<_, CommandError>(())
            },
        );
        let success = result.map_err(|f| f.error)?;
        Ok((
            Self {
                id,
                doc,
                signer: None,
            },
            Applied {
                created: None,
                heads_before: Vec::new(),
                change: success.hash,
            },
        ))
    }

    /// Creates a community founded by `signer`'s member, its creation signed.
    pub fn create_signed(
        signer: &Signer,
        details: MemberDetails,
        spec: NewCommunity,
        now: Timestamp,
        rng: &mut dyn RngCore,
    ) -> Result<(Self, Applied), CommandError> {
        Self::create_signed_under(signer, details, spec, now, rng, true)
    }

    /// Like [`Self::create_signed`], without the rules marker: a community as made before
    /// the current rules (`schema::RULES_KEY`), for tests of how such communities keep
    /// their history and move on.
    #[doc(hidden)]
    pub fn create_signed_before_the_current_rules(
        signer: &Signer,
        details: MemberDetails,
        spec: NewCommunity,
        now: Timestamp,
        rng: &mut dyn RngCore,
    ) -> Result<(Self, Applied), CommandError> {
        Self::create_signed_under(signer, details, spec, now, rng, false)
    }

    fn create_signed_under(
        signer: &Signer,
        details: MemberDetails,
        spec: NewCommunity,
        now: Timestamp,
        rng: &mut dyn RngCore,
        current_rules: bool,
    ) -> Result<(Self, Applied), CommandError> {
        let actor = signer.actor(rng);
        let (mut c, applied) = Self::create_with_actor(
            signer.member(),
            details,
            spec,
            now,
            rng,
            actor,
            current_rules,
        )?;
        c.signer = Some(signer.clone());
        c.sign(applied.change)?;
        Ok((c, applied))
    }

    /// Signs the change `hash` just made by this copy (a signature change follows it).
    fn sign(&mut self, hash: Option<ChangeHash>) -> Result<(), CommandError> {
        self.sign_lawful(hash, None)
    }

    /// Signs the change `hash` this copy just committed. With `undo` (the heads before it
    /// and a source of a fresh actor), the change is first judged by the rules every
    /// device applies (`guard::judge_own`): one they would refuse is taken back out of
    /// this copy, never signed, kept or sent.
    fn sign_lawful(
        &mut self,
        hash: Option<ChangeHash>,
        undo: Option<(&[ChangeHash], &mut dyn RngCore)>,
    ) -> Result<(), CommandError> {
        let (Some(signer), Some(hash)) = (&self.signer, hash) else {
            return Ok(());
        };
        let change = self
            .doc
            .get_change_by_hash(&hash)
            .ok_or_else(|| CommandError::Document("the new change is missing".into()))?;
        if let Some((heads_before, rng)) = undo
            && let Err(why) = crate::guard::judge_own(&self.doc, &change)
        {
            tracing::error!(%why, "an edit this device made breaks the community's rules");
            let mut back = self
                .doc
                .fork_at(heads_before)
                .map_err(|e| CommandError::Document(e.to_string()))?;
            // A fresh actor: the refused change's sequence number is never written again.
            back.set_actor(signer.actor(rng));
            self.doc = back;
            return Err(CommandError::AgainstTheRules(why.to_string()));
        }
        let sig = signature_change(&change, &signer.sign(&hash));
        self.doc
            .apply_changes([sig])
            .map_err(|e| CommandError::Document(e.to_string()))
    }

    /// Seals the unsigned history this copy holds (see `guard::legacy`): a signed change
    /// with no operations whose causal past is everything here. Only a coordinator's seal
    /// counts; `None` if there is nothing to seal or this copy does not sign.
    pub fn seal_history(&mut self, now: Timestamp) -> Result<Option<Applied>, CommandError> {
        let Some(signer) = &self.signer else {
            return Ok(None);
        };
        let heads_before = self.doc.get_heads();
        let unsigned_head = heads_before.iter().any(|h| {
            self.doc
                .get_change_by_hash(h)
                .is_some_and(|c| crate::guard::legacy::is_unsigned(&c))
        });
        if !unsigned_head
            || !current_member(&self.doc, signer.member()).is_some_and(|m| m.is_coordinator())
        {
            return Ok(None);
        }
        let hash = self.doc.empty_commit(
            CommitOptions::default()
                .with_message(crate::guard::SEAL_MESSAGE.to_owned())
                .with_time(now.0),
        );
        self.sign(Some(hash))?;
        Ok(Some(Applied {
            created: None,
            heads_before,
            change: Some(hash),
        }))
    }

    /// Moves a community made before the current rules onto them (see
    /// `schema::RULES_KEY`): a coordinator's device writes the marker once. `None` if it
    /// is there already, or this copy does not sign for a coordinator.
    pub fn upgrade_rules(
        &mut self,
        now: Timestamp,
        rng: &mut dyn RngCore,
    ) -> Result<Option<Applied>, CommandError> {
        let Some(signer) = &self.signer else {
            return Ok(None);
        };
        let me = signer.member().clone();
        if get_i64(&self.doc, &ROOT, schema::RULES_KEY).is_some()
            || !current_member(&self.doc, &me).is_some_and(|m| m.is_coordinator())
        {
            return Ok(None);
        }
        let heads_before = self.doc.get_heads();
        let result = self.doc.transact_with(
            |_| commit_options(&me, "upgrade_rules", None, now),
            |tx| {
                tx.put(
                    ROOT,
                    schema::RULES_KEY,
                    ScalarValue::Uint(schema::RULES_VERSION),
                )
            },
        );
        let success = result.map_err(|f| CommandError::Document(f.error.to_string()))?;
        self.sign_lawful(success.hash, Some((&heads_before, rng)))?;
        Ok(Some(Applied {
            created: None,
            heads_before,
            change: success.hash,
        }))
    }

    /// Makes this copy sign its changes with `signer`, under a fresh actor for this session.
    pub fn sign_as(&mut self, signer: Signer, rng: &mut dyn RngCore) {
        self.doc.set_actor(signer.actor(rng));
        self.signer = Some(signer);
    }

    /// Checks that `doc` is a Copse community this build can read.
    pub fn from_doc(doc: Automerge) -> Result<Self, DocError> {
        if get_str(&doc, &ROOT, schema::KIND_KEY).as_deref() != Some(schema::KIND_VALUE) {
            return Err(DocError::NotACommunity(
                "it has no Copse community marker".into(),
            ));
        }
        let version = get_i64(&doc, &ROOT, schema::SCHEMA_VERSION_KEY)
            .and_then(|v| u64::try_from(v).ok())
            .ok_or_else(|| DocError::NotACommunity("it has no schema version".into()))?;
        if version > SCHEMA_VERSION {
            return Err(DocError::NewerSchema {
                found: version,
                supported: SCHEMA_VERSION,
            });
        }
        let id: CommunityId = get_str(&doc, &ROOT, schema::COMMUNITY_ID_KEY)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| DocError::NotACommunity("it has no valid community id".into()))?;
        for key in schema::ROOT_MAPS {
            if get_obj(&doc, &ROOT, key, ObjType::Map).is_none() {
                return Err(DocError::NotACommunity(format!(
                    "its {key} section is missing"
                )));
            }
        }
        if profile(&doc).is_none() {
            return Err(DocError::NotACommunity("its profile cannot be read".into()));
        }
        Ok(Self {
            id,
            doc,
            signer: None,
        })
    }

    /// Loads saved bytes (`Automerge::save` format) and checks them.
    pub fn load(bytes: &[u8]) -> Result<Self, DocError> {
        Self::from_doc(Automerge::load(bytes).map_err(|e| DocError::NotAutomerge(e.to_string()))?)
    }

    /// The community's id.
    pub fn id(&self) -> &CommunityId {
        &self.id
    }

    /// The document, for reads and saves.
    pub fn doc(&self) -> &Automerge {
        &self.doc
    }

    /// Makes this copy's future changes use a fresh actor id drawn from `rng` (a loaded
    /// document otherwise gets one from the system's randomness, which a deterministic
    /// simulation cannot replay).
    pub fn set_actor(&mut self, rng: &mut dyn RngCore) {
        let actor = match &self.signer {
            Some(s) => s.actor(rng),
            None => random_actor(rng),
        };
        self.doc.set_actor(actor);
    }

    /// The document, for merging remote changes. Local edits go through [`Self::apply`].
    pub fn doc_mut(&mut self) -> &mut Automerge {
        &mut self.doc
    }

    /// The schema version now in the document (a merge may bring a newer one).
    pub fn schema_version(&self) -> u64 {
        get_i64(&self.doc, &ROOT, schema::SCHEMA_VERSION_KEY)
            .and_then(|v| u64::try_from(v).ok())
            .unwrap_or(0)
    }

    /// The profile. Present in every checked community; default-empty if a merge broke it.
    pub fn profile(&self) -> Profile {
        profile(&self.doc).unwrap_or_else(|| Profile {
            name: String::new(),
            domain: String::new(),
            objectives: Vec::new(),
            norms: String::new(),
            created_at: Timestamp(0),
            created_by: MemberId::placeholder(),
            relays: Vec::new(),
        })
    }

    /// The community's name.
    pub fn name(&self) -> String {
        self.profile().name
    }

    /// Whether `id` is a current (not removed) member.
    pub fn is_member(&self, id: &MemberId) -> bool {
        current_member(&self.doc, id).is_some()
    }

    /// Everything, for JSON output and tests. Walks the whole document.
    pub fn snapshot(&self) -> CommunitySnapshot {
        snapshot(&self.id, self.profile(), &self.doc)
    }

    /// Applies `cmd` as member `me` at `now`: checks it, then commits it as one change whose
    /// message records `me`. On error the document is unchanged.
    pub fn apply(
        &mut self,
        me: &MemberId,
        now: Timestamp,
        rng: &mut dyn RngCore,
        cmd: Command,
    ) -> Result<Applied, CommandError> {
        if self.schema_version() > SCHEMA_VERSION {
            return Err(CommandError::Document(
                "another member's newer Copse upgraded this community; update Copse to edit it"
                    .into(),
            ));
        }
        let acting = match crate::view::members::read_member_for_command(&self.doc, me) {
            None => return Err(CommandError::NotAMember),
            Some(m) if !m.is_current() => return Err(CommandError::Removed),
            Some(m) => m,
        };
        if self.signer.as_ref().is_some_and(|s| s.member() != me) {
            return Err(CommandError::Document(
                "this copy signs as another member".into(),
            ));
        }
        let ctx = Ctx {
            me,
            now,
            coordinator: acting.is_coordinator(),
            signed: self.signer.is_some(),
            mint: crate::record_mint::Mint::for_next_change(&self.doc),
        };
        let heads_before = self.doc.get_heads();
        let name = cmd.name();
        if let Some(base) = cmd.base() {
            // Apply as of the editor's version; Automerge merges it with later changes.
            let mut at = Vec::with_capacity(base.len());
            for h in base {
                let hash: ChangeHash = h
                    .parse()
                    .map_err(|_| CommandError::Document(format!("{h:?} is not a change hash")))?;
                if self.doc.get_change_meta_by_hash(&hash).is_none() {
                    return Err(CommandError::Document(
                        "the edit is based on an unknown version".into(),
                    ));
                }
                at.push(hash);
            }
            let mut tx = self
                .doc
                .transaction_at(automerge::PatchLog::inactive(), &at)
                .map_err(|e| CommandError::Document(e.to_string()))?;
            return match apply(&mut tx, &ctx, rng, cmd) {
                Ok(effect) => {
                    let (hash, _) = tx.commit_with(commit_options(me, name, effect.obj, now));
                    self.sign_lawful(hash, Some((&heads_before, rng)))?;
                    Ok(Applied {
                        created: effect.created,
                        heads_before,
                        change: hash,
                    })
                }
                Err(e) => {
                    tx.rollback();
                    Err(e)
                }
            };
        }
        let result = self.doc.transact_with(
            |effect: &crate::apply::Effect| commit_options(me, name, effect.obj.clone(), now),
            |tx| apply(tx, &ctx, rng, cmd),
        );
        let success = result.map_err(|f| f.error)?;
        self.sign_lawful(success.hash, Some((&heads_before, rng)))?;
        Ok(Applied {
            created: success.result.created,
            heads_before,
            change: success.hash,
        })
    }
}
