//! The object store: what etcd holds behind the API server. Plain storage
//! and ordered reads; the API server's rules live in `api.rs`.
//!
//! Beside the objects it keeps the indexes upstream's informers keep
//! (by uid, by owner uid, pods by node name) and, while change tracking is
//! on, a log of the keys written since the engine last drained it, with
//! the object as it was before, so the engine can map each change to the
//! controller keys it concerns.
//!
//! Objects are held behind `Arc`s: cloning a store (a session snapshot,
//! each fuzz input's copy of the base cluster) shares every object instead
//! of copying it, and a write replaces only the object it writes. Objects
//! are immutable once stored (every write is a whole [`Store::put`]), so
//! sharing never shows.

use super::object::{json_text, Derived, Key, Kind, Labels, Object};
use super::{nodeutil, podutil};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

mod point;

/// One write to the store: the key and the object before it (None when
/// the write created it). The object after is whatever the store holds now.
/// The object before is the one the store held, shared rather than copied
/// when a snapshot still holds it too (with the view the store derived).
#[derive(Clone, Debug)]
pub struct Change {
    pub key: Key,
    pub old: Option<Arc<Object>>,
}

#[derive(Clone, Debug, Default)]
pub struct Store {
    // Ordered by (kind, namespace, name): every read is deterministic.
    // Shared with the store's clones (see the module's note); `Arc`, not
    // `Rc`, because the fuzz targets keep their base cluster in a static.
    objects: BTreeMap<Key, Arc<Object>>,
    /// The same objects by their key's hash, for look-ups of one key.
    point: point::Point,
    resource_version: u64,
    /// Keys by uid (a uid names one object; a set guards against copies).
    by_uid: BTreeMap<String, BTreeSet<Key>>,
    /// Keys of the objects that name an owner uid in their ownerReferences.
    by_owner: BTreeMap<String, BTreeSet<Key>>,
    /// Pods by `spec.nodeName` ("" for pods not bound to a node).
    by_node: BTreeMap<String, BTreeSet<Key>>,
    /// Pods with an IP, by namespace, then (IP text, uid): the order of
    /// upstream's `SortSubsets`, so the Endpoints controller reads a
    /// namespace's pods already sorted instead of sorting them per sync.
    /// The stored pods themselves, not keys: looking each key up again
    /// cost more than the sort.
    by_pod_ip: BTreeMap<String, Vec<Arc<Object>>>,
    /// Who names a claim or a volume: PVs by `claimRef`, claims by
    /// `volumeName`, pods by the claims they mount.
    by_ref: BTreeMap<Key, BTreeSet<Key>>,
    /// PVs whose `claimRef` is unset: the only ones a claim may bind to
    /// without being named (the PV controller's index of available PVs).
    unclaimed_pvs: BTreeSet<Key>,
    /// Writes since the last [`Store::take_changes`], when tracking is on.
    changes: Vec<Change>,
    tracking: bool,
}

/// Two stores are equal when they hold the same objects at the same
/// resource version; the indexes follow from the objects and the change
/// log is the engine's bookkeeping.
impl PartialEq for Store {
    fn eq(&self, other: &Store) -> bool {
        self.resource_version == other.resource_version && self.objects == other.objects
    }
}

fn node_of(o: &Object) -> Option<&str> {
    (o.kind == Kind::Pod).then(|| podutil::node_name(o).unwrap_or(""))
}

/// A pod's non-empty `status.podIP` (see `Store::pods_by_ip`).
fn pod_ip_of(o: &Object) -> Option<&str> {
    if o.kind != Kind::Pod {
        return None;
    }
    podutil::pod_ip(o).filter(|ip| !ip.is_empty())
}

/// A pod's place in `Store::pods_by_ip`: IP text, uid, name.
fn ip_order(o: &Object) -> (&str, &str, &str) {
    (podutil::pod_ip(o).unwrap_or(""), &o.meta.uid, &o.meta.name)
}

/// A PV whose `claimRef` is unset (see `Store::unclaimed_volumes`).
fn is_unclaimed_pv(o: &Object) -> bool {
    use super::object::ValueExt;
    o.kind == Kind::PersistentVolume && o.spec().at("claimRef").is_null()
}

/// Whether the indexes hold the same entries for two versions of one
/// object: the same uid, owner uids, node, references and PV state.
fn same_index_entries(a: &Object, b: &Object) -> bool {
    same_meta_entries(a, b)
        && node_of(a) == node_of(b)
        && is_unclaimed_pv(a) == is_unclaimed_pv(b)
        && refs_of(a) == refs_of(b)
}

/// What the indexes take from the metadata: the uid and the owners' uids.
fn same_meta_entries(a: &Object, b: &Object) -> bool {
    a.meta.uid == b.meta.uid
        && a.meta.owner_references.len() == b.meta.owner_references.len()
        && a.meta
            .owner_references
            .iter()
            .zip(&b.meta.owner_references)
            .all(|(x, y)| x.uid == y.uid)
}

/// The claims and volumes an object names (see `Store::referrers`).
fn refs_of(o: &Object) -> Vec<Key> {
    use super::object::ValueExt;
    match o.kind {
        Kind::PersistentVolume => {
            let r = o.spec().at("claimRef");
            match r.str_at("name") {
                Some(name) => vec![Key::new(
                    Kind::PersistentVolumeClaim,
                    r.str_at("namespace").unwrap_or(""),
                    name,
                )],
                None => Vec::new(),
            }
        }
        Kind::PersistentVolumeClaim => match o.spec().str_at("volumeName") {
            Some(v) if !v.is_empty() => vec![Key::new(Kind::PersistentVolume, "", v)],
            _ => Vec::new(),
        },
        Kind::Pod => podutil::claim_names(o)
            .into_iter()
            .map(|c| Key::new(Kind::PersistentVolumeClaim, o.namespace(), c))
            .collect(),
        _ => Vec::new(),
    }
}

impl Store {
    /// Heap bytes this store owns apart from its objects (an upper
    /// estimate, see `sim::heap`): the key map, the indexes, the change
    /// log. A clone copies all of it and shares the objects.
    pub fn heap_private(&self) -> usize {
        use super::heap::{btree_nodes, Heap};
        let entry = std::mem::size_of::<Key>() + std::mem::size_of::<Arc<Object>>();
        btree_nodes(self.objects.len(), entry)
            + self.objects.keys().map(Heap::heap).sum::<usize>()
            + self.point.heap()
            + self.by_uid.heap()
            + self.by_owner.heap()
            + self.by_node.heap()
            + btree_nodes(
                self.by_pod_ip.len(),
                std::mem::size_of::<(String, Vec<Arc<Object>>)>(),
            )
            + self
                .by_pod_ip
                .iter()
                // The pods are counted with `objects`; here only the lists.
                .map(|(ns, pods)| ns.heap() + pods.capacity() * std::mem::size_of::<Arc<Object>>())
                .sum::<usize>()
            + self.by_ref.heap()
            + self.changes.capacity() * std::mem::size_of::<Change>()
            + self
                .changes
                .iter()
                .map(|c| c.key.heap() + c.old.as_deref().map_or(0, Heap::heap))
                .sum::<usize>()
    }

    /// Heap bytes of the objects this store holds that `other` does not
    /// share with it (every object when there is no `other`): what keeping
    /// this store adds to keeping `other`, objects-wise.
    pub fn objects_heap_beyond(&self, other: Option<&Store>) -> usize {
        use super::heap::Heap;
        self.objects
            .iter()
            .filter(|(k, o)| {
                !other
                    .and_then(|s| s.get_shared_ref(k))
                    .is_some_and(|p| Arc::ptr_eq(p, o))
            })
            .map(|(_, o)| o.heap())
            .sum()
    }

    pub fn get(&self, kind: Kind, namespace: &str, name: &str) -> Option<&Object> {
        // Looked up by borrowed parts: building a `Key` copied both strings
        // on every look-up, and controllers look objects up per pod.
        let namespace = if kind.namespaced() { namespace } else { "" };
        self.lookup(kind, namespace, name).map(Arc::as_ref)
    }

    pub fn get_key(&self, key: &Key) -> Option<&Object> {
        self.get_shared_ref(key).map(Arc::as_ref)
    }

    /// The stored object itself, shared.
    pub fn get_shared(&self, key: &Key) -> Option<Arc<Object>> {
        self.get_shared_ref(key).cloned()
    }

    fn get_shared_ref(&self, key: &Key) -> Option<&Arc<Object>> {
        self.lookup(key.kind, &key.namespace, &key.name)
    }

    /// One key's object: from the table by hash, or from the ordered map
    /// when the table cannot tell (`point`). The namespace is the key's.
    fn lookup(&self, kind: Kind, namespace: &str, name: &str) -> Option<&Arc<Object>> {
        let found = match self.point.get(kind, namespace, name) {
            Some(found) => found,
            None => {
                let parts: &dyn KeyParts = &(kind, namespace, name);
                self.objects.get(parts)
            }
        };
        debug_assert!(
            found.map(Arc::as_ptr)
                == self
                    .objects
                    .get(&Key::new(kind, namespace, name))
                    .map(Arc::as_ptr),
            "the point table and the ordered map disagree on {kind:?}/{namespace}/{name}"
        );
        found
    }

    /// Every object of a kind, in all namespaces, ordered by namespace and name.
    pub fn list(&self, kind: Kind) -> impl Iterator<Item = &Object> + '_ {
        let start = Key {
            kind,
            namespace: String::new(),
            name: String::new(),
        };
        self.objects
            .range(start..)
            .take_while(move |(k, _)| k.kind == kind)
            .map(|(_, o)| o.as_ref())
    }

    /// Objects of a kind in one namespace.
    pub fn list_ns<'a>(
        &'a self,
        kind: Kind,
        namespace: &'a str,
    ) -> impl Iterator<Item = &'a Object> + 'a {
        let start = Key {
            kind,
            namespace: namespace.to_string(),
            name: String::new(),
        };
        self.objects
            .range(start..)
            .take_while(move |(k, _)| k.kind == kind && k.namespace == namespace)
            .map(|(_, o)| o.as_ref())
    }

    /// Objects of a kind in a namespace whose labels match a selector map.
    pub fn select<'a>(
        &'a self,
        kind: Kind,
        namespace: &'a str,
        selector: &'a Labels,
    ) -> impl Iterator<Item = &'a Object> + 'a {
        self.list_ns(kind, namespace)
            .filter(move |o| matches_labels(selector, &o.meta.labels))
    }

    pub fn find_by_uid(&self, kind: Kind, uid: &str) -> Option<&Object> {
        self.by_uid
            .get(uid)?
            .iter()
            .find(|k| k.kind == kind)
            .and_then(|k| self.get_key(k))
    }

    /// Every object with this uid (one, unless something copied a uid).
    pub fn keys_by_uid(&self, uid: &str) -> impl Iterator<Item = &Key> + '_ {
        self.by_uid.get(uid).into_iter().flatten()
    }

    /// Objects that name `uid` in their ownerReferences, in store order.
    pub fn dependents_of(&self, uid: &str) -> impl Iterator<Item = &Object> + '_ {
        self.by_owner
            .get(uid)
            .into_iter()
            .flatten()
            .filter_map(|k| self.get_key(k))
    }

    /// Whether any object of this kind in this namespace names an owner
    /// (from the owner index: a look-up per owner uid, not a scan of the
    /// namespace; under `debug_assertions` checked against the scan).
    pub fn any_owned(&self, kind: Kind, namespace: &str) -> bool {
        let start = Key {
            kind,
            namespace: namespace.to_string(),
            name: String::new(),
        };
        let any = self.by_owner.values().any(|keys| {
            keys.range::<Key, _>(&start..)
                .next()
                .is_some_and(|k| k.kind == kind && k.namespace == namespace)
        });
        debug_assert_eq!(
            any,
            self.list_ns(kind, namespace)
                .any(|o| !o.meta.owner_references.is_empty()),
            "the owner index disagrees with a scan of {kind} in {namespace}"
        );
        any
    }

    /// Pods whose `spec.nodeName` is `node` ("" for unbound pods), in store order.
    pub fn pods_on_node<'a>(&'a self, node: &str) -> impl Iterator<Item = &'a Object> + 'a {
        self.by_node
            .get(node)
            .into_iter()
            .flatten()
            .filter_map(|k| self.get_key(k))
    }

    /// A namespace's pods that have an IP, with it, sorted by IP text and
    /// then uid (then name, for a uid copied by hand).
    pub fn pods_by_ip<'a>(
        &'a self,
        namespace: &str,
    ) -> impl Iterator<Item = (&'a str, &'a Object)> + 'a {
        let list = self.by_pod_ip.get(namespace).map_or(&[][..], Vec::as_slice);
        #[cfg(debug_assertions)]
        {
            // The index holds exactly the stored pods with an IP, in order.
            let mut scan: Vec<&Object> = self
                .list_ns(Kind::Pod, namespace)
                .filter(|p| pod_ip_of(p).is_some())
                .collect();
            crate::sim::sort::sort_by(&mut scan, |a, b| ip_order(a).cmp(&ip_order(b)));
            assert!(
                scan.len() == list.len()
                    && scan
                        .iter()
                        .zip(list)
                        .all(|(a, b)| std::ptr::eq(*a, b.as_ref())),
                "the index of pods by IP disagrees with the store in {namespace}"
            );
        }
        list.iter().map(|p| (ip_order(p).0, p.as_ref()))
    }

    /// How many pods the store holds (from the node index, which has
    /// every pod: unbound ones under "").
    pub fn pod_count(&self) -> usize {
        self.by_node.values().map(BTreeSet::len).sum()
    }

    /// Keys of the objects that name `key`: for a claim, the PVs whose
    /// `claimRef` names it and the pods that mount it; for a PV, the claims
    /// whose `volumeName` names it.
    pub fn referrers(&self, key: &Key) -> impl Iterator<Item = &Key> + '_ {
        self.by_ref.get(key).into_iter().flatten()
    }

    /// PVs without a `claimRef`, in store order.
    pub fn unclaimed_volumes(&self) -> impl Iterator<Item = &Object> + '_ {
        self.unclaimed_pvs.iter().filter_map(|k| self.get_key(k))
    }

    pub fn len(&self) -> usize {
        self.objects.len()
    }

    pub fn is_empty(&self) -> bool {
        self.objects.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Object> + '_ {
        self.objects.values().map(Arc::as_ref)
    }

    fn index(&mut self, key: &Key, o: &Object) {
        self.by_uid
            .entry(o.meta.uid.clone())
            .or_default()
            .insert(key.clone());
        for r in &o.meta.owner_references {
            self.by_owner
                .entry(r.uid.clone())
                .or_default()
                .insert(key.clone());
        }
        if let Some(n) = node_of(o) {
            self.by_node
                .entry(n.to_string())
                .or_default()
                .insert(key.clone());
        }
        for r in refs_of(o) {
            self.by_ref.entry(r).or_default().insert(key.clone());
        }
        if is_unclaimed_pv(o) {
            self.unclaimed_pvs.insert(key.clone());
        }
    }

    fn unindex(&mut self, key: &Key, o: &Object) {
        fn drop_from(map: &mut BTreeMap<String, BTreeSet<Key>>, at: &str, key: &Key) {
            if let Some(set) = map.get_mut(at) {
                set.remove(key);
                if set.is_empty() {
                    map.remove(at);
                }
            }
        }
        drop_from(&mut self.by_uid, &o.meta.uid, key);
        for r in &o.meta.owner_references {
            drop_from(&mut self.by_owner, &r.uid, key);
        }
        if let Some(n) = node_of(o) {
            drop_from(&mut self.by_node, n, key);
        }
        for r in refs_of(o) {
            if let Some(set) = self.by_ref.get_mut(&r) {
                set.remove(key);
                if set.is_empty() {
                    self.by_ref.remove(&r);
                }
            }
        }
        if is_unclaimed_pv(o) {
            self.unclaimed_pvs.remove(key);
        }
    }

    /// Moves a pod in [`Store::pods_by_ip`] from its version `old` to `new`
    /// (either may be absent or have no IP). Every write of a pod with an
    /// IP replaces its entry, since the index holds the pods themselves.
    fn reindex_pod_ip(&mut self, old: Option<&Arc<Object>>, new: Option<&Arc<Object>>) {
        let old = old.filter(|o| pod_ip_of(o).is_some());
        let new = new.filter(|o| pod_ip_of(o).is_some());
        let Some(ns) = old.or(new).map(|o| o.meta.namespace.as_str()) else {
            return;
        };
        if !self.by_pod_ip.contains_key(ns) {
            self.by_pod_ip.insert(ns.to_string(), Vec::new());
        }
        let Some(list) = self.by_pod_ip.get_mut(ns) else {
            return;
        };
        let at = |list: &[Arc<Object>], o: &Object| {
            let want = ip_order(o);
            list.binary_search_by(|e| ip_order(e).cmp(&want))
        };
        match (old, new) {
            (Some(o), Some(n)) if ip_order(o) == ip_order(n) => {
                if let Ok(i) = at(list, o) {
                    list[i] = n.clone();
                }
            }
            _ => {
                if let Some(o) = old {
                    if let Ok(i) = at(list, o) {
                        list.remove(i);
                    }
                }
                if let Some(n) = new {
                    match at(list, n) {
                        Ok(i) => list[i] = n.clone(),
                        Err(i) => list.insert(i, n.clone()),
                    }
                }
            }
        }
        if list.is_empty() {
            self.by_pod_ip.remove(ns);
        }
    }

    /// Raw write; callers are the API layer, which stamps versions. A pod
    /// gets its [`podutil::PodFacts`] (a node its [`nodeutil::NodeFacts`])
    /// here, once, now that it is immutable.
    pub(crate) fn put(&mut self, obj: Object) {
        self.put_same_spec(obj, false);
    }

    /// [`Store::put`], told by the API (which compared them) whether the
    /// object's spec equals the stored one's: then what the indexes and a
    /// pod's facts take from the spec is not read again.
    pub(crate) fn put_same_spec(&mut self, mut obj: Object, same_spec: bool) {
        let key = obj.key();
        // The entry stays where it is and its object is swapped below: a
        // remove and an insert would search the tree twice and rebalance it.
        let old = self.get_shared(&key);
        debug_assert!(
            !same_spec || old.as_ref().is_some_and(|o| o.spec() == obj.spec()),
            "put_same_spec: the spec of {key:?} changed"
        );
        // Most writes change nothing the indexes of keys hold (a status, a
        // condition): then taking the object out of them and back in
        // would only copy keys. Only the metadata's uids and the spec feed
        // them (a pod's node and claims, a PV's and a claim's references).
        let same_entries = old.as_ref().is_some_and(|o| {
            if same_spec {
                same_meta_entries(o, &obj)
            } else {
                same_index_entries(o, &obj)
            }
        });
        if !same_entries {
            if let Some(o) = &old {
                self.unindex(&key, o);
            }
            self.index(&key, &obj);
        }
        if obj.kind == Kind::Node {
            obj.derived = Derived::of(nodeutil::NodeFacts::read(&obj));
        } else if obj.kind == Kind::Pod {
            let old_facts = old
                .as_ref()
                .filter(|_| same_spec)
                .and_then(|o| o.derived.get::<podutil::PodFacts>());
            obj.derived = Derived::of(match old_facts {
                Some(f) => podutil::PodFacts::read_same_spec(&obj, f),
                None => podutil::PodFacts::read(&obj),
            });
        }
        let obj = Arc::new(obj);
        if obj.kind == Kind::Pod {
            self.reindex_pod_ip(old.as_ref(), Some(&obj));
        }
        self.point.put(&key, &obj);
        match self.objects.get_mut(&key) {
            Some(slot) => *slot = obj,
            None => {
                self.objects.insert(key.clone(), obj);
            }
        }
        if self.tracking {
            // The object before, for the routes (shared, never copied: a
            // snapshot may hold it too).
            self.changes.push(Change { key, old });
        }
    }

    /// Whether there was an object to remove. With tracking on, the
    /// object goes into the change log (moved, not copied, when nothing
    /// else holds it).
    pub(crate) fn remove(&mut self, key: &Key) -> bool {
        let Some(old) = self.objects.remove(key) else {
            return false;
        };
        self.point.remove(key);
        self.unindex(key, &old);
        if old.kind == Kind::Pod {
            self.reindex_pod_ip(Some(&old), None);
        }
        if self.tracking {
            self.changes.push(Change {
                key: key.clone(),
                old: Some(old),
            });
        }
        true
    }

    /// Starts logging writes for [`Store::take_changes`] (the engine does).
    pub(crate) fn track_changes(&mut self) {
        self.tracking = true;
    }

    /// How many writes [`Store::take_changes`] would return now.
    pub(crate) fn pending_changes(&self) -> usize {
        self.changes.len()
    }

    /// The key of pending change `i`.
    pub(crate) fn pending_change_key(&self, i: usize) -> Option<&Key> {
        self.changes.get(i).map(|c| &c.key)
    }

    /// The writes since the last call, oldest first.
    pub(crate) fn take_changes(&mut self) -> Vec<Change> {
        std::mem::take(&mut self.changes)
    }

    pub(crate) fn next_resource_version(&mut self) -> u64 {
        self.resource_version += 1;
        self.resource_version
    }

    pub fn resource_version(&self) -> u64 {
        self.resource_version
    }
}

/// A key as its parts, so the store's map can be searched without
/// building a [`Key`] (`BTreeMap::get` takes any `Q` the key borrows as).
/// Ordered as `Key` derives its order: kind, namespace, name.
trait KeyParts {
    fn parts(&self) -> (Kind, &str, &str);
}

impl KeyParts for Key {
    fn parts(&self) -> (Kind, &str, &str) {
        (self.kind, &self.namespace, &self.name)
    }
}

impl KeyParts for (Kind, &str, &str) {
    fn parts(&self) -> (Kind, &str, &str) {
        (self.0, self.1, self.2)
    }
}

impl<'a> std::borrow::Borrow<dyn KeyParts + 'a> for Key {
    fn borrow(&self) -> &(dyn KeyParts + 'a) {
        self
    }
}

impl PartialEq for dyn KeyParts + '_ {
    fn eq(&self, other: &Self) -> bool {
        self.parts() == other.parts()
    }
}

impl Eq for dyn KeyParts + '_ {}

impl PartialOrd for dyn KeyParts + '_ {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for dyn KeyParts + '_ {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.parts().cmp(&other.parts())
    }
}

/// A `matchLabels`-style selector: every pair present. An empty selector
/// matches everything (callers decide whether that is allowed).
pub fn matches_labels(selector: &Labels, labels: &Labels) -> bool {
    selector.iter().all(|(k, v)| labels.get(k) == Some(v))
}

/// [`matches_labels`] with the selector still in its JSON (a Service's
/// `spec.selector`), so routes need not copy it for every pod they see. A
/// value that is not a string compares as its JSON text, as
/// `ValueExt::labels_at` reads it.
pub fn matches_labels_json(selector: &serde_json::Map<String, Value>, labels: &Labels) -> bool {
    selector.iter().all(|(k, v)| match (labels.get(k), v) {
        (Some(l), Value::String(s)) => l == s,
        (Some(l), other) => {
            // Rare (a selector of numbers or booleans): its JSON text.
            let text = json_text(other);
            *l == text
        }
        (None, _) => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::object::OwnerRef;
    use serde_json::json;

    fn obj(kind: Kind, name: &str, uid: &str) -> Object {
        let mut o = Object::new(kind, "default", name);
        o.meta.uid = uid.into();
        o
    }

    #[test]
    fn a_json_selector_matches_as_its_labels_copy_does() {
        use crate::sim::object::ValueExt;
        use crate::sim::sort::CollectSorted;
        let labels: Labels = [("app", "web"), ("tier", "1"), ("x", "")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect_sorted();
        for sel in [
            json!({}),
            json!({"app": "web"}),
            json!({"app": "web", "tier": "1"}),
            json!({"app": "web", "tier": 1}),
            json!({"app": "db"}),
            json!({"app": "web", "zone": "a"}),
            json!({"x": ""}),
            json!({"tier": true}),
        ] {
            let spec = json!({ "selector": sel });
            assert_eq!(
                matches_labels_json(spec["selector"].as_object().unwrap(), &labels),
                matches_labels(&spec.labels_at("selector"), &labels),
                "{sel}"
            );
        }
    }

    #[test]
    fn indexes_follow_puts_and_removes() {
        let mut s = Store::default();
        s.track_changes();
        let set = obj(Kind::StatefulSet, "web", "u-set");
        let mut p = obj(Kind::Pod, "web-0", "u-pod");
        p.meta.owner_references = vec![OwnerRef::controller_of(&set)];
        p.body.insert(
            "spec".into(),
            json!({"volumes": [{"name": "www", "persistentVolumeClaim": {"claimName": "www-web-0"}}]}),
        );
        s.put(set.clone());
        s.put(p.clone());
        assert_eq!(
            s.find_by_uid(Kind::Pod, "u-pod").map(|o| o.name()),
            Some("web-0")
        );
        assert!(s.find_by_uid(Kind::StatefulSet, "u-pod").is_none());
        let deps: Vec<&str> = s.dependents_of("u-set").map(|o| o.name()).collect();
        assert_eq!(deps, ["web-0"]);
        assert_eq!(s.pods_on_node("").count(), 1);
        assert_eq!(s.pod_count(), 1);
        let claim = Key::new(Kind::PersistentVolumeClaim, "default", "www-web-0");
        assert_eq!(s.referrers(&claim).cloned().collect::<Vec<_>>(), [p.key()]);

        assert_eq!(s.pods_by_ip("default").count(), 0);

        // Bound to a node, given an IP, released by its owner: every index
        // moves.
        let mut bound = p.clone();
        bound.spec_mut()["nodeName"] = "node-1".into();
        bound.status_mut()["podIP"] = "10.244.1.9".into();
        bound.meta.owner_references.clear();
        s.put(bound.clone());
        let by_ip = |s: &Store| -> Vec<(String, String)> {
            s.pods_by_ip("default")
                .map(|(ip, p)| (ip.to_string(), p.name().to_string()))
                .collect()
        };
        assert_eq!(by_ip(&s), [("10.244.1.9".to_string(), "web-0".to_string())]);
        // A status-only write (the spec unchanged) that changes the IP.
        bound.status_mut()["podIP"] = "10.244.1.10".into();
        s.put_same_spec(bound.clone(), true);
        assert_eq!(
            by_ip(&s),
            [("10.244.1.10".to_string(), "web-0".to_string())]
        );
        assert_eq!(s.pods_by_ip("other").count(), 0);
        assert_eq!(s.pods_on_node("").count(), 0);
        assert_eq!(s.pods_on_node("node-1").count(), 1);
        assert_eq!(s.dependents_of("u-set").count(), 0);

        s.remove(&p.key());
        assert!(s.find_by_uid(Kind::Pod, "u-pod").is_none());
        assert_eq!(s.pods_by_ip("default").count(), 0);
        assert_eq!(s.pod_count(), 0);
        assert_eq!(s.pods_on_node("node-1").count(), 0);
        assert_eq!(s.referrers(&claim).count(), 0);

        // The change log holds each write with the object before it.
        let changes = s.take_changes();
        let olds: Vec<Option<&str>> = changes
            .iter()
            .map(|c| c.old.as_ref().map(|o| o.name()))
            .collect();
        assert_eq!(
            olds,
            [None, None, Some("web-0"), Some("web-0"), Some("web-0")]
        );
        assert!(s.take_changes().is_empty());
    }

    /// A clone shares every object until one side writes it; a write on
    /// one side never shows on the other, and the change log still gets
    /// the object as it was.
    #[test]
    fn clones_share_objects_until_written() {
        let mut a = Store::default();
        a.put(obj(Kind::ConfigMap, "c", "u1"));
        a.put(obj(Kind::ConfigMap, "d", "u2"));
        let mut b = a.clone();
        b.track_changes();
        let shared = |a: &Store, b: &Store, name: &str| {
            let k = Key::new(Kind::ConfigMap, "default", name);
            Arc::ptr_eq(&a.objects[&k], &b.objects[&k])
        };
        assert!(shared(&a, &b, "c") && shared(&a, &b, "d"));

        let mut c = obj(Kind::ConfigMap, "c", "u1");
        c.meta.labels.insert("x".into(), "y".into());
        b.put(c);
        assert!(!shared(&a, &b, "c") && shared(&a, &b, "d"));
        let labels = |s: &Store| {
            s.get(Kind::ConfigMap, "default", "c")
                .unwrap()
                .meta
                .labels
                .len()
        };
        assert_eq!((labels(&a), labels(&b)), (0, 1));
        b.remove(&Key::new(Kind::ConfigMap, "default", "d"));
        assert!(a.get(Kind::ConfigMap, "default", "d").is_some());
        assert!(b.get(Kind::ConfigMap, "default", "d").is_none());
        let olds: Vec<usize> = b
            .take_changes()
            .iter()
            .map(|c| c.old.as_ref().unwrap().meta.labels.len())
            .collect();
        assert_eq!(olds, [0, 0]);
        assert_eq!(a.len(), 2);
    }

    #[test]
    fn equality_ignores_the_change_log() {
        let mut a = Store::default();
        let mut b = Store::default();
        a.track_changes();
        a.put(obj(Kind::ConfigMap, "c", "u1"));
        b.put(obj(Kind::ConfigMap, "c", "u1"));
        assert_eq!(a, b);
        b.put(obj(Kind::ConfigMap, "d", "u2"));
        assert_ne!(a, b);
    }

    /// A stored pod carries its facts, read from its JSON; a copy, the
    /// object before a write and a removed object carry none, so a change
    /// made to them is never hidden by a stale view. The readers give the
    /// same answers either way, also for a phase they do not name.
    #[test]
    fn stored_pods_carry_their_facts_and_copies_do_not() {
        use crate::sim::podutil::{self, PodFacts};
        let mut s = Store::default();
        s.track_changes();
        let mut p = obj(Kind::Pod, "web-0", "u-pod");
        p.meta
            .labels
            .insert("controller-revision-hash".into(), "web-5d8f".into());
        p.meta
            .labels
            .insert("statefulset.kubernetes.io/pod-name".into(), "web-0".into());
        p.body.insert(
            "spec".into(),
            json!({"nodeName": "node-1", "hostname": "web-0", "subdomain": "web",
                "volumes": [{"name": "www", "persistentVolumeClaim": {"claimName": "www-web-0"}},
                            {"name": "tmp", "emptyDir": {}}]}),
        );
        p.body.insert(
            "status".into(),
            json!({"phase": "Running", "podIP": "10.0.0.7", "conditions": [
                {"type": "Ready", "status": "True", "lastTransitionTime": "2024-01-01T00:00:05Z"}]}),
        );
        assert!(p.derived.get::<PodFacts>().is_none());
        s.put(p.clone());
        let stored = s.get(Kind::Pod, "default", "web-0").unwrap();
        assert_eq!(stored.derived.get(), Some(&PodFacts::read(&p)));
        let answers = |o: &Object| {
            (
                podutil::phase(o).to_string(),
                podutil::is_ready(o),
                podutil::ready_since(o),
                podutil::node_name(o).map(String::from),
                podutil::pod_ip(o).map(String::from),
                podutil::claim_names(o).join(","),
                podutil::hostname_and_subdomain(o).0.map(String::from),
                podutil::revision_label(o).map(String::from),
                podutil::pod_name_labelled(o),
            )
        };
        assert_eq!(answers(stored), answers(&p));
        assert_eq!(
            answers(&p),
            (
                "Running".to_string(),
                true,
                crate::sim::object::parse_rfc3339("2024-01-01T00:00:05Z"),
                Some("node-1".to_string()),
                Some("10.0.0.7".to_string()),
                "www-web-0".to_string(),
                Some("web-0".to_string()),
                Some("web-5d8f".to_string()),
                true,
            )
        );

        // A copy starts without facts, so changing it shows at once.
        let mut copy = stored.clone();
        assert!(copy.derived.get::<PodFacts>().is_none());
        copy.status_mut()["phase"] = "Unknown".into();
        copy.status_mut()["conditions"] = json!([]);
        copy.meta
            .labels
            .remove("statefulset.kubernetes.io/pod-name");
        copy.meta
            .labels
            .insert("controller-revision-hash".into(), "web-6c7a".into());
        assert_eq!(podutil::phase(&copy), "Unknown");
        assert!(!podutil::is_ready(&copy));
        s.put_same_spec(copy.clone(), true);
        let stored = s.get(Kind::Pod, "default", "web-0").unwrap();
        assert_eq!(podutil::phase(stored), "Unknown");
        assert_eq!(podutil::PodState::of(stored), podutil::PodState::of(&copy));
        // A label write (the spec unchanged) is read again too.
        assert_eq!(podutil::revision_label(stored), Some("web-6c7a"));
        assert!(!podutil::pod_name_labelled(stored));

        // What leaves the store keeps its facts in the change log (which
        // is only read), and they still say what its JSON says.
        assert!(s.remove(&p.key()));
        assert!(!s.remove(&p.key()));
        let changes = s.take_changes();
        assert!(changes.last().is_some_and(|c| c.old.is_some()));
        for c in changes {
            if let Some(o) = c.old {
                assert_eq!(o.derived.get::<PodFacts>(), Some(&PodFacts::read(&o)));
            }
        }
        // Other kinds carry none.
        s.put(obj(Kind::ConfigMap, "c", "u1"));
        let c = s.get(Kind::ConfigMap, "default", "c").unwrap();
        assert!(c.derived.get::<PodFacts>().is_none());
    }
}
