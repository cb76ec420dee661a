//! One ticket export through the build's loading: no panic, and what becomes a search
//! phrasing is one line of bounded length.
#![no_main]

use libfuzzer_sys::fuzz_target;
use qaportal::fuzzing::Sandbox;

thread_local! {
    static SANDBOX: Sandbox = Sandbox::new();
}

fuzz_target!(|data: &[u8]| {
    SANDBOX.with(|sandbox| {
        for phrasing in sandbox.tickets(data).phrasings {
            assert!(!phrasing.contains('\n'), "a phrasing spans lines: {phrasing:?}");
            assert!(phrasing.chars().count() <= 200, "a phrasing is too long: {phrasing:?}");
        }
    });
});
