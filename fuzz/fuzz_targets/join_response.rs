#![no_main]
//! Fuzzes the `join_response` decoder (see `copse_core::fuzz_entry`).

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    copse_core::fuzz_entry::run("join_response", data);
});
