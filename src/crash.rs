//! What a user sees if qaportal has a bug: one clear message naming the file being processed
//! when it failed, instead of a Rust backtrace. The previous site is untouched either way (the
//! output is swapped in only at the end of a successful build).
//!
//! Stages name the file they work on with [`processing`]; the name is per thread, so the
//! parallel stages each name their own.

use std::cell::RefCell;

thread_local! {
    static CURRENT: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Names `what` (a file, a page) as the thing this thread is working on, until the guard is
/// dropped.
pub fn processing(what: impl Into<String>) -> Processing {
    let previous = CURRENT.with(|c| c.replace(Some(what.into())));
    Processing { previous }
}

pub struct Processing {
    previous: Option<String>,
}

impl Drop for Processing {
    fn drop(&mut self) {
        let previous = self.previous.take();
        CURRENT.with(|c| *c.borrow_mut() = previous);
    }
}

/// Replaces Rust's panic message with one for users; `RUST_BACKTRACE=1` keeps the default
/// output too, for whoever debugs it.
pub fn install_hook() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown cause".into());
        let location = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let file = CURRENT
            .try_with(|c| c.borrow().clone())
            .ok()
            .flatten()
            .map(|f| format!(" while processing {f}"))
            .unwrap_or_default();
        eprintln!(
            "error: internal error in qaportal{file}: {message}{location}\n\
             This is a bug in qaportal, not in your content: please report it with that file. \
             The previous site was left as it was."
        );
        if std::env::var_os("RUST_BACKTRACE").is_some() {
            default(info);
        }
    }));
}
