//! Cancelling engine work that nobody waits for any more.
//!
//! A [`Cancel`] token is cancelled by hand ([`Cancel::cancel`]), by its
//! deadline passing, or by its parent being cancelled (a server's shutdown
//! token is the parent of every request's). Work runs inside
//! [`Cancel::scope`], which makes the token the current thread's; the engine
//! checks it between detectors and the NER model between batches of windows
//! ([`checkpoint`]), so a cancelled document stops within one detector's or
//! one batch's time and fails with [`ErrorKind::Cancelled`] — never partial output.
//!
//! The token lives in a thread-local rather than in every signature so that
//! all the ways in (`detect`, `detect_by_detector`, transcripts) are covered
//! without threading a parameter through each of them. Work a detector hands
//! to other threads is checked only where it comes back.

use crate::error::{Error, ErrorKind, Result};
use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

/// A cancellation token: cheap to clone, shared between the thread that
/// waits for the work and the threads that do it.
#[derive(Clone, Debug, Default)]
pub struct Cancel {
    inner: Arc<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    cancelled: AtomicBool,
    deadline: Option<Instant>,
    parent: Option<Cancel>,
}

impl Cancel {
    /// A token cancelled only by hand.
    pub fn new() -> Cancel {
        Cancel::default()
    }

    /// A token that also counts as cancelled once `deadline` has passed.
    pub fn with_deadline(deadline: Instant) -> Cancel {
        Cancel { inner: Arc::new(Inner { deadline: Some(deadline), ..Inner::default() }) }
    }

    /// A token cancelled with this one (and by its own hand or deadline, which do not touch this one).
    pub fn child(&self, deadline: Option<Instant>) -> Cancel {
        Cancel { inner: Arc::new(Inner { deadline, parent: Some(self.clone()), ..Inner::default() }) }
    }

    pub fn cancel(&self) {
        self.inner.cancelled.store(true, Ordering::Relaxed);
    }

    pub fn is_cancelled(&self) -> bool {
        let i = &self.inner;
        i.cancelled.load(Ordering::Relaxed)
            || i.deadline.is_some_and(|d| Instant::now() >= d)
            || i.parent.as_ref().is_some_and(Cancel::is_cancelled)
    }

    /// `Err(Cancelled)` once cancelled.
    pub fn check(&self) -> Result<()> {
        if self.is_cancelled() {
            return Err(Error::new(ErrorKind::Cancelled, "the work was cancelled (deadline passed or caller gone)"));
        }
        Ok(())
    }

    /// A guard that cancels this token when dropped: the work stops when the
    /// future or scope waiting for it is dropped (a timeout, a client gone).
    pub fn drop_guard(&self) -> DropGuard {
        DropGuard(self.clone())
    }

    /// Runs `f` with this token as the current thread's (see [`checkpoint`]),
    /// then puts back whatever token was current before.
    pub fn scope<T>(&self, f: impl FnOnce() -> T) -> T {
        struct Restore(Option<Cancel>);
        impl Drop for Restore {
            fn drop(&mut self) {
                CURRENT.with(|c| *c.borrow_mut() = self.0.take());
            }
        }
        let _restore = Restore(CURRENT.with(|c| c.borrow_mut().replace(self.clone())));
        f()
    }
}

/// Cancels its token when dropped (see [`Cancel::drop_guard`]).
#[derive(Debug)]
pub struct DropGuard(Cancel);

impl Drop for DropGuard {
    fn drop(&mut self) {
        self.0.cancel();
    }
}

thread_local! {
    static CURRENT: RefCell<Option<Cancel>> = const { RefCell::new(None) };
}

/// `Err(Cancelled)` when the current thread's token (set by [`Cancel::scope`])
/// is cancelled; `Ok` when there is none.
pub fn checkpoint() -> Result<()> {
    CURRENT.with(|c| c.borrow().as_ref().map_or(Ok(()), Cancel::check))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn cancelled_by_hand_by_deadline_or_by_parent() {
        let t = Cancel::new();
        assert!(t.check().is_ok());
        t.cancel();
        assert_eq!(t.check().unwrap_err().kind(), &ErrorKind::Cancelled);

        assert!(Cancel::with_deadline(Instant::now() - Duration::from_millis(1)).is_cancelled());
        assert!(!Cancel::with_deadline(Instant::now() + Duration::from_secs(3600)).is_cancelled());

        let parent = Cancel::new();
        let child = parent.child(None);
        child.cancel();
        assert!(!parent.is_cancelled(), "a child does not cancel its parent");
        let child = parent.child(None);
        parent.cancel();
        assert!(child.is_cancelled());

        let t = Cancel::new();
        let guard = t.drop_guard();
        assert!(!t.is_cancelled());
        drop(guard);
        assert!(t.is_cancelled());
    }

    #[test]
    fn checkpoint_sees_the_innermost_scope_and_nothing_after_it() {
        assert!(checkpoint().is_ok(), "no token: never cancelled");
        let outer = Cancel::new();
        let inner = Cancel::new();
        inner.cancel();
        outer.scope(|| {
            assert!(checkpoint().is_ok());
            inner.scope(|| assert!(checkpoint().is_err()));
            assert!(checkpoint().is_ok(), "the outer token is current again");
        });
        inner.scope(|| {});
        assert!(checkpoint().is_ok(), "the scope ended");
    }
}
