//! `kubectl get events` (upstream `pkg/cmd/get`: the list as the API
//! server gives it, in key order, not re-sorted by time).

use super::*;

/// An object's Events stay together, oldest first, objects in name order:
/// a claim's before its pod's, and a pod's ("web-0.…") before its set's
/// ("web.…", as '-' sorts before '.').
#[test]
fn get_events_lists_in_name_order() {
    let mut sim = Sim::new(1);
    kf(&mut sim, "apply -f web.yaml", &[("web.yaml", WEB)]).unwrap();
    k(&mut sim, "rollout status sts/web").unwrap();
    let names = k(&mut sim, "get events -o name").unwrap();
    let names: Vec<&str> = names.lines().collect();
    let mut sorted = names.clone();
    sort::sort(&mut sorted);
    assert_eq!(names, sorted);
    let table = k(&mut sim, "get events").unwrap();
    let objects: Vec<&str> = table
        .lines()
        .skip(1)
        .filter_map(|l| l.split_whitespace().nth(3))
        .collect();
    let first = |o: &str| objects.iter().position(|x| *x == o).unwrap();
    let last = |o: &str| objects.iter().rposition(|x| *x == o).unwrap();
    assert!(last("pod/web-0") < first("pod/web-1"), "{table}");
    assert!(last("pod/web-1") < first("statefulset/web"), "{table}");
}

/// A node's Events are stored in `default`, so another namespace's list
/// does not show them.
#[test]
fn node_events_are_in_default() {
    let mut sim = Sim::new(1);
    crate::sim::faults::inject(&mut sim, "node node-1 fail").unwrap();
    sim.advance(60_000);
    assert!(k(&mut sim, "get events").unwrap().contains("node/node-1"));
    assert_eq!(
        k(&mut sim, "get events -n kube-system").unwrap(),
        "No resources found in kube-system namespace.\n"
    );
    assert!(k(&mut sim, "get events -A")
        .unwrap()
        .lines()
        .any(|l| l.starts_with("default ") && l.contains("node/node-1")));
}
