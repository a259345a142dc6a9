//! A small blocking connection pool: connections are made on demand up to a limit; a caller
//! waits a bounded time for one to come free and then gets [`StoreError::Busy`]. On checkout a
//! connection that reports itself broken or is older than its lifetime is dropped and replaced,
//! and one idle for long is validated first. On return a connection that reports itself broken
//! (a closed socket, a transaction that did not end cleanly) is dropped instead of kept.

use crate::Result;
use crate::error::StoreError;
use std::ops::{Deref, DerefMut};
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

pub(crate) trait Manage: Send + Sync {
    type Conn: Send;
    fn connect(&self) -> Result<Self::Conn>;
    /// What the connection itself knows of its state (no round trip): a closed socket, a
    /// transaction left open. Broken connections are never handed out or kept.
    fn is_broken(&self, conn: &mut Self::Conn) -> bool;
    /// A cheap round trip (`SELECT 1`) for a connection that sat idle longer than
    /// [`Limits::validate_after_idle`].
    fn validate(&self, _conn: &mut Self::Conn) -> bool {
        true
    }
}

/// Size, waiting and retirement policy of a pool.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    pub max: usize,
    /// How long `get` waits for a connection to come free before it answers `Busy`.
    pub wait: Duration,
    /// Connections older than this are closed at checkout and replaced.
    pub max_lifetime: Option<Duration>,
    /// Connections idle longer than this are validated at checkout.
    pub validate_after_idle: Option<Duration>,
}

pub(crate) struct Pool<M: Manage> {
    manager: M,
    limits: Limits,
    state: Mutex<State<M::Conn>>,
    freed: Condvar,
}

struct Idle<C> {
    conn: C,
    created: Instant,
    since: Instant,
}

struct State<C> {
    idle: Vec<Idle<C>>,
    open: usize,
}

impl<M: Manage> Pool<M> {
    pub fn new(manager: M, limits: Limits) -> Self {
        Pool {
            manager,
            limits: Limits { max: limits.max.max(1), ..limits },
            state: Mutex::new(State { idle: Vec::new(), open: 0 }),
            freed: Condvar::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State<M::Conn>> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn busy(&self) -> StoreError {
        let secs = self.limits.wait.as_secs() + u64::from(self.limits.wait.subsec_nanos() > 0);
        StoreError::Busy { retry_after_secs: secs.max(1) }
    }

    /// Gives one open slot back (a connection was dropped) and wakes a waiter to use it.
    fn release_slot(&self) {
        let mut state = self.lock();
        state.open = state.open.saturating_sub(1);
        drop(state);
        self.freed.notify_one();
    }

    /// Whether an idle connection may be handed out; checks done without the pool's lock.
    fn usable(&self, idle: &mut Idle<M::Conn>) -> bool {
        if self.limits.max_lifetime.is_some_and(|max| idle.created.elapsed() >= max) {
            return false;
        }
        if self.manager.is_broken(&mut idle.conn) {
            return false;
        }
        match self.limits.validate_after_idle {
            Some(after) if idle.since.elapsed() >= after => self.manager.validate(&mut idle.conn),
            _ => true,
        }
    }

    pub fn get(&self) -> Result<Pooled<'_, M>> {
        let deadline = Instant::now().checked_add(self.limits.wait);
        let mut state = self.lock();
        loop {
            state = match self.take_now(state)? {
                Ok(conn) => return Ok(conn),
                Err(state) => state,
            };
            let left = match deadline {
                Some(d) => d.saturating_duration_since(Instant::now()),
                None => Duration::MAX,
            };
            if left.is_zero() {
                return Err(self.busy());
            }
            state = match deadline {
                Some(_) => {
                    self.freed.wait_timeout(state, left).unwrap_or_else(|p| p.into_inner()).0
                }
                None => self.freed.wait(state).unwrap_or_else(|p| p.into_inner()),
            };
        }
    }

    /// A connection if one is idle or may be opened now, without waiting for one to be freed:
    /// `None` when every connection is in use.
    pub fn try_get(&self) -> Result<Option<Pooled<'_, M>>> {
        Ok(self.take_now(self.lock())?.ok())
    }

    /// An idle connection that is still usable, else a new one when a slot is free; else the
    /// pool's lock back, to wait on.
    fn take_now<'a>(&'a self, mut state: MutexGuard<'a, State<M::Conn>>) -> Result<Taken<'a, M>> {
        loop {
            if let Some(mut idle) = state.idle.pop() {
                drop(state);
                if self.usable(&mut idle) {
                    return Ok(Ok(Pooled {
                        pool: self,
                        conn: Some(idle.conn),
                        created: idle.created,
                    }));
                }
                drop(idle);
                self.release_slot();
                state = self.lock();
                continue;
            }
            if state.open >= self.limits.max {
                return Ok(Err(state));
            }
            state.open += 1;
            drop(state);
            return match self.manager.connect() {
                Ok(conn) => {
                    Ok(Ok(Pooled { pool: self, conn: Some(conn), created: Instant::now() }))
                }
                Err(e) => {
                    self.release_slot();
                    Err(e)
                }
            };
        }
    }

    /// Takes every idle connection out of the pool (for shutdown).
    pub fn drain(&self) -> Vec<M::Conn> {
        let mut state = self.lock();
        let idle = std::mem::take(&mut state.idle);
        state.open = state.open.saturating_sub(idle.len());
        idle.into_iter().map(|i| i.conn).collect()
    }
}

/// A connection taken now, or the pool's lock to wait on.
type Taken<'a, M> = std::result::Result<Pooled<'a, M>, MutexGuard<'a, State<<M as Manage>::Conn>>>;

pub(crate) struct Pooled<'a, M: Manage> {
    pool: &'a Pool<M>,
    conn: Option<M::Conn>,
    created: Instant,
}

impl<M: Manage> Deref for Pooled<'_, M> {
    type Target = M::Conn;
    fn deref(&self) -> &M::Conn {
        // Present from construction until drop.
        match &self.conn {
            Some(c) => c,
            None => unreachable!("pooled connection used after release"),
        }
    }
}

impl<M: Manage> DerefMut for Pooled<'_, M> {
    fn deref_mut(&mut self) -> &mut M::Conn {
        match &mut self.conn {
            Some(c) => c,
            None => unreachable!("pooled connection used after release"),
        }
    }
}

impl<M: Manage> Drop for Pooled<'_, M> {
    fn drop(&mut self) {
        if let Some(mut conn) = self.conn.take() {
            if self.pool.manager.is_broken(&mut conn) {
                drop(conn);
                self.pool.release_slot();
                return;
            }
            let mut state = self.pool.lock();
            state.idle.push(Idle { conn, created: self.created, since: Instant::now() });
            drop(state);
            self.pool.freed.notify_one();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::sync::mpsc;

    /// A connection that is only a number and a few switches.
    struct Fake {
        id: usize,
        broken: Arc<AtomicBool>,
    }

    #[derive(Default)]
    struct Fakes {
        made: AtomicUsize,
        validated: AtomicUsize,
        valid: AtomicBool,
        /// The switch of every connection made, by id.
        switches: Mutex<Vec<Arc<AtomicBool>>>,
    }

    impl Manage for Arc<Fakes> {
        type Conn = Fake;
        fn connect(&self) -> Result<Fake> {
            let id = self.made.fetch_add(1, Ordering::SeqCst);
            let broken = Arc::new(AtomicBool::new(false));
            self.switches.lock().unwrap().push(broken.clone());
            Ok(Fake { id, broken })
        }
        fn is_broken(&self, conn: &mut Fake) -> bool {
            conn.broken.load(Ordering::SeqCst)
        }
        fn validate(&self, _conn: &mut Fake) -> bool {
            self.validated.fetch_add(1, Ordering::SeqCst);
            self.valid.load(Ordering::SeqCst)
        }
    }

    fn limits(max: usize) -> Limits {
        Limits {
            max,
            wait: Duration::from_millis(20),
            max_lifetime: None,
            validate_after_idle: None,
        }
    }

    fn fakes() -> Arc<Fakes> {
        let f = Arc::new(Fakes::default());
        f.valid.store(true, Ordering::SeqCst);
        f
    }

    #[test]
    fn a_returned_connection_is_reused() {
        let f = fakes();
        let pool = Pool::new(f.clone(), limits(2));
        let id = pool.get().unwrap().id;
        assert_eq!(pool.get().unwrap().id, id);
        assert_eq!(f.made.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn waiting_for_a_full_pool_gives_busy_after_the_timeout() {
        let pool = Arc::new(Pool::new(fakes(), limits(1)));
        let (held_tx, held_rx) = mpsc::channel();
        let (release_tx, release_rx) = mpsc::channel::<()>();
        let holder = {
            let pool = pool.clone();
            std::thread::spawn(move || {
                let conn = pool.get().unwrap();
                held_tx.send(()).unwrap();
                release_rx.recv().unwrap();
                drop(conn);
            })
        };
        held_rx.recv().unwrap();
        match pool.get() {
            Err(StoreError::Busy { retry_after_secs }) => assert_eq!(retry_after_secs, 1),
            Err(e) => panic!("expected Busy, got {e:?}"),
            Ok(_) => panic!("expected Busy, got a connection"),
        }
        release_tx.send(()).unwrap();
        holder.join().unwrap();
        // Once released, the connection is there again.
        assert!(pool.get().is_ok());
    }

    #[test]
    fn a_waiter_gets_the_connection_another_thread_returns() {
        let pool =
            Arc::new(Pool::new(fakes(), Limits { wait: Duration::from_secs(60), ..limits(1) }));
        let conn = pool.get().unwrap();
        let (got_tx, got_rx) = mpsc::channel();
        let waiter = {
            let pool = pool.clone();
            std::thread::spawn(move || got_tx.send(pool.get().map(|c| c.id).ok()).unwrap())
        };
        let id = conn.id;
        drop(conn);
        assert_eq!(got_rx.recv().unwrap(), Some(id));
        waiter.join().unwrap();
    }

    #[test]
    fn a_connection_past_its_lifetime_is_replaced_at_checkout() {
        let f = fakes();
        let pool = Pool::new(f.clone(), Limits { max_lifetime: Some(Duration::ZERO), ..limits(1) });
        let first = pool.get().unwrap().id;
        let second = pool.get().unwrap().id;
        assert_ne!(first, second);
        assert_eq!(f.made.load(Ordering::SeqCst), 2);
        // The retired connection gave its slot back: a pool of one still hands out one.
        assert!(pool.get().is_ok());
    }

    #[test]
    fn a_young_connection_is_kept() {
        let f = fakes();
        let pool = Pool::new(
            f.clone(),
            Limits {
                max_lifetime: Some(Duration::from_secs(3600)),
                validate_after_idle: Some(Duration::from_secs(3600)),
                ..limits(1)
            },
        );
        let first = pool.get().unwrap().id;
        assert_eq!(pool.get().unwrap().id, first);
        assert_eq!(f.validated.load(Ordering::SeqCst), 0);
    }

    #[test]
    fn an_idle_connection_is_validated_and_replaced_when_it_fails() {
        let f = fakes();
        let pool =
            Pool::new(f.clone(), Limits { validate_after_idle: Some(Duration::ZERO), ..limits(1) });
        let first = pool.get().unwrap().id;
        // Validation passes: the same connection comes back.
        assert_eq!(pool.get().unwrap().id, first);
        assert_eq!(f.validated.load(Ordering::SeqCst), 1);
        // Validation fails: it is dropped and a new one is made (and not validated).
        f.valid.store(false, Ordering::SeqCst);
        let third = pool.get().unwrap().id;
        assert_ne!(third, first);
        assert_eq!(f.validated.load(Ordering::SeqCst), 2);
        assert_eq!(f.made.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn a_connection_broken_in_use_is_not_returned() {
        let f = fakes();
        let pool = Pool::new(f.clone(), limits(1));
        let conn = pool.get().unwrap();
        let first = conn.id;
        conn.broken.store(true, Ordering::SeqCst);
        drop(conn);
        let second = pool.get().unwrap().id;
        assert_ne!(second, first);
        assert_eq!(f.made.load(Ordering::SeqCst), 2);
        // Its slot was given back: the pool of one is not exhausted.
        assert_eq!(pool.get().unwrap().id, second);
    }

    #[test]
    fn a_connection_that_broke_while_idle_is_replaced_at_checkout() {
        let f = fakes();
        let pool = Pool::new(f.clone(), limits(1));
        let first = pool.get().unwrap().id;
        f.switches.lock().unwrap()[first].store(true, Ordering::SeqCst);
        assert_ne!(pool.get().unwrap().id, first);
    }
}
