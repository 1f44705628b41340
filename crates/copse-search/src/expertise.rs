//! Who knows about a topic: expertise earned in the community's history (answers accepted,
//! answers, articles under that tag), apart from what members declare as skills. Read from
//! the search index, which already holds every post and article with its tags: one
//! aggregation per question, on the search thread, never a walk of the history.

use std::collections::{BTreeMap, BTreeSet};

use copse_core::MemberId;
use serde::{Deserialize, Serialize};
use tantivy::aggregation::AggregationCollector;
use tantivy::aggregation::agg_req::Aggregations;
use tantivy::aggregation::agg_result::AggregationResults;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{TantivyDocument, Term};

use copse_core::record_key::RecordKey;

use crate::record_key::{SearchKind, SearchTarget, term as record_term};
use crate::record_text::weight;
use crate::search_index::{SearchError, SearchIndex};

/// A member who knows about the topics asked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Expert {
    /// Who.
    pub member: MemberId,
    /// Their name in the directory.
    pub name: String,
    /// Expertise earned in the community's history (the sum of the weights below).
    pub earned: u64,
    /// Their answers that were accepted.
    pub accepted_answers: u64,
    /// Their other answers to questions.
    pub answers: u64,
    /// Articles they wrote or last edited.
    pub articles: u64,
    /// They list one of the topics among their skills.
    pub declared: bool,
}

impl Expert {
    /// What they earned it with, in words: "1 accepted answer, 2 answers, 1 article".
    pub fn breakdown(&self) -> String {
        [
            (self.accepted_answers, "accepted answer", "accepted answers"),
            (self.answers, "answer", "answers"),
            (self.articles, "article", "articles"),
        ]
        .into_iter()
        .filter(|(n, _, _)| *n > 0)
        .map(|(n, one, many)| format!("{n} {}", if n == 1 { one } else { many }))
        .collect::<Vec<_>>()
        .join(", ")
    }
}

/// Topics as the index holds tags: trimmed, lowercased, no empties or repeats.
pub fn topics_of<'a>(words: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut seen = BTreeSet::new();
    words
        .into_iter()
        .map(|w| w.trim().to_lowercase())
        .filter(|w| !w.is_empty() && seen.insert(w.clone()))
        .collect()
}

impl SearchIndex {
    /// The members who know most about any of `topics` (tags or skills), earned first (by
    /// what they earned), then those who only declare it; current members only; at most
    /// `limit`.
    pub fn experts(&self, topics: &[String], limit: usize) -> Result<Vec<Expert>, SearchError> {
        let f = self.fields;
        let topics = topics_of(topics.iter().map(String::as_str));
        if topics.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        let limit = limit.min(100);
        let term = |field, value: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(field, value),
                IndexRecordOption::Basic,
            ))
        };
        let any_topic = || -> Box<dyn Query> {
            Box::new(BooleanQuery::new(
                topics
                    .iter()
                    .map(|t| (Occur::Should, term(f.tags, t)))
                    .collect(),
            ))
        };
        let searcher = self.reader.searcher();

        // Earned: per credited member, the sum of weights and the count of each kind.
        let request: Aggregations = serde_json::from_value(serde_json::json!({
            "experts": {
                "terms": { "field": "credit", "size": 200, "order": { "earned": "desc" } },
                "aggs": {
                    "earned": { "sum": { "field": "weight" } },
                    "kinds": { "terms": { "field": "weight", "size": 8 } }
                }
            }
        }))
        .map_err(|e| SearchError::Query(e.to_string()))?;
        let collector = AggregationCollector::from_aggs(request, Default::default());
        let result: AggregationResults = searcher.search(&any_topic(), &collector)?;
        let result = serde_json::to_value(result).map_err(|e| SearchError::Query(e.to_string()))?;
        let mut earned: BTreeMap<MemberId, Expert> = BTreeMap::new();
        for bucket in result["experts"]["buckets"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let Some(member) = bucket["key"].as_str().and_then(|k| k.parse().ok()) else {
                continue;
            };
            let mut e = Expert {
                member,
                name: String::new(),
                earned: bucket["earned"]["value"].as_f64().unwrap_or(0.0) as u64,
                accepted_answers: 0,
                answers: 0,
                articles: 0,
                declared: false,
            };
            for k in bucket["kinds"]["buckets"].as_array().into_iter().flatten() {
                let n = k["doc_count"].as_u64().unwrap_or(0);
                match k["key"].as_f64().map(|w| w as u64) {
                    Some(weight::ACCEPTED_ANSWER) => e.accepted_answers += n,
                    Some(weight::ANSWER) => e.answers += n,
                    Some(weight::ARTICLE) => e.articles += n,
                    _ => {}
                }
            }
            if e.earned > 0 {
                earned.insert(e.member.clone(), e);
            }
        }

        // Declared: current members listing a topic among their skills.
        let members_query = BooleanQuery::new(vec![
            (Occur::Must, term(f.kind, SearchKind::Member.as_str())),
            (Occur::Must, any_topic()),
        ]);
        let declared: BTreeMap<MemberId, String> = searcher
            .search(&members_query, &TopDocs::with_limit(1000).order_by_score())?
            .into_iter()
            .filter_map(|(_, address)| self.member_of(&searcher.doc(address).ok()?))
            .collect();

        // Only current members (removed ones have no directory entry), named.
        let directory_entry = |m: &MemberId| -> Option<(MemberId, String)> {
            let record = term(f.record, &record_term(&RecordKey::Member(m.clone())));
            let (_, address) = searcher
                .search(&record, &TopDocs::with_limit(1).order_by_score())
                .ok()?
                .into_iter()
                .next()?;
            self.member_of(&searcher.doc(address).ok()?)
        };
        let mut out: Vec<Expert> = earned
            .into_values()
            .filter_map(|mut e| {
                let (_, name) = directory_entry(&e.member)?;
                e.name = name;
                e.declared = declared.contains_key(&e.member);
                Some(e)
            })
            .collect();
        out.sort_by(|a, b| {
            b.earned
                .cmp(&a.earned)
                .then(b.declared.cmp(&a.declared))
                .then(a.name.cmp(&b.name))
        });
        for (member, name) in declared {
            if !out.iter().any(|e| e.member == member) {
                out.push(Expert {
                    member,
                    name,
                    earned: 0,
                    accepted_answers: 0,
                    answers: 0,
                    articles: 0,
                    declared: true,
                });
            }
        }
        out.truncate(limit);
        Ok(out)
    }

    /// The member a directory entry is about, with their name.
    fn member_of(&self, doc: &TantivyDocument) -> Option<(MemberId, String)> {
        let target = doc.get_first(self.fields.target)?.as_str()?;
        let name = doc.get_first(self.fields.title)?.as_str()?.to_owned();
        match serde_json::from_str(target).ok()? {
            SearchTarget::Member { member } => Some((member, name)),
            _ => None,
        }
    }
}
