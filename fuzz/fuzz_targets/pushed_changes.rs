#![no_main]
//! Fuzzes the `pushed_changes` decoder (see `copse_core::fuzz_entry`).

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    copse_core::fuzz_entry::run("pushed_changes", data);
});
