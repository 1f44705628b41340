//! [`Intent`]: what the member did in a frame. The UI reads `&AppState` and returns these;
//! [`AppState::act`](super::AppState::act) turns them into state changes and
//! [`UiAction`](super::UiAction)s, so building edits from forms is plain, tested code.

use std::path::PathBuf;

use copse_core::record::{LevelRule, ObjectiveStatus, Role, Rsvp, TaskStatus, ThreadKind};
use copse_core::{
    ArticleId, CommunityId, EventId, MemberId, ObjectiveId, PostId, TaskId, ThreadId,
};
use copse_peer::{SearchKind, SearchTarget};

use super::{LevelFilter, Period, Tab};
use crate::settings::AppSettings;

/// A text field the member types into; its text lives in the state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// First run: name.
    WelcomeName,
    /// First run: organisation.
    WelcomeOrganisation,
    /// First run: department.
    WelcomeDepartment,
    /// First run: skills, comma-separated.
    WelcomeSkills,
    /// First run: about you.
    WelcomeBio,
    /// New community: name.
    CommunityName,
    /// New community: domain.
    CommunityDomain,
    /// New community: objectives, one per line.
    CommunityObjectives,
    /// New community: norms.
    CommunityNorms,
    /// The invite ticket being pasted.
    JoinTicket,
    /// A thread list's tag filter.
    ThreadFilter(ThreadKind),
    /// A new thread's title.
    ThreadTitle(ThreadKind),
    /// A new thread's text.
    ThreadBody(ThreadKind),
    /// A new thread's tags.
    ThreadTags(ThreadKind),
    /// The reply being written in the open thread.
    Reply,
    /// The post being edited.
    EditedPost,
    /// The articles' tag filter.
    ArticleFilter,
    /// A new article's title.
    ArticleTitle,
    /// A new article's text.
    ArticleBody,
    /// A new article's tags.
    ArticleTags,
    /// The open article's text (the collaborative editor).
    ArticleText,
    /// A new meetup's title.
    EventTitle,
    /// A new meetup's start.
    EventStarts,
    /// A new meetup's end.
    EventEnds,
    /// A new meetup's time zone.
    EventZone,
    /// A new meetup's place.
    EventPlace,
    /// What a new meetup is about.
    EventDescription,
    /// The open event's shared notes (the collaborative editor).
    Notes,
    /// A new task's title.
    TaskTitle,
    /// A new task's due date.
    TaskDue,
    /// The directory's skill filter ("who can help with").
    MemberSkill,
    /// The directory's organisation filter.
    MemberOrganisation,
    /// The story being written for the first prompt.
    Story,
    /// A new objective (coordinators).
    Objective,
    /// A relay's address being added (coordinators).
    Relay,
    /// The norms being edited (coordinators).
    Norms,
    /// A resource's title.
    ResourceTitle,
    /// A resource's link.
    ResourceUrl,
    /// Why a resource is useful.
    ResourceDescription,
    /// A resource's tags.
    ResourceTags,
    /// Where to export to.
    ExportPath,
    /// What to import from.
    ImportPath,
    /// The file name in the app's own file chooser.
    ChooserName,
    /// A relay address for this device.
    DeviceRelay,
    /// The words in the search box.
    SearchText,
    /// The search's tag filter.
    SearchTag,
}

/// What the member did: pressed, picked, typed. Ids name the item on screen; what it
/// means (which edit, which request) is decided in `act`.
#[derive(Debug, Clone, PartialEq)]
pub enum Intent {
    /// Typed into a field: its whole new text.
    Type(Field, String),

    // Moving around.
    /// Opened a community from the rail.
    SelectCommunity(CommunityId),
    /// Showed (`true`) or left (`false`) the create-or-join page.
    AddCommunity(bool),
    /// Opened a tab.
    SelectTab(Tab),
    /// Opened a thread of the open tab's kind.
    OpenThread(ThreadId),
    /// Back to the thread list.
    CloseThread,
    /// Opened an article.
    OpenArticle(ArticleId),
    /// Back to the articles.
    CloseArticle,
    /// Opened a meetup's shared notes (in the Events tab).
    OpenNotes(EventId),
    /// Back to the events.
    CloseNotes,
    /// Opened (or closed) a member's page in the directory.
    ToggleMember(MemberId),
    /// Opened what a search result, a hint or a "for you" item points at.
    Open(SearchTarget),
    /// Asked for the next page of a thread list.
    MoreThreads(ThreadKind),
    /// The post a search result opened was brought into view (or is not in the thread).
    ScrolledToPost {
        /// The post is in the thread shown.
        found: bool,
    },

    // Search.
    /// Ctrl+K.
    FocusSearch,
    /// The search box took the focus asked for.
    SearchFocused,
    /// The search box got the focus with words in it: show their results.
    OpenSearch,
    /// Closed the results (the words stay).
    CloseSearch,
    /// Only this kind.
    SearchKind(Option<SearchKind>),
    /// Only this author.
    SearchAuthor(Option<MemberId>),
    /// Only this period.
    SearchPeriod(Period),

    // The window.
    /// Changed this device's settings (text size, theme, notifications).
    Settings(AppSettings),
    /// Dismissed the notice with this id (or it faded).
    DismissNotice(u64),
    /// Answered the open "are you sure?" (`true`: do it).
    Confirm(bool),
    /// Dropped a file onto the window (or chose one): import it.
    ImportFile(PathBuf),

    // First run and communities.
    /// Pressed Continue on the first-run form.
    Welcome,
    /// Pressed "Create community".
    CreateCommunity,
    /// Pressed "Join".
    Join,
    /// Stopped a join in progress.
    CancelJoin,

    // Threads.
    /// Showed or hid the new-thread form.
    Compose(ThreadKind, bool),
    /// Posted the new thread.
    PostThread(ThreadKind),
    /// Added an @mention of this member to the question being written.
    Mention(String),
    /// Posted the reply.
    Reply,
    /// Started editing one's own post (`None`: cancelled).
    EditPost(Option<PostId>),
    /// Saved the post being edited.
    SavePost,
    /// Accepted this post as the answer.
    AcceptAnswer(PostId),
    /// Promoted the open thread to a knowledge article.
    Promote,

    // Knowledge.
    /// Showed or hid the new-article form.
    NewArticle(bool),
    /// Published the new article.
    PublishArticle,
    /// Switched the open article between reading and editing.
    EditArticleText(bool),
    /// Showed or hid the open article's revisions.
    ToggleHistory,
    /// Asked for the article's text at this change.
    ShowRevision(String),

    // Meetups.
    /// Showed or hid the "plan a meetup" form.
    PlanMeetup(bool),
    /// Created the planned meetup.
    CreateEvent,
    /// Answered whether one is going.
    Rsvp(EventId, Rsvp),
    /// Recorded whether a member was at a meetup.
    Attend(EventId, MemberId, bool),
    /// Asked for the large newcomers' invite at a meetup.
    MeetupInvite,
    /// Closed that invite.
    CloseMeetupQr,

    // Tasks.
    /// Ticked "good first task" on the new-task form.
    DraftGoodFirst(bool),
    /// Added the new task.
    AddTask,
    /// Assigned a task (`None`: unassigned).
    Assign(TaskId, Option<MemberId>),
    /// Marked a task as a good first task, or not.
    MarkFirstTask(TaskId, bool),
    /// Moved a task to a column.
    MoveTask(TaskId, TaskStatus),

    // Members and participation.
    /// Picked the directory's level filter.
    LevelFilter(Option<LevelFilter>),
    /// Opened, changed (`Some`) or closed (`None`) the coordinators' level thresholds.
    LevelRuleDraft(Option<LevelRule>),
    /// Saved the thresholds being edited.
    SaveLevelRule,
    /// Shared the story being written for the first prompt.
    ShareStory,
    /// "Not this one": the first prompt is not asked again.
    DismissStoryPrompt,

    // The overview.
    /// Set an objective's status (dropping one asks first).
    ObjectiveStatus(ObjectiveId, ObjectiveStatus),
    /// Added the new objective.
    AddObjective,
    /// Started editing the norms.
    EditNorms,
    /// Saved the norms being edited.
    SaveNorms,
    /// Marked what is new as seen.
    MarkSeen,

    // Peers.
    /// Asked before removing this member.
    RemoveMember(MemberId),
    /// Added the relay being typed (coordinators).
    AddRelay,
    /// Stopped using this relay (coordinators).
    RemoveRelay(String),
    /// Chose how many may join with the next invite.
    InviteUses(u64),
    /// Made an invite for this role.
    Invite(Role),
    /// Opened the system's save dialog to export the open community.
    ExportDialog,
    /// Opened the system's open dialog to import a file.
    ImportDialog,
    /// Exported to the typed path.
    ExportToPath,
    /// Imported from the typed path.
    ImportFromPath,
    /// Added the relay typed to this device's own.
    AddDeviceRelay,
    /// Stopped using this relay of this device's own.
    RemoveDeviceRelay(String),
    /// Opened this folder in the app's own file chooser.
    ChooserOpen(std::path::PathBuf),
    /// Clicked a file in the chooser (its name goes into the name field).
    ChooserPick(String),
    /// Exported or imported the file chosen in the chooser.
    ChooserConfirm,
    /// Closed the chooser without choosing.
    ChooserCancel,
    /// Asked before removing a shared resource.
    RemoveResource(copse_core::ResourceId),
    /// Shared the new resource.
    ShareResource,
}
