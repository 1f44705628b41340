//! `copse-node`: Copse's headless node. Every subcommand becomes a [`Request`] to the
//! device's runtime; the reply is printed as text, or as JSON with `--json`.

mod cli;
mod output;
mod to_request;

use std::process::ExitCode;

use anyhow::Context;
use clap::Parser;
use copse_peer::Device;

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("COPSE_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,automerge=off")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = cli::Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: cli::Cli) -> anyhow::Result<()> {
    let dir = copse_store::resolve_profile_path(cli.data_dir.as_deref())?;
    let mut device =
        Device::open(&dir).with_context(|| format!("opening profile {}", dir.display()))?;
    let request = to_request::to_request(cli.command, &device)?;
    let shape = output::Shape::of(&request);
    let reply = device.handle(request)?;
    output::print(shape, &reply, cli.json);
    Ok(())
}
