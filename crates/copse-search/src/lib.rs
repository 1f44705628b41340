//! Full-text search over a community: threads and posts, articles, events, tasks, resources
//! and members, in a tantivy index that is a cache on this device (never synced), derived
//! from the document, updated from what changed (`copse_core::changed_records`); and who
//! knows what, from the same index.

mod cache_directory;
mod expertise;
mod plain_text;
mod record_key;
mod record_text;
mod search_index;
mod search_query;
mod word_tokenizer;

pub use copse_core::record_key::RecordKey;
pub use expertise::{Expert, topics_of};
pub use plain_text::plain_text;
pub use record_key::{SearchKind, SearchTarget};
pub use record_text::{Entry, all_records, entries, weight};
pub use search_index::{INDEX_VERSION, MAX_RESULTS, SearchError, SearchIndex};
pub use search_query::{Highlighted, SearchHit, SearchQuery, SearchResults};
