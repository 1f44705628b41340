//! Where each [`Field`]'s text lives, and what typing into one also changes.

use copse_core::record::ThreadKind;

use super::intent::Field;
use super::loads::View;
use super::{AppState, CommunityView};

impl AppState {
    /// The member typed into `field`: its text becomes `text`.
    pub(super) fn typed(&mut self, field: Field, text: String) {
        let Some(slot) = self.text_mut(field) else {
            // The form closed in the frame it was typed into: nothing to keep.
            return;
        };
        *slot = text;
        match field {
            Field::ThreadFilter(kind) => self.thread_filter_typed(kind),
            Field::SearchText => {
                if let Some(v) = self.view_mut() {
                    v.search.open = !v.search.text.trim().is_empty();
                }
            }
            _ => {}
        }
    }

    /// A thread list shows the threads with the tag typed: reloaded when it differs.
    fn thread_filter_typed(&mut self, kind: ThreadKind) {
        let Some(c) = self.selected.clone() else {
            return;
        };
        let changed = self
            .view()
            .and_then(|v| v.list(kind))
            .is_some_and(|l| l.tag.trim().to_lowercase() != l.loaded_tag.trim().to_lowercase());
        if changed {
            self.invalidate([View::Threads(c, kind)]);
        }
    }

    fn text_mut(&mut self, field: Field) -> Option<&mut String> {
        let app = match field {
            Field::WelcomeName => &mut self.welcome.name,
            Field::WelcomeOrganisation => &mut self.welcome.organisation,
            Field::WelcomeDepartment => &mut self.welcome.department,
            Field::WelcomeSkills => &mut self.welcome.skills,
            Field::WelcomeBio => &mut self.welcome.bio,
            Field::CommunityName => &mut self.new_community.name,
            Field::CommunityDomain => &mut self.new_community.domain,
            Field::CommunityObjectives => &mut self.new_community.objectives,
            Field::CommunityNorms => &mut self.new_community.norms,
            Field::JoinTicket => &mut self.join_ticket,
            Field::ChooserName => &mut self.file_chooser.as_mut()?.name,
            Field::DeviceRelay => &mut self.device_relay_draft,
            _ => return view_text_mut(self.view_mut()?, field),
        };
        Some(app)
    }
}

/// The fields of the open community's screens (`None` where the form is closed).
fn view_text_mut(v: &mut CommunityView, field: Field) -> Option<&mut String> {
    Some(match field {
        Field::ThreadFilter(kind) => &mut v.list_mut(kind).tag,
        Field::ThreadTitle(kind) => &mut v.list_mut(kind).draft.title,
        Field::ThreadBody(kind) => &mut v.list_mut(kind).draft.body,
        Field::ThreadTags(kind) => &mut v.list_mut(kind).draft.tags,
        Field::Reply => &mut v.reply,
        Field::EditedPost => &mut v.editing_post.as_mut()?.1,
        Field::ArticleFilter => &mut v.article_tag,
        Field::ArticleTitle => &mut v.new_article.as_mut()?.0,
        Field::ArticleBody => &mut v.new_article.as_mut()?.1,
        Field::ArticleTags => &mut v.new_article.as_mut()?.2,
        Field::ArticleText => &mut v.article.as_mut()?.buffer,
        Field::EventTitle => &mut v.event_draft.as_mut()?.title,
        Field::EventStarts => &mut v.event_draft.as_mut()?.starts,
        Field::EventEnds => &mut v.event_draft.as_mut()?.ends,
        Field::EventZone => &mut v.event_draft.as_mut()?.zone,
        Field::EventPlace => &mut v.event_draft.as_mut()?.place,
        Field::EventDescription => &mut v.event_draft.as_mut()?.description,
        Field::Notes => &mut v.notes.as_mut()?.buffer,
        Field::TaskTitle => &mut v.task_draft.title,
        Field::TaskDue => &mut v.task_draft.due,
        Field::MemberSkill => &mut v.member_filter.0,
        Field::MemberOrganisation => &mut v.member_filter.1,
        Field::Story => &mut v.story_draft,
        Field::Objective => &mut v.objective_draft,
        Field::Relay => &mut v.relay_draft,
        Field::Norms => v.norms_draft.as_mut()?,
        Field::ResourceTitle => &mut v.resource_draft.title,
        Field::ResourceUrl => &mut v.resource_draft.url,
        Field::ResourceDescription => &mut v.resource_draft.description,
        Field::ResourceTags => &mut v.resource_draft.tags,
        Field::ExportPath => &mut v.export_path,
        Field::ImportPath => &mut v.import_path,
        Field::SearchText => &mut v.search.text,
        Field::SearchTag => &mut v.search.tag,
        Field::WelcomeName
        | Field::WelcomeOrganisation
        | Field::WelcomeDepartment
        | Field::WelcomeSkills
        | Field::WelcomeBio
        | Field::CommunityName
        | Field::CommunityDomain
        | Field::CommunityObjectives
        | Field::CommunityNorms
        | Field::JoinTicket
        | Field::ChooserName
        | Field::DeviceRelay => return None,
    })
}
