//! Shared links and references.

use automerge::transaction::{Transactable, Transaction};
use autosurgeon::reconcile_prop;

use super::{Ctx, Effect, root_map};
use crate::command::Created;
use crate::doc_read::record;
use crate::input::{bounded, required, tags, url};
use crate::record::Resource;
use crate::schema::field;
use crate::schema::{RESOURCES, limits};
use crate::{CommandError, ResourceId};

#[allow(clippy::too_many_arguments)]
pub(super) fn add(
    tx: &mut Transaction<'_>,
    ctx: &Ctx<'_>,
    title: &str,
    link: Option<&str>,
    description: &str,
    tag_list: &[String],
) -> Result<Effect, CommandError> {
    let resource = Resource {
        title: required(field::TITLE, title, limits::TITLE)?,
        url: link.filter(|u| !u.trim().is_empty()).map(url).transpose()?,
        description: bounded(field::DESCRIPTION, description, limits::BODY)?,
        tags: tags(field::TAGS, tag_list)?,
        added_by: ctx.me.clone(),
        added_at: ctx.now,
    };
    let id = ResourceId::from_bytes(ctx.mint.next());
    let resources = root_map(tx, RESOURCES)?;
    reconcile_prop(tx, &resources, id.as_str(), &resource)?;
    Ok(Effect::created(Created::Resource(id.clone()), id))
}

pub(super) fn remove(
    tx: &mut Transaction<'_>,
    ctx: &Ctx<'_>,
    id: &ResourceId,
) -> Result<Effect, CommandError> {
    let r: Resource = record(tx, RESOURCES, id.as_str())
        .ok_or_else(|| CommandError::UnknownResource(id.clone()))?;
    if &r.added_by != ctx.me && !ctx.coordinator {
        return Err(CommandError::NotCoordinator {
            action: "remove resources shared by others".into(),
        });
    }
    let resources = root_map(tx, RESOURCES)?;
    tx.delete(&resources, id.as_str())?;
    Ok(Effect::on(id))
}
