//! One article file (front matter, markdown, raw HTML, diagrams) through loading and
//! rendering: no panic, and no script in the HTML.
#![no_main]

use libfuzzer_sys::fuzz_target;
use qaportal::fuzzing::{Sandbox, unsafe_markup};

thread_local! {
    static SANDBOX: Sandbox = Sandbox::new();
}

fuzz_target!(|data: &[u8]| {
    SANDBOX.with(|sandbox| {
        for html in sandbox.article(data).html {
            if let Some(problem) = unsafe_markup(&html) {
                panic!("{problem} in:\n{html}");
            }
        }
    });
});
