//! kubectl's informational commands (`version`, `cluster-info`,
//! `api-resources`, `explain`, `config`) and the console's completion.

use super::*;

#[test]
fn informational_commands() {
    let mut sim = Sim::new(1);
    assert_eq!(
        k(&mut sim, "version").unwrap(),
        "Client Version: v1.31.0\nKustomize Version: v5.4.2\nServer Version: v1.31.0\n"
    );
    assert!(k(&mut sim, "cluster-info")
        .unwrap()
        .starts_with("Kubernetes control plane is running at"));
    let out = k(&mut sim, "api-resources").unwrap();
    assert!(out.starts_with("NAME "), "{out}");
    let sts = out
        .lines()
        .find(|l| l.starts_with("statefulsets "))
        .unwrap();
    let cells: Vec<&str> = sts.split_whitespace().collect();
    assert_eq!(
        cells,
        vec!["statefulsets", "sts", "apps/v1", "true", "StatefulSet"]
    );
    assert!(k(&mut sim, "explain sts.spec.replicas")
        .unwrap()
        .contains("replicas is the desired number"));
    assert!(k(&mut sim, "explain pods.spec.nope").is_err());
    assert_eq!(k(&mut sim, "config current-context").unwrap(), "ordinal\n");
}

#[test]
fn completion_offers_commands_kinds_and_names() {
    let sim = Sim::new(1);
    assert!(complete(&sim, "kubectl ge").contains(&"kubectl get".to_string()));
    let c = complete(&sim, "kubectl get st");
    assert!(c.contains(&"kubectl get statefulsets".to_string()), "{c:?}");
    let c = complete(&sim, "get nodes node-");
    assert_eq!(
        c,
        vec!["get nodes node-1", "get nodes node-2", "get nodes node-3"]
    );
    let c = complete(&sim, "cordon ");
    assert_eq!(c.len(), 3);
    let c = complete(&sim, "kubectl delete pod x --gr");
    assert_eq!(c, vec!["kubectl delete pod x --grace-period"]);
}
