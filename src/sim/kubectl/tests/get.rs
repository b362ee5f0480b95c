//! `kubectl get` (upstream `pkg/cmd/get`): tables for the bootstrap
//! objects, and `-w` printing what changes after the table.

use super::*;

#[test]
fn tables_for_bootstrap_objects() {
    let mut sim = Sim::new(1);
    let out = k(&mut sim, "kubectl get nodes").unwrap();
    assert_eq!(
        out.lines().next().unwrap(),
        "NAME     STATUS   ROLES    AGE   VERSION"
    );
    assert_eq!(out.lines().count(), 4);
    let out = k(&mut sim, "get sc").unwrap();
    assert!(out.starts_with("NAME                 PROVISIONER"), "{out}");
    assert!(out.contains("standard (default)"), "{out}");
    let out = k(&mut sim, "get svc -A").unwrap();
    let mut l = out.lines();
    assert_eq!(
        l.next().unwrap(),
        "NAMESPACE     NAME         TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)         AGE"
    );
    assert_eq!(
        l.next().unwrap(),
        "default       kubernetes   ClusterIP   10.96.0.1    <none>        443/TCP         0s"
    );
    assert!(l.next().unwrap().contains("53/UDP,53/TCP"));
    let out = k(&mut sim, "get ns default --show-labels").unwrap();
    assert!(out.contains("LABELS") && out.contains("kubernetes.io/metadata.name=default"));
    let out = k(&mut sim, "get nodes -o name").unwrap();
    assert_eq!(out, "node/node-1\nnode/node-2\nnode/node-3\n");
    let out = k(&mut sim, "get no node-1 -o wide").unwrap();
    assert!(
        out.contains("INTERNAL-IP") && out.contains("172.18.0.2"),
        "{out}"
    );
    let out = k(&mut sim, "get nodes -o jsonpath={.items[*].metadata.name}").unwrap();
    assert_eq!(out, "node-1 node-2 node-3");
    let out = k(&mut sim, "get node node-2 -o yaml").unwrap();
    assert!(out.starts_with("apiVersion: v1\nkind: Node\n"), "{out}");
    let out = k(&mut sim, "get nodes -o json").unwrap();
    assert!(out.contains("\"kind\": \"List\""));
    let out = k(&mut sim, "get node node-1 --template '{{.metadata.name}}'").unwrap();
    assert_eq!(out, "node-1");
    let out = k(
        &mut sim,
        "get nodes -o go-template='{{range .items}}{{.metadata.name}} {{end}}'",
    )
    .unwrap();
    assert_eq!(out, "node-1 node-2 node-3 ");
    let out = k(&mut sim, "get pods").unwrap();
    assert_eq!(out, "No resources found in default namespace.\n");
    let out = k(&mut sim, "get pods -n kube-system").unwrap();
    assert_eq!(out, "No resources found in kube-system namespace.\n");
    let out = k(&mut sim, "get pv").unwrap();
    assert_eq!(out, "No resources found\n");
}

#[test]
fn watch_prints_changes_after_the_table() {
    let mut sim = Sim::new(1);
    let mut w = watch_request(&sim, "kubectl get pods -w -l app=lone").unwrap();
    assert!(watch_request(&sim, "kubectl get pods").is_none());
    kf(&mut sim, "create -f pod.yaml", &[("pod.yaml", POD)]).unwrap();
    let lines = watch_lines(&sim, &mut w, 0);
    // The watch began on an empty list: the header comes with the first row.
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines[0], "NAME   READY   STATUS    RESTARTS   AGE");
    assert!(
        lines[1].starts_with("lone   0/1     Pending   0          0s"),
        "{lines:?}"
    );
    // A second watch, started on a non-empty list, prints rows only.
    let mut w2 = watch_request(&sim, "kubectl get pods --watch").unwrap();
    assert!(w2.header.is_none());
    assert!(watch_lines(&sim, &mut w2, 0).is_empty());
    assert!(k(&mut sim, "get pods,svc -w")
        .unwrap_err()
        .contains("watch is only supported on individual resources"));
    assert!(watch_lines(&sim, &mut w, 0).is_empty());
    k(&mut sim, "label pod lone x=y").unwrap();
    // The row did not change: nothing new to print.
    assert!(watch_lines(&sim, &mut w, 0).is_empty());
}

/// Global flags may come before the command, as cobra reads persistent
/// flags anywhere: `kubectl -n shop get pods`, `--namespace=shop`, and
/// before exec's `--` the command after it is left alone.
#[test]
fn global_flags_before_the_command() {
    let mut sim = Sim::new(1);
    k(&mut sim, "create namespace shop").unwrap();
    kf(&mut sim, "-n shop create -f pod.yaml", &[("pod.yaml", POD)]).unwrap();
    assert!(sim.store.get(Kind::Pod, "shop", "lone").is_some());
    for line in [
        "kubectl -n shop get pods -o name",
        "kubectl --namespace shop get pods -o name",
        "kubectl --namespace=shop get pods -o name",
        "kubectl -nshop get pods -o name",
        "kubectl --context ordinal -n shop get pods -o name",
    ] {
        assert_eq!(k(&mut sim, line).unwrap(), "pod/lone\n", "{line}");
    }
    let e = k(&mut sim, "kubectl -n shop exec lone -- ls -n").unwrap_err();
    assert!(!e.contains("unknown command"), "{e}");
}
