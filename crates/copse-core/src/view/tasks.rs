//! The task board.

use serde::{Deserialize, Serialize};

use crate::TaskId;
use crate::doc_read::DocRead;
use crate::record::{Task, TaskStatus};
use crate::schema::TASKS;

/// A task with its id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskEntry {
    /// Id.
    pub id: TaskId,
    /// The task.
    #[serde(flatten)]
    pub task: Task,
}

/// The board's three columns; each sorted by due date (undated last), then creation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskBoard {
    /// Not started.
    pub todo: Vec<TaskEntry>,
    /// In progress.
    pub doing: Vec<TaskEntry>,
    /// Finished.
    pub done: Vec<TaskEntry>,
}

impl TaskBoard {
    /// The column for `status`.
    pub fn column(&self, status: TaskStatus) -> &[TaskEntry] {
        match status {
            TaskStatus::Todo => &self.todo,
            TaskStatus::Doing => &self.doing,
            TaskStatus::Done => &self.done,
        }
    }
}

/// One task.
pub fn task<D: DocRead>(doc: &D, id: &TaskId) -> Option<Task> {
    crate::doc_read::made_record(doc, TASKS, id.as_str())
}

/// The whole board.
pub fn task_board<D: DocRead>(doc: &D) -> TaskBoard {
    let mut board = TaskBoard::default();
    let mut all: Vec<TaskEntry> = crate::doc_read::made_records::<_, Task>(doc, TASKS)
        .into_iter()
        .filter_map(|(k, task)| {
            Some(TaskEntry {
                id: k.parse().ok()?,
                task,
            })
        })
        .collect();
    all.sort_by(|a, b| {
        let due = |t: &TaskEntry| t.task.due.map_or(i64::MAX, |d| d.0);
        due(a)
            .cmp(&due(b))
            .then_with(|| a.task.created_at.cmp(&b.task.created_at))
            .then_with(|| a.id.cmp(&b.id))
    });
    for t in all {
        match t.task.status {
            TaskStatus::Todo => board.todo.push(t),
            TaskStatus::Doing => board.doing.push(t),
            TaskStatus::Done => board.done.push(t),
        }
    }
    board
}
