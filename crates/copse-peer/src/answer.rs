//! Reads answered in place from the hub's documents and this device's local state, one
//! function per request, each returning that request's own answer type. Views read a
//! screen's worth of a document (only `Show` walks all of it).

use copse_core::automerge::ChangeHash;
use copse_core::view::{
    activity, articles, events, meetups, members, resources, snapshot, stories, tasks, threads,
};
use copse_core::{Community, CommunityId, Timestamp};
use copse_hub::{Hub, LocalState, Missing, PeerError};

use crate::ask;
use crate::{ArticleNow, CommunitySummary, EventNow, MeetupNow, RevisionText};

type Answer<T> = Result<T, PeerError>;

fn community<'a>(hub: &'a Hub, id: &CommunityId) -> Answer<&'a Community> {
    hub.community(id)
        .ok_or_else(|| PeerError::UnknownCommunity(id.clone()))
}

fn hex(heads: &[ChangeHash]) -> Vec<String> {
    heads.iter().map(ToString::to_string).collect()
}

pub(crate) fn communities(hub: &Hub) -> Vec<CommunitySummary> {
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
        .collect()
}

pub(crate) fn show(hub: &Hub, q: &ask::Show) -> Answer<snapshot::CommunitySnapshot> {
    Ok(community(hub, &q.community)?.snapshot())
}

pub(crate) fn profile(hub: &Hub, q: &ask::Profile) -> Answer<copse_core::record::Profile> {
    Ok(community(hub, &q.community)?.profile())
}

pub(crate) fn threads(hub: &Hub, q: &ask::Threads) -> Answer<threads::ThreadPage> {
    let query = threads::ThreadQuery {
        kind: q.kind,
        tag: q.tag.clone(),
        after: q.after.clone(),
        limit: q.limit,
    };
    Ok(threads::thread_page(
        community(hub, &q.community)?.doc(),
        &query,
    ))
}

pub(crate) fn thread(hub: &Hub, q: &ask::Thread) -> Answer<threads::ThreadView> {
    threads::thread(community(hub, &q.community)?.doc(), &q.thread)
        .ok_or_else(|| Missing::Thread(q.thread.clone()).into())
}

pub(crate) fn invites(hub: &Hub, q: &ask::Invites) -> Answer<Vec<members::InviteEntry>> {
    Ok(members::invites(community(hub, &q.community)?.doc()))
}

pub(crate) fn members(hub: &Hub, q: &ask::Members) -> Answer<Vec<members::MemberEntry>> {
    let filter = members::MemberFilter {
        skill: q.skill.clone(),
        organisation: q.organisation.clone(),
        include_removed: q.include_removed,
    };
    Ok(members::directory(
        community(hub, &q.community)?.doc(),
        &filter,
    ))
}

pub(crate) fn articles(hub: &Hub, q: &ask::Articles) -> Answer<Vec<articles::ArticleSummary>> {
    Ok(articles::article_list(
        community(hub, &q.community)?.doc(),
        q.tag.as_deref(),
    ))
}

pub(crate) fn article(hub: &Hub, q: &ask::Article) -> Answer<ArticleNow> {
    let doc = community(hub, &q.community)?.doc();
    Ok(ArticleNow {
        article: articles::article(doc, &q.article)
            .ok_or_else(|| Missing::Article(q.article.clone()))?,
        heads: hex(&doc.get_heads()),
    })
}

pub(crate) fn article_at(hub: &Hub, q: &ask::ArticleAt) -> Answer<RevisionText> {
    let doc = community(hub, &q.community)?.doc();
    let view =
        articles::article(doc, &q.article).ok_or_else(|| Missing::Article(q.article.clone()))?;
    let body = articles::article_text_at(doc, &q.article, &q.change)
        .ok_or_else(|| Missing::Revision(q.change.clone()))?;
    Ok(RevisionText {
        id: q.article.clone(),
        title: view.summary.title,
        at: q.change.clone(),
        body,
    })
}

pub(crate) fn article_history(
    hub: &Hub,
    q: &ask::ArticleHistory,
) -> Answer<Vec<articles::Revision>> {
    Ok(articles::article_history(
        community(hub, &q.community)?.doc(),
        &q.article,
    ))
}

pub(crate) fn events(hub: &Hub, q: &ask::Events, now: Timestamp) -> Answer<Vec<events::EventView>> {
    let doc = community(hub, &q.community)?.doc();
    Ok(if q.past {
        events::past_events(doc, now)
    } else {
        events::upcoming_events(doc, now)
    })
}

pub(crate) fn event(hub: &Hub, q: &ask::Event) -> Answer<EventNow> {
    let doc = community(hub, &q.community)?.doc();
    Ok(EventNow {
        event: events::event(doc, &q.event).ok_or_else(|| Missing::Event(q.event.clone()))?,
        heads: hex(&doc.get_heads()),
    })
}

pub(crate) fn tasks(hub: &Hub, q: &ask::Tasks) -> Answer<tasks::TaskBoard> {
    Ok(tasks::task_board(community(hub, &q.community)?.doc()))
}

pub(crate) fn resources(hub: &Hub, q: &ask::Resources) -> Answer<Vec<resources::ResourceEntry>> {
    Ok(resources::resources(
        community(hub, &q.community)?.doc(),
        q.tag.as_deref(),
    ))
}

pub(crate) fn read_state(hub: &Hub, q: &ask::ReadState) -> Answer<LocalState> {
    community(hub, &q.community)?;
    Ok(hub.local_state(&q.community))
}

/// What others did since the version last marked seen (the hub has started counting on
/// the first look).
pub(crate) fn whats_new(hub: &Hub, q: &ask::WhatsNew) -> Answer<activity::Digest> {
    let doc = community(hub, &q.community)?.doc();
    let since: Vec<ChangeHash> = hub
        .local_state(&q.community)
        .seen_heads
        .iter()
        .filter_map(|h| h.parse().ok())
        .collect();
    Ok(activity::whats_new(doc, &since, hub.me(), 12))
}

pub(crate) fn contributions(hub: &Hub, q: &ask::Contributions) -> Answer<activity::Digest> {
    Ok(activity::contributions(
        community(hub, &q.community)?.doc(),
        &q.member,
        10,
    ))
}

pub(crate) fn stories(hub: &Hub, q: &ask::Stories) -> Answer<Vec<stories::StoryView>> {
    Ok(stories::stories(
        community(hub, &q.community)?.doc(),
        q.thread.as_ref(),
    ))
}

pub(crate) fn meetup(hub: &Hub, q: &ask::Meetup, now: Timestamp) -> Answer<MeetupNow> {
    let event = meetups::in_progress(community(hub, &q.community)?.doc(), now);
    Ok(MeetupNow {
        event,
        here: hub.connected_members(&q.community),
    })
}

pub(crate) fn heads(hub: &Hub, q: &ask::Heads) -> Answer<Vec<ChangeHash>> {
    let mut heads = community(hub, &q.community)?.doc().get_heads();
    heads.sort();
    Ok(heads)
}

pub(crate) fn refused(hub: &Hub, q: &ask::Refused) -> Answer<Vec<copse_core::guard::Refused>> {
    community(hub, &q.community)?;
    Ok(hub.refused(&q.community))
}
