//! The app's own file chooser, opened where the system offers no file dialog (no desktop
//! portal and no zenity: a minimal desktop, a tiling window manager). Folders are listed by
//! the backend ([`super::UiAction::ListFolder`]); this is what the chooser shows and what
//! choosing a file does.

use std::path::{Path, PathBuf};

use copse_peer::{Request, ask};

use crate::file_dialog::{EXTENSION, FileChoice, suggested_file_name};

/// One entry of a folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FolderEntry {
    /// Its name.
    pub name: String,
    /// A folder (else a file).
    pub folder: bool,
}

/// The open chooser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileChooser {
    /// What the file is for.
    pub choice: FileChoice,
    /// The folder shown.
    pub dir: PathBuf,
    /// Where it started (the member's home folder).
    pub home: PathBuf,
    /// Its folders then files, each sorted by name (hidden ones left out); `None` while
    /// listing, or why it could not be read.
    pub entries: Option<Result<Vec<FolderEntry>, String>>,
    /// The file name: suggested from the community when exporting, the clicked file when
    /// importing.
    pub name: String,
}

impl FileChooser {
    /// A chooser for `choice` showing `dir`.
    pub fn new(choice: FileChoice, dir: PathBuf) -> Self {
        let name = match &choice {
            FileChoice::Export { name, .. } => suggested_file_name(name),
            FileChoice::Import => String::new(),
        };
        Self {
            choice,
            home: dir.clone(),
            dir,
            entries: None,
            name,
        }
    }

    /// Exporting (else importing).
    pub fn saving(&self) -> bool {
        matches!(self.choice, FileChoice::Export { .. })
    }

    /// Shows `dir` (its listing is asked for by the caller).
    pub fn open(&mut self, dir: PathBuf) {
        self.dir = dir;
        self.entries = None;
    }

    /// The folder above, if any.
    pub fn parent(&self) -> Option<PathBuf> {
        self.dir.parent().map(Path::to_path_buf)
    }

    /// What is wrong with the name, if anything (shown beside the field).
    pub fn name_problem(&self) -> Option<&'static str> {
        let name = self.name.trim();
        if name.is_empty() {
            return Some(if self.saving() {
                "Give the file a name"
            } else {
                "Pick a file"
            });
        }
        if name.contains(['/', '\\']) || name == "." || name == ".." {
            return Some("A file name, not a path: open the folder above instead");
        }
        let listed = self.entries.as_ref().and_then(|e| e.as_ref().ok());
        let entry = listed.and_then(|e| e.iter().find(|e| e.name == name));
        match entry {
            Some(e) if e.folder => Some("That is a folder: double-click it to open it"),
            None if !self.saving() && listed.is_some() => Some("No file of that name here"),
            _ => None,
        }
    }

    /// Whether the chosen name is a file already in the folder (an export replaces it).
    pub fn replaces(&self) -> bool {
        let name = self.name.trim();
        self.saving()
            && self
                .entries
                .as_ref()
                .and_then(|e| e.as_ref().ok())
                .is_some_and(|e| e.iter().any(|e| !e.folder && e.name == name))
    }

    /// The request the chosen file makes, when the name is good.
    pub fn request(&self) -> Option<Request> {
        if self.name_problem().is_some() {
            return None;
        }
        let path = self.dir.join(self.name.trim());
        Some(match &self.choice {
            FileChoice::Export { community, .. } => ask::Export {
                community: community.clone(),
                out: path,
            }
            .into(),
            FileChoice::Import => ask::Import { path }.into(),
        })
    }

    /// Whether `name` looks like a community file (shown first and marked).
    pub fn is_community_file(name: &str) -> bool {
        Path::new(name)
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case(EXTENSION))
    }
}

/// Sorts a folder's entries: folders first, then files, each by name ignoring case;
/// hidden entries (a leading dot) left out.
pub fn sorted(mut entries: Vec<FolderEntry>) -> Vec<FolderEntry> {
    entries.retain(|e| !e.name.starts_with('.'));
    entries.sort_by(|a, b| {
        (!a.folder, a.name.to_lowercase(), &a.name).cmp(&(
            !b.folder,
            b.name.to_lowercase(),
            &b.name,
        ))
    });
    entries
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(name: &str, folder: bool) -> FolderEntry {
        FolderEntry {
            name: name.into(),
            folder,
        }
    }

    #[test]
    fn folders_come_first_and_hidden_entries_are_left_out() {
        let listed = sorted(vec![
            entry("b.automerge", false),
            entry(".cache", true),
            entry("Music", true),
            entry("a.txt", false),
            entry("docs", true),
        ]);
        let names: Vec<&str> = listed.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["docs", "Music", "a.txt", "b.automerge"]);
    }

    #[test]
    fn an_import_needs_a_listed_file_and_an_export_a_plain_name() {
        let mut c = FileChooser::new(FileChoice::Import, PathBuf::from("/home/ada"));
        assert_eq!(c.name_problem(), Some("Pick a file"));
        c.entries = Some(Ok(vec![
            entry("usb", true),
            entry("Timber.automerge", false),
        ]));
        c.name = "usb".into();
        assert!(c.name_problem().is_some_and(|p| p.contains("folder")));
        c.name = "Gone.automerge".into();
        assert_eq!(c.name_problem(), Some("No file of that name here"));
        c.name = "Timber.automerge".into();
        assert_eq!(
            c.request(),
            Some(
                ask::Import {
                    path: PathBuf::from("/home/ada/Timber.automerge")
                }
                .into()
            )
        );

        let community = copse_core::CommunityId::from_bytes([7; 16]);
        let mut c = FileChooser::new(
            FileChoice::Export {
                community: community.clone(),
                name: "Timber".into(),
            },
            PathBuf::from("/media/usb"),
        );
        assert_eq!(c.name, "Timber.automerge");
        c.entries = Some(Ok(vec![entry("Timber.automerge", false)]));
        assert!(c.replaces());
        c.name = "../etc/x".into();
        assert!(c.request().is_none());
        c.name = "New.automerge".into();
        assert!(!c.replaces());
        assert_eq!(
            c.request(),
            Some(
                ask::Export {
                    community,
                    out: PathBuf::from("/media/usb/New.automerge")
                }
                .into()
            )
        );
    }
}
