//! The QR codes on the generated pages decode, with a real QR decoder, to exactly the absolute
//! URL they stand for.

mod common;

use common::TestSite;

/// Rasterizes an SVG (resvg) and decodes the QR code in it (rqrr).
fn decode(svg: &str) -> String {
    let tree =
        resvg::usvg::Tree::from_str(svg, &resvg::usvg::Options::default()).expect("valid SVG");
    let scale = 8.0;
    let size = tree.size();
    let (w, h) = (
        (size.width() * scale) as u32,
        (size.height() * scale) as u32,
    );
    let mut pixmap = resvg::tiny_skia::Pixmap::new(w, h).unwrap();
    pixmap.fill(resvg::tiny_skia::Color::WHITE);
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::from_scale(scale, scale),
        &mut pixmap.as_mut(),
    );
    let pixels = pixmap.data().to_vec();
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(w as usize, h as usize, |x, y| {
        pixels[(y * w as usize + x) * 4] // red channel of black-on-white
    });
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code in the image");
    grids[0].decode().expect("decodes").1
}

/// Decodes the QR code of an inline `<img src="data:image/png;base64,…">` (png, then rqrr on the
/// image scaled 8 times, as a screen shows it).
fn decode_img(img: &str) -> String {
    use base64::Engine as _;
    let start = img.find("base64,").unwrap() + "base64,".len();
    let end = start + img[start..].find('"').unwrap();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(&img[start..end])
        .expect("valid base64");
    let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    decoder.set_transformations(png::Transformations::EXPAND);
    let mut reader = decoder.read_info().unwrap();
    let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
    let frame = reader.next_frame(&mut pixels).unwrap();
    assert_eq!(frame.color_type, png::ColorType::Grayscale);
    let scale = 8;
    let (w, h) = (frame.width as usize, frame.height as usize);
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(w * scale, h * scale, |x, y| {
        pixels[(y / scale) * frame.line_size + x / scale]
    });
    let grids = image.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code in the image");
    grids[0].decode().expect("decodes").1
}

/// Every inline `<img class="qr" …>` in `html` whose label mentions 二维码.
fn inline_images(html: &str) -> Vec<String> {
    html.match_indices("<img class=\"qr\" src=\"data:image/png;base64,")
        .map(|(start, _)| html[start..start + html[start..].find('>').unwrap() + 1].to_string())
        .filter(|img| img.contains("二维码"))
        .collect()
}

/// Every inline `<svg …>…</svg>` in `html` whose label mentions 二维码.
fn inline_codes(html: &str) -> Vec<String> {
    html.match_indices("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox")
        .map(|(start, _)| {
            let end = start + html[start..].find("</svg>").unwrap() + "</svg>".len();
            html[start..end].to_string()
        })
        .filter(|svg| svg.contains("二维码"))
        .collect()
}

#[test]
fn every_qr_code_decodes_to_its_absolute_url() {
    let site = TestSite::new();
    site.write(
        "content/sessions/opening.md",
        "---\ntitle: 开户专项分享\ndate: 2026-10-15\narticles: [KB-0001]\n---\n",
    );
    let output = site.run(&[
        "build",
        "--as-of",
        "2026-11-22",
        "--base-url",
        "https://help.example.com/qa/",
    ]);
    assert!(output.status.success(), "{}", common::stderr(&output));

    // The article's code, as a file beside its short link.
    let file = site.read("public/a/KB-0001/qr.svg");
    assert_eq!(decode(&file), "https://help.example.com/qa/a/KB-0001/");

    // In the presentation view: the answer's code, then one per step, each with the step anchor
    // (the short link's redirect carries the anchor over).
    // Inline PNG images there: a sixth of the bytes of SVG for a page of many codes.
    let present = site.read("public/a/KB-0001/present/index.html");
    let codes = inline_images(&present);
    let urls: Vec<String> = codes.iter().map(|img| decode_img(img)).collect();
    assert_eq!(
        urls,
        [
            "https://help.example.com/qa/a/KB-0001/",
            "https://help.example.com/qa/a/KB-0001/#step-1",
            "https://help.example.com/qa/a/KB-0001/#step-2",
            "https://help.example.com/qa/a/KB-0001/#step-3",
        ]
    );
    // The answer's short link is printed too, as people type it (no scheme, no final slash).
    assert!(
        present.contains(">help.example.com/qa/a/KB-0001<"),
        "{present}"
    );

    // The session page's code.
    let session = site.read("public/sessions/opening/index.html");
    let codes = inline_codes(&session);
    assert_eq!(codes.len(), 1);
    assert_eq!(
        decode(&codes[0]),
        "https://help.example.com/qa/sessions/opening/"
    );
    assert!(session.contains("https://help.example.com/qa/sessions/opening/"));
}

#[test]
fn short_links_keep_the_step_anchor() {
    let site = TestSite::new();
    site.build_ok();
    let redirect = site.read("public/a/KB-0001/index.html");
    assert!(redirect.contains("location.replace(\"/account/reset-password/\" + location.hash)"));
}
