//! `kubectl apply`, `replace` and `edit` (upstream `pkg/cmd/apply`,
//! `pkg/cmd/replace`, `pkg/cmd/edit`): what they print and refuse.

use super::*;

#[test]
fn apply_create_and_their_outputs() {
    let mut sim = Sim::new(1);
    let f = [("web.yaml", WEB)];
    let out = kf(&mut sim, "kubectl apply -f web.yaml", &f).unwrap();
    assert_eq!(out, "service/nginx created\nstatefulset.apps/web created\n");
    let out = kf(&mut sim, "kubectl apply -f web.yaml", &f).unwrap();
    assert_eq!(
        out,
        "service/nginx unchanged\nstatefulset.apps/web unchanged\n"
    );
    let e = kf(&mut sim, "kubectl create -f web.yaml", &f).unwrap_err();
    assert!(e.contains("Error from server (AlreadyExists): error when creating \"web.yaml\": services \"nginx\" already exists"), "{e}");
    let changed = WEB.replace("replicas: 2", "replicas: 3");
    let out = kf(&mut sim, "apply -f web.yaml", &[("web.yaml", &changed)]).unwrap();
    assert_eq!(
        out,
        "service/nginx unchanged\nstatefulset.apps/web configured\n"
    );
    let sts = sim.store.get(Kind::StatefulSet, "default", "web").unwrap();
    assert_eq!(sts.spec().i64_at("replicas"), Some(3));
    assert!(sts.meta.annotations.contains_key(mutate::LAST_APPLIED));
    // The headless service keeps None; a plain one gets an IP in 10.96.0.0/12.
    let svc = sim.store.get(Kind::Service, "default", "nginx").unwrap();
    assert_eq!(svc.spec().str_at("clusterIP"), Some("None"));
    let plain = "apiVersion: v1\nkind: Service\nmetadata:\n  name: plain\nspec:\n  selector:\n    app: x\n  ports:\n  - port: 80\n";
    apply_text(&mut sim, plain, false).unwrap();
    // The cluster IP comes from the endpoints controller, once it runs.
    sim.settle(10_000);
    if let Some(ip) = sim
        .store
        .get(Kind::Service, "default", "plain")
        .unwrap()
        .spec()
        .str_at("clusterIP")
    {
        assert!(ip.starts_with("10."), "{ip}");
    }
    let out = apply_text(&mut sim, plain, true).unwrap();
    assert_eq!(out, "service \"plain\" deleted\n");
    let out = k(&mut sim, "get sts").unwrap();
    assert_eq!(out.lines().next().unwrap(), "NAME   READY   AGE");
    assert!(
        out.lines().nth(1).unwrap().starts_with("web    ")
            && out.lines().nth(1).unwrap().contains("/3     "),
        "{out}"
    );
    let out = k(&mut sim, "get statefulset,svc").unwrap();
    assert!(
        out.contains("statefulset.apps/web") && out.contains("service/nginx"),
        "{out}"
    );
    assert!(
        out.contains("\n\n"),
        "tables are separated by a blank line: {out}"
    );
    let out = k(
        &mut sim,
        "get po cassandra-0 -o=jsonpath='{.spec.terminationGracePeriodSeconds}'",
    );
    assert!(out.is_err());
    let out = k(
        &mut sim,
        "get sts web -o jsonpath={.spec.template.spec.terminationGracePeriodSeconds}",
    )
    .unwrap();
    assert_eq!(out, "10");
}

#[test]
fn replace_and_stray_arguments() {
    let mut sim = Sim::new(1);
    let f = [("pod.yaml", POD)];
    let e = kf(&mut sim, "replace -f pod.yaml", &f).unwrap_err();
    assert_eq!(
        e,
        "Error from server (NotFound): error when replacing \"pod.yaml\": pods \"lone\" not found"
    );
    kf(&mut sim, "create -f pod.yaml", &f).unwrap();
    let changed = POD.replace("app: lone", "app: lonely");
    let out = kf(&mut sim, "replace -f pod.yaml", &[("pod.yaml", &changed)]).unwrap();
    assert_eq!(out, "pod/lone replaced\n");
    let e = kf(&mut sim, "create -f pod.yaml other.yaml", &f).unwrap_err();
    assert!(e.starts_with("error: Unexpected args: [other.yaml]"), "{e}");
    // -o json indents by four spaces, as kubectl does.
    let out = k(&mut sim, "get pod lone -o json").unwrap();
    assert!(out.starts_with("{\n    \"apiVersion\": \"v1\",\n"), "{out}");
}

#[test]
fn edit_saves_through_a_kubectl_line() {
    let mut sim = Sim::new(1);
    kf(&mut sim, "apply -f web.yaml", &[("web.yaml", WEB)]).unwrap();
    let (_, yaml) = edit_target(&sim, "kubectl edit sts web").unwrap();
    let out = kf(&mut sim, "kubectl edit sts web", &[("-", &yaml)]).unwrap();
    assert_eq!(out, "Edit cancelled, no changes made.\n");
    let edited = yaml.replace("replicas: 2", "replicas: 4");
    assert_ne!(edited, yaml);
    let out = kf(&mut sim, "kubectl edit sts web", &[("-", &edited)]).unwrap();
    assert_eq!(out, "statefulset.apps/web edited\n");
    let sts = sim.store.get(Kind::StatefulSet, "default", "web").unwrap();
    assert_eq!(sts.spec().i64_at("replicas"), Some(4));
    let renamed = yaml.replace("name: web\n", "name: other\n");
    assert!(kf(&mut sim, "kubectl edit sts web", &[("-", &renamed)])
        .unwrap_err()
        .contains("Edit cancelled"));
}
