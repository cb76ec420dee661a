//! One mermaid block through parsing, layout and SVG: no panic, no script in the SVG.
#![no_main]

use libfuzzer_sys::fuzz_target;
use qaportal::fuzzing::unsafe_markup;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(diagram) = qaportal_diagram::render(text, &qaportal_diagram::Options::default()) {
        if let Some(problem) = unsafe_markup(&diagram.html) {
            panic!("{problem} in:\n{}", diagram.html);
        }
    }
});
