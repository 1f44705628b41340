//! Two app windows (headless harnesses) with real peers on 127.0.0.1: a question asked in
//! one shows up in the other; the answer accepted in the other shows as accepted in the
//! first. Waiting is for conditions, re-checked whenever a backend asks for a repaint (as
//! a real window would draw), with a deadline that only turns a hang into a failure.

#![allow(clippy::unwrap_used)]

use std::sync::{Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant};

use copse_app::app::CopseApp;
use copse_app::backend::{Backend, NetOptions};
use copse_app::state::{Screen, Tab};
use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;

/// Raised by every backend's repaint request; what `until` waits on between frames.
fn wakes() -> &'static (Mutex<bool>, Condvar) {
    static WAKES: OnceLock<(Mutex<bool>, Condvar)> = OnceLock::new();
    WAKES.get_or_init(|| (Mutex::new(false), Condvar::new()))
}

fn wake() {
    let (flag, cv) = wakes();
    *flag.lock().unwrap() = true;
    cv.notify_all();
}

/// Waits until some backend asked for a repaint since the last wait, or until `deadline`.
fn wait_for_wake(deadline: Instant) {
    let (flag, cv) = wakes();
    let mut woken = flag.lock().unwrap();
    while !*woken {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return;
        }
        woken = cv.wait_timeout(woken, left).unwrap().0;
    }
    *woken = false;
}

fn window(dir: &std::path::Path) -> Harness<'static, CopseApp> {
    let net = NetOptions {
        listen: vec!["/ip4/127.0.0.1/tcp/0".into()],
        mdns: false,
        relays: Vec::new(),
        upnp: false,
    };
    let app = CopseApp::new(Backend::start(dir.to_owned(), net, wake).unwrap());
    Harness::builder()
        .with_size(egui::vec2(1200.0, 900.0))
        .build_ui_state(|ui, app: &mut CopseApp| app.frame(ui), app)
}

/// Steps the windows until `cond` holds (60 s at most).
fn until(
    hs: &mut [&mut Harness<'static, CopseApp>],
    what: &str,
    mut cond: impl FnMut(&mut [&mut Harness<'static, CopseApp>]) -> bool,
) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        for h in hs.iter_mut() {
            h.step();
        }
        if cond(hs) {
            return;
        }
        if Instant::now() >= deadline {
            let states: Vec<String> = hs
                .iter()
                .map(|h| {
                    format!(
                        "screen {:?}, fatal {:?}, notices {:?}",
                        h.state().state.screen(),
                        h.state().state.fatal,
                        h.state().state.notices
                    )
                })
                .collect();
            panic!("timed out waiting for: {what}; {states:?}");
        }
        // egui itself wants another frame (layout, focus): draw it at once; else wait
        // for a backend to bring something.
        if !hs.iter().any(|h| h.ctx.has_requested_repaint()) {
            wait_for_wake(deadline);
        }
    }
}

fn welcome(h: &mut Harness<'static, CopseApp>, name: &str) {
    until(&mut [h], "welcome screen", |hs| {
        hs[0].state().state.screen() == Screen::Welcome
    });
    h.get_by_label("Your name").focus();
    h.run_steps(2);
    h.get_by_label("Your name").focus();
    h.run_steps(2);
    h.get_by_label("Your name").focus();
    h.run_steps(2);
    h.get_by_label("Your name").type_text(name);
    h.run_steps(2);
    h.run_steps(2);
    h.run_steps(2);
    h.get_by_role_and_label(Role::Button, "Continue").click();
    h.run_steps(2);
    until(&mut [h], "ready", |hs| hs[0].state().state.me.is_some());
}

#[test]
fn a_question_and_its_accepted_answer_travel_between_two_windows() {
    let (da, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let mut a = window(da.path());
    let mut b = window(db.path());
    welcome(&mut a, "Ada");
    welcome(&mut b, "Bob");

    // Ada creates the community and invites Bob as a coordinator.
    until(&mut [&mut a], "create form", |hs| {
        hs[0].query_by_label("Domain").is_some()
    });
    a.get_by_label("Name").focus();
    a.run_steps(2);
    a.get_by_label("Name").focus();
    a.run_steps(2);
    a.get_by_label("Name").type_text("Timber Engineers");
    a.run_steps(2);
    a.run_steps(2);
    a.get_by_label("Domain").focus();
    a.run_steps(2);
    a.get_by_label("Domain").focus();
    a.run_steps(2);
    a.get_by_label("Domain").type_text("structural timber");
    a.run_steps(2);
    a.run_steps(2);
    a.run_steps(2);
    a.get_by_role_and_label(Role::Button, "Create community")
        .click();
    until(&mut [&mut a], "community open", |hs| {
        hs[0].state().state.selected.is_some()
    });
    a.state_mut().state.select_tab(Tab::Peers);
    until(&mut [&mut a], "peers tab", |hs| {
        hs[0]
            .query_by_role_and_label(Role::Button, "Invite a coordinator")
            .is_some()
    });
    a.get_by_role_and_label(Role::Button, "Invite a coordinator")
        .click();
    until(&mut [&mut a], "ticket", |hs| {
        hs[0]
            .state()
            .state
            .view()
            .and_then(|v| v.ticket.clone())
            .is_some()
    });
    let ticket = a.state().state.view().unwrap().ticket.clone().unwrap();

    // Bob joins with the ticket.
    until(&mut [&mut b], "join form", |hs| {
        hs[0].query_by_label("Invite ticket").is_some()
    });
    b.get_by_label("Invite ticket").focus();
    b.run_steps(2);
    b.get_by_label("Invite ticket").focus();
    b.run_steps(2);
    b.get_by_label("Invite ticket").type_text(&ticket);
    b.run_steps(2);
    b.run_steps(2);
    b.run_steps(2);
    b.get_by_role_and_label(Role::Button, "Join").click();
    until(&mut [&mut a, &mut b], "Bob joined", |hs| {
        hs[1].state().state.selected.is_some()
    });

    // Ada asks.
    a.state_mut().state.select_tab(Tab::Questions);
    until(&mut [&mut a, &mut b], "questions tab", |hs| {
        hs[0]
            .query_by_role_and_label(Role::Button, "Ask a question")
            .is_some()
    });
    a.get_by_role_and_label(Role::Button, "Ask a question")
        .click();
    a.run_steps(2);
    a.get_by_label("Title").focus();
    a.run_steps(2);
    a.get_by_label("Title").focus();
    a.run_steps(2);
    a.get_by_label("Title").type_text("Which glue for CLT?");
    a.run_steps(2);
    a.run_steps(2);
    a.get_by_label("Text").focus();
    a.run_steps(2);
    a.get_by_label("Text").focus();
    a.run_steps(2);
    a.get_by_label("Text").type_text("PUR or MUF?");
    a.run_steps(2);
    a.run_steps(2);
    a.run_steps(2);
    a.get_by_role_and_label(Role::Button, "Post question")
        .click();

    // Bob sees it without clicking anything, answers, and accepts the answer.
    b.state_mut().state.select_tab(Tab::Questions);
    until(&mut [&mut a, &mut b], "question in Bob's list", |hs| {
        hs[1].query_by_label("Which glue for CLT?").is_some()
    });
    b.get_by_label("Which glue for CLT?").click();
    until(&mut [&mut a, &mut b], "question open", |hs| {
        hs[1].query_by_label("Your answer").is_some()
    });
    b.get_by_label("Your answer").focus();
    b.run_steps(2);
    b.get_by_label("Your answer")
        .type_text("PUR for most panels");
    b.run_steps(2);
    b.run_steps(2);
    b.get_by_role_and_label(Role::Button, "Reply").click();
    until(&mut [&mut a, &mut b], "reply shown", |hs| {
        hs[1]
            .query_by_role_and_label(Role::Button, "Accept as answer")
            .is_some()
    });
    b.get_by_role_and_label(Role::Button, "Accept as answer")
        .click();

    // Ada's window (still on her question) shows it accepted, without a click.
    until(&mut [&mut a, &mut b], "accepted in Ada's window", |hs| {
        hs[0].query_by_label("✔ Accepted answer").is_some()
    });
    assert!(a.query_by_label("PUR for most panels").is_some());
    // And her question list marks it answered.
    a.get_by_role_and_label(Role::Button, "Back to threads")
        .click();
    until(&mut [&mut a, &mut b], "answered in Ada's list", |hs| {
        hs[0].query_by_label("✔ answered").is_some()
    });

    a.state().shutdown();
    b.state().shutdown();
}
