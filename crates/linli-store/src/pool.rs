//! A small blocking connection pool: connections are made on demand up to a limit, returned
//! on drop, and dropped instead when they report themselves broken.

use crate::Result;
use std::ops::{Deref, DerefMut};
use std::sync::{Condvar, Mutex, MutexGuard};

pub(crate) trait Manage: Send + Sync {
    type Conn: Send;
    fn connect(&self) -> Result<Self::Conn>;
    fn is_broken(&self, conn: &mut Self::Conn) -> bool;
}

pub(crate) struct Pool<M: Manage> {
    manager: M,
    max: usize,
    state: Mutex<State<M::Conn>>,
    freed: Condvar,
}

struct State<C> {
    idle: Vec<C>,
    open: usize,
}

impl<M: Manage> Pool<M> {
    pub fn new(manager: M, max: usize) -> Self {
        Pool {
            manager,
            max: max.max(1),
            state: Mutex::new(State {
                idle: Vec::new(),
                open: 0,
            }),
            freed: Condvar::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State<M::Conn>> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn get(&self) -> Result<Pooled<'_, M>> {
        let mut state = self.lock();
        loop {
            if let Some(conn) = state.idle.pop() {
                return Ok(Pooled {
                    pool: self,
                    conn: Some(conn),
                });
            }
            if state.open < self.max {
                state.open += 1;
                drop(state);
                return match self.manager.connect() {
                    Ok(conn) => Ok(Pooled {
                        pool: self,
                        conn: Some(conn),
                    }),
                    Err(e) => {
                        self.lock().open -= 1;
                        self.freed.notify_one();
                        Err(e)
                    }
                };
            }
            state = self.freed.wait(state).unwrap_or_else(|p| p.into_inner());
        }
    }
}

impl<M: Manage> Pool<M> {
    /// Takes every idle connection out of the pool (for shutdown).
    pub fn drain(&self) -> Vec<M::Conn> {
        std::mem::take(&mut self.lock().idle)
    }
}

pub(crate) struct Pooled<'a, M: Manage> {
    pool: &'a Pool<M>,
    conn: Option<M::Conn>,
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
            let broken = self.pool.manager.is_broken(&mut conn);
            let mut state = self.pool.lock();
            if broken {
                state.open -= 1;
            } else {
                state.idle.push(conn);
            }
            drop(state);
            self.pool.freed.notify_one();
        }
    }
}
