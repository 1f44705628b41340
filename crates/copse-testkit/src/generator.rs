//! A realistic community for benchmarks and load tests: members from several organisations,
//! threads with replies spread over a year, articles with edits, events with answers, tasks.
//! Every edit goes through `Community::apply`, one commit each, signed by its member's own
//! key on that member's actor, so history, size and checking cost look like the real thing.

use std::collections::HashMap;

use copse_core::admission_proof::AdmissionProof;
use copse_core::guard::Signer;
use copse_core::record::{MemberDetails, Role, Rsvp, TaskStatus, ThreadKind};
use copse_core::{
    Command, Community, Created, InviteSecret, MemberId, NewCommunity, ThreadId, Timestamp,
};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// How big a community to make.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CommunitySpec {
    /// Members, including the founder.
    pub members: usize,
    /// Threads.
    pub threads: usize,
    /// Posts per thread, the opening post included.
    pub posts_per_thread: usize,
    /// Characters per post.
    pub post_chars: usize,
    /// Knowledge articles.
    pub articles: usize,
    /// Events.
    pub events: usize,
    /// Tasks.
    pub tasks: usize,
    /// Seed for everything random.
    pub seed: u64,
}

impl CommunitySpec {
    /// The founder's key in the community generated for this spec (with no founder given):
    /// the generator's first draw from the seed.
    pub fn founder_key(&self) -> Signer {
        Signer::random(&mut ChaCha8Rng::seed_from_u64(self.seed))
    }

    /// The benchmark community of the foundation issue: 200 members, 10k threads x 10
    /// posts of ~200 characters, 500 articles, 200 events, 1k tasks.
    pub fn realistic() -> Self {
        Self {
            members: 200,
            threads: 10_000,
            posts_per_thread: 10,
            post_chars: 200,
            articles: 500,
            events: 200,
            tasks: 1_000,
            seed: 42,
        }
    }

    /// A small community for tests.
    pub fn small() -> Self {
        Self {
            members: 12,
            threads: 40,
            posts_per_thread: 4,
            post_chars: 80,
            articles: 5,
            events: 4,
            tasks: 10,
            seed: 7,
        }
    }

    /// A file name that identifies this spec (for caching generated documents).
    pub fn cache_name(&self) -> String {
        format!(
            "signed3-community-m{}-t{}x{}-c{}-a{}-e{}-k{}-s{}.am",
            self.members,
            self.threads,
            self.posts_per_thread,
            self.post_chars,
            self.articles,
            self.events,
            self.tasks,
            self.seed
        )
    }
}

/// A generated community and who is in it.
#[derive(Debug)]
pub struct Generated {
    /// The community.
    pub community: Community,
    /// Its founder (a coordinator).
    pub founder: MemberId,
    /// Every member, founder first.
    pub members: Vec<MemberId>,
    /// The time of the last generated edit.
    pub now: Timestamp,
}

const ORGS: &[&str] = &[
    "Arup",
    "Buro Happold",
    "Ramboll",
    "WSP",
    "Atelier One",
    "City Council",
    "TU Delft",
    "Independent",
];
const DEPTS: &[&str] = &[
    "Structures",
    "Facades",
    "Research",
    "Digital",
    "Sustainability",
];
const SKILLS: &[&str] = &[
    "timber",
    "clt",
    "glulam",
    "fire",
    "acoustics",
    "connections",
    "fem",
    "eurocode-5",
    "moisture",
    "lca",
    "parametric",
    "python",
    "rust",
    "bim",
    "vibration",
    "seismic",
];
const WORDS: &[&str] = &[
    "panel",
    "moisture",
    "connection",
    "load",
    "span",
    "deflection",
    "glue",
    "screw",
    "fire",
    "charring",
    "rate",
    "test",
    "site",
    "crane",
    "tolerance",
    "floor",
    "wall",
    "roof",
    "we",
    "found",
    "that",
    "the",
    "a",
    "with",
    "for",
    "in",
    "our",
    "project",
    "works",
    "better",
    "than",
    "expected",
    "when",
    "using",
    "standard",
    "approach",
    "detail",
    "design",
    "check",
];

fn sentence(rng: &mut impl Rng, chars: usize) -> String {
    let mut s = String::with_capacity(chars + 16);
    while s.len() < chars {
        if !s.is_empty() {
            s.push(' ');
        }
        s.push_str(WORDS[rng.gen_range(0..WORDS.len())]);
    }
    s.truncate(chars);
    s
}

struct Gen {
    community: Community,
    rng: ChaCha8Rng,
    now: Timestamp,
    current_actor: Option<MemberId>,
    /// Each member's key, and a number that fixes their actor id.
    keys: HashMap<MemberId, (Signer, u64)>,
    /// Changes are signed (else written as before signatures).
    signed: bool,
}

impl Gen {
    fn add_key(&mut self, key: Signer) -> MemberId {
        let id = key.member().clone();
        let n = self.keys.len() as u64;
        self.keys.insert(id.clone(), (key, n));
        id
    }

    fn run(&mut self, who: &MemberId, cmd: Command) -> Option<Created> {
        if self.current_actor.as_ref() != Some(who) {
            let (key, n) = self.keys[who].clone();
            // One actor per member, as a device keeps one per session.
            if self.signed {
                self.community
                    .sign_as(key, &mut ChaCha8Rng::seed_from_u64(n));
            } else {
                let mut actor = [0u8; 16];
                actor[..8].copy_from_slice(&n.to_le_bytes());
                self.community
                    .doc_mut()
                    .set_actor(automerge::ActorId::from(actor.as_slice()));
            }
            self.current_actor = Some(who.clone());
        }
        let name = cmd.name();
        match self.community.apply(who, self.now, &mut self.rng, cmd) {
            Ok(applied) => applied.created,
            Err(e) => panic!("generator command {name} refused: {e}"),
        }
    }
}

/// Generates a community. `founder` acts as the first coordinator (default: a random
/// key); `extra` members (e.g. real device keys for network benchmarks) are admitted first.
pub fn generate(spec: &CommunitySpec, founder: Option<Signer>, extra: &[Signer]) -> Generated {
    generate_as(spec, founder, extra, true)
}

/// The same community as written before signatures (unsigned, 16-byte actors): the
/// baseline that benchmarks compare the guard's cost with.
pub fn generate_unsigned(spec: &CommunitySpec) -> Generated {
    generate_as(spec, None, &[], false)
}

fn generate_as(
    spec: &CommunitySpec,
    founder: Option<Signer>,
    extra: &[Signer],
    signed: bool,
) -> Generated {
    let mut rng = ChaCha8Rng::seed_from_u64(spec.seed);
    // Drawn first from the seed: `CommunitySpec::founder_key` draws the same.
    let founder_key = founder.unwrap_or_else(|| Signer::random(&mut rng));
    // A year before "now": history spreads over it.
    let now = Timestamp(1_760_000_000_000);
    let create = if signed {
        |key: &Signer, d, s, now, rng: &mut ChaCha8Rng| {
            Community::create_signed(key, d, s, now, rng)
        }
    } else {
        |key: &Signer, d, s, now, rng: &mut ChaCha8Rng| {
            Community::create(key.member(), d, s, now, rng)
        }
    };
    let (community, _) = create(
        &founder_key,
        MemberDetails {
            name: "Founder".into(),
            organisation: ORGS[0].into(),
            department: DEPTS[0].into(),
            bio: "Started this community.".into(),
            skills: vec!["timber".into(), "clt".into()],
        },
        NewCommunity {
            name: "Timber Engineers".into(),
            domain: "Structural engineering of timber buildings".into(),
            objectives: vec![
                "Share calculation methods".into(),
                "Publish a CLT design guide".into(),
                "Meet every quarter".into(),
            ],
            norms: "Cite sources. Be generous with answers. No sales pitches.".into(),
        },
        now,
        &mut rng,
    )
    .unwrap_or_else(|e| panic!("generator could not create the community: {e}"));
    let mut g = Gen {
        community,
        rng,
        now,
        current_actor: None,
        keys: HashMap::new(),
        signed,
    };
    let founder = g.add_key(founder_key.clone());
    let mut members = vec![founder.clone()];
    let mut others: Vec<MemberId> = extra.iter().map(|k| g.add_key(k.clone())).collect();
    while others.len() + 1 < spec.members.max(1 + extra.len()) {
        let key = Signer::random(&mut g.rng);
        others.push(g.add_key(key));
    }
    for (i, m) in others.iter().enumerate() {
        let secret = InviteSecret::random(&mut g.rng);
        let role = if i % 25 == 0 {
            Role::Coordinator
        } else {
            Role::Member
        };
        g.now = g.now.plus_millis(60_000);
        let invite = match g.run(
            &founder,
            Command::CreateInvite {
                role,
                expires_at: g.now.plus_millis(86_400_000),
                max_uses: 1,
                key: secret.public_key_hex(),
            },
        ) {
            Some(Created::Invite(id)) => id,
            other => panic!("unexpected {other:?}"),
        };
        let skills: Vec<String> = SKILLS
            .choose_multiple(&mut g.rng, 3)
            .map(|s| s.to_string())
            .collect();
        let details = MemberDetails {
            name: format!("Member {i}"),
            organisation: ORGS[i % ORGS.len()].into(),
            department: DEPTS[i % DEPTS.len()].into(),
            bio: sentence(&mut g.rng, 80),
            skills,
        };
        let proof = AdmissionProof::sign(&secret, &g.keys[m].0, g.community.id(), &invite);
        g.run(
            &founder,
            Command::Admit {
                member: m.clone(),
                details,
                invite,
                proof: Box::new(proof),
            },
        );
        members.push(m.clone());
    }
    let year_ms: i64 = 365 * 86_400_000;
    let step =
        (year_ms / (spec.threads.max(1) as i64 * spec.posts_per_thread.max(1) as i64)).max(1);
    let mut threads: Vec<ThreadId> = Vec::new();
    for t in 0..spec.threads {
        let author = members[g.rng.gen_range(0..members.len())].clone();
        let kind = if t % 3 == 0 {
            ThreadKind::Question
        } else {
            ThreadKind::Discussion
        };
        g.now = g.now.plus_millis(step);
        let tags = vec![SKILLS[g.rng.gen_range(0..SKILLS.len())].to_string()];
        let title = format!("{} ({t})", sentence(&mut g.rng, 40));
        let body = sentence(&mut g.rng, spec.post_chars);
        let id = match g.run(
            &author,
            Command::StartThread {
                kind,
                title,
                body,
                tags,
            },
        ) {
            Some(Created::Thread(id)) => id,
            other => panic!("unexpected {other:?}"),
        };
        let mut first_reply = None;
        for _ in 1..spec.posts_per_thread {
            let who = members[g.rng.gen_range(0..members.len())].clone();
            g.now = g.now.plus_millis(step);
            let body = sentence(&mut g.rng, spec.post_chars);
            if let Some(Created::Post(p)) = g.run(
                &who,
                Command::Reply {
                    thread: id.clone(),
                    body,
                },
            ) {
                first_reply.get_or_insert(p);
            }
        }
        if kind == ThreadKind::Question
            && let Some(p) = first_reply
        {
            g.run(
                &author,
                Command::AcceptAnswer {
                    thread: id.clone(),
                    post: Some(p),
                },
            );
        }
        threads.push(id);
    }
    for a in 0..spec.articles {
        let who = members[g.rng.gen_range(0..members.len())].clone();
        g.now = g.now.plus_millis(3_600_000);
        let body = sentence(&mut g.rng, 2_000);
        let tags = vec![SKILLS[a % SKILLS.len()].to_string()];
        let title = format!("Guide {a}: {}", sentence(&mut g.rng, 30));
        let id = match g.run(&who, Command::CreateArticle { title, body, tags }) {
            Some(Created::Article(id)) => id,
            other => panic!("unexpected {other:?}"),
        };
        for _ in 0..2 {
            let editor = members[g.rng.gen_range(0..members.len())].clone();
            let insert = format!(" {}", sentence(&mut g.rng, 60));
            g.run(
                &editor,
                Command::SpliceArticle {
                    article: id.clone(),
                    pos: 0,
                    delete: 0,
                    insert,
                },
            );
        }
    }
    for e in 0..spec.events {
        let who = members[g.rng.gen_range(0..members.len())].clone();
        // Half in the past, half ahead of the last edit.
        let starts_at = g
            .now
            .plus_millis((e as i64 - spec.events as i64 / 2) * 7 * 86_400_000);
        let description = sentence(&mut g.rng, 120);
        let id = match g.run(
            &who,
            Command::CreateEvent {
                title: format!("Meetup {e}"),
                description,
                starts_at,
                ends_at: starts_at.plus_millis(2 * 3_600_000),
                place: ORGS[e % ORGS.len()].into(),
                zone: None,
            },
        ) {
            Some(Created::Event(id)) => id,
            other => panic!("unexpected {other:?}"),
        };
        if starts_at > g.now {
            for m in members.choose_multiple(&mut g.rng.clone(), 5) {
                g.run(
                    m,
                    Command::Rsvp {
                        event: id.clone(),
                        answer: Rsvp::Yes,
                    },
                );
            }
        }
    }
    for k in 0..spec.tasks {
        let who = members[g.rng.gen_range(0..members.len())].clone();
        let assignee = Some(members[g.rng.gen_range(0..members.len())].clone());
        let title = format!("Task {k}: {}", sentence(&mut g.rng, 30));
        let description = sentence(&mut g.rng, 80);
        let id = match g.run(
            &who,
            Command::CreateTask {
                title,
                description,
                assignee,
                due: None,
                good_first: false,
            },
        ) {
            Some(Created::Task(id)) => id,
            other => panic!("unexpected {other:?}"),
        };
        let status = TaskStatus::ALL[k % 3];
        if status != TaskStatus::Todo {
            g.run(&who, Command::MoveTask { task: id, status });
        }
    }
    let now = g.now;
    Generated {
        community: g.community,
        founder,
        members,
        now,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use copse_core::view::threads::{ThreadQuery, thread_page};

    #[test]
    fn small_community_has_what_the_spec_says() {
        let spec = CommunitySpec::small();
        let g = generate(&spec, None, &[]);
        let snap = g.community.snapshot();
        assert_eq!(snap.members.len(), spec.members);
        assert_eq!(snap.threads.len(), spec.threads);
        assert!(
            snap.threads
                .iter()
                .all(|t| t.thread.posts.len() == spec.posts_per_thread)
        );
        assert_eq!(snap.articles.len(), spec.articles);
        assert_eq!(snap.events.len(), spec.events);
        let board = &snap.tasks;
        assert_eq!(
            board.todo.len() + board.doing.len() + board.done.len(),
            spec.tasks
        );
        let page = thread_page(g.community.doc(), &ThreadQuery::default());
        assert_eq!(page.threads.len(), spec.threads.min(50));
        // Same seed, same community (the founder's first actor is random, so compare content).
        let again = generate(&spec, None, &[]);
        assert_eq!(
            serde_json::to_string(&again.community.snapshot()).unwrap(),
            serde_json::to_string(&snap).unwrap()
        );
    }
}
