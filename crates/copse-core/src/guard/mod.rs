//! The guardian: every device checks every change it receives (signed by a member's key,
//! allowed by the rules as they stood in the change's causal past) before applying or
//! relaying it. See `docs/architecture.md` ("Every device is the guardian") and
//! `docs/schema.md` ("Signatures", "Who may write what").
//!
//! - [`identity`]: actor ids carry the signer's key; key -> member id;
//! - [`signer`]: this device's key; [`signature`]: the signature change after each change;
//! - `rules`: the rule table; `past`/`paths`: reads at a change's deps, op -> path;
//! - [`check`]: admitting a batch ([`admit`]) or a whole document ([`verify_document`]).

pub mod check;
pub mod identity;
pub mod legacy;
mod past;
mod paths;
mod rules;
pub mod signature;
pub mod signer;
mod violation;

pub use check::{
    AcceptUnsigned, Admitted, LegacyPolicy, NoLegacy, Refused, admit, verify_document,
};
pub use identity::{member_id_of_key, member_of_actor};
pub use legacy::{SEAL_MESSAGE, SealedHistory};
pub use signer::Signer;
pub use violation::Violation;
