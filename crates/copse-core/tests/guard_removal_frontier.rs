//! A removal fixes what stands of the removed member. Bob makes an invite and is removed
//! by Ada; on his copy from before the removal he then admits a puppet with it, and the
//! puppet admits another. Each change passes at its own deps (Bob was a member there),
//! so every device applies them; but the removal had not seen the admission, so neither
//! puppet was ever validly admitted: not a member in any view, and what they write on
//! top of the merge is refused as a removed member's, in any order of arrival.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod guard_world;

use copse_core::admission_proof::AdmissionProof;
use copse_core::automerge::ROOT;
use copse_core::automerge::transaction::Transactable;
use copse_core::automerge::{Automerge, Change};
use copse_core::guard::{Signer, Violation};
use copse_core::view::members::{current_member, member_count, read_member};
use copse_core::{Command, Community};
use guard_world::{Device, T0, details, obj, world};

/// `by` admits `who` with an invite `by` makes now: the invite's and the admission's
/// changes.
fn invite_and_admit(
    by: &mut Device,
    rng: &mut rand::rngs::StdRng,
    now: i64,
    who: &Signer,
) -> Vec<Change> {
    let (invite, secret, mut changes) = by.invite(rng, now, 1);
    let proof = AdmissionProof::sign(&secret, who, by.copy.id(), &invite);
    let (_, admitted) = by.run(
        rng,
        now + 1,
        Command::Admit {
            member: who.member().clone(),
            details: details("Puppet"),
            proof: Box::new(proof),
            invite,
        },
    );
    changes.extend(admitted);
    changes
}

/// A device of `signer` starting from `doc`.
fn device(doc: &Automerge, signer: &Signer, rng: &mut rand::rngs::StdRng) -> Device {
    let mut copy = Community::from_doc(doc.fork()).unwrap();
    copy.sign_as(signer.clone(), rng);
    Device {
        signer: signer.clone(),
        copy,
        refused: Default::default(),
        banned: Default::default(),
        rebuilds: 0,
    }
}

/// `who` edits their own bio on their copy: the change, signed.
fn own_bio(who: &mut Device, bio: &str) -> Vec<Change> {
    let me = who.me();
    who.raw("update_my_details", |tx| {
        let members = obj(tx, &ROOT, "members");
        let entry = obj(tx, &members, me.as_str());
        tx.put(&entry, "bio", bio).unwrap();
    })
}

#[test]
fn what_a_removed_member_admits_on_a_fork_is_never_a_member() {
    let mut w = world(303);
    let bob = w.bob.me();
    let puppets = [Signer::random(&mut w.rng), Signer::random(&mut w.rng)];
    let mut cyd = guard_world::newcomer(&mut w, "Cyd");
    let base = w.ada.copy.doc().get_changes(&[]);
    assert_eq!(w.bob.receive(base).refused, vec![]);

    // Ada removes Bob; Bob's copy has not seen it.
    let (_, removal) = w.ada.run(
        &mut w.rng,
        T0 + 10,
        Command::RemoveMember {
            member: bob.clone(),
        },
    );

    // On his copy from before the removal, Bob admits a puppet, which admits another.
    let mut forked = invite_and_admit(&mut w.bob, &mut w.rng, T0 + 20, &puppets[0]);
    let mut first = device(w.bob.copy.doc(), &puppets[0], &mut w.rng);
    let second_admitted = invite_and_admit(&mut first, &mut w.rng, T0 + 30, &puppets[1]);
    forked.extend(second_admitted);
    let mut second = device(first.copy.doc(), &puppets[1], &mut w.rng);
    forked.extend(own_bio(
        &mut second,
        "written before anyone saw the removal",
    ));

    // Ada takes the fork after her removal; Cyd the other way round. Each change passes
    // at its own deps.
    assert_eq!(w.ada.receive(forked.clone()).refused, vec![]);
    assert_eq!(cyd.receive(forked).refused, vec![]);
    assert_eq!(cyd.receive(removal).refused, vec![]);
    let mut heads = [w.ada.copy.doc().get_heads(), cyd.copy.doc().get_heads()];
    heads.iter_mut().for_each(|h| h.sort());
    assert_eq!(heads[0], heads[1]);

    for copy in [&w.ada.copy, &cyd.copy] {
        for p in &puppets {
            assert!(
                current_member(copy.doc(), p.member()).is_none(),
                "a puppet admitted beyond the removal is a member"
            );
            let entry = read_member(copy.doc(), p.member()).expect("its entry stays");
            assert_eq!(entry.removed_at, Some(entry.joined_at));
        }
        assert!(current_member(copy.doc(), &bob).is_none());
        assert_eq!(member_count(copy.doc()), 2, "Ada and Cyd");
    }

    // The rules read it the same way: what a puppet writes having seen the removal is a
    // removed member's, refused, down the chain.
    for p in &puppets {
        let mut on_merge = device(w.ada.copy.doc(), p, &mut w.rng);
        let written = own_bio(&mut on_merge, "in after all");
        let got = cyd.receive(written);
        assert_eq!(got.refused.len(), 1, "{:?}", got.refused);
        assert_eq!(got.refused[0].reason, Violation::Removed);
    }

    // What a puppet opens on the fork shows nowhere: the guard judges content by the
    // signer's own entry, and the views leave out what someone never validly admitted
    // made.
    let open = |title: &str| Command::StartThread {
        kind: copse_core::record::ThreadKind::Discussion,
        title: title.into(),
        body: "body".into(),
        tags: vec![],
    };
    let (_, on_fork) = second.run(&mut w.rng, T0 + 40, open("On the fork"));
    assert_eq!(cyd.receive(on_fork).refused, vec![]);
    // A puppet's own (honest) client refuses once it has the merge.
    let mut on_merge = device(w.ada.copy.doc(), &puppets[0], &mut w.rng);
    assert!(
        on_merge
            .try_run(&mut w.rng, T0 + 41, open("On the merge"))
            .is_none()
    );
    let listed = copse_core::view::threads::thread_page(
        cyd.copy.doc(),
        &copse_core::view::threads::ThreadQuery::default(),
    );
    assert!(
        listed
            .threads
            .iter()
            .all(|t| puppets.iter().all(|p| &t.author != p.member())),
        "{:?}",
        listed.threads
    );
}

#[test]
fn an_admission_the_removal_had_seen_stands() {
    let mut w = world(304);
    let puppet = Signer::random(&mut w.rng);
    let admitted = invite_and_admit(&mut w.bob, &mut w.rng, T0 + 5, &puppet);
    assert_eq!(w.ada.receive(admitted).refused, vec![]);
    let (_, _) = w.ada.run(
        &mut w.rng,
        T0 + 10,
        Command::RemoveMember { member: w.bob.me() },
    );
    assert!(current_member(w.ada.copy.doc(), puppet.member()).is_some());
    let mut on_merge = device(w.ada.copy.doc(), &puppet, &mut w.rng);
    let written = own_bio(&mut on_merge, "still here");
    assert_eq!(w.ada.receive(written).refused, vec![]);
}

#[test]
fn what_a_removed_member_writes_beyond_the_removal_is_not_shown() {
    use copse_core::Created;
    use copse_core::record::ThreadKind;
    use copse_core::view::threads::{ThreadQuery, thread, thread_page};

    let mut w = world(305);
    let question = w.thread.clone();
    let reply = |body: &str| Command::Reply {
        thread: question.clone(),
        body: body.into(),
    };
    let start = |title: &str| Command::StartThread {
        kind: ThreadKind::Discussion,
        title: title.into(),
        body: "body".into(),
        tags: vec![],
    };
    // What Bob wrote before his removal, and Ada saw.
    let (_, before) = w
        .bob
        .run(&mut w.rng, T0 + 5, reply("seen before the removal"));
    let (made, opened) = w.bob.run(&mut w.rng, T0 + 6, start("Seen before"));
    let Some(Created::Thread(kept)) = made else {
        panic!("{made:?}")
    };
    let mut seen = before;
    seen.extend(opened);
    assert_eq!(w.ada.receive(seen).refused, vec![]);
    let (_, _) = w.ada.run(
        &mut w.rng,
        T0 + 10,
        Command::RemoveMember { member: w.bob.me() },
    );

    // On his copy from before the removal, Bob writes on.
    let (_, mut fork) = w.bob.run(&mut w.rng, T0 + 20, reply("beyond the removal"));
    let (made, opened) = w.bob.run(&mut w.rng, T0 + 21, start("Beyond"));
    let Some(Created::Thread(beyond)) = made else {
        panic!("{made:?}")
    };
    fork.extend(opened);
    assert_eq!(w.ada.receive(fork).refused, vec![]);
    // Ada replies in the thread he opened beyond it, having it on her copy.
    let (_, _) = w.ada.run(
        &mut w.rng,
        T0 + 30,
        Command::Reply {
            thread: beyond.clone(),
            body: "answered anyway".into(),
        },
    );

    let doc = w.ada.copy.doc();
    let bodies: Vec<String> = thread(doc, &question)
        .expect("Ada's question")
        .thread
        .posts
        .iter()
        .map(|p| p.body.clone())
        .collect();
    assert!(
        bodies.iter().any(|b| b == "seen before the removal"),
        "{bodies:?}"
    );
    assert!(
        !bodies.iter().any(|b| b == "beyond the removal"),
        "{bodies:?}"
    );
    assert!(
        thread(doc, &kept).is_some(),
        "what the removal had seen stands"
    );
    assert!(
        thread(doc, &beyond).is_none(),
        "a thread made beyond the removal shows"
    );
    let page = thread_page(doc, &ThreadQuery::default());
    let asked = page.threads.iter().find(|t| t.id == question).unwrap();
    assert_eq!(
        asked.replies, 1,
        "the reply made beyond the removal is counted"
    );
    let listed: Vec<_> = page.threads.into_iter().map(|t| t.id).collect();
    assert!(
        listed.contains(&kept) && !listed.contains(&beyond),
        "{listed:?}"
    );
    // Nor in what he contributed, or what is new for Ada (whose own reply is hers).
    let his = copse_core::view::activity::contributions(doc, &w.bob.me(), 50);
    assert_eq!(
        (his.count("reply"), his.count("start_thread")),
        (1, 1),
        "{his:?}"
    );
    let new = copse_core::view::activity::whats_new(doc, &[], &w.ada.me(), 50);
    assert_eq!(new.count("reply"), 1, "{new:?}");
}

#[test]
fn a_removal_written_by_someone_never_validly_admitted_removes_no_one() {
    use copse_core::record::Role;
    use copse_core::{Created, InviteSecret, Timestamp};

    let mut w = world(306);
    let bob = w.bob.me();
    w.bob_made_coordinator(T0 + 2);
    w.ada.run(
        &mut w.rng,
        T0 + 10,
        Command::RemoveMember {
            member: bob.clone(),
        },
    );

    // On his copy from before the removal, Bob makes a coordinator of a puppet, which
    // removes Ada.
    let puppet = Signer::random(&mut w.rng);
    let secret = InviteSecret::random(&mut w.rng);
    let (made, mut fork) = w.bob.run(
        &mut w.rng,
        T0 + 20,
        Command::CreateInvite {
            role: Role::Coordinator,
            expires_at: Timestamp(T0 + 100_000_000),
            max_uses: 1,
            key: secret.public_key_hex(),
        },
    );
    let Some(Created::Invite(invite)) = made else {
        panic!("{made:?}")
    };
    let proof = AdmissionProof::sign(&secret, &puppet, w.bob.copy.id(), &invite);
    let (_, admitted) = w.bob.run(
        &mut w.rng,
        T0 + 21,
        Command::Admit {
            member: puppet.member().clone(),
            details: details("Puppet"),
            proof: Box::new(proof),
            invite,
        },
    );
    fork.extend(admitted);
    let mut p = device(w.bob.copy.doc(), &puppet, &mut w.rng);
    let (_, ousted) = p.run(
        &mut w.rng,
        T0 + 22,
        Command::RemoveMember { member: w.ada.me() },
    );
    fork.extend(ousted);

    let mut cyd = device(w.ada.copy.doc(), &Signer::random(&mut w.rng), &mut w.rng);
    assert_eq!(w.ada.receive(fork.clone()).refused, vec![]);
    assert_eq!(cyd.receive(fork).refused, vec![]);
    for copy in [&w.ada.copy, &cyd.copy] {
        assert!(
            current_member(copy.doc(), &w.ada.me()).is_some(),
            "Ada ousted"
        );
        assert!(current_member(copy.doc(), puppet.member()).is_none());
        assert!(current_member(copy.doc(), &bob).is_none());
    }
    // The rules read it the same way: what Ada writes on top of the merge is hers as a
    // current member's.
    let (_, on_merge) = w.ada.run(
        &mut w.rng,
        T0 + 30,
        Command::Reply {
            thread: w.thread.clone(),
            body: "still here".into(),
        },
    );
    assert_eq!(cyd.receive(on_merge).refused, vec![]);
}

#[test]
fn an_admission_beyond_a_removal_beside_one_that_stands_takes_nobody_out() {
    let mut w = world(307);
    let newcomer = Signer::random(&mut w.rng);
    w.ada.run(
        &mut w.rng,
        T0 + 10,
        Command::RemoveMember { member: w.bob.me() },
    );
    // Ada admits the newcomer; Bob, on his copy from before his removal, admits them too.
    let by_ada = invite_and_admit(&mut w.ada, &mut w.rng, T0 + 20, &newcomer);
    let by_bob = invite_and_admit(&mut w.bob, &mut w.rng, T0 + 21, &newcomer);
    assert_eq!(w.ada.receive(by_bob.clone()).refused, vec![]);
    let mut cyd = device(w.ada.copy.doc(), &Signer::random(&mut w.rng), &mut w.rng);
    assert_eq!(cyd.receive(by_ada).refused, vec![]);
    assert_eq!(cyd.receive(by_bob).refused, vec![]);
    for copy in [&w.ada.copy, &cyd.copy] {
        assert!(current_member(copy.doc(), newcomer.member()).is_some());
    }
    let mut theirs = device(w.ada.copy.doc(), &newcomer, &mut w.rng);
    let written = own_bio(&mut theirs, "admitted by Ada");
    assert_eq!(w.ada.receive(written).refused, vec![]);
}

#[test]
fn an_admission_replayed_on_a_fork_before_the_first_hides_no_edit_of_the_member() {
    use copse_core::record::Role;
    use copse_core::removal_wins::entries;

    let mut w = world(308);
    let vic = Signer::random(&mut w.rng);
    let (invite, secret, mut made) = w.ada.invite(&mut w.rng, T0 + 5, 1);
    let proof = AdmissionProof::sign(&secret, &vic, w.ada.copy.id(), &invite);
    let admit = |details_name: &str| Command::Admit {
        member: vic.member().clone(),
        details: details(details_name),
        proof: Box::new(proof.clone()),
        invite: invite.clone(),
    };
    let before_admission = w.ada.copy.doc().get_heads();
    let (_, admitted) = w.ada.run(&mut w.rng, T0 + 6, admit("Vic"));
    made.extend(admitted);
    let (_, promoted) = w.ada.run(
        &mut w.rng,
        T0 + 7,
        Command::SetRole {
            member: vic.member().clone(),
            role: Role::Coordinator,
        },
    );
    made.extend(promoted);
    assert_eq!(w.bob.receive(made).refused, vec![]);

    // Bob, on a fork from before Vic's admission, replays her consent under another name,
    // after enough operations that Automerge would show his entry over hers.
    let mut fork = device(
        &w.bob.copy.doc().fork_at(&before_admission).unwrap(),
        &w.bob.signer,
        &mut w.rng,
    );
    fork.run(
        &mut w.rng,
        T0 + 8,
        Command::Reply {
            thread: w.thread.clone(),
            body: "x".repeat(3000),
        },
    );
    fork.run(&mut w.rng, T0 + 9, admit("Vic the impostor"));
    let replayed = fork.copy.doc().get_changes(&before_admission);
    assert_eq!(w.ada.receive(replayed).refused, vec![]);

    let doc = w.ada.copy.doc();
    let members = copse_core::doc_read::root(doc, "members").unwrap();
    assert_eq!(entries(doc, &members, vic.member().as_str(), None).len(), 2);
    let shown = read_member(doc, vic.member()).unwrap();
    assert_eq!(
        (shown.name.as_str(), shown.role),
        ("Vic", Role::Coordinator)
    );
    // The rules read the same entry: Vic acts as the coordinator she is.
    let mut vics = device(doc, &vic, &mut w.rng);
    let (_, acted) = vics.run(
        &mut w.rng,
        T0 + 20,
        Command::SetRole {
            member: w.bob.me(),
            role: Role::Coordinator,
        },
    );
    assert_eq!(w.ada.receive(acted).refused, vec![]);
    // Her own edits after the merge go to the same entry.
    let (_, renamed) = vics.run(
        &mut w.rng,
        T0 + 21,
        Command::UpdateMyDetails(details("Vic B.")),
    );
    assert_eq!(w.ada.receive(renamed).refused, vec![]);
    let shown = read_member(w.ada.copy.doc(), vic.member()).unwrap();
    assert_eq!(
        (shown.name.as_str(), shown.role),
        ("Vic B.", Role::Coordinator)
    );
}

#[test]
fn a_long_chain_of_puppets_on_a_fork_is_never_a_member_anywhere_down_it() {
    let mut w = world(309);
    w.ada.run(
        &mut w.rng,
        T0 + 10,
        Command::RemoveMember { member: w.bob.me() },
    );
    // Each puppet, on the fork, admits the next: a chain as long as she cares to make.
    let chain: Vec<Signer> = (0..40).map(|_| Signer::random(&mut w.rng)).collect();
    let mut by = device(w.bob.copy.doc(), &w.bob.signer, &mut w.rng);
    let mut fork = Vec::new();
    for (i, next) in chain.iter().enumerate() {
        fork.extend(invite_and_admit(
            &mut by,
            &mut w.rng,
            T0 + 20 + 2 * i as i64,
            next,
        ));
        by = device(by.copy.doc(), next, &mut w.rng);
    }
    assert_eq!(w.ada.receive(fork).refused, vec![]);
    for p in [&chain[0], &chain[20], &chain[39]] {
        assert!(current_member(w.ada.copy.doc(), p.member()).is_none());
    }
    let written = own_bio(&mut by, "the last of the chain");
    let mut last = device(w.ada.copy.doc(), &chain[39], &mut w.rng);
    let on_merge = own_bio(&mut last, "on the merge");
    let got = w.ada.receive([written, on_merge].concat());
    assert_eq!(got.refused.len(), 1, "{:?}", got.refused);
    assert_eq!(got.refused[0].reason, Violation::Removed);
}

#[test]
fn two_admissions_of_one_newcomer_on_concurrent_branches_read_as_one_entry_everywhere() {
    use copse_core::record::Role;

    let mut w = world(310);
    let newcomer = Signer::random(&mut w.rng);
    // Ada and Bob each admit the same newcomer (each with their own invite), unaware.
    let by_ada = invite_and_admit(&mut w.ada, &mut w.rng, T0 + 5, &newcomer);
    let by_bob = invite_and_admit(&mut w.bob, &mut w.rng, T0 + 6, &newcomer);
    assert_eq!(w.ada.receive(by_bob).refused, vec![]);
    assert_eq!(w.bob.receive(by_ada).refused, vec![]);
    let read = |copy: &Community| {
        let m = read_member(copy.doc(), newcomer.member()).unwrap();
        (m.name, m.role, m.joined_at)
    };
    assert_eq!(read(&w.ada.copy), read(&w.bob.copy));
    // The newcomer edits: the edit shows everywhere, in the entry every device reads.
    let mut theirs = device(w.ada.copy.doc(), &newcomer, &mut w.rng);
    let (_, edited) = theirs.run(&mut w.rng, T0 + 7, Command::UpdateMyDetails(details("Nia")));
    assert_eq!(w.ada.receive(edited.clone()).refused, vec![]);
    assert_eq!(w.bob.receive(edited).refused, vec![]);
    for copy in [&w.ada.copy, &w.bob.copy] {
        let (name, role, _) = read(copy);
        assert_eq!((name.as_str(), role), ("Nia", Role::Member));
    }
}
