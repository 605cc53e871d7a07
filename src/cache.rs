//! A copy of database state that only ever moves forward: each snapshot carries the version
//! the database had when it was read, and an older snapshot never replaces a newer one.

use std::sync::{Arc, RwLock};

pub struct Versioned<T> {
    inner: RwLock<(i64, Arc<T>)>,
}

impl<T: Default> Default for Versioned<T> {
    fn default() -> Self {
        Versioned {
            inner: RwLock::new((i64::MIN, Arc::new(T::default()))),
        }
    }
}

impl<T> Versioned<T> {
    pub fn get(&self) -> Arc<T> {
        self.inner.read().expect("cache lock").1.clone()
    }

    /// Install `value` read at `version`, unless a newer snapshot is already installed.
    pub fn install(&self, version: i64, value: T) {
        let mut guard = self.inner.write().expect("cache lock");
        if version >= guard.0 {
            *guard = (version, Arc::new(value));
        }
    }

    /// Replace the value whatever its version (tests).
    pub fn force(&self, value: T) {
        let mut guard = self.inner.write().expect("cache lock");
        guard.1 = Arc::new(value);
    }
}

#[cfg(test)]
mod tests {
    use super::Versioned;

    #[test]
    fn an_older_snapshot_never_replaces_a_newer_one() {
        let c: Versioned<u32> = Versioned::default();
        c.install(5, 50);
        c.install(4, 40); // a slow reload that started before the last write
        assert_eq!(*c.get(), 50);
        c.install(5, 51); // the same version read again (a local reload) installs
        assert_eq!(*c.get(), 51);
        c.install(6, 60);
        assert_eq!(*c.get(), 60);
    }
}
