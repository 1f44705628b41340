//! Printing replies: JSON with `--json`, else short human-readable text.

use copse_peer::Request;
use serde_json::Value;

/// How a reply reads as text.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Shape {
    MemberId,
    Whoami,
    Id,
    Created,
    Communities,
    Community,
    Threads,
    Thread,
    Members,
    Articles,
    Article,
    History,
    Events,
    Event,
    Tasks,
    Resources,
    Export,
    Import,
    Ticket,
    Joined,
    Status,
    Heads,
    Json,
}

impl Shape {
    pub(crate) fn of(r: &Request) -> Self {
        match r {
            Request::Init { .. } => Shape::MemberId,
            Request::Whoami => Shape::Whoami,
            Request::CreateCommunity { .. } => Shape::Id,
            Request::ListCommunities => Shape::Communities,
            Request::Execute { .. } => Shape::Created,
            Request::Show { .. } => Shape::Community,
            Request::Threads { .. } => Shape::Threads,
            Request::Thread { .. } => Shape::Thread,
            Request::Members { .. } => Shape::Members,
            Request::Articles { .. } => Shape::Articles,
            Request::Article { .. } => Shape::Article,
            Request::ArticleHistory { .. } => Shape::History,
            Request::Events { .. } => Shape::Events,
            Request::Event { .. } => Shape::Event,
            Request::Tasks { .. } => Shape::Tasks,
            Request::Resources { .. } => Shape::Resources,
            Request::Export { .. } => Shape::Export,
            Request::Import { .. } => Shape::Import,
            Request::Invite { .. } => Shape::Ticket,
            Request::Join { .. } => Shape::Joined,
            Request::Status => Shape::Status,
            Request::Heads { .. } => Shape::Heads,
            Request::ReadState { .. }
            | Request::MarkRead { .. }
            | Request::MarkSeen { .. }
            | Request::WhatsNew { .. }
            | Request::Contributions { .. }
            | Request::Profile { .. } => Shape::Json,
        }
    }
}

fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

fn n(v: &Value, key: &str) -> i64 {
    v.get(key).and_then(Value::as_i64).unwrap_or(0)
}

fn when(v: &Value, key: &str) -> String {
    copse_core::Timestamp(n(v, key)).to_utc_string()
}

fn items(v: &Value) -> &[Value] {
    v.as_array().map(Vec::as_slice).unwrap_or(&[])
}

fn tags(v: &Value, key: &str) -> String {
    let t: Vec<&str> = items(v.get(key).unwrap_or(&Value::Null))
        .iter()
        .filter_map(Value::as_str)
        .collect();
    if t.is_empty() {
        String::new()
    } else {
        format!(" [{}]", t.join(", "))
    }
}

fn thread_line(t: &Value) -> String {
    let mark = match (
        s(t, "kind"),
        t.get("answered").and_then(Value::as_bool).unwrap_or(false),
    ) {
        ("question", true) => "Q✓",
        ("question", false) => "Q ",
        _ => "D ",
    };
    format!(
        "{}  {mark} {} ({} replies){}",
        s(t, "id"),
        s(t, "title"),
        n(t, "replies"),
        tags(t, "tags")
    )
}

fn text(shape: Shape, v: &Value) -> String {
    let mut out = Vec::new();
    match shape {
        Shape::MemberId => out.push(s(v, "member_id").to_owned()),
        Shape::Whoami => {
            out.push(s(v, "member_id").to_owned());
            let d = &v["details"];
            out.push(format!(
                "{} ({}, {}){}",
                s(d, "name"),
                s(d, "organisation"),
                s(d, "department"),
                tags(d, "skills")
            ));
        }
        Shape::Id => out.push(s(v, "id").to_owned()),
        Shape::Created => match v.get("created").filter(|c| !c.is_null()) {
            Some(c) => out.push(s(c, "id").to_owned()),
            None => out.push("ok".into()),
        },
        Shape::Communities => {
            for c in items(v) {
                out.push(format!(
                    "{}  {} — {} ({} members, {} threads)",
                    s(c, "id"),
                    s(c, "name"),
                    s(c, "domain"),
                    n(c, "members"),
                    n(c, "threads")
                ));
            }
            if out.is_empty() {
                out.push(
                    "no communities yet: `copse-node community create --name N --domain D`".into(),
                );
            }
        }
        Shape::Community => {
            let p = &v["profile"];
            out.push(format!("{} — {}", s(p, "name"), s(p, "domain")));
            for o in items(&p["objectives"]) {
                out.push(format!("  objective [{}] {}", s(o, "status"), s(o, "text")));
            }
            if !s(p, "norms").is_empty() {
                out.push(format!("  norms: {}", s(p, "norms")));
            }
            out.push(format!(
                "{} members, {} threads, {} articles, {} events, {} resources",
                items(&v["members"]).len(),
                items(&v["threads"]).len(),
                items(&v["articles"]).len(),
                items(&v["events"]).len(),
                items(&v["resources"]).len()
            ));
            for t in items(&v["threads"]) {
                out.push(format!(
                    "  {} {} ({} posts)",
                    s(t, "id"),
                    s(t, "title"),
                    items(&t["posts"]).len()
                ));
            }
        }
        Shape::Threads => {
            out.extend(items(&v["threads"]).iter().map(thread_line));
            if let Some(next) = v.get("next").and_then(Value::as_str) {
                out.push(format!("more: --after {next}"));
            }
        }
        Shape::Thread => {
            out.push(format!(
                "{} ({}){}",
                s(v, "title"),
                s(v, "kind"),
                tags(v, "tags")
            ));
            let accepted = s(v, "accepted_post");
            for p in items(&v["posts"]) {
                let mark = if !accepted.is_empty() && s(p, "id") == accepted {
                    " ✓ accepted answer"
                } else {
                    ""
                };
                out.push(format!(
                    "--- {} {} at {}{mark}",
                    s(p, "id"),
                    s(p, "author"),
                    when(p, "created_at")
                ));
                out.push(s(p, "body").to_owned());
            }
        }
        Shape::Members => {
            for m in items(v) {
                out.push(format!(
                    "{}  {} — {} / {} ({}){}",
                    s(m, "id"),
                    s(m, "name"),
                    s(m, "organisation"),
                    s(m, "department"),
                    s(m, "role"),
                    tags(m, "skills")
                ));
            }
        }
        Shape::Articles => {
            for a in items(v) {
                out.push(format!(
                    "{}  {} (updated {}){}",
                    s(a, "id"),
                    s(a, "title"),
                    when(a, "updated_at"),
                    tags(a, "tags")
                ));
            }
        }
        Shape::Article => {
            out.push(s(v, "title").to_owned());
            out.push(String::new());
            out.push(s(v, "body").to_owned());
        }
        Shape::History => {
            for r in items(v) {
                out.push(format!(
                    "{}  {} by {} ({})",
                    s(r, "change"),
                    copse_core::Timestamp(n(r, "at")).to_utc_string(),
                    s(r, "by"),
                    s(r, "cmd")
                ));
            }
        }
        Shape::Events => {
            for e in items(v) {
                out.push(format!(
                    "{}  {} — {} at {} ({} going)",
                    s(e, "id"),
                    when(e, "starts_at"),
                    s(e, "title"),
                    s(e, "place"),
                    e["rsvp"]
                        .as_object()
                        .map_or(0, |m| m.values().filter(|a| a == &"yes").count())
                ));
            }
        }
        Shape::Event => {
            out.push(format!(
                "{} — {} to {} at {}",
                s(v, "title"),
                when(v, "starts_at"),
                when(v, "ends_at"),
                s(v, "place")
            ));
            out.push(s(v, "description").to_owned());
            if let Some(r) = v["rsvp"].as_object() {
                for (m, a) in r {
                    out.push(format!("  {m}: {}", a.as_str().unwrap_or("")));
                }
            }
            out.push(format!("notes: {}", s(v, "notes")));
        }
        Shape::Tasks => {
            for col in ["todo", "doing", "done"] {
                out.push(format!("{col}:"));
                for t in items(&v[col]) {
                    out.push(format!(
                        "  {}  {}{}",
                        s(t, "id"),
                        s(t, "title"),
                        t.get("assignee")
                            .and_then(Value::as_str)
                            .map(|a| format!(" → {a}"))
                            .unwrap_or_default()
                    ));
                }
            }
        }
        Shape::Resources => {
            for r in items(v) {
                out.push(format!(
                    "{}  {} {}{}",
                    s(r, "id"),
                    s(r, "title"),
                    s(r, "url"),
                    tags(r, "tags")
                ));
            }
        }
        Shape::Export => out.push(format!("wrote {} bytes to {}", n(v, "bytes"), s(v, "path"))),
        Shape::Json => out.push(serde_json::to_string_pretty(v).unwrap_or_default()),
        Shape::Heads => out.extend(items(v).iter().filter_map(Value::as_str).map(str::to_owned)),
        Shape::Ticket => out.push(s(v, "ticket").to_owned()),
        Shape::Joined => out.push(format!("joined {} ({})", s(v, "name"), s(v, "community"))),
        Shape::Status => {
            out.push(format!(
                "{} ({})",
                s(v, "member"),
                if v["online"].as_bool().unwrap_or(false) {
                    "online"
                } else {
                    "offline: no copse-node serve running"
                }
            ));
            for a in items(&v["addrs"]) {
                out.push(format!("  listening on {}", a.as_str().unwrap_or("")));
            }
            for c in items(&v["communities"]) {
                out.push(format!("{} ({})", s(c, "name"), s(c, "id")));
                for p in items(&c["peers"]) {
                    let state = match (
                        p["connected"].as_bool().unwrap_or(false),
                        p["up_to_date"].as_bool().unwrap_or(false),
                    ) {
                        (true, true) => "connected, up to date",
                        (true, false) => "connected, syncing",
                        (false, _) => "not connected",
                    };
                    let last = p
                        .get("last_sync")
                        .and_then(Value::as_i64)
                        .map_or("never".to_owned(), |t| {
                            copse_core::Timestamp(t).to_utc_string()
                        });
                    out.push(format!(
                        "  {} {}: {state}; last synced {last}",
                        s(p, "member"),
                        s(p, "name")
                    ));
                }
            }
        }
        Shape::Import => out.push(format!(
            "{} {}",
            if v["created"].as_bool().unwrap_or(false) {
                "added"
            } else {
                "merged into"
            },
            s(v, "id")
        )),
    }
    out.join("\n")
}

/// Prints a reply.
pub(crate) fn print(shape: Shape, reply: &Value, json: bool) {
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(reply).unwrap_or_default()
        );
    } else {
        let t = text(shape, reply);
        if !t.is_empty() {
            println!("{t}");
        }
    }
}
