//! `qaportal week`: the week's hot-issue report, its searches, and the weekly draft.

use std::path::PathBuf;
use std::process::ExitCode;

use super::usage_error;
use crate::build;

pub(super) fn run_week(
    options: &build::Options,
    week: Option<&str>,
    write: bool,
    force: bool,
    search_logs: &[PathBuf],
    color: bool,
) -> ExitCode {
    let week = match week {
        Some(text) => match text.parse::<crate::model::IsoWeek>() {
            Ok(week) => week,
            Err(error) => return usage_error(&format!("`{text}` is not an ISO week: {error}")),
        },
        None => crate::model::IsoWeek::of(options.as_of),
    };
    let mut sources = crate::source::Sources::default();
    let mut diagnostics = crate::diagnostic::Diagnostics::default();
    let site = build::prepare(options, &mut sources, &mut diagnostics);
    diagnostics.sort(&sources);
    if !diagnostics.is_empty() {
        eprint!("{}", diagnostics.render(&sources, color));
    }
    let Some(site) = site.filter(|_| !diagnostics.has_errors()) else {
        eprintln!("error: {}", diagnostics.summary());
        return ExitCode::from(1);
    };
    let report = crate::hot::report(&site, &site.tickets, week);
    print!("{}", crate::hot::format_report(&site, &report));
    let searches = week_searches(options, &site, week, search_logs, color);
    if let Some(searches) = &searches {
        print!("{}", crate::search_log::report::format(&site, searches));
    }
    if write {
        let path = options
            .root
            .join("content")
            .join(crate::load::WEEKLY_DIR)
            .join(format!("{week}.md"));
        if path.exists() && !force {
            eprintln!(
                "error: {} exists; pass --force to replace it",
                path.display()
            );
            return ExitCode::from(1);
        }
        let mut note = crate::hot::weekly_note(&site, &report);
        if let Some(searches) = searches.as_ref().filter(|s| s.counts.searches > 0) {
            note.push('\n');
            note.push_str(&crate::search_log::report::weekly_note_section(
                &site, searches,
            ));
        }
        if let Err(error) = std::fs::create_dir_all(path.parent().expect("has a parent"))
            .and_then(|()| std::fs::write(&path, note))
        {
            eprintln!("error: cannot write {}: {error}", path.display());
            return ExitCode::from(1);
        }
        println!("wrote {}", path.display());
    }
    ExitCode::SUCCESS
}

/// The week's searches from `--search-log` files, or else from `data/search-logs/`; `None`
/// when there are no logs. Problems with the logs are warnings.
fn week_searches(
    options: &build::Options,
    site: &crate::model::Site,
    week: crate::model::IsoWeek,
    search_logs: &[PathBuf],
    color: bool,
) -> Option<crate::search_log::report::WeekReport> {
    use crate::search_log;
    let files = if search_logs.is_empty() {
        search_log::log_files(&options.root)
    } else {
        search_logs.to_vec()
    };
    if files.is_empty() {
        return None;
    }
    let mut sink = search_log::report::WeekSearches::new(week);
    // Relative paths name files from where the command runs, not from --root.
    let cwd = std::env::current_dir().unwrap_or_default();
    let base = if search_logs.is_empty() {
        options.root.as_path()
    } else {
        cwd.as_path()
    };
    let reading = search_log::read(&files, base, options.as_of, &mut sink);
    // Learning, the site's loading read data/search-logs/ already and showed its problems.
    let shown = search_logs.is_empty() && site.config.search.learn_from_log;
    if !reading.problems.is_empty() && !shown {
        let mut diagnostics = crate::diagnostic::Diagnostics::default();
        diagnostics.extend(reading.problems);
        eprint!(
            "{}",
            diagnostics.render(&crate::source::Sources::default(), color)
        );
    }
    Some(sink.report())
}
