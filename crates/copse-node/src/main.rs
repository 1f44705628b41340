//! `copse-node`: Copse's headless node. Every subcommand becomes a [`copse_peer::Request`],
//! run by a `serve` on the same profile if one is running (control socket), else on the
//! store directly. Replies print as text, or as JSON with `--json`.

mod backend;
mod cli;
mod control;
mod output;
mod serve;
mod to_request;

use std::process::ExitCode;

use clap::Parser;
use copse_core::record::MemberDetails;
use copse_peer::Request;

use crate::backend::Backend;
use crate::cli::Cmd;
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

fn run(cli: cli::Cli) -> anyhow::Result<()> {
    let dir = backend::profile_dir(cli.data_dir.as_deref())?;
    match cli.command {
        Cmd::Serve {
            listen,
            no_mdns,
            bootstrap,
        } => serve::serve(
            &dir,
            NetOptions {
                listen,
                mdns: !no_mdns,
                bootstrap,
            },
        ),
        Cmd::Join {
            ticket,
            name,
            organisation,
            department,
            bio,
            skills,
            listen,
            no_mdns,
        } => {
            let details = name.map(|name| MemberDetails {
                name,
                organisation: organisation.unwrap_or_default(),
                department: department.unwrap_or_default(),
                bio: bio.unwrap_or_default(),
                skills,
            });
            let reply = match Backend::open(&dir)? {
                Backend::Remote(mut stream) => {
                    control::call(&mut stream, &Request::Join { ticket, details })?
                }
                Backend::Local(mut device) => {
                    if device.identity().is_err() {
                        let Some(d) = details.clone() else {
                            anyhow::bail!(
                                "this profile has no identity yet: give --name (and optionally --organisation, --skills)"
                            );
                        };
                        device.init(d)?;
                    }
                    drop(device);
                    serve::join(
                        &dir,
                        ticket,
                        details,
                        NetOptions {
                            listen,
                            mdns: !no_mdns,
                            bootstrap: Vec::new(),
                        },
                    )?
                }
            };
            output::print(output::Shape::Joined, &reply, cli.json);
            Ok(())
        }
        cmd => {
            let mut backend = Backend::open(&dir)?;
            let request = to_request::to_request(cmd, &mut backend)?;
            let shape = output::Shape::of(&request);
            let reply = backend.call(request)?;
            output::print(shape, &reply, cli.json);
            Ok(())
        }
    }
}
