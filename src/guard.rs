//! Panics kept inside the input that caused them: a bug met on one
//! workbook (in a parser of ours or a library's) fails that workbook with a
//! message, and the batch goes on.

use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};

thread_local! {
    /// Set while [`catch`] runs `f` on this thread: its panic is reported
    /// by the caller, in Chinese, not printed by the default hook.
    static CATCHING: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f`, turning a panic into its message (and where it happened)
/// without printing the default panic report; a panic on another thread,
/// or outside `catch`, prints as usual.
///
/// # Errors
/// The panic's message when `f` panicked.
pub fn catch<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let prev = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if CATCHING.with(Cell::get) {
                let at = info
                    .location()
                    .map(|l| format!("{}:{}", l.file(), l.line()))
                    .unwrap_or_default();
                LOCATION.with(|l| l.replace(at));
            } else {
                prev(info);
            }
        }));
    });
    let outer = CATCHING.with(|c| c.replace(true));
    let r = catch_unwind(AssertUnwindSafe(f));
    CATCHING.with(|c| c.set(outer));
    r.map_err(|e| {
        let message = e
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| e.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "未知错误".into());
        match LOCATION.with(|l| l.take()) {
            at if at.is_empty() => message,
            at => format!("{message}，{at}"),
        }
    })
}

thread_local! {
    static LOCATION: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_its_message_and_the_thread_goes_on() {
        let r: Result<(), String> = catch(|| panic!("boom {}", 7));
        let e = r.unwrap_err();
        assert!(e.starts_with("boom 7，"), "{e}");
        assert!(e.contains("guard.rs"), "{e}");
        assert_eq!(catch(|| 5), Ok(5));
        // Nested: the inner one is caught by the inner catch.
        let r = catch(|| catch(|| -> u8 { panic!("inner") }).is_err());
        assert_eq!(r, Ok(true));
    }
}
