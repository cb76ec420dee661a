//! `qaportal serve`: the author's preview. Builds the site into memory, serves it on
//! 127.0.0.1, watches the site source and rebuilds what an edit changed; open pages reload by
//! themselves, or show the errors while the last good site stays served.
//!
//! - [`http`]: the server, the reload script and the event stream;
//! - [`watch`]: the debounced file watcher;
//! - [`indexer`]: the client search index, rebuilt after the pages;
//! - [`state`]: the site kept in memory and the incremental rebuild.

mod connection;
mod http;
mod indexer;
mod state;
mod watch;

use std::collections::BTreeSet;
use std::io::Write;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::mpsc::channel;
use std::time::Instant;

use crate::build;
use state::{Outcome, Problems, State};

pub struct Options {
    pub build: build::Options,
    pub bind: IpAddr,
    pub port: u16,
    pub quiet: bool,
    pub color: bool,
}

pub fn run(mut options: Options) -> ExitCode {
    let root = match std::fs::canonicalize(&options.build.root) {
        Ok(root) => root,
        Err(error) => {
            return usage(&format!(
                "cannot read {}: {error}",
                options.build.root.display()
            ));
        }
    };
    options.build.root = root.clone();
    let server = match http::Server::bind(SocketAddr::new(options.bind, options.port)) {
        Ok(server) => server,
        Err(message) => return usage(&message),
    };
    let port = server.port();
    let host = if options.bind.is_unspecified() {
        "127.0.0.1".to_string()
    } else {
        match options.bind {
            IpAddr::V6(ip) => format!("[{ip}]"),
            IpAddr::V4(ip) => ip.to_string(),
        }
    };
    if !options.bind.is_loopback() {
        eprintln!(
            "warning: listening on {}: anyone who can reach this machine on port {port} can read \
             the site (and its drafts with --drafts); use --bind only on a network you trust",
            options.bind
        );
    }
    // Links and QR codes point at the preview, unless the author asked for another address.
    if options.build.base_url.is_none() {
        options.build.base_url = Some(format!("http://{host}:{port}/"));
    }
    let base_path = match &options.build.base_url {
        Some(url) => crate::config::base_path_of(url),
        None => "/".into(),
    };
    let shared = Arc::new(http::Shared::new(base_path.clone()));

    // Watching starts before the first build, so that a save during it is not missed.
    let (sender, changes) = channel();
    let mut watcher = match watch::start(&root, sender) {
        Ok(watcher) => watcher,
        Err(message) => return usage(&message),
    };
    let indexer = indexer::Indexer::start(Arc::clone(&shared), !options.quiet, root.clone());
    let started = Instant::now();
    let mut state = full_build(&options, &shared, &indexer, started);
    // Requests must name this server: localhost, the bound address or the base URL's host.
    let configured_host = options
        .build
        .base_url
        .as_deref()
        .and_then(|url| url.split("://").nth(1))
        .and_then(|rest| rest.split(['/', ':']).next())
        .map(str::to_string);
    let hosts = connection::Hosts::new(options.bind, configured_host.as_deref());
    if let Err(message) = server.start(&shared, hosts) {
        return usage(&message);
    }
    println!("serving http://{host}:{port}{base_path} (Ctrl-C to stop)");
    let _ = std::io::stdout().flush();

    let mut pending: BTreeSet<PathBuf> = BTreeSet::new();
    while let Ok(batch) = changes.recv() {
        pending.extend(batch);
        while let Ok(more) = changes.try_recv() {
            pending.extend(more);
        }
        watcher.rewatch(&pending);
        let started = Instant::now();
        let outcome = state.as_mut().and_then(|s| s.update(&pending));
        let succeeded = match outcome {
            Some(outcome) => {
                let succeeded = report(&options, &shared, outcome, started);
                // The pages have reloaded; now the search index catches up.
                if let Some((documents, synonyms)) = state
                    .as_ref()
                    .filter(|_| succeeded)
                    .and_then(State::search_documents)
                {
                    indexer.submit(documents, synonyms);
                }
                succeeded
            }
            None => match full_build(&options, &shared, &indexer, started) {
                Some(new) => {
                    state = Some(new);
                    true
                }
                None => false,
            },
        };
        // After a failure the changed files stay pending: the next update reads them again,
        // so that fixing one file rebuilds with the others' changes too.
        if succeeded {
            pending.clear();
        }
    }
    ExitCode::SUCCESS
}

fn usage(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(2)
}

fn full_build(
    options: &Options,
    shared: &http::Shared,
    indexer: &indexer::Indexer,
    started: Instant,
) -> Option<State> {
    // Taken before the build writes its own search index: an index of older documents that
    // the indexer finishes meanwhile must not replace it.
    indexer.full_build();
    let built = state::full(&options.build, &shared.files);
    give_back_memory();
    match built {
        Ok((state, changed, warnings)) => {
            if let Some(warnings) = warnings {
                print_problems(options, &warnings);
            }
            if !options.quiet {
                eprintln!(
                    "built the site in {} ms ({} files changed)",
                    started.elapsed().as_millis(),
                    changed.len()
                );
            }
            shared.reload(&changed, true);
            Some(state)
        }
        Err(problems) => {
            fail(options, shared, &problems);
            None
        }
    }
}

/// Returns the memory a full build (or an index rebuild) freed to the system. A build makes and
/// drops hundreds of megabytes of short-lived values (pages' values, the HTML before it is
/// shared, the index being built) on every thread; `serve`, which then idles for minutes
/// between saves, would keep them as free pages of its allocator (mimalloc, `src/main.rs`).
pub(crate) fn give_back_memory() {
    // SAFETY: mi_collect only returns mimalloc's free pages to the system; it touches no memory
    // the program owns and may be called from any thread at any time (when the program's
    // allocator is another one, mimalloc's own heap is empty and nothing happens).
    unsafe {
        libmimalloc_sys::mi_collect(true);
    }
}

/// Shows an update's outcome in the terminal and the browser; whether it succeeded.
fn report(options: &Options, shared: &http::Shared, outcome: Outcome, started: Instant) -> bool {
    match outcome {
        Outcome::Nothing => true,
        Outcome::Rebuilt {
            changed,
            full,
            warnings,
        } => {
            if let Some(warnings) = &warnings {
                print_problems(options, warnings);
            }
            if !options.quiet {
                eprintln!(
                    "rebuilt in {} ms: {} files changed",
                    started.elapsed().as_millis(),
                    changed.len()
                );
            }
            shared.reload(&changed, full);
            true
        }
        Outcome::Failed(problems) => {
            fail(options, shared, &problems);
            false
        }
    }
}

fn fail(options: &Options, shared: &http::Shared, problems: &Problems) {
    print_problems(options, problems);
    eprintln!(
        "error: the build failed ({}); still serving the last good site",
        problems.summary
    );
    shared.fail(&problems.summary, &problems.plain);
}

fn print_problems(options: &Options, problems: &Problems) {
    let text = if options.color {
        &problems.colored
    } else {
        &problems.plain
    };
    eprint!("{text}");
}
