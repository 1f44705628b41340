//! Turns parsed arguments into a runtime [`Request`].

use anyhow::{Context, bail};
use copse_core::record::{MemberDetails, ObjectiveStatus, Role, Rsvp, TaskStatus, ThreadKind};
use copse_core::{Command, NewCommunity, Timestamp};
use copse_peer::Request;

use crate::backend::Backend;

use crate::cli::{
    ArticleCmd, Cmd, CommunityCmd, Details, EventCmd, MemberCmd, ResourceCmd, TaskCmd, ThreadCmd,
};

fn details(d: Details) -> MemberDetails {
    MemberDetails {
        name: d.name,
        organisation: d.organisation,
        department: d.department,
        bio: d.bio,
        skills: d.skills,
    }
}

fn time(s: &str, what: &str) -> anyhow::Result<Timestamp> {
    Timestamp::parse_utc(s).with_context(|| {
        format!("{what} {s:?} is not a date; use \"YYYY-MM-DD\" or \"YYYY-MM-DD HH:MM\" (UTC)")
    })
}

fn parse<T: std::str::FromStr>(s: &str) -> anyhow::Result<T>
where
    T::Err: std::fmt::Display,
{
    s.parse::<T>().map_err(|e| anyhow::anyhow!("{e}"))
}

fn duration_ms(s: &str) -> anyhow::Result<i64> {
    let s = s.trim();
    let (num, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()));
    let n: i64 = num
        .parse()
        .with_context(|| format!("{s:?} is not a duration like 30m, 12h or 7d"))?;
    let ms = match unit {
        "s" => 1_000,
        "m" => 60_000,
        "h" => 3_600_000,
        "d" | "" => 86_400_000,
        "w" => 7 * 86_400_000,
        _ => bail!("{s:?} is not a duration like 30m, 12h or 7d"),
    };
    Ok(n.saturating_mul(ms))
}

/// The request for a subcommand. `backend` supplies defaults (your own member id).
pub(crate) fn to_request(cmd: Cmd, backend: &mut Backend) -> anyhow::Result<Request> {
    let exec = |community, command| Ok(Request::Execute { community, command });
    match cmd {
        Cmd::Init(d) => Ok(Request::Init {
            details: details(d),
        }),
        Cmd::Whoami => Ok(Request::Whoami),
        Cmd::Show(c) => Ok(Request::Show {
            community: c.community,
        }),
        Cmd::Export { c, out } => Ok(Request::Export {
            community: c.community,
            out,
        }),
        Cmd::Import { file } => Ok(Request::Import {
            path: std::path::absolute(&file)?,
        }),
        Cmd::Invite {
            c,
            expires,
            uses,
            role,
        } => Ok(Request::Invite {
            community: c.community,
            valid_ms: duration_ms(&expires)?,
            uses,
            role: parse::<Role>(&role)?,
        }),
        Cmd::Status => Ok(Request::Status),
        Cmd::Heads(c) => Ok(Request::Heads {
            community: c.community,
        }),
        Cmd::Serve { .. } | Cmd::Join { .. } => bail!("handled before"),
        Cmd::Community(c) => match c {
            CommunityCmd::Create {
                name,
                domain,
                objectives,
                norms,
            } => Ok(Request::CreateCommunity {
                spec: NewCommunity {
                    name,
                    domain,
                    objectives,
                    norms,
                },
            }),
            CommunityCmd::List => Ok(Request::ListCommunities),
            CommunityCmd::Update {
                c,
                name,
                domain,
                norms,
            } => {
                if name.is_none() && domain.is_none() && norms.is_none() {
                    bail!("nothing to change: give --name, --domain or --norms");
                }
                exec(
                    c.community,
                    Command::UpdateProfile {
                        name,
                        domain,
                        norms,
                    },
                )
            }
            CommunityCmd::AddObjective { c, text } => {
                exec(c.community, Command::AddObjective { text })
            }
            CommunityCmd::SetObjective {
                c,
                objective,
                text,
                status,
            } => exec(
                c.community,
                Command::SetObjective {
                    id: objective,
                    text,
                    status: status
                        .as_deref()
                        .map(parse::<ObjectiveStatus>)
                        .transpose()?,
                },
            ),
        },
        Cmd::Thread(t) => match t {
            ThreadCmd::New {
                c,
                title,
                body,
                question,
                tags,
            } => exec(
                c.community,
                Command::StartThread {
                    kind: if question {
                        ThreadKind::Question
                    } else {
                        ThreadKind::Discussion
                    },
                    title,
                    body,
                    tags,
                },
            ),
            ThreadCmd::Reply { c, thread, body } => {
                exec(c.community, Command::Reply { thread, body })
            }
            ThreadCmd::Edit {
                c,
                thread,
                post,
                body,
            } => exec(c.community, Command::EditPost { thread, post, body }),
            ThreadCmd::Accept { c, thread, post } => exec(
                c.community,
                Command::AcceptAnswer {
                    thread,
                    post: Some(post),
                },
            ),
            ThreadCmd::List {
                c,
                questions,
                discussions,
                tag,
                after,
                limit,
            } => Ok(Request::Threads {
                community: c.community,
                kind: if questions {
                    Some(ThreadKind::Question)
                } else if discussions {
                    Some(ThreadKind::Discussion)
                } else {
                    None
                },
                tag,
                after,
                limit,
            }),
            ThreadCmd::Show { c, thread } => Ok(Request::Thread {
                community: c.community,
                thread,
            }),
        },
        Cmd::Article(a) => match a {
            ArticleCmd::New {
                c,
                title,
                body,
                tags,
            } => exec(c.community, Command::CreateArticle { title, body, tags }),
            ArticleCmd::Promote { c, thread, title } => {
                exec(c.community, Command::PromoteToArticle { thread, title })
            }
            ArticleCmd::Edit { c, article, body } => exec(
                c.community,
                Command::EditArticle {
                    article,
                    body,
                    base: None,
                },
            ),
            ArticleCmd::List { c, tag } => Ok(Request::Articles {
                community: c.community,
                tag,
            }),
            ArticleCmd::Show { c, article, at } => Ok(Request::Article {
                community: c.community,
                article,
                at,
            }),
            ArticleCmd::History { c, article } => Ok(Request::ArticleHistory {
                community: c.community,
                article,
            }),
        },
        Cmd::Event(e) => match e {
            EventCmd::New {
                c,
                title,
                starts,
                ends,
                place,
                description,
            } => {
                let starts_at = time(&starts, "--starts")?;
                let ends_at = match ends {
                    Some(e) => time(&e, "--ends")?,
                    None => starts_at.plus_millis(2 * 3_600_000),
                };
                exec(
                    c.community,
                    Command::CreateEvent {
                        title,
                        description,
                        starts_at,
                        ends_at,
                        place,
                    },
                )
            }
            EventCmd::Rsvp { c, event, answer } => exec(
                c.community,
                Command::Rsvp {
                    event,
                    answer: parse::<Rsvp>(&answer)?,
                },
            ),
            EventCmd::Attend {
                c,
                event,
                member,
                absent,
            } => {
                let member = match member {
                    Some(m) => m,
                    None => backend.call(Request::Whoami)?["member_id"]
                        .as_str()
                        .unwrap_or_default()
                        .parse()
                        .map_err(anyhow::Error::msg)?,
                };
                exec(
                    c.community,
                    Command::RecordAttendance {
                        event,
                        member,
                        present: !absent,
                    },
                )
            }
            EventCmd::Notes { c, event, text } => exec(
                c.community,
                Command::EditEventNotes {
                    event,
                    notes: text,
                    base: None,
                },
            ),
            EventCmd::List { c, past } => Ok(Request::Events {
                community: c.community,
                past,
            }),
        },
        Cmd::Task(t) => match t {
            TaskCmd::New {
                c,
                title,
                description,
                assignee,
                due,
            } => exec(
                c.community,
                Command::CreateTask {
                    title,
                    description,
                    assignee,
                    due: due.as_deref().map(|d| time(d, "--due")).transpose()?,
                },
            ),
            TaskCmd::Assign { c, task, member } => exec(
                c.community,
                Command::AssignTask {
                    task,
                    assignee: member,
                },
            ),
            TaskCmd::Move { c, task, status } => exec(
                c.community,
                Command::MoveTask {
                    task,
                    status: parse::<TaskStatus>(&status)?,
                },
            ),
            TaskCmd::Due { c, task, due } => exec(
                c.community,
                Command::SetTaskDue {
                    task,
                    due: due.as_deref().map(|d| time(d, "--due")).transpose()?,
                },
            ),
            TaskCmd::List(c) => Ok(Request::Tasks {
                community: c.community,
            }),
        },
        Cmd::Resource(r) => match r {
            ResourceCmd::Add {
                c,
                title,
                url,
                description,
                tags,
            } => exec(
                c.community,
                Command::AddResource {
                    title,
                    url,
                    description,
                    tags,
                },
            ),
            ResourceCmd::Remove { c, resource } => {
                exec(c.community, Command::RemoveResource { resource })
            }
            ResourceCmd::List { c, tag } => Ok(Request::Resources {
                community: c.community,
                tag,
            }),
        },
        Cmd::Member(m) => match m {
            MemberCmd::List {
                c,
                skill,
                organisation,
            } => Ok(Request::Members {
                community: c.community,
                skill,
                organisation,
            }),
            MemberCmd::Update { c, details: d } => {
                exec(c.community, Command::UpdateMyDetails(details(d)))
            }
            MemberCmd::Role { c, member, role } => exec(
                c.community,
                Command::SetRole {
                    member,
                    role: parse::<Role>(&role)?,
                },
            ),
            MemberCmd::Remove { c, member } => exec(c.community, Command::RemoveMember { member }),
        },
    }
}
