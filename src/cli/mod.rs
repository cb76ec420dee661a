//! The command line: argument parsing, terminal output and exit codes.
//!
//! Exit codes: 0 success, 1 problems in the site source (or writing it), 2 usage errors.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use jiff::civil::Date;

use crate::build::{self, Progress, Report};
use crate::{lint, scaffold};

mod search;
mod week;

use search::{Queries, run_search};
use week::run_week;

#[derive(Parser)]
#[command(
    name = "qaportal",
    version,
    about = "Compile a knowledge base of answers into a static help site"
)]
struct Cli {
    /// The site source folder (the one with qaportal.toml).
    #[arg(long, global = true, default_value = ".", value_name = "DIR")]
    root: PathBuf,
    /// Print only errors and warnings.
    #[arg(long, short, global = true)]
    quiet: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder.
    Build {
        #[command(flatten)]
        site: SiteArgs,
        /// Output folder, replaced as a whole when the build succeeds.
        #[arg(long, default_value = "public", value_name = "DIR")]
        out: PathBuf,
        /// Print how long each stage of the build took.
        #[arg(long)]
        timings: bool,
    },
    /// Preview the site: build it into memory, serve it, rebuild and reload on every save.
    Serve {
        #[command(flatten)]
        site: SiteArgs,
        /// Port to listen on; 0 picks a free one (the address is printed).
        #[arg(long, default_value_t = 4000)]
        port: u16,
        /// Address to listen on. Anything but 127.0.0.1 (or ::1) lets other machines read the site.
        #[arg(long, default_value = "127.0.0.1", value_name = "IP")]
        bind: std::net::IpAddr,
    },
    /// Check the site source without writing anything.
    Check {
        #[command(flatten)]
        site: SiteArgs,
        /// Output format of the problems found.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Only list the answers due for review, by owner.
        #[arg(long)]
        review: bool,
    },
    /// Print a week's hot-issue ranking from the ticket data, and optionally start its weekly page.
    Week {
        /// The ISO week, e.g. 2017-W31; default: the week of --as-of.
        week: Option<String>,
        #[command(flatten)]
        site: SiteArgs,
        /// Write content/weekly/<week>.md prefilled with the ranking.
        #[arg(long)]
        write: bool,
        /// With --write: replace an existing weekly page.
        #[arg(long, requires = "write")]
        force: bool,
        /// Access logs (common or combined format, plain or .gz) to report the week's searches
        /// from; default: the files in data/search-logs/.
        #[arg(long, value_name = "FILE", num_args = 1..)]
        search_log: Vec<PathBuf>,
    },
    /// Search the knowledge base from the terminal, as the help site does.
    Search {
        /// The question, as a client manager would type it.
        #[arg(required_unless_present = "queries")]
        query: Option<String>,
        /// Search every line of this file instead (a week's ticket questions, say), printing
        /// one JSON object a line: {"query", "results": {"outcome", "total", "hits"}}.
        #[arg(long, value_name = "FILE", conflicts_with = "query")]
        queries: Option<PathBuf>,
        /// Only answers of this system (folder name).
        #[arg(long)]
        system: Option<String>,
        /// Number of results.
        #[arg(long, default_value_t = 10)]
        limit: usize,
        /// Print the results as JSON.
        #[arg(long)]
        json: bool,
        /// Find the answers whose text holds the query as written, anywhere (a hotline
        /// number, an error code, a sentence; "quoted phrases" and each other word must all
        /// occur), from a full-text index of the whole texts written beside the site on first
        /// use, instead of ranking answers to a question as the site does.
        #[arg(long, conflicts_with = "queries")]
        text: bool,
        #[command(flatten)]
        site: SiteArgs,
    },
    /// Create a new site with one system and one answer.
    Init {
        /// Folder to create (must not exist or be empty).
        dir: PathBuf,
    },
    /// Create a new answer with the next free id.
    New {
        /// The system's folder name, e.g. `bank-transfer`.
        system: String,
        /// The question, as users ask it.
        title: String,
        /// File name (without .md); default: the id in lower case.
        #[arg(long)]
        slug: Option<String>,
    },
}

#[derive(Args)]
struct SiteArgs {
    /// Absolute URL the site is published at, overriding qaportal.toml.
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// The build's "today" (YYYY-MM-DD): the current week and review ages follow it.
    /// Default: today, or SOURCE_DATE_EPOCH when set.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    as_of: Option<Date>,
    /// Include articles marked `draft: true`.
    #[arg(long)]
    drafts: bool,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    Human,
    Json,
}

fn parse_date(text: &str) -> Result<Date, String> {
    crate::load::fields::parse_date(text).ok_or_else(|| {
        format!(
            "`{text}` is not a date; use YYYY-MM-DD (years {} to {})",
            crate::model::FIRST_YEAR,
            crate::model::LAST_YEAR
        )
    })
}

/// Today, unless SOURCE_DATE_EPOCH pins the build to a moment (reproducible builds).
fn default_as_of() -> Result<Date, String> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(value) => {
            let seconds: i64 = value
                .trim()
                .parse()
                .map_err(|_| format!("SOURCE_DATE_EPOCH `{value}` is not a number of seconds"))?;
            let timestamp = jiff::Timestamp::from_second(seconds).map_err(|e| e.to_string())?;
            let date = timestamp.to_zoned(jiff::tz::TimeZone::UTC).date();
            if !(crate::model::FIRST_YEAR..=crate::model::LAST_YEAR).contains(&date.year()) {
                return Err(format!(
                    "SOURCE_DATE_EPOCH `{value}` is the year {}: years from {} to {} are supported",
                    date.year(),
                    crate::model::FIRST_YEAR,
                    crate::model::LAST_YEAR
                ));
            }
            Ok(date)
        }
        Err(_) => Ok(jiff::Zoned::now().date()),
    }
}

pub fn main() -> ExitCode {
    crate::crash::install_hook();
    let cli = Cli::parse();
    let color = std::io::stderr().is_terminal();
    match cli.command {
        Command::Build { site, out, timings } => {
            let out = if out.is_absolute() {
                out
            } else {
                cli.root.join(out)
            };
            match site_options(&cli.root, &site, Some(out), Purpose::Publish) {
                Ok(options) => run_build(&options, cli.quiet, timings, color),
                Err(message) => usage_error(&message),
            }
        }
        Command::Serve { site, port, bind } => {
            match site_options(&cli.root, &site, None, Purpose::Publish) {
                Ok(build) => crate::serve::run(crate::serve::Options {
                    build,
                    bind,
                    port,
                    quiet: cli.quiet,
                    color,
                }),
                Err(message) => usage_error(&message),
            }
        }
        Command::Check {
            site,
            format,
            review,
        } => match site_options(&cli.root, &site, None, Purpose::Check) {
            Ok(options) if review => run_review(&options, format, color),
            Ok(options) => run_check(&options, format, color),
            Err(message) => usage_error(&message),
        },
        Command::Week {
            week,
            site,
            write,
            force,
            search_log,
        } => match site_options(&cli.root, &site, None, Purpose::Read) {
            Ok(options) => run_week(&options, week.as_deref(), write, force, &search_log, color),
            Err(message) => usage_error(&message),
        },
        Command::Search {
            query,
            queries,
            system,
            limit,
            json,
            text,
            site,
        } => match site_options(&cli.root, &site, None, Purpose::Read) {
            Ok(options) => {
                let queries = match (&queries, &query) {
                    (Some(file), _) => Queries::File(file),
                    (None, query) if text => Queries::Text(query.as_deref().unwrap_or_default()),
                    (None, query) => Queries::One(query.as_deref().unwrap_or_default()),
                };
                run_search(&options, queries, system.as_deref(), limit, json, color)
            }
            Err(message) => usage_error(&message),
        },
        Command::Init { dir } => match scaffold::init(&dir) {
            Ok(()) => {
                if !cli.quiet {
                    println!("created a site in {}", dir.display());
                    println!("next: cd {} && qaportal build", dir.display());
                }
                ExitCode::SUCCESS
            }
            Err(message) => usage_error(&message),
        },
        Command::New {
            system,
            title,
            slug,
        } => match scaffold::new_article(&cli.root, &system, &title, slug.as_deref()) {
            Ok(created) => {
                if !cli.quiet {
                    println!("created {} ({})", created.path.display(), created.id);
                }
                ExitCode::SUCCESS
            }
            Err(message) => usage_error(&message),
        },
    }
}

/// What a command does with the site, which decides the lints and the search index.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Purpose {
    /// `build` and `serve`: the site is published or previewed.
    Publish,
    /// `check`: every lint, nothing written.
    Check,
    /// `week`, `search`: the site is only read.
    Read,
}

fn site_options(
    root: &std::path::Path,
    site: &SiteArgs,
    out: Option<PathBuf>,
    purpose: Purpose,
) -> Result<build::Options, String> {
    let as_of = match site.as_of {
        Some(date) => date,
        None => default_as_of()?,
    };
    Ok(build::Options {
        root: root.to_path_buf(),
        out,
        base_url: site.base_url.clone(),
        as_of,
        drafts: site.drafts,
        lints: match purpose {
            Purpose::Check => lint::Set::All,
            Purpose::Publish | Purpose::Read => lint::Set::Publish,
        },
        // Only a site that is written or previewed is produced.
        produce: purpose == Purpose::Publish,
    })
}

fn usage_error(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(2)
}

fn run_build(options: &build::Options, quiet: bool, timings: bool, color: bool) -> ExitCode {
    let bar = (!quiet && std::io::stderr().is_terminal()).then(BarProgress::new);
    let report = match &bar {
        Some(bar) => build::build(options, bar),
        None => build::build(options, &build::Silent),
    };
    if let Some(bar) = bar {
        bar.bar.finish_and_clear();
    }
    print_problems(&report, color);
    if timings {
        for (stage, duration) in &report.timings {
            eprintln!("{stage:>10} {:>8.1} ms", duration.as_secs_f64() * 1000.0);
        }
        if report.written {
            eprintln!(
                "  rendered {:>8} documents not rendered again",
                report.documents_reused
            );
            eprintln!(
                " unchanged {:>8} pages not templated again",
                report.unchanged
            );
        }
    }
    if !report.succeeded() {
        eprintln!(
            "error: build failed ({}); {} was left as it was",
            report.diagnostics.summary(),
            options
                .out
                .as_ref()
                .map_or("the output".into(), |p| p.display().to_string())
        );
        return ExitCode::from(1);
    }
    if !quiet {
        let out = options.out.as_ref().expect("build has an output");
        println!(
            "built {} pages ({} files) in {:.2} s → {}{}",
            report.pages,
            report.files,
            report.elapsed.as_secs_f64(),
            out.display(),
            warnings_suffix(&report)
        );
    }
    ExitCode::SUCCESS
}

fn run_check(options: &build::Options, format: Format, color: bool) -> ExitCode {
    let report = build::build(options, &build::Silent);
    match format {
        Format::Human => {
            print_problems(&report, color);
            eprintln!(
                "{}: {}",
                if report.succeeded() { "ok" } else { "error" },
                report.diagnostics.summary()
            );
        }
        Format::Json => {
            let json = serde_json::json!({
                "ok": report.succeeded(),
                "errors": report.diagnostics.error_count(),
                "warnings": report.diagnostics.warning_count(),
                "problems": report.diagnostics.to_json(&report.sources),
            });
            println!(
                "{}",
                serde_json::to_string_pretty(&json).expect("JSON values serialize")
            );
        }
    }
    if report.succeeded() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// `check --review`: the answers due for review, grouped by their system's owner.
fn run_review(options: &build::Options, format: Format, color: bool) -> ExitCode {
    let mut sources = crate::source::Sources::default();
    let mut diagnostics = crate::diagnostic::Diagnostics::default();
    let site = build::prepare(options, &mut sources, &mut diagnostics);
    diagnostics.sort(&sources);
    let Some(site) = site.filter(|_| !diagnostics.has_errors()) else {
        eprint!("{}", diagnostics.render(&sources, color));
        eprintln!("error: {}", diagnostics.summary());
        return ExitCode::from(1);
    };
    let lists = lint::review::due_by_owner(&site);
    let interval = site.config.review.interval_days;
    match format {
        Format::Human => print!("{}", lint::review::format(&lists, interval)),
        Format::Json => {
            let json = serde_json::json!({ "interval_days": interval, "owners": lists });
            println!(
                "{}",
                serde_json::to_string_pretty(&json).expect("JSON values serialize")
            );
        }
    }
    ExitCode::SUCCESS
}

fn print_problems(report: &Report, color: bool) {
    if !report.diagnostics.is_empty() {
        eprint!("{}", report.diagnostics.render(&report.sources, color));
    }
}

fn warnings_suffix(report: &Report) -> String {
    match report.diagnostics.warning_count() {
        0 => String::new(),
        1 => " (1 warning)".into(),
        n => format!(" ({n} warnings)"),
    }
}

/// A progress bar on stderr for builds big enough to need one.
struct BarProgress {
    bar: indicatif::ProgressBar,
}

impl BarProgress {
    fn new() -> BarProgress {
        let bar = indicatif::ProgressBar::hidden();
        bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
        bar.set_style(
            indicatif::ProgressStyle::with_template("{msg:>9} [{bar:30}] {pos}/{len}")
                .expect("valid template")
                .progress_chars("=> "),
        );
        BarProgress { bar }
    }
}

impl Progress for BarProgress {
    fn stage(&self, name: &'static str, total: usize) {
        self.bar.set_message(name);
        self.bar.set_length(total as u64);
        self.bar.set_position(0);
    }

    fn tick(&self) {
        self.bar.inc(1);
    }
}
