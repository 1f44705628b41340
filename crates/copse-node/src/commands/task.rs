//! `task new / assign / move / due / good-first / list`.

use clap::Subcommand;
use copse_core::view::tasks::TaskBoard;
use copse_core::{Command, MemberId, TaskId, Timestamp};
use copse_peer::ask;

use super::args::CommunityArg;
use super::choice::TaskStatusArg;
use super::parse;
use super::run::{Run, ask, edit};

#[derive(Debug, Subcommand)]
pub(crate) enum TaskCmd {
    /// Add a task. Prints its id.
    New {
        #[command(flatten)]
        c: CommunityArg,
        /// What to do.
        #[arg(long)]
        title: String,
        /// Details.
        #[arg(long, default_value = "")]
        description: String,
        /// Member id to assign.
        #[arg(long)]
        assignee: Option<MemberId>,
        /// Due date (UTC).
        #[arg(long, value_parser = parse::when)]
        due: Option<Timestamp>,
        /// A good first task for a newcomer (simple, low-risk).
        #[arg(long)]
        good_first: bool,
    },
    /// Mark a task as a good first task for newcomers (--off: no longer).
    GoodFirst {
        #[command(flatten)]
        c: CommunityArg,
        /// Task id.
        #[arg(long)]
        task: TaskId,
        /// Unmark it.
        #[arg(long)]
        off: bool,
    },
    /// Assign a task (omit --member to unassign).
    Assign {
        #[command(flatten)]
        c: CommunityArg,
        /// Task id.
        #[arg(long)]
        task: TaskId,
        /// Member id.
        #[arg(long)]
        member: Option<MemberId>,
    },
    /// Move a task to another column.
    Move {
        #[command(flatten)]
        c: CommunityArg,
        /// Task id.
        #[arg(long)]
        task: TaskId,
        /// The column.
        #[arg(long, value_enum)]
        status: TaskStatusArg,
    },
    /// Set (or with no --due, clear) the due date.
    Due {
        #[command(flatten)]
        c: CommunityArg,
        /// Task id.
        #[arg(long)]
        task: TaskId,
        /// Due date (UTC).
        #[arg(long, value_parser = parse::when)]
        due: Option<Timestamp>,
    },
    /// The board.
    List(CommunityArg),
}

impl TaskCmd {
    pub(crate) fn request(self) -> Run {
        let edit = |c: CommunityArg, command| edit(c.community, command);
        match self {
            TaskCmd::New {
                c,
                title,
                description,
                assignee,
                due,
                good_first,
            } => edit(
                c,
                Command::CreateTask {
                    title,
                    description,
                    assignee,
                    due,
                    good_first,
                },
            ),
            TaskCmd::GoodFirst { c, task, off } => edit(
                c,
                Command::SetGoodFirstTask {
                    task,
                    good_first: !off,
                },
            ),
            TaskCmd::Assign { c, task, member } => edit(
                c,
                Command::AssignTask {
                    task,
                    assignee: member,
                },
            ),
            TaskCmd::Move { c, task, status } => edit(
                c,
                Command::MoveTask {
                    task,
                    status: status.into(),
                },
            ),
            TaskCmd::Due { c, task, due } => edit(c, Command::SetTaskDue { task, due }),
            TaskCmd::List(c) => ask(
                ask::Tasks {
                    community: c.community,
                },
                print_board,
            ),
        }
    }
}

fn print_board(board: TaskBoard) -> String {
    let mut out = Vec::new();
    for (name, col) in [
        ("todo", &board.todo),
        ("doing", &board.doing),
        ("done", &board.done),
    ] {
        out.push(format!("{name}:"));
        for t in col {
            out.push(format!(
                "  {}  {}{}{}",
                t.id,
                t.task.title,
                if t.task.good_first {
                    " (good first task)"
                } else {
                    ""
                },
                t.task
                    .assignee
                    .as_ref()
                    .map(|a| format!(" → {a}"))
                    .unwrap_or_default()
            ));
        }
    }
    out.join("\n")
}
