//! A small community made by hand, shared by the search and participation tests.

#![allow(clippy::unwrap_used, dead_code, unreachable_pub)]

use copse_core::record::{MemberDetails, Role, ThreadKind};
use copse_core::{Command, Community, Created, InviteSecret, MemberId, NewCommunity, Timestamp};
use rand::SeedableRng;
use rand::rngs::StdRng;

pub const T0: i64 = 1_790_000_000_000;
pub const DAY: i64 = 86_400_000;

pub fn member(name: &str) -> MemberId {
    format!("12D3KooW{name}").parse().unwrap()
}

pub fn details(name: &str, org: &str, skills: &[&str], bio: &str) -> MemberDetails {
    MemberDetails {
        name: name.into(),
        organisation: org.into(),
        department: String::new(),
        bio: bio.into(),
        skills: skills.iter().map(|s| s.to_string()).collect(),
    }
}

pub struct Fixture {
    pub c: Community,
    pub rng: StdRng,
    pub now: Timestamp,
    pub ada: MemberId,
    pub bob: MemberId,
}

impl Fixture {
    pub fn new() -> Self {
        let mut rng = StdRng::seed_from_u64(7);
        let ada = member("Ada");
        let (c, _) = Community::create(
            &ada,
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
            Timestamp(T0),
            &mut rng,
        )
        .unwrap();
        let mut f = Fixture {
            c,
            rng,
            now: Timestamp(T0),
            ada,
            bob: member("Bob"),
        };
        let bob = f.bob.clone();
        f.admit(
            &bob,
            details("Bob Builder", "Café Structures", &["fire safety"], ""),
        );
        f
    }

    /// Ada invites `who`, and admits them with `details`.
    pub fn admit(&mut self, who: &MemberId, details: MemberDetails) {
        let secret = InviteSecret::random(&mut self.rng);
        let ada = self.ada.clone();
        let Some(Created::Invite(invite)) = self.run(
            &ada,
            Command::CreateInvite {
                role: Role::Member,
                expires_at: self.now.plus_millis(10 * DAY),
                max_uses: 1,
                secret_hash: secret.hash_hex(),
            },
        ) else {
            panic!("no invite")
        };
        self.run(
            &ada,
            Command::Admit {
                member: who.clone(),
                details,
                invite,
                secret,
            },
        );
    }

    pub fn run(&mut self, who: &MemberId, cmd: Command) -> Option<Created> {
        self.now = self.now.plus_millis(DAY);
        self.c
            .apply(who, self.now, &mut self.rng, cmd)
            .unwrap()
            .created
    }

    pub fn thread(
        &mut self,
        who: &MemberId,
        title: &str,
        body: &str,
        tags: &[&str],
    ) -> copse_core::ThreadId {
        let who = who.clone();
        match self.run(
            &who,
            Command::StartThread {
                kind: ThreadKind::Question,
                title: title.into(),
                body: body.into(),
                tags: tags.iter().map(|s| s.to_string()).collect(),
            },
        ) {
            Some(Created::Thread(t)) => t,
            other => panic!("{other:?}"),
        }
    }
}
