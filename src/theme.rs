//! The theme: templates and static files.
//!
//! The built-in theme is compiled into the binary, so an installed `qaportal` works anywhere. A
//! site may name its own theme under `themes/<name>/`; its templates and static files replace the
//! built-in ones of the same name, and anything it does not provide falls back to the built-in.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::Path;

use std::sync::Arc;

use include_dir::{Dir, include_dir};

use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::qr;

static BUILT_IN: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

pub struct Theme {
    pub tera: tera::Tera,
    /// Files served under `/static/`, by path relative to the theme's `static/`.
    pub static_files: BTreeMap<String, Cow<'static, [u8]>>,
    /// What the build should say about the theme without failing (hidden files skipped).
    pub warnings: Vec<Diagnostic>,
    /// A hash of every template's name and text: pages made with other templates are
    /// templated again (`output::unchanged`).
    pub templates_hash: u128,
}

impl Theme {
    /// `/static/<path>?v=<hash>`: the hash changes when the file does, so browsers and the service
    /// worker never keep a stale copy while unchanged files stay cached across builds.
    pub fn asset_urls(&self, base_path: &str) -> BTreeMap<String, String> {
        self.static_files
            .iter()
            .map(|(path, bytes)| {
                let hash = xxhash_rust::xxh3::xxh3_64(bytes);
                (
                    path.clone(),
                    format!("{base_path}static/{path}?v={:08x}", hash as u32),
                )
            })
            .collect()
    }
}

/// The theme's folder: a name under `themes/`, inside the site folder once links are resolved,
/// so that `theme = "../x"`, an absolute path or a `themes/x` link to elsewhere never publishes
/// files from outside the site.
fn theme_dir(root: &Path, name: &str) -> Result<std::path::PathBuf, Vec<Diagnostic>> {
    let plain = !name.is_empty()
        && !name.starts_with('.')
        && !name.contains(['/', '\\', ':'])
        && Path::new(name).components().count() == 1;
    if !plain {
        return Err(vec![
            Diagnostic::error(
                "theme",
                format!("theme `{name}` is not the name of a folder under themes/"),
            )
            .help("write the folder's name only (theme = \"mytheme\" for themes/mytheme/); a theme is published, so it must be inside the site folder"),
        ]);
    }
    let dir = root.join("themes").join(name);
    if !dir.is_dir() {
        return Err(vec![
            Diagnostic::error("theme", format!("theme `{name}` not found at {}", dir.display()))
                .help("create themes/<name>/templates and themes/<name>/static, or remove `theme` from qaportal.toml"),
        ]);
    }
    if let Err(target) = crate::source::inside_site(root, &dir) {
        return Err(vec![outside(&format!("themes/{name}"), &target)]);
    }
    Ok(dir)
}

/// The error for a link that leads out of the site folder.
pub fn outside(what: &str, target: &Path) -> Diagnostic {
    Diagnostic::error(
        "outside-site",
        format!(
            "{what} leads to {}, outside the site folder; qaportal publishes only files inside it",
            target.display()
        ),
    )
    .help("copy the files into the site folder instead of linking to them")
}

fn problems_warning(warnings: &mut Vec<Diagnostic>, name: &str, shown: &[String], more: usize) {
    let more = if more > 0 {
        format!(" and {more} more")
    } else {
        String::new()
    };
    warnings.push(
        Diagnostic::warning(
            "theme-hidden-file",
            format!(
                "themes/{name}: {}{more} not published: files and folders whose name starts with `.` never are",
                shown.join(", ")
            ),
        )
        .help("nothing to do if they are editor or system files (.DS_Store, .git); keep secrets (.env) out of the theme folder anyway"),
    );
}

pub fn load(root: &Path, config: &Config) -> Result<Theme, Vec<Diagnostic>> {
    let mut templates: BTreeMap<String, Cow<'static, str>> = BTreeMap::new();
    let mut static_files: BTreeMap<String, Cow<'static, [u8]>> = BTreeMap::new();
    collect_built_in(&BUILT_IN, &mut templates, &mut static_files);

    let mut problems = Vec::new();
    let mut warnings = Vec::new();
    if let Some(name) = &config.theme {
        let dir = theme_dir(root, name)?;
        let mut skipped = Vec::new();
        for (relative, bytes) in
            read_dir_files(root, &dir.join("templates"), &mut skipped, &mut problems)
        {
            match String::from_utf8(bytes) {
                Ok(text) => {
                    templates.insert(relative, Cow::Owned(text));
                }
                Err(_) => problems.push(Diagnostic::error(
                    "theme",
                    format!("themes/{name}/templates/{relative} is not valid UTF-8"),
                )),
            }
        }
        for (relative, bytes) in
            read_dir_files(root, &dir.join("static"), &mut skipped, &mut problems)
        {
            static_files.insert(relative, Cow::Owned(bytes));
        }
        if !skipped.is_empty() {
            let shown: Vec<String> = skipped.iter().take(5).cloned().collect();
            let more = skipped.len().saturating_sub(shown.len());
            problems_warning(&mut warnings, name, &shown, more);
        }
    }

    // The diagram styles come first, so that the theme's rules (e.g. `--dg-bg`) override them.
    if let Some(style) = static_files.get_mut("style.css") {
        let mut combined = qaportal_diagram::CSS.as_bytes().to_vec();
        combined.push(b'\n');
        combined.extend_from_slice(style);
        *style = Cow::Owned(combined);
    }

    let mut tera = tera::Tera::new();
    // QR codes are drawn where a template asks for one, so `check` (which templates nothing)
    // and themes that show none do not pay for them: `{{ url | qr_svg(label="…") }}`.
    let qr_codes = Arc::new(qr::Codes::default());
    let codes = Arc::clone(&qr_codes);
    tera.register_filter(
        "qr_svg",
        move |url: &str, kwargs: tera::Kwargs, _: &tera::State| {
            let label = kwargs.get::<&str>("label")?.unwrap_or("二维码");
            // A QR code holds at most 2,331 bytes at its error correction level, and one that
            // long does not scan from a projector anyway.
            if url.len() > qr::MAX_URL_BYTES {
                return Err(tera::Error::message(format!(
                    "the URL {}… is {} bytes long, too long for a QR code (at most {}): \
                     shorten base_url or the file name",
                    url.chars().take(60).collect::<String>(),
                    url.len(),
                    qr::MAX_URL_BYTES
                )));
            }
            Ok::<_, tera::Error>(tera::Value::safe_string(&codes.svg(url, label)))
        },
    );
    // `{{ url | qr_img(label="…") }}`: the same code as an inline PNG `<img>`, a sixth of the
    // bytes, for pages that show many (presentation views).
    let codes = qr_codes;
    tera.register_filter(
        "qr_img",
        move |url: &str, kwargs: tera::Kwargs, _: &tera::State| {
            let label = kwargs.get::<&str>("label")?.unwrap_or("二维码");
            Ok::<_, tera::Error>(tera::Value::safe_string(&codes.img(url, label)))
        },
    );
    tera.autoescape_on([".html", ".xml"]);
    tera.register_filter("json", json_string);
    if let Err(error) =
        tera.add_raw_templates(templates.iter().map(|(n, t)| (n.as_str(), t.as_ref())))
    {
        problems.push(
            Diagnostic::error("template", format!("a template does not compile: {error}"))
                .help("fix the template of the site's theme; the built-in ones are in themes/default/templates"),
        );
    }
    let templates_hash = {
        let mut hasher = xxhash_rust::xxh3::Xxh3Default::new();
        for (name, text) in &templates {
            for part in [name.as_bytes(), text.as_bytes()] {
                hasher.update(&(part.len() as u64).to_le_bytes());
                hasher.update(part);
            }
        }
        hasher.digest128()
    };
    if problems.is_empty() {
        Ok(Theme {
            tera,
            static_files,
            warnings,
            templates_hash,
        })
    } else {
        Err(problems)
    }
}

/// `{{ site.title | json }}`: a string as a JSON (and JavaScript) string literal, for the web
/// app manifest and the service worker. Only strings: tera's maps have no stable key order, and
/// the output must be byte-identical between builds. `</` is escaped so that the literal may
/// also stand in an inline `<script>`.
fn json_string(value: std::borrow::Cow<'_, str>, _: tera::Kwargs, _: &tera::State) -> String {
    serde_json::to_string(value.as_ref())
        .expect("a string serializes")
        .replace("</", "<\\/")
}

fn collect_built_in(
    dir: &'static Dir<'static>,
    templates: &mut BTreeMap<String, Cow<'static, str>>,
    static_files: &mut BTreeMap<String, Cow<'static, [u8]>>,
) {
    for file in dir.files() {
        let path = file.path().to_string_lossy().replace('\\', "/");
        if let Some(name) = path.strip_prefix("templates/") {
            let text = file.contents_utf8().expect("built-in templates are UTF-8");
            templates.insert(name.to_string(), Cow::Borrowed(text));
        } else if let Some(name) = path.strip_prefix("static/") {
            static_files.insert(name.to_string(), Cow::Borrowed(file.contents()));
        }
    }
    for sub in dir.dirs() {
        collect_built_in(sub, templates, static_files);
    }
}

/// The files under `dir` (relative path, bytes). Links are followed only within the site
/// folder (a link out of it, `static/` included, is an error); hidden files and folders
/// (`.env`, `.git/`, `.DS_Store`) are skipped and listed in `skipped`.
fn read_dir_files(
    root: &Path,
    dir: &Path,
    skipped: &mut Vec<String>,
    problems: &mut Vec<Diagnostic>,
) -> Vec<(String, Vec<u8>)> {
    if !dir.is_dir() {
        return Vec::new();
    }
    let shown = |path: &Path| crate::source::display_path(root, path);
    let mut files = Vec::new();
    let walker = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            let hidden = e.depth() > 0 && e.file_name().to_string_lossy().starts_with('.');
            if hidden {
                skipped.push(crate::source::display_path(dir, e.path()));
            }
            !hidden
        });
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                problems.push(Diagnostic::error(
                    "theme",
                    format!("cannot read theme: {error}"),
                ));
                continue;
            }
        };
        if (entry.path_is_symlink() || entry.depth() == 0)
            && let Err(target) = crate::source::inside_site(root, entry.path())
        {
            problems.push(outside(&shown(entry.path()), &target));
            continue;
        }
        if !entry.file_type().is_file() {
            continue;
        }
        match std::fs::read(entry.path()) {
            Ok(bytes) => files.push((crate::source::display_path(dir, entry.path()), bytes)),
            Err(error) => problems.push(Diagnostic::error(
                "theme",
                format!("cannot read {}: {error}", entry.path().display()),
            )),
        }
    }
    files
}
