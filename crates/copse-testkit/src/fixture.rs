//! [`TestCommunity`]: one community made by hand for tests: a founder, members admitted by
//! invite, and a clock that moves a fixed step per edit. Each suite's fixture (core's
//! commands, search and participation, the app's screens) adds its own content on it.

use copse_core::admission_proof::AdmissionProof;
use copse_core::guard::Signer;
use copse_core::record::{MemberDetails, Role, ThreadKind};
use copse_core::{
    Command, CommandError, Community, Created, InviteSecret, MemberId, NewCommunity, ThreadId,
    Timestamp,
};
use rand::SeedableRng;
use rand::rngs::StdRng;

/// A member id that reads as a name in test output (`12D3KooW<name>`).
pub fn member_id(name: &str) -> MemberId {
    format!("12D3KooW{name}")
        .parse()
        .unwrap_or_else(|e| panic!("{name} does not make a member id: {e}"))
}

/// A community on one replica, every member writing to it in turn.
#[derive(Debug)]
pub struct TestCommunity {
    /// The document.
    pub community: Community,
    /// Seeded: the same seed makes the same ids.
    pub rng: StdRng,
    /// The time of the last edit.
    pub now: Timestamp,
    /// Who founded it (a coordinator, who admits the others).
    pub founder: MemberId,
    /// Each edit happens this long after the one before (ms).
    pub step_ms: i64,
}

impl TestCommunity {
    /// `founder` founds a community at `at`; edits a second apart.
    pub fn founded(
        seed: u64,
        at: Timestamp,
        founder: MemberId,
        details: MemberDetails,
        spec: NewCommunity,
    ) -> Self {
        let mut rng = StdRng::seed_from_u64(seed);
        let (community, _) = Community::create(&founder, details, spec, at, &mut rng)
            .unwrap_or_else(|e| panic!("founding the test community: {e}"));
        Self {
            community,
            rng,
            now: at,
            founder,
            step_ms: 1_000,
        }
    }

    /// Edits `ms` apart from now on.
    pub fn with_step(mut self, ms: i64) -> Self {
        self.step_ms = ms;
        self
    }

    /// Moves the clock on.
    pub fn tick(&mut self, ms: i64) {
        self.now = self.now.plus_millis(ms);
    }

    /// `who` runs `cmd`, one step after the last edit; what it created, or why the rules
    /// refused it.
    pub fn try_run(
        &mut self,
        who: &MemberId,
        cmd: Command,
    ) -> Result<Option<Created>, CommandError> {
        self.tick(self.step_ms);
        self.community
            .apply(who, self.now, &mut self.rng, cmd)
            .map(|a| a.created)
    }

    /// Like [`Self::try_run`], for an edit that must pass.
    pub fn run(&mut self, who: &MemberId, cmd: Command) -> Option<Created> {
        let what = cmd.name();
        self.try_run(who, cmd)
            .unwrap_or_else(|e| panic!("{who} could not {what}: {e}"))
    }

    /// The founder invites `who` (an invite for one, valid ten days) and admits them.
    pub fn admit(&mut self, who: &MemberId, details: MemberDetails, role: Role) {
        let secret = InviteSecret::random(&mut self.rng);
        let founder = self.founder.clone();
        let Some(Created::Invite(invite)) = self.run(
            &founder,
            Command::CreateInvite {
                role,
                expires_at: self.now.plus_millis(10 * 86_400_000),
                max_uses: 1,
                key: secret.public_key_hex(),
            },
        ) else {
            panic!("the invite was not created")
        };
        // Test members have made-up ids and this copy is unsigned: no device checks the
        // proof, so any key signs it.
        let proof = AdmissionProof::sign(
            &secret,
            &Signer::random(&mut self.rng),
            self.community.id(),
            &invite,
        );
        self.run(
            &founder,
            Command::Admit {
                member: who.clone(),
                details,
                invite,
                proof: Box::new(proof),
            },
        );
    }

    /// `who` starts a thread; its id.
    pub fn thread(
        &mut self,
        who: &MemberId,
        kind: ThreadKind,
        title: &str,
        body: &str,
        tags: &[&str],
    ) -> ThreadId {
        let start = Command::StartThread {
            kind,
            title: title.into(),
            body: body.into(),
            tags: tags.iter().map(|t| (*t).to_owned()).collect(),
        };
        match self.run(who, start) {
            Some(Created::Thread(t)) => t,
            other => panic!("no thread was created: {other:?}"),
        }
    }
}

/// The founding time of the fixtures' communities (ms).
pub const T0: i64 = 1_790_000_000_000;
/// A day (ms).
pub const DAY: i64 = 86_400_000;

/// What a member says about themselves.
pub fn details(name: &str, org: &str, skills: &[&str], bio: &str) -> MemberDetails {
    MemberDetails {
        name: name.into(),
        organisation: org.into(),
        department: String::new(),
        bio: bio.into(),
        skills: skills.iter().map(|s| (*s).to_owned()).collect(),
    }
}

/// Timber Engineers, founded by Ada Lovelace (timber, glulam) with Bob Builder (fire
/// safety) admitted: the small community of the search and participation tests, an edit a
/// day.
#[derive(Debug)]
pub struct Timber {
    /// The community.
    pub t: TestCommunity,
    /// The founder.
    pub ada: MemberId,
    /// A member.
    pub bob: MemberId,
}

impl Timber {
    /// Founded at [`T0`].
    pub fn new() -> Self {
        let ada = member_id("Ada");
        let t = TestCommunity::founded(
            7,
            Timestamp(T0),
            ada.clone(),
            details(
                "Ada Lovelace",
                "Analytical Ltd",
                &["timber", "glulam"],
                "Engines",
            ),
            NewCommunity {
                name: "Timber Engineers".into(),
                domain: "structural timber".into(),
                objectives: vec![],
                norms: String::new(),
            },
        )
        .with_step(DAY);
        let mut f = Self {
            t,
            ada,
            bob: member_id("Bob"),
        };
        let bob = f.bob.clone();
        let bob_details = details("Bob Builder", "Café Structures", &["fire safety"], "");
        f.t.admit(&bob, bob_details, Role::Member);
        f
    }
}

impl Timber {
    /// `who` asks a question; its id.
    pub fn question(&mut self, who: &MemberId, title: &str, body: &str, tags: &[&str]) -> ThreadId {
        self.t.thread(who, ThreadKind::Question, title, body, tags)
    }
}

impl Default for Timber {
    fn default() -> Self {
        Self::new()
    }
}

impl std::ops::Deref for Timber {
    type Target = TestCommunity;
    fn deref(&self) -> &TestCommunity {
        &self.t
    }
}

impl std::ops::DerefMut for Timber {
    fn deref_mut(&mut self) -> &mut TestCommunity {
        &mut self.t
    }
}
