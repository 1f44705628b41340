//! What Copse writes into every Automerge commit message: who did what to which object.
//! History views (article revisions, participation) read it back without touching operations.

use serde::{Deserialize, Serialize};

use crate::{CommandKind, MemberId, Touched};

/// The JSON commit message of a Copse change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommitMeta {
    /// The member who made the change.
    pub by: MemberId,
    /// The command's name (`Command::name`).
    pub cmd: String,
    /// The id of the main object touched (thread, article, event, ...), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub obj: Option<String>,
}

impl CommitMeta {
    /// Reads a commit message; `None` for changes not made by Copse.
    pub fn parse(message: &str) -> Option<Self> {
        serde_json::from_str(message).ok()
    }

    /// The command's kind; `None` for a name this build does not know.
    pub fn kind(&self) -> Option<CommandKind> {
        CommandKind::from_name(&self.cmd)
    }

    /// What the change may have changed. A command this build does not know (a newer
    /// Copse's) may have changed anything.
    pub fn touches(&self) -> Touched {
        self.kind()
            .map_or(Touched::Everything, |k| k.touches(self.obj.as_deref()))
    }

    /// The message text.
    pub fn to_message(&self) -> String {
        // Serializing plain strings cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }
}
