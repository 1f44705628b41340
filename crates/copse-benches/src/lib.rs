//! Copse's benchmark binaries, apart from the crates they measure (`benches/`): the
//! foundation (open, load, commit), sync between real runtimes, the guard, search,
//! participation and meetup mode. Run one with `cargo bench -p copse-benches --bench NAME`;
//! each writes its figures to stdout and a table for `docs/benchmarks.md`. The app's frames
//! and `copse-node`'s flood benches stay with their crates (they drive its window and its
//! binary). Shared helpers: `copse_testkit::bench_support`.
