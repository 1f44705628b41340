//! What search costs on the realistic community (100k posts), as a bench binary:
//! - a full build of the index from the document (what a first open or a join does);
//! - the index's size on disk against the export's;
//! - queries: p50 / p99 over a set of realistic searches (words, phrases, exclusions,
//!   filters, no match), each run many times on a warm index;
//! - a change landing to searchable: what the runtime and the search thread do for a
//!   new reply (records touched, their entries, replace, commit, reader reload).
//!
//! `cargo bench -p copse-testkit --bench search`; results go to stdout and
//! `target/copse-bench/search.md`.

#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use copse_core::changed_records::{Changed, changed_records};
use copse_core::view::threads::{ThreadQuery, thread_page};
use copse_core::{Command, Community, Timestamp};
use copse_search::{SearchIndex, SearchKind, SearchQuery, all_records, entries};
use copse_testkit::CommunitySpec;
use copse_testkit::bench_support::{cache_dir, community_bytes, machine, ms, percentile};
use rand::SeedableRng;

fn dir_size(dir: &std::path::Path) -> u64 {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(Result::ok)
        .filter_map(|e| e.metadata().ok())
        .filter(std::fs::Metadata::is_file)
        .map(|m| m.len())
        .sum()
}

fn q(text: &str) -> SearchQuery {
    SearchQuery {
        text: text.into(),
        limit: 60,
        ..SearchQuery::default()
    }
}

fn main() {
    let spec = CommunitySpec::realistic();
    let bytes = community_bytes(&spec);
    let mut community = Community::load(&bytes).unwrap();
    let doc = community.doc();
    let heads = doc.get_heads();
    let records = all_records(doc).len();

    // The runtime's share of a first build: a copy of the document for the search thread.
    let t = Instant::now();
    let copy = Box::new(doc.clone());
    let copied = t.elapsed();
    drop(copy);

    // A full build, as a first open does it (reading every record from the document).
    let dir = cache_dir().join("search-index");
    let _ = std::fs::remove_dir_all(&dir);
    let t = Instant::now();
    let mut index = SearchIndex::open(&dir).unwrap();
    index.rebuild(doc, &heads, &mut |_, _| true).unwrap();
    let build = t.elapsed();
    let entries_in = index.len();
    let size = dir_size(&dir);

    // Queries people type: common and rarer words, two words, a phrase, an exclusion,
    // filters by kind, tag, author and date, members by skill, and no match at all.
    let author = community.profile().created_by;
    let since = Timestamp(community.profile().created_at.0 + 200 * 86_400_000);
    let queries: Vec<SearchQuery> = vec![
        q("charring"),
        q("moisture"),
        q("glue screw"),
        q("crane tolerance"),
        q("\"charring rate\""),
        q("deflection -floor"),
        q("panel connection detail"),
        SearchQuery {
            kind: Some(SearchKind::Thread),
            ..q("roof")
        },
        SearchQuery {
            tag: Some("fire".into()),
            ..q("test")
        },
        SearchQuery {
            author: Some(author),
            ..q("span")
        },
        SearchQuery {
            since: Some(since),
            ..q("site")
        },
        SearchQuery {
            kind: Some(SearchKind::Member),
            ..q("glulam")
        },
        q("Ramboll"),
        q("zeppelin"),
    ];
    let rounds = 40;
    let mut times: Vec<Duration> = Vec::new();
    let mut hits = 0;
    for _ in 0..3 {
        for query in &queries {
            index.search(query).unwrap();
        }
    }
    for _ in 0..rounds {
        for query in &queries {
            let t = Instant::now();
            let r = index.search(query).unwrap();
            times.push(t.elapsed());
            hits += r.hits.len();
        }
    }
    let (q50, q99) = (percentile(&mut times, 50.0), percentile(&mut times, 99.0));

    // Who knows a topic: one aggregation over the topic's entries.
    let topics: Vec<Vec<String>> = ["timber", "clt", "fire", "moisture", "python", "zeppelin"]
        .iter()
        .map(|t| vec![(*t).to_owned()])
        .chain(std::iter::once(vec![
            "glulam".to_owned(),
            "connections".to_owned(),
        ]))
        .collect();
    let mut expert_times: Vec<Duration> = Vec::new();
    let mut ranked = 0;
    for _ in 0..10 {
        for t in &topics {
            let started = Instant::now();
            ranked += index.experts(t, 10).unwrap().len();
            expert_times.push(started.elapsed());
        }
    }
    let (e50, e99) = (
        percentile(&mut expert_times, 50.0),
        percentile(&mut expert_times, 99.0),
    );

    // A reply lands: records touched, entries read, replaced, committed, searchable.
    let thread = thread_page(community.doc(), &ThreadQuery::default()).threads[0]
        .id
        .clone();
    let founder = community.profile().created_by;
    let mut rng = rand::rngs::StdRng::seed_from_u64(5);
    let mut land: Vec<Duration> = Vec::new();
    for i in 0..60 {
        let word = format!("zebrawood{i}");
        let before = community.doc().get_heads();
        community
            .apply(
                &founder,
                Timestamp(1_900_000_000_000 + i),
                &mut rng,
                Command::Reply {
                    thread: thread.clone(),
                    body: format!("we tried {word} for the stair treads"),
                },
            )
            .unwrap();
        let t = Instant::now();
        let doc = community.doc();
        let Changed::Records(keys) = changed_records(doc, &before) else {
            panic!("a reply is one record")
        };
        let records: Vec<_> = keys
            .into_iter()
            .map(|k| {
                let e = entries(doc, &k);
                (k, e)
            })
            .collect();
        for (k, e) in records {
            index.replace(&k, e).unwrap();
        }
        index.commit(&doc.get_heads()).unwrap();
        let found = index.search(&q(&word)).unwrap().hits.len();
        land.push(t.elapsed());
        assert_eq!(found, 1);
    }
    let (l50, l99) = (percentile(&mut land, 50.0), percentile(&mut land, 99.0));

    let report = format!(
        "# Search benchmark\n\nMachine: {}\n\n\
         Community: {} members, {} threads x {} posts; {} records, {} index entries; \
         export {:.1} MiB.\n\n\
         | what | measured | goal |\n|---|---|---|\n\
         | full build of the index (on the search thread) | {} | <= 10 s |\n\
         | the runtime's share of it: a copy of the document | {} | |\n\
         | index on disk | {:.1} MiB ({:.2}x the export) | <= 1.5x |\n\
         | query p50 / p99 ({} realistic queries x {} rounds, {} hits) | {} / {} | <= 5 / <= 25 ms |\n\
         | who knows a topic, p50 / p99 ({} topics x 10 rounds, {} members ranked) | {} / {} | |\n\
         | a reply lands -> searchable (touched records, entries, replace, commit, reload), p50 / p99 | {} / {} | within 200 ms |\n",
        machine(),
        spec.members,
        spec.threads,
        spec.posts_per_thread,
        records,
        entries_in,
        bytes.len() as f64 / 1_048_576.0,
        ms(build),
        ms(copied),
        size as f64 / 1_048_576.0,
        size as f64 / bytes.len() as f64,
        queries.len(),
        rounds,
        hits,
        ms(q50),
        ms(q99),
        topics.len(),
        ranked,
        ms(e50),
        ms(e99),
        ms(l50),
        ms(l99),
    );
    print!("{report}");
    let out = cache_dir().join("search.md");
    std::fs::write(&out, &report).unwrap();
    eprintln!("written to {}", out.display());
}
