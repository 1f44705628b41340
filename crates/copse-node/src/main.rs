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
use copse_peer::{Profile, ask};

use crate::backend::Backend;
use crate::cli::Cmd;
use crate::commands::identity;
use crate::commands::network::print_joined;
use crate::commands::run::{Printed, with_flag};
use crate::serve::NetOptions;

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("COPSE_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,automerge=off")),
        )
        .with_writer(std::io::stderr)
        // Colour codes only for a person at a terminal, never in a file or a pipe.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
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

fn print(printed: Printed, json: bool) {
    let text = if json {
        serde_json::to_string_pretty(&printed.json).unwrap_or_default()
    } else {
        printed.text
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
                relay_server: args.relay.server(),
                listen: args.listen,
                mdns: !args.net.no_mdns,
                bootstrap: args.bootstrap,
                relays: args.net.use_relay,
                external: args.net.external,
                upnp: !args.net.no_upnp,
            },
        ),
        Cmd::Init(details) => {
            // No runtime can start without an identity: `init` makes it.
            let member = match control::connect(&dir) {
                Some(mut stream) => control::call(
                    &mut stream,
                    ask::Init {
                        details: details.into(),
                    },
                )?,
                None => Profile::open(&dir)?
                    .init(details.into())
                    .map_err(|e| with_flag(e.into(), "--name"))?,
            };
            let printed = Printed {
                text: identity::print_member(&member),
                json: identity::member_json(&member),
            };
            print(printed, cli.json);
            Ok(())
        }
        Cmd::Join(args) => {
            let details = args.details();
            let joined = match control::connect(&dir) {
                Some(mut stream) => control::call(
                    &mut stream,
                    ask::Join {
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
                        profile.init(d).map_err(|e| with_flag(e.into(), "--name"))?;
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
                            relays: args.net.use_relay,
                            external: args.net.external,
                            relay_server: None,
                            upnp: !args.net.no_upnp,
                        },
                    )?
                }
            };
            let printed = Printed {
                json: serde_json::to_value(&joined)?,
                text: print_joined(joined),
            };
            print(printed, cli.json);
            Ok(())
        }
        cmd => {
            let mut backend = Backend::open(&dir)?;
            let me = backend.member_id()?;
            let printed = cmd.request(&me)?.on(&mut backend)?;
            print(printed, cli.json);
            Ok(())
        }
    }
}
