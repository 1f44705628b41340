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
    let done = format!(
        "{} {}",
        if i.created { "added" } else { "merged into" },
        i.id
    );
    match i.refused {
        0 => done,
        n => format!(
            "{done}; {n} change{} in the file broke the community's rules and {} kept out \
             (see `copse-node rejected -c {}`)",
            if n == 1 { "" } else { "s" },
            if n == 1 { "was" } else { "were" },
            i.id
        ),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn an_import_names_the_changes_it_kept_out() {
        let id: copse_core::CommunityId = "8oeb5mopa7l2cmvh3pj41pqn0o".parse().unwrap();
        let merged = |refused| Imported {
            id: id.clone(),
            created: false,
            refused,
        };
        assert_eq!(print_import(merged(0)), format!("merged into {id}"));
        let told = print_import(merged(2));
        assert!(
            told.contains("2 changes in the file broke the community's rules"),
            "{told}"
        );
        assert!(
            told.contains(&format!("copse-node rejected -c {id}")),
            "{told}"
        );
    }
}
