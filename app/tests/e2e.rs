//! Two app windows (headless harnesses) with real peers on 127.0.0.1: a question asked in
//! one shows up in the other; the answer accepted in the other shows as accepted in the
//! first. Waiting is for conditions, re-checked whenever a backend asks for a repaint (as
//! a real window would draw), with a deadline that only turns a hang into a failure.

#![allow(clippy::unwrap_used)]

use std::sync::{Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant};

use copse_app::app::CopseApp;
use copse_app::backend::{Backend, NetOptions};
use copse_app::state::{AppState, Screen, Tab};
use copse_core::record::ThreadKind;
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
                    let st = &h.state().state;
                    format!(
                        "screen {:?}, tab {:?}, fatal {:?}, notices {:?}, loads (asked, waiting) {:?}",
                        st.screen(),
                        st.tab(),
                        st.fatal,
                        st.notices,
                        st.loads_pending()
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

/// Steps `h` until every load it asked for has come back and taken in: what it shows
/// stops moving, so a click lands on the widget found (a click goes where the widget was
/// in the last frame; a list that arrives in between would move it).
fn settle(h: &mut Harness<'static, CopseApp>) {
    until(&mut [h], "the window to settle", |hs| {
        let app = hs[0].state();
        app.state.loads_pending().0.is_empty() && app.results_waiting() == 0
    });
    h.run_steps(2);
}

/// Clicks the widget with `role` labelled `label` until `done` says it took effect (five
/// tries). kittest sends a click as three frames (pointer moved, pressed, released), and
/// a result taken in at the first can move the widget from under the pointer: the window
/// is settled first, and a click that did nothing is made again.
fn click(
    h: &mut Harness<'static, CopseApp>,
    role: Role,
    label: &str,
    done: impl Fn(&CopseApp) -> bool,
) {
    for _ in 0..5 {
        settle(h);
        h.get_by_role_and_label(role, label).click();
        h.run_steps(3);
        if done(h.state()) {
            return;
        }
    }
    panic!("clicking {label} did nothing, five times");
}

/// Clicks a button that sends the backend something.
fn press(h: &mut Harness<'static, CopseApp>, label: &str) {
    let before = h.state().actions_sent();
    click(h, Role::Button, label, |app| app.actions_sent() > before);
}

/// Types `text` into the field labelled `label` until the state holds it (`read` reads the
/// field), focusing it first (five tries, for the same reason as [`click`]).
fn type_into(
    h: &mut Harness<'static, CopseApp>,
    label: &str,
    text: &str,
    read: impl Fn(&AppState) -> Option<String>,
) {
    for _ in 0..5 {
        settle(h);
        h.get_by_label(label).focus();
        h.run_steps(2);
        if read(&h.state().state).is_some_and(|t| !t.is_empty()) {
            // A try that landed after all: start from an empty field.
            h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
            h.key_press(egui::Key::Backspace);
            h.run_steps(2);
        }
        h.get_by_label(label).type_text(text);
        h.run_steps(2);
        if read(&h.state().state).as_deref() == Some(text) {
            return;
        }
    }
    panic!("typing into {label} did not take, five times");
}

fn welcome(h: &mut Harness<'static, CopseApp>, name: &str) {
    until(&mut [h], "welcome screen", |hs| {
        hs[0].state().state.screen() == Screen::Welcome
    });
    type_into(h, "Your name", name, |s| Some(s.welcome.name.clone()));
    press(h, "Continue");
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
    type_into(&mut a, "Name", "Timber Engineers", |s| {
        Some(s.new_community.name.clone())
    });
    type_into(&mut a, "Domain", "structural timber", |s| {
        Some(s.new_community.domain.clone())
    });
    press(&mut a, "Create community");
    until(&mut [&mut a], "community open", |hs| {
        hs[0].state().state.selected.is_some()
    });
    a.state_mut().state.select_tab(Tab::Peers);
    until(&mut [&mut a], "peers tab", |hs| {
        hs[0]
            .query_by_role_and_label(Role::Button, "Invite a coordinator")
            .is_some()
    });
    press(&mut a, "Invite a coordinator");
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
    type_into(&mut b, "Invite ticket", &ticket, |s| {
        Some(s.join_ticket.clone())
    });
    press(&mut b, "Join");
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
    click(&mut a, Role::Button, "Ask a question", |app| {
        app.state
            .view()
            .and_then(|v| v.list(ThreadKind::Question))
            .is_some_and(|l| l.composing)
    });
    let question = |s: &AppState| {
        s.view()
            .and_then(|v| v.list(ThreadKind::Question))
            .map(|l| l.draft.clone())
    };
    type_into(&mut a, "Title", "Which glue for CLT?", |s| {
        question(s).map(|d| d.title)
    });
    type_into(&mut a, "Text", "PUR or MUF?", |s| {
        question(s).map(|d| d.body)
    });
    press(&mut a, "Post question");

    // Bob sees it without clicking anything, answers, and accepts the answer.
    b.state_mut().state.select_tab(Tab::Questions);
    until(&mut [&mut a, &mut b], "question in Bob's list", |hs| {
        hs[1].query_by_label("Which glue for CLT?").is_some()
    });
    // A link reads as a label to accessibility tools in egui 0.35.
    click(&mut b, Role::Label, "Which glue for CLT?", |app| {
        app.state.view().is_some_and(|v| v.thread_id.is_some())
    });
    until(&mut [&mut a, &mut b], "question open", |hs| {
        hs[1].query_by_label("Your answer").is_some()
    });
    type_into(&mut b, "Your answer", "PUR for most panels", |s| {
        s.view().map(|v| v.reply.clone())
    });
    press(&mut b, "Reply");
    until(&mut [&mut a, &mut b], "reply shown", |hs| {
        hs[1]
            .query_by_role_and_label(Role::Button, "Accept as answer")
            .is_some()
    });
    press(&mut b, "Accept as answer");

    // Ada's window (still on her question) shows it accepted, without a click.
    until(&mut [&mut a, &mut b], "accepted in Ada's window", |hs| {
        hs[0].query_by_label("✔ Accepted answer").is_some()
    });
    assert!(a.query_by_label("PUR for most panels").is_some());
    // And her question list marks it answered.
    click(&mut a, Role::Button, "Back to threads", |app| {
        app.state.view().is_some_and(|v| v.thread_id.is_none())
    });
    until(&mut [&mut a, &mut b], "answered in Ada's list", |hs| {
        hs[0].query_by_label("✔ answered").is_some()
    });

    a.state().shutdown();
    b.state().shutdown();
}
