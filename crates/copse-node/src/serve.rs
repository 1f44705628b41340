//! `copse-node serve` (the always-on peer) and `join` (which needs the network for a moment).

use std::io::Write;
use std::path::Path;
use std::time::Duration;

use anyhow::Context;
use copse_core::record::MemberDetails;
use copse_peer::{Joined, PeerConfig, PeerEvent, ask};
use tokio::signal::unix::{SignalKind, signal};

use crate::backend::runtime;
use crate::control;

/// Network options shared by `serve` and `join`.
pub(crate) struct NetOptions {
    pub(crate) listen: Vec<String>,
    pub(crate) mdns: bool,
    pub(crate) bootstrap: Vec<String>,
    pub(crate) relays: Vec<String>,
    pub(crate) external: Vec<String>,
    pub(crate) relay_server: Option<copse_peer::RelayServer>,
    pub(crate) upnp: bool,
}

fn config(dir: &Path, net: NetOptions) -> PeerConfig {
    let mut c = PeerConfig::new(dir.to_owned());
    c.listen = net.listen;
    c.mdns = net.mdns;
    c.bootstrap = net.bootstrap;
    c.relays = net.relays;
    c.external = net.external;
    c.relay_server = net.relay_server;
    c.upnp = net.upnp;
    c
}

/// Runs until SIGINT or SIGTERM, then shuts down cleanly (sync states and caches saved).
/// Fails (a non-zero exit) if the runtime stops on its own.
pub(crate) fn serve(dir: &Path, net: NetOptions) -> anyhow::Result<()> {
    runtime()?.block_on(async {
        let (handle, mut events) = copse_peer::start(config(dir, net))?;
        let me = handle.member_id().clone();
        println!("member id: {me}");
        std::io::stdout().flush()?;
        let control = control::serve(dir, handle.clone()).await?;
        let mut term = signal(SignalKind::terminate())?;
        let mut int = signal(SignalKind::interrupt())?;
        let outcome = loop {
            tokio::select! {
                ev = events.recv() => match ev {
                    Some(PeerEvent::Listening { addr }) => {
                        println!("listening on {addr}/p2p/{me}");
                        std::io::stdout().flush()?;
                    }
                    Some(PeerEvent::Error { message }) => tracing::error!("{message}"),
                    Some(PeerEvent::RelayReserved { relay }) => {
                        println!("reachable through relay {relay}");
                        std::io::stdout().flush()?;
                    }
                    Some(PeerEvent::RelayRefused { relay, error }) => {
                        tracing::warn!("relay {relay} refused or lost our reservation: {error}");
                    }
                    Some(PeerEvent::Removed { name, .. }) => {
                        tracing::warn!("you were removed from {name}; you keep what you already had");
                    }
                    Some(ev) => tracing::info!(?ev),
                    None => break Err(anyhow::anyhow!("the Copse runtime stopped unexpectedly")),
                },
                _ = term.recv() => break Ok(()),
                _ = int.recv() => break Ok(()),
            }
        };
        control.abort();
        handle.shutdown().await;
        let _ = std::fs::remove_file(control::socket_path(dir));
        outcome?;
        println!("stopped");
        Ok(())
    })
}

/// Joins with a ticket using a short-lived network runtime on this profile.
pub(crate) fn join(
    dir: &Path,
    ticket: String,
    details: Option<MemberDetails>,
    net: NetOptions,
) -> anyhow::Result<Joined> {
    runtime()?.block_on(async {
        let (handle, _events) = copse_peer::start(config(dir, net))?;
        let result = tokio::time::timeout(
            Duration::from_secs(300),
            handle.ask(ask::Join { ticket, details }),
        )
        .await;
        handle.shutdown().await;
        match result {
            Ok(r) => Ok(r?),
            Err(_) => Err(anyhow::anyhow!(
                "no member answered within 5 minutes; check that the inviter is online and try again"
            )),
        }
        .context("joining")
    })
}
