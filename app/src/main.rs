//! `copse`: the desktop app. `copse [--data-dir DIR]` (or `COPSE_HOME`), so two instances
//! can run side by side with different profiles.

use std::path::PathBuf;

use clap::Parser;
use copse_app::app::CopseApp;
use copse_app::backend::{Backend, NetOptions};
use tracing_subscriber::prelude::*;

/// Copse: your community of practice, on your own device, shared peer to peer.
#[derive(Debug, Parser)]
#[command(name = "copse", version)]
struct Args {
    /// Profile directory (default: $COPSE_HOME, else the platform data dir).
    #[arg(long, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// Address to listen on (repeatable; default: every interface, random ports).
    #[arg(long = "listen")]
    listen: Vec<String>,
    /// Do not look for members on the local network.
    #[arg(long)]
    no_mdns: bool,
    /// A relay to keep a reservation on (its address ending in /p2p/<relay id>;
    /// repeatable), besides those your communities list.
    #[arg(long = "use-relay", value_name = "ADDR")]
    use_relay: Vec<String>,
    /// Do not ask the router for a port mapping (UPnP).
    #[arg(long)]
    no_upnp: bool,
}

fn main() -> anyhow::Result<()> {
    let filter = tracing_subscriber::EnvFilter::try_from_env("COPSE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,automerge=off"));
    tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(std::io::stderr)
                .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
                .with_filter(filter),
        )
        .with(copse_app::dialog_failures::layer())
        .init();
    let args = Args::parse();
    let dir = copse_peer::profile_path(args.data_dir.as_deref())?;
    let mut net = NetOptions::default();
    if !args.listen.is_empty() {
        net.listen = args.listen;
    }
    net.mdns = !args.no_mdns;
    net.relays = args.use_relay;
    net.upnp = !args.no_upnp;
    let title = format!("Copse — {}", dir.display());
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title(title)
            .with_inner_size([1180.0, 780.0]),
        ..Default::default()
    };
    eframe::run_native(
        "Copse",
        options,
        Box::new(move |cc| {
            copse_app::ui::apply_theme(&cc.egui_ctx);
            copse_app::ui::install_fonts(&cc.egui_ctx);
            let ctx = cc.egui_ctx.clone();
            let backend = Backend::start(dir, net, move || ctx.request_repaint())?;
            Ok(Box::new(CopseApp::new(backend)))
        }),
    )
    .map_err(|e| anyhow::anyhow!("{e}"))
}
