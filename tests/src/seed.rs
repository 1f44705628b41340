//! Seeds for randomised tests: taken from `COPSE_TEST_SEED` when set, else fresh, and always
//! printed so a failure can be replayed.

/// The seed for this run; prints it (cargo shows it on failure).
pub fn test_seed(test: &str) -> u64 {
    let seed = std::env::var("COPSE_TEST_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(1)
        });
    eprintln!("{test}: seed {seed} (replay with COPSE_TEST_SEED={seed})");
    seed
}
