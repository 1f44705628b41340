//! Answering [`Query`]s from the hub's documents and the local read markers. Views read a
//! screen's worth of a document (only `Show` walks all of it).

use copse_core::Timestamp;
use copse_core::automerge::ChangeHash;
use copse_core::view::{
    activity, articles, events, meetups, members, resources, stories, tasks, threads,
};
use copse_hub::{Hub, Missing, PeerError};

use crate::local_state::LocalStates;
use crate::query_reply::{ArticleNow, CommunitySummary, EventNow, MeetupNow, RevisionText, Whoami};
use crate::{Query, QueryReply};

/// What answering needs besides the hub.
pub(crate) struct Context<'a> {
    pub(crate) hub: &'a Hub,
    pub(crate) locals: &'a mut LocalStates,
    pub(crate) whoami: &'a Whoami,
    pub(crate) now: Timestamp,
    pub(crate) online: bool,
}

fn hex(heads: &[ChangeHash]) -> Vec<String> {
    heads.iter().map(ToString::to_string).collect()
}

/// Answers `query`.
pub(crate) fn answer(cx: &mut Context<'_>, query: Query) -> Result<QueryReply, PeerError> {
    let hub = cx.hub;
    let community = |id| {
        hub.community(id)
            .ok_or_else(|| PeerError::UnknownCommunity(id.clone()))
    };
    Ok(match query {
        Query::Whoami => QueryReply::Whoami(cx.whoami.clone()),
        Query::ListCommunities => QueryReply::Communities(
            hub.community_ids()
                .iter()
                .filter_map(|id| hub.community(id))
                .map(|c| {
                    let profile = c.profile();
                    CommunitySummary {
                        id: c.id().clone(),
                        name: profile.name,
                        domain: profile.domain,
                        members: members::member_count(c.doc()),
                        threads: threads::thread_count(c.doc()),
                    }
                })
                .collect(),
        ),
        Query::Show { community: id } => {
            QueryReply::Community(Box::new(community(&id)?.snapshot()))
        }
        Query::Profile { community: id } => QueryReply::Profile(community(&id)?.profile()),
        Query::Threads {
            community: id,
            kind,
            tag,
            after,
            limit,
        } => QueryReply::Threads(threads::thread_page(
            community(&id)?.doc(),
            &threads::ThreadQuery {
                kind,
                tag,
                after,
                limit,
            },
        )),
        Query::Thread {
            community: id,
            thread,
        } => QueryReply::Thread(
            threads::thread(community(&id)?.doc(), &thread).ok_or(Missing::Thread(thread))?,
        ),
        Query::Members {
            community: id,
            skill,
            organisation,
        } => QueryReply::Members(members::directory(
            community(&id)?.doc(),
            &members::MemberFilter {
                skill,
                organisation,
                include_removed: false,
            },
        )),
        Query::Articles { community: id, tag } => QueryReply::Articles(articles::article_list(
            community(&id)?.doc(),
            tag.as_deref(),
        )),
        Query::Article {
            community: id,
            article,
        } => {
            let doc = community(&id)?.doc();
            QueryReply::Article(ArticleNow {
                article: articles::article(doc, &article).ok_or(Missing::Article(article))?,
                heads: hex(&doc.get_heads()),
            })
        }
        Query::ArticleAt {
            community: id,
            article,
            change,
        } => {
            let doc = community(&id)?.doc();
            let view = articles::article(doc, &article).ok_or(Missing::Article(article.clone()))?;
            let body = articles::article_text_at(doc, &article, &change)
                .ok_or_else(|| Missing::Revision(change.clone()))?;
            QueryReply::Revision(RevisionText {
                id: article,
                title: view.summary.title,
                at: change,
                body,
            })
        }
        Query::ArticleHistory {
            community: id,
            article,
        } => QueryReply::History(articles::article_history(community(&id)?.doc(), &article)),
        Query::Events {
            community: id,
            past,
        } => {
            let doc = community(&id)?.doc();
            QueryReply::Events(if past {
                events::past_events(doc, cx.now)
            } else {
                events::upcoming_events(doc, cx.now)
            })
        }
        Query::Event {
            community: id,
            event,
        } => {
            let doc = community(&id)?.doc();
            QueryReply::Event(EventNow {
                event: events::event(doc, &event).ok_or(Missing::Event(event))?,
                heads: hex(&doc.get_heads()),
            })
        }
        Query::Tasks { community: id } => {
            QueryReply::Tasks(tasks::task_board(community(&id)?.doc()))
        }
        Query::Resources { community: id, tag } => {
            QueryReply::Resources(resources::resources(community(&id)?.doc(), tag.as_deref()))
        }
        Query::ReadState { community: id } => {
            community(&id)?;
            QueryReply::ReadState(cx.locals.get(&id))
        }
        Query::WhatsNew { community: id } => {
            let doc = community(&id)?.doc();
            if cx.locals.get(&id).seen_heads.is_empty() {
                // First look: start counting from now. (Everything since the founding would
                // be a walk of the whole history, and news to nobody.)
                let heads = hex(&doc.get_heads());
                cx.locals.update(&id, |s| s.seen_heads = heads);
            }
            let since: Vec<ChangeHash> = cx
                .locals
                .get(&id)
                .seen_heads
                .iter()
                .filter_map(|h| h.parse().ok())
                .collect();
            QueryReply::Digest(activity::whats_new(doc, &since, hub.me(), 12))
        }
        Query::Stories {
            community: id,
            thread,
        } => QueryReply::Stories(stories::stories(community(&id)?.doc(), thread.as_ref())),
        Query::Contributions {
            community: id,
            member,
        } => QueryReply::Digest(activity::contributions(community(&id)?.doc(), &member, 10)),
        Query::Meetup { community: id } => {
            let event = meetups::in_progress(community(&id)?.doc(), cx.now);
            let here = hub.connected_members(&id);
            QueryReply::Meetup(MeetupNow { event, here })
        }
        Query::Status => {
            let mut status = hub.status();
            status.online = cx.online;
            QueryReply::Status(status)
        }
        Query::Heads { community: id } => {
            let mut heads = community(&id)?.doc().get_heads();
            heads.sort();
            QueryReply::Heads(heads)
        }
        Query::Refused { community: id } => {
            community(&id)?;
            QueryReply::Refused(hub.refused(&id))
        }
        // The runtime hands these to the search thread and the participation ledgers.
        Query::Search { .. }
        | Query::Experts { .. }
        | Query::Participation { .. }
        | Query::ForYou { .. }
        | Query::StartHere { .. }
        | Query::StoryPrompts { .. }
        | Query::MeetupDigest { .. }
        | Query::Trajectory { .. } => {
            return Err(PeerError::Invalid(
                "search and participation are not answered here".into(),
            ));
        }
    })
}
