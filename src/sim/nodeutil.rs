//! Node helpers shared by the store and the scheduler, named as upstream's
//! `pkg/util/node`.

use super::object::{Object, ValueExt};
use super::quantity;
use serde_json::Value;

pub use super::object::facts::{Allocatable, NodeFacts};

impl NodeFacts {
    /// Reads the facts from the node's JSON.
    pub fn read(node: &Object) -> NodeFacts {
        NodeFacts {
            allocatable: read_allocatable(node),
            reads_its_pods: read_reads_its_pods(node),
        }
    }
}

/// The node's cached facts, when the store holds it (checked against the
/// JSON under `debug_assertions`: [`Object::checked_derived`]).
fn cached(node: &Object) -> Option<&NodeFacts> {
    node.checked_derived(NodeFacts::read)
}

/// The node's `status.allocatable` (a missing or bad quantity counts 0;
/// a missing pod count, 110).
pub fn allocatable(node: &Object) -> Allocatable {
    match cached(node) {
        Some(f) => f.allocatable,
        None => read_allocatable(node),
    }
}

fn read_allocatable(node: &Object) -> Allocatable {
    let a = node.status().at("allocatable");
    Allocatable {
        milli_cpu: quantity::cpu_milli(a.at("cpu")).unwrap_or(0),
        memory: quantity::bytes(a.at("memory")).unwrap_or(0),
        pods: quantity::milli_of(a.at("pods"))
            .map(|m| (m / 1000) as i64)
            .unwrap_or(110),
    }
}

/// The node's Ready condition (the first of that type).
pub fn ready_condition(node: &Object) -> Option<&Value> {
    node.status()
        .array_at("conditions")
        .iter()
        .find(|c| c.str_at("type") == Some("Ready"))
}

/// Whether the node lifecycle controller's sync of the node reads its
/// pods: only a node not Ready, or with a `NoExecute` taint, marks pods
/// not ready or evicts them.
pub fn reads_its_pods(node: &Object) -> bool {
    match cached(node) {
        Some(f) => f.reads_its_pods,
        None => read_reads_its_pods(node),
    }
}

fn read_reads_its_pods(node: &Object) -> bool {
    ready_condition(node).and_then(|c| c.str_at("status")) != Some("True")
        || node
            .spec()
            .array_at("taints")
            .iter()
            .any(|t| t.str_at("effect") == Some("NoExecute"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::object::Kind;
    use crate::sim::store::Store;
    use serde_json::json;

    fn node(alloc: serde_json::Value) -> Object {
        let mut n = Object::new(Kind::Node, "", "n1");
        n.body
            .insert("status".into(), json!({ "allocatable": alloc }));
        n
    }

    #[test]
    fn allocatable_reads_quantities_and_defaults_the_pod_count() {
        let a = allocatable(&node(
            json!({"cpu": "1500m", "memory": "1Gi", "pods": "30"}),
        ));
        assert_eq!(
            a,
            Allocatable {
                milli_cpu: 1500,
                memory: 1 << 30,
                pods: 30
            }
        );
        let a = allocatable(&node(json!({"cpu": 2, "memory": "bad"})));
        assert_eq!(
            a,
            Allocatable {
                milli_cpu: 2000,
                memory: 0,
                pods: 110
            }
        );
    }

    #[test]
    fn a_stored_node_answers_from_its_cached_facts() {
        let mut store = Store::default();
        store.put(node(json!({"cpu": "4", "memory": "8Gi", "pods": "110"})));
        let stored = store.get(Kind::Node, "", "n1").unwrap();
        assert_eq!(
            stored.derived.get::<NodeFacts>().map(|f| f.allocatable),
            Some(allocatable(&node(
                json!({"cpu": "4", "memory": "8Gi", "pods": "110"})
            )))
        );
        // A status write reads them again.
        store.put(node(json!({"cpu": "2", "memory": "8Gi"})));
        let stored = store.get(Kind::Node, "", "n1").unwrap();
        assert_eq!(allocatable(stored).milli_cpu, 2000);
        assert_eq!(
            stored.derived.get::<NodeFacts>().unwrap().allocatable.pods,
            110
        );
    }

    #[test]
    fn only_a_node_not_ready_or_tainted_no_execute_reads_its_pods() {
        let with = |conditions: serde_json::Value, taints: serde_json::Value| {
            let mut n = Object::new(Kind::Node, "", "n1");
            n.body
                .insert("status".into(), json!({ "conditions": conditions }));
            n.body.insert("spec".into(), json!({ "taints": taints }));
            let mut store = Store::default();
            store.put(n.clone());
            let stored = store.get(Kind::Node, "", "n1").unwrap();
            assert!(stored.derived.get::<NodeFacts>().is_some());
            assert_eq!(reads_its_pods(stored), reads_its_pods(&n), "cached as read");
            reads_its_pods(&n)
        };
        let ready = json!([{"type": "MemoryPressure", "status": "False"},
                           {"type": "Ready", "status": "True"}]);
        assert!(!with(ready.clone(), json!([])));
        assert!(!with(
            ready.clone(),
            json!([{"key": "k", "effect": "NoSchedule"}])
        ));
        assert!(with(ready, json!([{"key": "k", "effect": "NoExecute"}])));
        assert!(with(
            json!([{"type": "Ready", "status": "Unknown"}]),
            json!([])
        ));
        assert!(with(json!([]), json!([])), "no Ready condition yet");
    }
}
