#![no_main]
//! Fuzzes the `sync_response` decoder (see `copse_core::fuzz_entry`).

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    copse_core::fuzz_entry::run("sync_response", data);
});
