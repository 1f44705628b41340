//! Read views, one module per screen. Each reads only what its screen shows; only
//! [`snapshot`] walks the whole document.

pub mod activity;
pub mod articles;
pub mod cached;
pub mod events;
pub mod meetups;
pub mod members;
pub mod profile;
pub mod resources;
pub mod snapshot;
pub mod stories;
pub mod tasks;
pub mod threads;
