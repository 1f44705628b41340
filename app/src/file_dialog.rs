//! The system's own open and save dialogs (rfd, over the desktop portal on Linux, else
//! zenity) for exporting and importing a community file; where neither can be shown, the
//! caller opens the app's own chooser ([`crate::state::FileChooser`]).

use std::path::PathBuf;

use copse_core::CommunityId;
use copse_peer::{Request, ask};

/// The file extension Copse suggests (the file is a plain Automerge document).
pub const EXTENSION: &str = "automerge";

/// Which dialog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileChoice {
    /// Where to save a community, suggesting a file named after it.
    Export {
        /// Which community.
        community: CommunityId,
        /// Its name.
        name: String,
    },
    /// Which file to import.
    Import,
}

/// A file name from a community's name: letters, digits, spaces, `-` and `_` kept, other
/// characters (path separators among them) made `-`.
pub fn suggested_file_name(community: &str) -> String {
    let base: String = community
        .trim()
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, ' ' | '-' | '_') {
                c
            } else {
                '-'
            }
        })
        .take(80)
        .collect();
    let base = base.trim_matches([' ', '-']);
    let base = if base.is_empty() { "community" } else { base };
    format!("{base}.{EXTENSION}")
}

/// What came of showing the system's dialog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Chosen {
    /// A file was chosen: the request that exports or imports it.
    File(Request),
    /// The member closed the dialog.
    Cancelled,
    /// No dialog could be shown.
    Unavailable,
}

/// Shows the system's dialog. rfd answers "nothing chosen" both when the member cancels
/// and when no dialog could be shown; it reports the latter as an error in its log, which
/// [`crate::dialog_failures`] counts.
pub async fn choose(choice: FileChoice) -> Chosen {
    let failures = crate::dialog_failures::count();
    match show(choice).await {
        Some(req) => Chosen::File(req),
        None if crate::dialog_failures::count() != failures => Chosen::Unavailable,
        None => Chosen::Cancelled,
    }
}

async fn show(choice: FileChoice) -> Option<Request> {
    let dialog = rfd::AsyncFileDialog::new().add_filter("Copse community", &[EXTENSION]);
    match choice {
        FileChoice::Export { community, name } => {
            let file = dialog
                .set_title("Export the community")
                .set_file_name(suggested_file_name(&name))
                .save_file()
                .await?;
            Some(
                ask::Export {
                    community,
                    out: PathBuf::from(file.path()),
                }
                .into(),
            )
        }
        FileChoice::Import => {
            let file = dialog
                .add_filter("Any file", &["*"])
                .set_title("Import a community file")
                .pick_file()
                .await?;
            Some(
                ask::Import {
                    path: PathBuf::from(file.path()),
                }
                .into(),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_come_from_the_community_name() {
        assert_eq!(
            suggested_file_name("Timber Engineers"),
            "Timber Engineers.automerge"
        );
        assert_eq!(suggested_file_name("../etc/passwd"), "etc-passwd.automerge");
        assert_eq!(
            suggested_file_name("Bergen: VFX / CG"),
            "Bergen- VFX - CG.automerge"
        );
        assert_eq!(suggested_file_name("  ///  "), "community.automerge");
        assert_eq!(suggested_file_name("Røros tre"), "Røros tre.automerge");
    }
}
