//! qaportal compiles a knowledge base of markdown answers into a static help site.
//!
//! The build is a pipeline of named stages, one module each, through which data flows one way:
//!
//! ```text
//! load → validate → render → lint → assemble → output
//! ```
//!
//! - [`load`]: walk `content/`, parse front matter into the [`model`];
//! - [`validate`]: rules across files (unique ids, aliases, systems) and what gets published;
//! - [`render`]: markdown to HTML, links and images checked;
//! - [`lint`]: what must not be published (customer data) and, for `check`, editorial warnings;
//! - [`assemble`]: the pages of the site and what each shows;
//! - [`output`]: templates applied, files written to a fresh folder and swapped in; the
//!   [`offline`] service worker is written last, versioned by a hash of all the rest.
//!
//! Every URL written from author input passes the one [`url_policy`].
//!
//! [`build`] runs the stages. Every stage reports problems as [`diagnostic::Diagnostic`]s
//! instead of stopping, so one build shows every problem.

pub mod assemble;
pub mod build;
pub mod cli;
pub mod config;
pub mod crash;
pub mod diagnostic;
#[doc(hidden)]
pub mod fuzzing;
pub mod hot;
pub mod lint;
pub mod load;
pub mod markup;
pub mod model;
pub mod offline;
pub mod output;
pub mod qr;
pub mod related;
pub mod render;
pub mod scaffold;
pub mod search;
pub mod search_log;
pub mod serve;
pub mod source;
pub mod theme;
pub mod trends;
pub mod url_policy;
pub mod validate;
