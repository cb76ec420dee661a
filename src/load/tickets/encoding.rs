//! Reading an export's bytes as text, whatever encoding the tool that wrote it used.

use crate::diagnostic::Diagnostic;

/// The text of an export, whatever the tool that wrote it used: UTF-8 (with or without a
/// byte-order mark), UTF-16 with a byte-order mark, or, when the bytes are not UTF-8, the
/// legacy encoding they read as (chardetng, Firefox's detector): GBK/GB18030 for most Chinese
/// ITSM tools and Excel on Chinese Windows. A warning when the guess is anything else, or when
/// some bytes fit no encoding.
pub(super) fn decode(bytes: Vec<u8>) -> (String, Option<Diagnostic>) {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(&bytes) {
        let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom..]);
        let problem = had_errors.then(|| undecodable(encoding));
        return (text.into_owned(), problem);
    }
    let bytes = match String::from_utf8(bytes) {
        Ok(text) => return (text, None),
        Err(error) => error.into_bytes(),
    };
    let mut detector = chardetng::EncodingDetector::new();
    detector.feed(&bytes, true);
    let guess = detector.guess(Some(b"cn"), false);
    // GB18030 is the superset of GBK (and of GB2312) that decoders use for all three.
    let encoding = if guess == encoding_rs::GBK {
        encoding_rs::GB18030
    } else {
        guess
    };
    let (text, had_errors) = encoding.decode_without_bom_handling(&bytes);
    let problem = if had_errors {
        Some(undecodable(encoding))
    } else if encoding != encoding_rs::GB18030 {
        Some(
            Diagnostic::warning(
                "ticket-encoding",
                format!(
                    "this export is not UTF-8; it was read as {} (the likeliest encoding)",
                    encoding.name()
                ),
            )
            .label("read with a guessed encoding")
            .help("if its question texts look wrong, export the file as UTF-8 (in Excel: 另存为 → CSV UTF-8)"),
        )
    } else {
        None
    };
    (text.into_owned(), problem)
}

fn undecodable(encoding: &'static encoding_rs::Encoding) -> Diagnostic {
    Diagnostic::warning(
        "ticket-encoding",
        format!(
            "some bytes of this export are not valid {}; they are read as �",
            encoding.name()
        ),
    )
    .label("damaged or mixed encodings")
    .help("export the file again as UTF-8 (in Excel: 另存为 → CSV UTF-8)")
}
