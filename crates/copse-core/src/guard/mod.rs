//! The guardian: every device checks every change it receives (signed by a member's key,
//! allowed by the rules as they stood in the change's causal past) before applying or
//! relaying it. See `docs/architecture.md` ("Every device is the guardian") and
//! `docs/schema.md` ("Signatures", "Who may write what").
//!
//! - [`identity`]: actor ids carry the signer's key; key -> member id;
//! - [`signer`]: this device's key; [`signature`]: the signature change after each change;
//! - [`bounds`]: how large a change may be and how its operations are numbered;
//! - `values`: what every value may be (type, enum, size, list length);
//! - `rules`: the rule table (with `rules_admission`, `rules_new_record`); `past`/`paths`:
//!   reads at a change's deps, op -> path;
//! - `verdict`: what the guard decides, typed; `judge`: one change;
//! - [`judge_own`]: this device's own edit, before it is kept;
//! - [`admit`]: a batch of received changes; `whole_document`: a document read from outside
//!   ([`verify_document`]); [`legacy`]: unsigned history from before signatures.

mod admit;
pub mod bounds;
mod change_ops;
pub mod identity;
mod judge;
pub mod legacy;
mod own;
mod past;
mod paths;
mod rules;
mod rules_admission;
mod rules_new_record;
pub mod signature;
pub mod signer;
mod values;
mod verdict;
mod violation;
mod whole_document;

pub use admit::{Admitted, Held, Known, WasBanned, admit, admit_held};
pub use identity::{member_id_of_key, member_of_actor};
pub use legacy::{AcceptUnsigned, LegacyPolicy, NoLegacy, SEAL_MESSAGE, SealedHistory};
pub use own::judge_own;
pub use signer::Signer;
pub use verdict::Refused;
pub use violation::Violation;
pub use whole_document::verify_document;
