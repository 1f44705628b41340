//! Full-text search over a community: threads and posts, articles, events, tasks, resources
//! and members, in a tantivy index that is a cache on this device (never synced), derived
//! from the document, updated from what changed; and participation (levels, health) from
//! the same records.

mod cache_directory;
mod changed_records;
mod expertise;
pub mod participation;
mod plain_text;
mod record_key;
mod record_text;
mod search_index;
mod search_query;

pub use changed_records::{Changed, changed_records};
pub use expertise::{Expert, topics_of};
pub use plain_text::plain_text;
pub use record_key::{RecordKey, SearchKind, SearchTarget};
pub use record_text::{Entry, all_records, entries, weight};
pub use search_index::{INDEX_VERSION, MAX_RESULTS, SearchError, SearchIndex};
pub use search_query::{Highlighted, SearchHit, SearchQuery, SearchResults};
