//! `kubectl create KIND NAME` (upstream `pkg/cmd/create`).

use super::*;

#[test]
fn create_by_name() {
    let mut sim = Sim::new(1);
    assert_eq!(
        k(&mut sim, "create namespace team").unwrap(),
        "namespace/team created\n"
    );
    assert_eq!(
        k(&mut sim, "create ns team").unwrap_err(),
        "Error from server (AlreadyExists): namespaces \"team\" already exists"
    );
    assert_eq!(
        k(
            &mut sim,
            "create configmap cfg -n team --from-literal=a=1 --from-literal=b=2"
        )
        .unwrap(),
        "configmap/cfg created\n"
    );
    let out = k(&mut sim, "get cm -n team").unwrap();
    assert!(out.contains("cfg    2      0s"), "{out}");
    assert!(k(&mut sim, "create secret x").is_err());
}
