//! `kubectl delete` (upstream `pkg/cmd/delete`): its forms.

use super::*;

#[test]
fn delete_forms() {
    let mut sim = Sim::new(1);
    kf(&mut sim, "apply -f web.yaml", &[("web.yaml", WEB)]).unwrap();
    kf(&mut sim, "create -f pod.yaml", &[("pod.yaml", POD)]).unwrap();
    let e = k(&mut sim, "delete pod").unwrap_err();
    assert_eq!(
        e,
        "error: resource(s) were provided, but no name was specified"
    );
    assert_eq!(
        k(&mut sim, "delete pod nope").unwrap_err(),
        "Error from server (NotFound): pods \"nope\" not found"
    );
    let out = k(&mut sim, "delete pod -l app=lone --force --grace-period=0").unwrap();
    assert!(
        out.starts_with("Warning: Immediate deletion does not wait for confirmation"),
        "{out}"
    );
    assert!(out.ends_with("pod \"lone\" force deleted\n"), "{out}");
    assert!(sim.store.get(Kind::Pod, "default", "lone").is_none());
    let out = k(&mut sim, "delete statefulset,service -l app=nginx").unwrap();
    assert_eq!(out, "service \"nginx\" deleted\n");
    let out = k(&mut sim, "delete sts web --cascade=orphan").unwrap();
    assert_eq!(out, "statefulset.apps \"web\" deleted\n");
    assert!(k(&mut sim, "delete sts web --cascade=sideways").is_err());
}
