//! The runtime a Copse device runs, used by the app and by `copse-node`.
//!
//! [`Device`] owns the profile (identity, communities, store) and answers [`Request`]s.

mod device;
mod error;
mod request;

pub use device::{Device, Identity, now};
pub use error::PeerError;
pub use request::Request;
