//! Why a change was refused: the reasons every device gives alike.

use serde::{Deserialize, Serialize};

/// A rule a change broke. Shown to people as "an edit from X ...: <this>".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "rule", content = "detail", rename_all = "snake_case")]
pub enum Violation {
    /// Written by an actor that carries no key, outside the history accepted at the upgrade.
    #[error("it is not signed")]
    Unsigned,
    /// No signature change came with it.
    #[error("its signature is missing")]
    MissingSignature,
    /// The signature does not verify, or the signature change is not canonical.
    #[error("its signature is not valid")]
    BadSignature,
    /// Its author was not a member when they wrote it.
    #[error("its author was not a member")]
    NotAMember,
    /// Its author had been removed when they wrote it.
    #[error("its author had been removed from the community")]
    Removed,
    /// The commit message names someone other than the signer.
    #[error("it claims to be by someone else")]
    WrongAuthorName,
    /// It depends on a refused change.
    #[error("it builds on an edit that was refused")]
    DependsOnRefused,
    /// A second creation of the community.
    #[error("it tries to create the community again")]
    Recreation,
    /// It writes a root key (kind, schema version, community id, or a section).
    #[error("it changes the community's fixed key {0:?}")]
    RootKey(String),
    /// Coordinators only.
    #[error("only a coordinator may {0}")]
    CoordinatorsOnly(String),
    /// It writes a field no one may change once written.
    #[error("it changes {0}, which no one may change")]
    Immutable(String),
    /// Someone else's record.
    #[error("it changed another member's {0}")]
    OthersRecord(String),
    /// A record or value of the wrong shape.
    #[error("it wrote a malformed {0}")]
    Malformed(String),
    /// An admission without a usable invite.
    #[error("it admits {0} without a valid invite")]
    BadAdmission(String),
    /// It writes into an object the community does not have.
    #[error("it writes into something that does not exist")]
    MissingObject,
    /// It makes a record under an id its own change did not mint (`record_mint`): the id
    /// of someone else's record, or one chosen to collide with it.
    #[error("it makes a {0} under an id that is not its own")]
    NotMinted(String),
    /// A second, different change at a place (actor and sequence number) its author had
    /// already written: two histories told to different devices.
    #[error("its author wrote a different edit at the same place before (equivocation)")]
    Equivocation,
    /// Its first operation is not numbered one past the last of what it builds on (what
    /// Automerge itself writes).
    #[error("its operations are not numbered from the history it builds on")]
    OpNumbering,
    /// Over a bound of `guard::bounds` or of a field in the schema.
    #[error("it is too large ({0})")]
    TooLarge(String),
    /// Something no Copse command writes.
    #[error("it writes where Copse never writes ({0})")]
    Unknown(String),
}
