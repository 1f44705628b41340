//! [`AppState`]: everything the window shows, as plain data. The UI reads it and returns
//! what the member did as [`Intent`]s; [`AppState::act`] turns those into state changes and
//! [`UiAction`]s in `outbox`; replies and peer events come back through
//! [`AppState::apply`]; [`AppState::wanted_loads`] says which visible views need data.
//! Nothing here does I/O, so all of it is tested without a window.

mod act;
mod apply;
mod community_view;
mod drafts;
mod editor;
mod experts;
mod fields;
mod file_chooser;
mod for_you;
mod forms;
mod intent;
mod invalidation;
mod loaded;
mod loads;
mod navigation;
mod replies;
mod revision_groups;
mod saved_drafts;
mod search;

use copse_core::record::MemberDetails;
use copse_core::{CommunityId, MemberId};
use copse_peer::{Answered, Request, Status, ask};

pub use community_view::{CommunityView, LevelFilter, ThreadListView};
pub use drafts::{
    EventDraft, NewCommunityDraft, ResourceDraft, TaskDraft, ThreadDraft, WelcomeDraft,
    split_list as drafts_split_list,
};
pub use editor::TextEditor;
pub use experts::{ExpertsAsked, topics_from};
pub use file_chooser::{FileChooser, FolderEntry, sorted as sorted_folder};
pub use intent::{Field, Intent};
pub use loads::View;
pub use revision_groups::{RevisionGroup, group as group_revisions};
pub use saved_drafts::{CommunityDrafts, SavedDrafts};
pub use search::{Period, SearchState};

/// What the UI asks the backend to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UiAction {
    /// Create this device's identity with these details, then start the peer.
    Init(MemberDetails),
    /// Run a request on the peer runtime; it comes back with its answer as
    /// [`AppEvent::Answered`].
    Request(Request),
    /// Load a view's data; it comes back as [`AppEvent::Loaded`].
    Load {
        /// The view it is for.
        view: View,
        /// The request that loads it.
        request: Request,
    },
    /// Show a desktop notification (the backend drops it where there is no service).
    Notify {
        /// The headline.
        summary: String,
        /// The line under it.
        body: String,
    },
    /// Keep the app's settings.
    SaveSettings(crate::settings::AppSettings),
    /// Show the system's open or save dialog, then export or import the chosen file (or,
    /// where the system has none, say so with [`AppEvent::NoFileDialog`]).
    ChooseFile(crate::file_dialog::FileChoice),
    /// List a folder for the app's own file chooser ([`AppEvent::FolderListed`]).
    ListFolder(std::path::PathBuf),
    /// Keep what is being written (`drafts.json`).
    SaveDrafts(SavedDrafts),
}

/// What the backend tells the state.
#[derive(Debug, Clone, PartialEq)]
pub enum AppEvent {
    /// No identity yet: show the welcome screen.
    NeedsIdentity,
    /// First screens from the profile's caches, before the communities have loaded.
    Cached(Vec<copse_core::view::cached::CachedView>),
    /// The peer runtime runs as this member.
    Ready {
        /// Member id.
        member: MemberId,
        /// Our details.
        details: MemberDetails,
    },
    /// A request finished: the request with its own typed answer (boxed: answers can be
    /// large).
    Answered(Box<Answered>),
    /// A view's data arrived.
    Loaded {
        /// The view it is for.
        view: View,
        /// The request that loaded it, with its answer.
        answered: Box<Answered>,
    },
    /// Something happened on the network or in a community.
    Peer(copse_peer::PeerEvent),
    /// The app's settings, read from the profile at start.
    Settings(crate::settings::AppSettings),
    /// Time passed (every few minutes): what depends on the clock is read again.
    Tick,
    /// How much of the community being joined has arrived (bytes of the total).
    JoinProgress {
        /// Bytes arrived.
        received: u64,
        /// Of this many.
        total: u64,
    },
    /// The backend failed (e.g. the profile is in use).
    Fatal(String),
    /// The drafts kept at the last run.
    Drafts(SavedDrafts),
    /// The system could show no file dialog: the app's own chooser opens instead.
    NoFileDialog {
        /// What the file was for.
        choice: crate::file_dialog::FileChoice,
        /// Where the chooser starts (the member's home folder).
        start: std::path::PathBuf,
    },
    /// A folder's entries for the chooser, or why it could not be read.
    FolderListed {
        /// Which folder.
        dir: std::path::PathBuf,
        /// Its entries.
        entries: Result<Vec<FolderEntry>, String>,
    },
}

/// The top-level screens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    /// Starting up.
    Loading,
    /// First run: who are you?
    Welcome,
    /// The main window.
    Main,
    /// Cannot continue (message in `fatal`).
    Fatal,
}

/// Tabs of a community.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Tab {
    /// Domain, objectives, norms, what's new.
    Overview,
    /// Discussions.
    Discussions,
    /// Questions.
    Questions,
    /// Knowledge articles.
    Knowledge,
    /// Meetups.
    Events,
    /// Task board.
    Tasks,
    /// Member directory.
    Members,
    /// Shared links.
    Resources,
    /// Peers, sync, invitations, files.
    Peers,
}

impl Tab {
    /// Every tab, in order.
    pub const ALL: [Tab; 9] = [
        Tab::Overview,
        Tab::Discussions,
        Tab::Questions,
        Tab::Knowledge,
        Tab::Events,
        Tab::Tasks,
        Tab::Members,
        Tab::Resources,
        Tab::Peers,
    ];

    /// Its label.
    pub fn label(self) -> &'static str {
        match self {
            Tab::Overview => "Overview",
            Tab::Discussions => "Discussions",
            Tab::Questions => "Questions",
            Tab::Knowledge => "Knowledge",
            Tab::Events => "Events",
            Tab::Tasks => "Tasks",
            Tab::Members => "Members",
            Tab::Resources => "Resources",
            Tab::Peers => "Peers",
        }
    }
}

/// How long the newcomers' invite from a meetup stays valid, and how many it admits.
pub const MEETUP_INVITE: (i64, u64) = (86_400_000, 50);

/// A destructive action waiting for the member to confirm it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirm {
    /// The question ("Remove Bob from Timber?").
    pub title: String,
    /// What the other members will see, in plain words.
    pub consequence: String,
    /// The button that does it ("Remove Bob").
    pub action: String,
    /// What runs once confirmed.
    pub command: copse_core::Command,
    /// In which community (the one open when asked, whatever is open when confirmed).
    pub community: Option<CommunityId>,
}

/// A message for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// Which (for dismissing and fading it: indexes shift).
    pub id: u64,
    /// The text, in plain words.
    pub text: String,
    /// An error (red, stays until dismissed or fixed) or a confirmation (fades).
    pub error: bool,
    /// The form an error is about: it shows by that form, not at the bottom, and goes when
    /// the same action succeeds.
    pub about: Option<About>,
}

/// What an error is about: the form that shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum About {
    /// An edit of this kind (a reply, a task, a relay, an event…).
    Edit(copse_core::CommandKind),
    /// Joining with a ticket.
    Join,
    /// Making an invite.
    Invite,
    /// Adding a relay for this device.
    DeviceRelay,
}

/// How long a confirmation shows before it fades away (seconds).
pub const CONFIRMATION_SECS: f64 = 8.0;

/// A community in the left rail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RailEntry {
    /// Id.
    pub id: CommunityId,
    /// Name.
    pub name: String,
    /// Unseen activity.
    pub new_activity: bool,
}

/// The whole window's state.
#[derive(Debug, Default)]
pub struct AppState {
    /// Which screen.
    pub screen: Option<Screen>,
    /// Why we cannot continue.
    pub fatal: Option<String>,
    /// Us, once ready.
    pub me: Option<(MemberId, MemberDetails)>,
    /// First-run form.
    pub welcome: WelcomeDraft,
    /// Communities on this device.
    pub rail: Vec<RailEntry>,
    /// The open community.
    pub selected: Option<CommunityId>,
    /// The open tab.
    pub tab: Option<Tab>,
    /// Per community data.
    pub views: std::collections::HashMap<CommunityId, CommunityView>,
    /// Network status (loaded on the Peers tab).
    pub status: Option<Status>,
    /// Peers connected now (from events; for the rail).
    pub connected: std::collections::BTreeSet<MemberId>,
    /// "Create a community" form (also on first run).
    pub new_community: NewCommunityDraft,
    /// "Join with an invite" ticket text.
    pub join_ticket: String,
    /// A join in progress.
    pub joining: bool,
    /// How much of the joined community has arrived (bytes, total), once it is coming.
    pub join_progress: Option<(u64, u64)>,
    /// Showing the create/join page instead of a community.
    pub adding: bool,
    /// Messages.
    pub notices: Vec<Notice>,
    /// The last notice's id.
    pub(crate) next_notice: u64,
    /// The drafts last sent to be kept.
    pub(crate) saved_drafts: SavedDrafts,
    /// The relay address typed for this device.
    pub device_relay_draft: String,
    /// A destructive action asked about, until confirmed or cancelled.
    pub confirm: Option<Confirm>,
    /// The app's own file chooser, open where the system has no file dialog.
    pub file_chooser: Option<FileChooser>,
    /// Actions for the backend, drained every frame.
    pub outbox: Vec<UiAction>,
    /// This device's app settings.
    pub settings: crate::settings::AppSettings,
    /// "For you" items the window already knows, per community (announced at most once).
    /// A community's first list only fills it: what waited at start shows on the rail.
    pub(crate) for_you_known:
        std::collections::HashMap<CommunityId, std::collections::HashSet<String>>,
    /// Loads in flight (to avoid asking twice).
    pub(crate) in_flight: std::collections::HashSet<View>,
    /// Views whose data is stale.
    pub(crate) dirty: std::collections::HashSet<View>,
    /// Views loaded at least once.
    pub(crate) loaded: std::collections::HashSet<View>,
    /// The zone times are shown in (this device's; tests set one).
    pub reader_zone: Option<copse_core::local_time::TimeZone>,
}

impl AppState {
    /// A fresh state, waiting for the backend.
    pub fn new() -> Self {
        Self {
            screen: Some(Screen::Loading),
            reader_zone: Some(copse_core::local_time::device_zone()),
            ..Self::default()
        }
    }

    /// The zone times are shown in (UTC unless set).
    pub fn zone(&self) -> copse_core::local_time::TimeZone {
        self.reader_zone
            .clone()
            .unwrap_or(copse_core::local_time::TimeZone::UTC)
    }

    /// The current screen.
    pub fn screen(&self) -> Screen {
        self.screen.unwrap_or(Screen::Loading)
    }

    /// The open tab.
    pub fn tab(&self) -> Tab {
        self.tab.unwrap_or(Tab::Overview)
    }

    /// Sends a request to the runtime (its answer comes back as an
    /// [`AppEvent::Answered`]).
    pub fn request(&mut self, req: impl Into<Request>) {
        self.outbox.push(UiAction::Request(req.into()));
    }

    /// Runs a command in the open community.
    pub fn command(&mut self, cmd: copse_core::Command) {
        tracing::debug!(command = cmd.name(), "edit asked");
        if let Some(c) = self.selected.clone() {
            self.request(ask::Edit {
                community: c,
                command: cmd,
            });
        }
    }

    /// Asks before a destructive command (see [`Confirm`]).
    pub fn ask_first(&mut self, mut confirm: Confirm) {
        if confirm.community.is_none() {
            confirm.community = self.selected.clone();
        }
        self.confirm = Some(confirm);
    }

    /// The member confirmed (`true`) or cancelled the action asked about.
    pub fn answer_confirm(&mut self, yes: bool) {
        if let Some(c) = self.confirm.take()
            && yes
            && let Some(community) = c.community
        {
            self.request(ask::Edit {
                community,
                command: c.command,
            });
        }
    }

    /// Sets an objective's status; dropping one asks first (every member sees it).
    pub fn set_objective_status(
        &mut self,
        id: copse_core::ObjectiveId,
        text: &str,
        status: copse_core::record::ObjectiveStatus,
    ) {
        let command = copse_core::Command::SetObjective {
            id,
            text: None,
            status: Some(status),
        };
        if status == copse_core::record::ObjectiveStatus::Dropped {
            self.ask_first(Confirm {
                title: format!("Drop the objective “{text}”?"),
                consequence: "Every member will see it marked dropped (✖) under Objectives. \
                              A coordinator can set it back to planned or active later."
                    .into(),
                action: "Drop it".into(),
                command,
                community: None,
            });
        } else {
            self.command(command);
        }
    }

    /// Shows a message.
    pub fn notify(&mut self, text: impl Into<String>, error: bool) {
        self.push_notice(text.into(), error, None);
    }

    /// Shows an error by the form it is about (replacing that form's earlier error).
    pub fn notify_about(&mut self, about: About, text: impl Into<String>) {
        self.fixed(about);
        self.push_notice(text.into(), true, Some(about));
    }

    /// The action `about` succeeded: its form's errors go.
    pub fn fixed(&mut self, about: About) {
        self.notices.retain(|n| n.about != Some(about));
    }

    /// The errors shown by the form `about`.
    pub fn errors_about(&self, about: About) -> impl Iterator<Item = &Notice> {
        self.notices.iter().filter(move |n| n.about == Some(about))
    }

    fn push_notice(&mut self, text: String, error: bool, about: Option<About>) {
        self.next_notice += 1;
        self.notices.push(Notice {
            id: self.next_notice,
            text,
            error,
            about,
        });
        if self.notices.len() > 5 {
            self.notices.remove(0);
        }
    }

    /// The open community's view (created on first use).
    pub fn view_mut(&mut self) -> Option<&mut CommunityView> {
        let id = self.selected.clone()?;
        Some(self.views.entry(id).or_default())
    }

    /// The open community's view.
    pub fn view(&self) -> Option<&CommunityView> {
        self.views.get(self.selected.as_ref()?)
    }

    /// Opens a community (and its overview).
    pub fn select(&mut self, id: CommunityId) {
        self.adding = false;
        self.selected = Some(id.clone());
        self.views.entry(id).or_default();
        self.tab = Some(Tab::Overview);
    }

    /// Opens a tab of the selected community (closing an open thread).
    pub fn select_tab(&mut self, tab: Tab) {
        if self.tab() != tab {
            self.close_thread();
        }
        self.tab = Some(tab);
    }

    /// Whether we may write in the open community: not once removed from it (it stays
    /// readable as it was, and nothing is offered that the others would refuse).
    pub fn can_write(&self) -> bool {
        let (Some((me, _)), Some(v)) = (&self.me, self.view()) else {
            return true;
        };
        v.members
            .iter()
            .find(|m| &m.id == me)
            .is_none_or(|m| m.member.is_current())
    }

    /// Whether we coordinate the open community.
    pub fn is_coordinator(&self) -> bool {
        let (Some((me, _)), Some(v)) = (&self.me, self.view()) else {
            return false;
        };
        v.current_members()
            .any(|m| &m.id == me && m.member.role == copse_core::record::Role::Coordinator)
    }

    /// A refused edit in plain words: who, which rule, and that it was not applied.
    pub fn refusal_text(&self, r: &copse_core::guard::Refused) -> String {
        let who = r.author.as_ref().map_or_else(
            || "a writer who could not be identified (not validly signed)".to_owned(),
            |a| self.name_of(a),
        );
        format!(
            "An edit from {who} broke the community's rules: {}; it was not applied.",
            r.reason.to_string().trim_start_matches("it ")
        )
    }

    /// The open community's members as (id, name), for pickers.
    pub fn member_names(&self) -> Vec<(MemberId, String)> {
        self.view()
            .map(|v| {
                v.current_members()
                    .map(|m| (m.id.clone(), m.member.name.clone()))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// A member's display name in the open community (their id if unknown).
    pub fn name_of(&self, id: &MemberId) -> String {
        // The open community first, then any other (a notification about another one).
        // Borrowed, not cloned: lists call this for every row of every frame.
        fn in_view<'v>(
            v: &'v CommunityView,
            id: &MemberId,
        ) -> Option<&'v copse_core::view::members::MemberEntry> {
            v.members.iter().find(|m| &m.id == id)
        }
        self.view()
            .and_then(|v| in_view(v, id))
            .or_else(|| self.views.values().find_map(|v| in_view(v, id)))
            .map(|m| {
                if m.member.is_current() {
                    m.member.name.clone()
                } else {
                    format!("{} (removed)", m.member.name)
                }
            })
            .unwrap_or_else(|| short_id(id.as_str()))
    }
}

/// The last characters of an id, for display.
pub fn short_id(id: &str) -> String {
    let n = id.len();
    format!("…{}", &id[n.saturating_sub(6)..])
}
