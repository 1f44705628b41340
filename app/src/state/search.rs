//! The search box and its results: what the member typed and filtered by, the query last
//! sent (results for an older one are ignored), and where opening a result goes.

use copse_core::{CommunityId, MemberId, Timestamp};
use copse_peer::{SearchKind, SearchQuery, SearchResults, SearchTarget};

use super::{AppState, Tab};

/// How far back results may go.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Period {
    /// Any time.
    #[default]
    Any,
    /// The last 7 days.
    Week,
    /// The last 30 days.
    Month,
    /// The last 365 days.
    Year,
}

impl Period {
    /// Every choice, in menu order.
    pub const ALL: [Period; 4] = [Period::Any, Period::Week, Period::Month, Period::Year];

    /// Its label.
    pub fn label(self) -> &'static str {
        match self {
            Period::Any => "Any time",
            Period::Week => "Past week",
            Period::Month => "Past month",
            Period::Year => "Past year",
        }
    }

    fn since(self, now: Timestamp) -> Option<Timestamp> {
        let days = match self {
            Period::Any => return None,
            Period::Week => 7,
            Period::Month => 30,
            Period::Year => 365,
        };
        Some(now.plus_millis(-days * 86_400_000))
    }
}

/// One community's search.
#[derive(Debug, Default)]
pub struct SearchState {
    /// The words in the box.
    pub text: String,
    /// Only this kind.
    pub kind: Option<SearchKind>,
    /// Only this tag.
    pub tag: String,
    /// Only this author.
    pub author: Option<MemberId>,
    /// How far back.
    pub period: Period,
    /// Results show instead of the tab.
    pub open: bool,
    /// Focus the box on the next frame (Ctrl+K).
    pub focus: bool,
    /// The query last sent.
    pub asked: Option<SearchQuery>,
    /// Its results, once they came.
    pub results: Option<SearchResults>,
    /// The index is being built: records done, in all.
    pub indexing: Option<(usize, usize)>,
    /// Why the last search found nothing: it failed.
    pub error: Option<String>,
}

impl SearchState {
    /// The query the box and filters say, at `now`.
    pub fn query(&self, now: Timestamp) -> SearchQuery {
        SearchQuery {
            text: self.text.trim().to_owned(),
            kind: self.kind,
            tag: Some(self.tag.trim().to_lowercase()).filter(|t| !t.is_empty()),
            author: self.author.clone(),
            since: self.period.since(now),
            until: None,
            limit: 60,
        }
    }

    /// Whether `q` differs from what was asked in more than the time it was asked at.
    fn differs(&self, q: &SearchQuery) -> bool {
        let Some(asked) = &self.asked else {
            return true;
        };
        let same_period = asked.since.is_some() == q.since.is_some()
            && match (asked.since, q.since) {
                (Some(a), Some(b)) => (a.0 - b.0).abs() < 60_000,
                _ => true,
            };
        asked.text != q.text
            || asked.kind != q.kind
            || asked.tag != q.tag
            || asked.author != q.author
            || !same_period
    }
}

impl AppState {
    /// Focuses the open community's search box (Ctrl+K).
    pub fn focus_search(&mut self) {
        if let Some(v) = self.view_mut() {
            v.search.focus = true;
        }
    }

    /// Sends the open community's search again if the box or filters changed (called each
    /// frame while results show; `now` for the date filter).
    pub fn refresh_search(&mut self, now: Timestamp) {
        let Some(c) = self.selected.clone() else {
            return;
        };
        let Some(v) = self.views.get_mut(&c) else {
            return;
        };
        let s = &mut v.search;
        let q = s.query(now);
        if q.text.is_empty() {
            s.asked = None;
            s.results = None;
            return;
        }
        if !s.differs(&q) {
            return;
        }
        s.asked = Some(q.clone());
        self.request(copse_peer::ask::Search {
            community: c,
            search: q,
        });
    }

    /// Results came for `asked` in `community`: kept if it is still the latest question.
    pub(crate) fn searched(
        &mut self,
        community: &CommunityId,
        asked: &SearchQuery,
        results: SearchResults,
    ) {
        if let Some(v) = self.views.get_mut(community)
            && v.search.asked.as_ref() == Some(asked)
        {
            v.search.results = Some(results);
            v.search.error = None;
        }
    }

    /// The search `asked` in `community` failed: said where its results would show.
    pub(crate) fn search_failed(
        &mut self,
        community: &CommunityId,
        asked: &SearchQuery,
        error: String,
    ) {
        if let Some(v) = self.views.get_mut(community)
            && v.search.asked.as_ref() == Some(asked)
        {
            v.search.results = Some(SearchResults::default());
            v.search.error = Some(error);
        }
    }

    /// The community changed or its index grew: ask again so results stay current.
    pub(crate) fn search_stale(&mut self, community: &CommunityId) {
        if let Some(v) = self.views.get_mut(community) {
            v.search.asked = None;
        }
    }

    /// Closes the results (the words stay in the box).
    /// Closes the results; the next search starts from an empty box (a query left in it
    /// would read as still applied). The index's build progress stays.
    pub fn close_search(&mut self) {
        if let Some(v) = self.view_mut() {
            let indexing = v.search.indexing.take();
            v.search = SearchState {
                indexing,
                ..SearchState::default()
            };
        }
    }

    /// Opens what a result points at, in its tab.
    pub fn open_result(&mut self, target: &SearchTarget) {
        let Some(c) = self.selected.clone() else {
            return;
        };
        self.close_search();
        match target {
            SearchTarget::Thread { thread } | SearchTarget::Post { thread, .. } => {
                // Which of the two tabs is corrected once the thread has loaded.
                if !matches!(self.tab(), Tab::Discussions | Tab::Questions) {
                    self.select_tab(Tab::Discussions);
                }
                self.open_thread(c.clone(), thread.clone());
                if let (Some(v), SearchTarget::Post { post, .. }) = (self.view_mut(), target) {
                    v.scroll_to_post = Some(post.clone());
                    v.found_post = Some(post.clone());
                }
            }
            SearchTarget::Article { article } => {
                self.select_tab(Tab::Knowledge);
                self.open_article(c, article.clone());
            }
            SearchTarget::Event { .. } => self.select_tab(Tab::Events),
            SearchTarget::Task { .. } => self.select_tab(Tab::Tasks),
            SearchTarget::Resource { .. } => self.select_tab(Tab::Resources),
            SearchTarget::Member { member } => {
                self.select_tab(Tab::Members);
                let open = self
                    .views
                    .get(&c)
                    .and_then(|v| v.member_open.as_ref())
                    .is_some_and(|(m, _)| m == member);
                if !open {
                    self.toggle_member(c, member.clone());
                }
            }
        }
    }
}
