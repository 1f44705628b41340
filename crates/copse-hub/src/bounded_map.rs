//! [`BoundedMap`]: a map with a fixed capacity that forgets its least recently written
//! entry when full. Every map the hub keys by peer is one, so no stranger can grow it.

use std::collections::BTreeMap;

/// A map of at most `cap` entries.
#[derive(Debug, Clone)]
pub(crate) struct BoundedMap<K, V> {
    entries: BTreeMap<K, (V, u64)>,
    cap: usize,
    clock: u64,
}

impl<K: Ord + Clone, V> BoundedMap<K, V> {
    pub(crate) fn new(cap: usize) -> Self {
        Self {
            entries: BTreeMap::new(),
            cap: cap.max(1),
            clock: 0,
        }
    }

    pub(crate) fn get(&self, key: &K) -> Option<&V> {
        self.entries.get(key).map(|(v, _)| v)
    }

    /// The entry for `key`, created with `make` if absent (evicting the stalest if full).
    pub(crate) fn entry_or_insert_with(&mut self, key: K, make: impl FnOnce() -> V) -> &mut V {
        self.clock += 1;
        let clock = self.clock;
        if !self.entries.contains_key(&key) && self.entries.len() >= self.cap {
            self.evict();
        }
        let slot = self.entries.entry(key).or_insert_with(|| (make(), clock));
        slot.1 = clock;
        &mut slot.0
    }

    pub(crate) fn insert(&mut self, key: K, value: V) {
        self.clock += 1;
        if !self.entries.contains_key(&key) && self.entries.len() >= self.cap {
            self.evict();
        }
        self.entries.insert(key, (value, self.clock));
    }

    pub(crate) fn remove(&mut self, key: &K) -> Option<V> {
        self.entries.remove(key).map(|(v, _)| v)
    }

    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = (&K, &V)> {
        self.entries.iter().map(|(k, (v, _))| (k, v))
    }

    fn evict(&mut self) {
        if let Some(oldest) = self
            .entries
            .iter()
            .min_by_key(|(_, (_, t))| *t)
            .map(|(k, _)| k.clone())
        {
            self.entries.remove(&oldest);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forgets_the_stalest_entry_when_full() {
        let mut m = BoundedMap::new(2);
        m.insert(1, "a");
        m.insert(2, "b");
        *m.entry_or_insert_with(1, || "x") = "a2";
        m.insert(3, "c");
        assert_eq!(m.len(), 2);
        assert_eq!(m.get(&1), Some(&"a2"));
        assert_eq!(m.get(&2), None);
        assert_eq!(m.get(&3), Some(&"c"));
    }
}
