//! Node helpers shared by the store and the scheduler, named as upstream's
//! `pkg/util/node`.

use super::object::{Object, ValueExt};
use super::quantity;

/// What the scheduler asks of every node on every pass, read from its JSON
/// once when the store takes the node and kept beside it
/// ([`crate::sim::object::Derived`]), as `podutil::PodFacts` is for pods.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeFacts {
    /// [`allocatable`]: parsing three quantities per node per pass was a
    /// twentieth of an OrderedReady rollout (docs/perf17.md).
    pub allocatable: Allocatable,
}

/// `status.allocatable` as the scheduler's `NodeInfo` counts it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Allocatable {
    pub milli_cpu: i64,
    pub memory: i64,
    /// Upstream's kubelet defaults `--max-pods` to 110.
    pub pods: i64,
}

impl NodeFacts {
    /// Reads the facts from the node's JSON.
    pub fn read(node: &Object) -> NodeFacts {
        NodeFacts {
            allocatable: read_allocatable(node),
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
}
