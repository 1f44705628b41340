//! `export`, `import` and `compact`: the community as files.

use std::path::PathBuf;

use copse_peer::ask;
use copse_peer::{Exported, Imported};

use super::args::CommunityArg;
use super::run::{Run, ask, done};

/// `export -c ID --out FILE`.
pub(crate) fn export(c: CommunityArg, out: PathBuf) -> Run {
    ask(
        ask::Export {
            community: c.community,
            out,
        },
        print_export,
    )
}

/// `import FILE` (the path made absolute: a running `serve` may have another directory).
pub(crate) fn import(file: PathBuf) -> anyhow::Result<Run> {
    Ok(ask(
        ask::Import {
            path: std::path::absolute(&file)?,
        },
        print_import,
    ))
}

/// `compact -c ID`.
pub(crate) fn compact(c: CommunityArg) -> Run {
    done(
        ask::Compact {
            community: c.community,
        },
        print_compacted,
    )
}

fn print_compacted((): ()) -> String {
    "compacted".into()
}

fn print_export(e: Exported) -> String {
    format!("wrote {} bytes to {}", e.bytes, e.path.display())
}

fn print_import(i: Imported) -> String {
    format!(
        "{} {}",
        if i.created { "added" } else { "merged into" },
        i.id
    )
}
