//! `export`, `import` and `compact`: the community as files.

use std::path::PathBuf;

use copse_peer::{Reply, Request};

use super::args::CommunityArg;
use super::print::Printer;

/// `export -c ID --out FILE`.
pub(crate) fn export(c: CommunityArg, out: PathBuf) -> (Request, Printer) {
    (
        Request::Export {
            community: c.community,
            out,
        },
        print_export,
    )
}

/// `import FILE` (the path made absolute: a running `serve` may have another directory).
pub(crate) fn import(file: PathBuf) -> anyhow::Result<(Request, Printer)> {
    Ok((
        Request::Import {
            path: std::path::absolute(&file)?,
        },
        print_import,
    ))
}

/// `compact -c ID`.
pub(crate) fn compact(c: CommunityArg) -> (Request, Printer) {
    (
        Request::Compact {
            community: c.community,
        },
        print_compacted,
    )
}

fn print_compacted(_: &Reply) -> String {
    "compacted".into()
}

fn print_export(reply: &Reply) -> String {
    match reply {
        Reply::Exported(e) => format!("wrote {} bytes to {}", e.bytes, e.path.display()),
        _ => String::new(),
    }
}

fn print_import(reply: &Reply) -> String {
    match reply {
        Reply::Imported(i) => format!(
            "{} {}",
            if i.created { "added" } else { "merged into" },
            i.id
        ),
        _ => String::new(),
    }
}
