//! [`SearchIndex`]: a community's tantivy index on disk, a cache derived from the document.
//! Each commit records the document heads it reflects, so an index that is behind is
//! brought up to date from what changed since, and one of another version is rebuilt.

use std::ops::Bound;
use std::path::{Path, PathBuf};

use automerge::ChangeHash;
use copse_core::{DocRead, MemberId, Timestamp};
use serde::{Deserialize, Serialize};
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, Occur, Query, QueryParser, RangeQuery, TermQuery};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing,
    TextOptions, Value,
};
use tantivy::snippet::{Snippet, SnippetGenerator};
use tantivy::tokenizer::{AsciiFoldingFilter, LowerCaser, RemoveLongFilter, TextAnalyzer};
use tantivy::{
    Index, IndexReader, IndexSettings, IndexWriter, ReloadPolicy, TantivyDocument, Term,
};

use crate::cache_directory::CacheDirectory;

use copse_core::record_key::RecordKey;

use crate::record_key::{SearchTarget, term};
use crate::record_text::{Entry, all_records, entries};
use crate::search_query::{Highlighted, SearchHit, SearchQuery, SearchResults};
use crate::word_tokenizer::WordTokenizer;

/// Bumped whenever the schema or what goes into it changes: an index of another version
/// is rebuilt.
pub const INDEX_VERSION: u32 = 4;

/// Tokenizer: words split on non-alphanumerics (each CJK character a word,
/// `word_tokenizer`), lowercased, accents folded (café = cafe).
const TOKENIZER: &str = "copse";

/// Indexing memory: two threads for a first build of a large community.
const WRITER_THREADS: usize = 2;
const WRITER_BUDGET: usize = 64 * 1024 * 1024;

/// The most results one search returns.
pub const MAX_RESULTS: usize = 500;

/// Characters of text around the matches in a snippet.
const SNIPPET_CHARS: usize = 180;

/// What can go wrong with an index (the caller rebuilds it, or reports the error).
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// Tantivy failed (a damaged or locked index, a full disk).
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
    /// A query could not be built or its result read.
    #[error("search query: {0}")]
    Query(String),
    /// A build was cancelled (the device is stopping).
    #[error("search index build cancelled")]
    Cancelled,
    /// The index folder could not be prepared.
    #[error("search index folder {path}: {source}")]
    Folder {
        /// Where.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// The folder as tantivy sees it (a cache: not synced, see `cache_directory`).
fn directory(dir: &Path) -> Result<CacheDirectory, SearchError> {
    CacheDirectory::open(dir).map_err(|e| SearchError::Folder {
        path: dir.to_owned(),
        source: std::io::Error::other(e.to_string()),
    })
}

impl SearchError {
    /// Whether the index's files are damaged or missing (build it again from the document).
    pub fn is_damage(&self) -> bool {
        matches!(
            self,
            SearchError::Index(
                tantivy::TantivyError::DataCorruption(_)
                    | tantivy::TantivyError::OpenReadError(_)
                    | tantivy::TantivyError::IoError(_)
            )
        )
    }
}

/// What each commit records.
#[derive(Serialize, Deserialize)]
struct Payload {
    version: u32,
    heads: Vec<String>,
}

#[derive(Clone, Copy)]
pub(crate) struct Fields {
    pub(crate) record: Field,
    pub(crate) target: Field,
    pub(crate) kind: Field,
    pub(crate) title: Field,
    pub(crate) body: Field,
    pub(crate) extra: Field,
    pub(crate) context: Field,
    pub(crate) tags: Field,
    pub(crate) author: Field,
    pub(crate) at: Field,
    /// Members an entry credits with expertise in its tags (a fast field: aggregated).
    pub(crate) credit: Field,
    /// What it earns them.
    pub(crate) weight: Field,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = |stored: bool| {
        let o = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(TOKENIZER)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        if stored { o.set_stored() } else { o }
    };
    let fields = Fields {
        record: b.add_text_field("record", STRING),
        target: b.add_text_field("target", STORED),
        kind: b.add_text_field("kind", STRING),
        title: b.add_text_field("title", text(true)),
        body: b.add_text_field("body", text(true)),
        extra: b.add_text_field("extra", text(false)),
        context: b.add_text_field("context", STORED),
        tags: b.add_text_field("tags", STRING | STORED),
        author: b.add_text_field("author", STRING | STORED),
        at: b.add_i64_field("at", INDEXED | STORED | FAST),
        credit: b.add_text_field("credit", STRING | FAST),
        weight: b.add_u64_field("weight", FAST),
    };
    (b.build(), fields)
}

/// A community's search index.
pub struct SearchIndex {
    index: Index,
    writer: IndexWriter,
    pub(crate) reader: IndexReader,
    pub(crate) fields: Fields,
    /// The document heads the last commit reflects (`None`: nothing committed yet).
    heads: Option<Vec<ChangeHash>>,
}

impl SearchIndex {
    /// Opens the index in `dir`, or creates it there; one of another version, or one that
    /// cannot be read, is removed and started afresh. `heads()` says what it reflects.
    pub fn open(dir: &Path) -> Result<Self, SearchError> {
        match Self::open_existing(dir) {
            Ok(Some(index)) => return Ok(index),
            Ok(None) => {}
            // Another process holds it: never wipe an index in use.
            Err(e @ SearchError::Index(tantivy::TantivyError::LockFailure(..))) => return Err(e),
            Err(e) => tracing::warn!("rebuilding the search index in {}: {e}", dir.display()),
        }
        let folder = |source| SearchError::Folder {
            path: dir.to_owned(),
            source,
        };
        if dir.exists() {
            std::fs::remove_dir_all(dir).map_err(folder)?;
        }
        std::fs::create_dir_all(dir).map_err(folder)?;
        let (schema, fields) = schema();
        let index = Index::create(directory(dir)?, schema, IndexSettings::default())?;
        Self::with(index, fields, None)
    }

    fn open_existing(dir: &Path) -> Result<Option<Self>, SearchError> {
        if !dir.join("meta.json").exists() {
            return Ok(None);
        }
        let index = Index::open(directory(dir)?)?;
        let (schema, fields) = schema();
        if index.schema() != schema {
            return Ok(None);
        }
        let payload: Option<Payload> = index
            .load_metas()?
            .payload
            .and_then(|p| serde_json::from_str(&p).ok());
        let Some(payload) = payload.filter(|p| p.version == INDEX_VERSION) else {
            return Ok(None);
        };
        let heads: Option<Vec<ChangeHash>> = payload.heads.iter().map(|h| h.parse().ok()).collect();
        Self::with(index, fields, heads).map(Some)
    }

    fn with(
        index: Index,
        fields: Fields,
        heads: Option<Vec<ChangeHash>>,
    ) -> Result<Self, SearchError> {
        index.tokenizers().register(
            TOKENIZER,
            TextAnalyzer::builder(WordTokenizer::default())
                .filter(RemoveLongFilter::limit(48))
                .filter(LowerCaser)
                .filter(AsciiFoldingFilter)
                .build(),
        );
        let writer = index.writer_with_num_threads(WRITER_THREADS, WRITER_BUDGET)?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(Self {
            index,
            writer,
            reader,
            fields,
            heads,
        })
    }

    /// The document heads the index reflects; `None` if it was never built.
    pub fn heads(&self) -> Option<&[ChangeHash]> {
        self.heads.as_deref()
    }

    /// Puts `entries` in place of whatever `key` had (none: the record is gone).
    /// Takes effect at the next [`Self::commit`].
    pub fn replace(&mut self, key: &RecordKey, entries: Vec<Entry>) -> Result<(), SearchError> {
        let record = term(key);
        self.writer
            .delete_term(Term::from_field_text(self.fields.record, &record));
        for e in entries {
            self.writer.add_document(self.document(&record, e))?;
        }
        Ok(())
    }

    /// Reads `keys` again from `doc` (whose heads are `heads`) and commits.
    pub fn update<D: DocRead>(
        &mut self,
        doc: &D,
        keys: impl IntoIterator<Item = RecordKey>,
        heads: &[ChangeHash],
    ) -> Result<(), SearchError> {
        let written = keys
            .into_iter()
            .try_for_each(|key| {
                let e = entries(doc, &key);
                self.replace(&key, e)
            })
            .and_then(|()| self.commit(heads));
        self.discard_on_error(written)
    }

    /// Puts `records` in place and commits at `heads`; on failure nothing of it stays.
    pub fn write(
        &mut self,
        records: Vec<(RecordKey, Vec<Entry>)>,
        heads: &[ChangeHash],
    ) -> Result<(), SearchError> {
        let written = records
            .into_iter()
            .try_for_each(|(key, entries)| self.replace(&key, entries))
            .and_then(|()| self.commit(heads));
        self.discard_on_error(written)
    }

    /// After a failed write, drops what was not committed, so a later commit cannot record
    /// it under newer heads; the index stays at the heads of its last commit.
    fn discard_on_error(&mut self, written: Result<(), SearchError>) -> Result<(), SearchError> {
        if written.is_err()
            && let Err(e) = self.writer.rollback()
        {
            tracing::warn!("discarding a failed search index write: {e}");
        }
        written
    }

    /// Builds the whole index from `doc` (whose heads are `heads`), telling `progress`
    /// (records done, records in all) as it goes; `progress` returning false cancels it
    /// (nothing of it stays).
    pub fn rebuild<D: DocRead>(
        &mut self,
        doc: &D,
        heads: &[ChangeHash],
        progress: &mut dyn FnMut(usize, usize) -> bool,
    ) -> Result<(), SearchError> {
        let built = self.build_all(doc, heads, progress);
        self.discard_on_error(built)
    }

    fn build_all<D: DocRead>(
        &mut self,
        doc: &D,
        heads: &[ChangeHash],
        progress: &mut dyn FnMut(usize, usize) -> bool,
    ) -> Result<(), SearchError> {
        self.writer.delete_all_documents()?;
        let keys = all_records(doc);
        let total = keys.len();
        for (i, key) in keys.iter().enumerate() {
            // No delete per record: the build started from an empty index.
            let record = term(key);
            for entry in entries(doc, key) {
                self.writer.add_document(self.document(&record, entry))?;
            }
            if i % 1000 == 0 && !progress(i, total) {
                return Err(SearchError::Cancelled);
            }
        }
        self.commit(heads)?;
        progress(total, total);
        Ok(())
    }

    /// One entry as a tantivy document of record `record`.
    fn document(&self, record: &str, e: Entry) -> TantivyDocument {
        let f = self.fields;
        let mut doc = TantivyDocument::default();
        doc.add_text(f.record, record);
        doc.add_text(
            f.target,
            serde_json::to_string(&e.target).unwrap_or_default(),
        );
        doc.add_text(f.kind, e.target.kind().as_str());
        doc.add_text(f.title, &e.title);
        doc.add_text(f.body, &e.body);
        doc.add_text(f.extra, &e.extra);
        doc.add_text(f.context, &e.context);
        for t in &e.tags {
            doc.add_text(f.tags, t);
        }
        if let Some(a) = &e.author {
            doc.add_text(f.author, a.as_str());
        }
        doc.add_i64(f.at, e.at.0);
        for m in &e.credit {
            doc.add_text(f.credit, m.as_str());
        }
        doc.add_u64(f.weight, e.weight);
        doc
    }

    /// Makes what was written durable and searchable, recording `heads` with it.
    pub fn commit(&mut self, heads: &[ChangeHash]) -> Result<(), SearchError> {
        let payload = Payload {
            version: INDEX_VERSION,
            heads: heads.iter().map(ToString::to_string).collect(),
        };
        let mut prepared = self.writer.prepare_commit()?;
        prepared.set_payload(&serde_json::to_string(&payload).unwrap_or_default());
        prepared.commit()?;
        self.reader.reload()?;
        self.heads = Some(heads.to_vec());
        Ok(())
    }

    /// Runs `q`.
    pub fn search(&self, q: &SearchQuery) -> Result<SearchResults, SearchError> {
        let f = self.fields;
        let text = q.text.trim();
        if text.is_empty() {
            return Ok(SearchResults::default());
        }
        let mut parser = QueryParser::for_index(&self.index, vec![f.title, f.body, f.extra]);
        parser.set_conjunction_by_default();
        parser.set_field_boost(f.title, 3.0);
        parser.set_field_boost(f.extra, 1.5);
        // Whatever people type is a search, never a syntax error.
        let (words, _) = parser.parse_query_lenient(text);
        let mut parts: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, words)];
        let term = |field, value: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(field, value),
                IndexRecordOption::Basic,
            ))
        };
        if let Some(kind) = q.kind {
            parts.push((Occur::Must, term(f.kind, kind.as_str())));
        }
        if let Some(tag) = &q.tag {
            parts.push((Occur::Must, term(f.tags, &tag.trim().to_lowercase())));
        }
        if let Some(author) = &q.author {
            parts.push((Occur::Must, term(f.author, author.as_str())));
        }
        if q.since.is_some() || q.until.is_some() {
            let at = |t: Timestamp| Term::from_field_i64(f.at, t.0);
            parts.push((
                Occur::Must,
                Box::new(RangeQuery::new(
                    q.since.map_or(Bound::Unbounded, |t| Bound::Included(at(t))),
                    q.until.map_or(Bound::Unbounded, |t| Bound::Excluded(at(t))),
                )),
            ));
        }
        let query = BooleanQuery::new(parts);
        let searcher = self.reader.searcher();
        // A caller's limit is a wish: tantivy allocates for it up front.
        let limit = if q.limit == 0 {
            50
        } else {
            q.limit.min(MAX_RESULTS)
        };
        let (total, top) = searcher.search(
            &query,
            &(Count, TopDocs::with_limit(limit).order_by_score()),
        )?;
        let mut body_snippets = SnippetGenerator::create(&searcher, &query, f.body)?;
        body_snippets.set_max_num_chars(SNIPPET_CHARS);
        let mut title_snippets = SnippetGenerator::create(&searcher, &query, f.title)?;
        title_snippets.set_max_num_chars(copse_core::schema::limits::TITLE * 4);
        let mut hits = Vec::with_capacity(top.len());
        for (_, address) in top {
            let doc: TantivyDocument = searcher.doc(address)?;
            let text_of = |field| {
                doc.get_first(field)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_owned()
            };
            let Ok(target) = serde_json::from_str::<SearchTarget>(&text_of(f.target)) else {
                continue;
            };
            let title = text_of(f.title);
            let title = if title.is_empty() {
                Highlighted::default()
            } else {
                whole(&title, &title_snippets.snippet(&title))
            };
            let body = text_of(f.body);
            hits.push(SearchHit {
                target,
                title,
                snippet: highlighted(&body_snippets.snippet(&body), &body),
                context: text_of(f.context),
                tags: doc
                    .get_all(f.tags)
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect(),
                author: doc
                    .get_first(f.author)
                    .and_then(|v| v.as_str())
                    .and_then(|a| a.parse::<MemberId>().ok()),
                at: Timestamp(doc.get_first(f.at).and_then(|v| v.as_i64()).unwrap_or(0)),
            });
        }
        Ok(SearchResults { hits, total })
    }

    /// Documents in the index (entries, not records).
    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Whether the index holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A snippet as [`Highlighted`]; with no match in the text, its beginning. A fragment that
/// stops a few characters short of either end of the text is carried to it (tantivy cuts
/// at the last word, leaving a stray "%?" or "." behind).
fn highlighted(snippet: &Snippet, text: &str) -> Highlighted {
    const CARRY: usize = 16;
    if snippet.is_empty() {
        let end = text
            .char_indices()
            .nth(SNIPPET_CHARS)
            .map_or(text.len(), |(i, _)| i);
        return Highlighted {
            text: text[..end].to_owned(),
            matches: Vec::new(),
        };
    }
    let range = snippet.fragment_range();
    let start = if range.start <= CARRY { 0 } else { range.start };
    let end = if text.len().saturating_sub(range.end) <= CARRY {
        text.len()
    } else {
        range.end
    };
    let Some(fragment) = text.get(start..end) else {
        return Highlighted {
            text: snippet.fragment().to_owned(),
            matches: snippet
                .highlighted()
                .iter()
                .map(|r| (r.start, r.end))
                .collect(),
        };
    };
    let shift = range.start - start;
    Highlighted {
        text: fragment.to_owned(),
        matches: snippet
            .highlighted()
            .iter()
            .map(|r| (r.start + shift, r.end + shift))
            .collect(),
    }
}

/// The whole of a short text with the matches a snippet of it found.
fn whole(text: &str, snippet: &Snippet) -> Highlighted {
    let offset = snippet.fragment_range().start;
    Highlighted {
        text: text.to_owned(),
        matches: snippet
            .highlighted()
            .iter()
            .map(|r| (r.start + offset, r.end + offset))
            .filter(|(_, end)| *end <= text.len())
            .collect(),
    }
}
