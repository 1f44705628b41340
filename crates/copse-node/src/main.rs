//! `copse-node`: Copse's headless node. Every subcommand becomes a typed
//! [`copse_peer::Request`], run by a `serve` on the same profile if one is running (control
//! socket), else by a runtime of its own without a network. Replies print as text, or as
//! JSON with `--json`. One module per area under `commands/`.

mod backend;
mod cli;
mod commands;
mod control;
mod serve;

use std::process::ExitCode;

use clap::Parser;
use copse_peer::{Profile, Reply, Request};

use crate::backend::Backend;
use crate::cli::Cmd;
use crate::commands::identity;
use crate::commands::network::print_joined;
use crate::commands::print::Printer;
use crate::serve::NetOptions;

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

fn print(reply: &Reply, printer: Printer, json: bool) {
    let text = if json {
        serde_json::to_string_pretty(&reply.to_json()).unwrap_or_default()
    } else {
        printer(reply)
    };
    if !text.is_empty() {
        println!("{text}");
    }
}

fn run(cli: cli::Cli) -> anyhow::Result<()> {
    let dir = backend::profile_dir(cli.data_dir.as_deref())?;
    match cli.command {
        Cmd::Serve(args) => serve::serve(
            &dir,
            NetOptions {
                listen: args.listen,
                mdns: !args.net.no_mdns,
                bootstrap: args.bootstrap,
            },
        ),
        Cmd::Init(details) => {
            // No runtime can start without an identity: `init` makes it.
            let reply = match control::connect(&dir) {
                Some(mut stream) => control::call(
                    &mut stream,
                    &Request::Init {
                        details: details.into(),
                    },
                )?,
                None => Reply::Member(Profile::open(&dir)?.init(details.into())?),
            };
            print(&reply, identity::print_member, cli.json);
            Ok(())
        }
        Cmd::Join(args) => {
            let details = args.details();
            let reply = match control::connect(&dir) {
                Some(mut stream) => control::call(
                    &mut stream,
                    &Request::Join {
                        ticket: args.ticket,
                        details,
                    },
                )?,
                None => {
                    let mut profile = Profile::open(&dir)?;
                    if profile.identity().is_err() {
                        let Some(d) = details.clone() else {
                            anyhow::bail!(
                                "this profile has no identity yet: give --name (and optionally --organisation, --skills)"
                            );
                        };
                        profile.init(d)?;
                    }
                    drop(profile);
                    serve::join(
                        &dir,
                        args.ticket,
                        details,
                        NetOptions {
                            listen: args.listen,
                            mdns: !args.net.no_mdns,
                            bootstrap: Vec::new(),
                        },
                    )?
                }
            };
            print(&reply, print_joined, cli.json);
            Ok(())
        }
        cmd => {
            let mut backend = Backend::open(&dir)?;
            let me = backend.member_id()?;
            let (request, printer) = cmd.request(&me)?;
            let reply = backend.call(request)?;
            print(&reply, printer, cli.json);
            Ok(())
        }
    }
}
