//! Front matter text, YAML and TOML, through the parser: no panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use qaportal::load::frontmatter::{Format, parse};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = parse(Format::Yaml, text);
    let _ = parse(Format::Toml, text);
});
