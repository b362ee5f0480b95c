//! `label`, `annotate` and `scale` as kubectl v1.31 runs them: the words
//! split into resources and changes, the changes checked before anything
//! is sent, `--overwrite`, the three operations label reports, `--list`,
//! dry runs that write nothing, and `-o` through the one printer.

use super::*;

fn cluster() -> Sim {
    let mut sim = Sim::new(3);
    k(&mut sim, "create deployment a --image=nginx").unwrap();
    k(&mut sim, "create configmap c --from-literal=x=y").unwrap();
    sim
}

fn labels(sim: &Sim, kind: Kind, name: &str) -> Vec<String> {
    let o = sim.store.get(kind, "default", name).unwrap();
    o.meta
        .labels
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect()
}

#[test]
fn label_reports_labeled_not_labeled_and_unlabeled() {
    let mut sim = cluster();
    let k1 = |sim: &mut Sim, l: &str| k(sim, l);
    assert_eq!(
        k1(&mut sim, "label cm c tier=web").unwrap(),
        "configmap/c labeled\n"
    );
    // A key that is there at all needs --overwrite, even with its value.
    assert_eq!(
        k1(&mut sim, "label cm c tier=web").unwrap_err(),
        "error: 'tier' already has a value (web), and --overwrite is false"
    );
    assert_eq!(
        k1(&mut sim, "label cm c tier=web --overwrite").unwrap(),
        "configmap/c not labeled\n"
    );
    assert_eq!(
        k1(&mut sim, "label cm c tier-").unwrap(),
        "configmap/c unlabeled\n"
    );
    // Removing what is not there says so, and changes nothing.
    assert_eq!(
        k1(&mut sim, "label cm c tier-").unwrap(),
        "label \"tier\" not found.\nconfigmap/c not labeled\n"
    );
    k1(&mut sim, "label cm c a=1 b=2").unwrap();
    // Several keys taken: utilerrors' aggregate, keys in order.
    assert_eq!(
        k1(&mut sim, "label cm c b=3 a=4").unwrap_err(),
        "error: ['a' already has a value (1), and --overwrite is false, 'b' already has a value (2), and --overwrite is false]"
    );
    // With --overwrite a removal is a "labeled".
    assert_eq!(
        k1(&mut sim, "label cm c b- --overwrite").unwrap(),
        "configmap/c labeled\n"
    );
    assert_eq!(labels(&sim, Kind::ConfigMap, "c"), ["a=1"]);
}

#[test]
fn label_and_annotate_check_their_words_first() {
    let mut sim = cluster();
    for (line, want) in [
        ("label cm c a=b=c", "error: invalid label spec: a=b=c"),
        ("label cm c a=1 a-", "error: can not both modify and remove a label in the same command"),
        ("label cm c a=1 d", "error: all resources must be specified before label changes: d"),
        ("annotate cm c a=1 d", "error: all resources must be specified before annotation changes: d"),
        ("label cm c", "error: at least one label update is required"),
        // `=x` starts with `=`: a resource word, not a change.
        ("annotate cm c =x", "error: at least one annotation update is required"),
        (
            "annotate cm c n=1 n- m=2 m-",
            "error: can not both modify and remove the following annotation(s) in the same command: n, m",
        ),
        ("label a=1", "error: one or more resources must be specified as <resource> <name> or <resource>/<name>"),
        ("label cm c --list -o name", "error: --list and --output may not be specified together"),
        ("label cm c a=1 --dry-run=maybe", "error: Invalid dry-run value (maybe). Must be \"none\", \"server\", or \"client\"."),
        (
            "label cm c a=1 --local",
            "error: can only use local files by -f pod.yaml or --filename=pod.json when --local=true is set",
        ),
        (
            "annotate cm c a=1 --local --dry-run=server",
            "error: cannot specify --local and --dry-run=server - did you mean --dry-run=client?",
        ),
    ] {
        assert_eq!(k(&mut sim, line).unwrap_err(), want, "{line}");
    }
    let e = k(&mut sim, "label cm c a=-x").unwrap_err();
    assert!(
        e.starts_with("error: invalid label value: \"a=-x\": a valid label must be"),
        "{e}"
    );
    let long = "v".repeat(64);
    let e = k(&mut sim, &format!("label cm c a={long}")).unwrap_err();
    assert!(e.contains(": must be no more than 63 characters"), "{e}");
    // An annotation value may hold `=`.
    k(&mut sim, "annotate cm c note=a=b").unwrap();
    let o = sim.store.get(Kind::ConfigMap, "default", "c").unwrap();
    assert_eq!(o.meta.annotations["note"], "a=b");
    assert!(o.meta.labels.is_empty(), "nothing was labeled on the way");
}

#[test]
fn annotate_overwrite_and_change_cause() {
    let mut sim = cluster();
    k(&mut sim, "annotate cm c a=1 b=2").unwrap();
    assert_eq!(
        k(&mut sim, "annotate cm c b=3 a=4").unwrap_err(),
        "error: --overwrite is false but found the following declared annotation(s): 'a' already has a value (1); 'b' already has a value (2)"
    );
    // The change-cause annotation may always be overwritten; annotate
    // always says "annotated".
    k(&mut sim, "annotate cm c kubernetes.io/change-cause=one").unwrap();
    assert_eq!(
        k(&mut sim, "annotate cm c kubernetes.io/change-cause=two").unwrap(),
        "configmap/c annotated\n"
    );
    assert_eq!(
        k(&mut sim, "annotate cm c a=1 --overwrite").unwrap(),
        "configmap/c annotated\n"
    );
}

#[test]
fn dry_runs_write_nothing() {
    let mut sim = cluster();
    let before = sim
        .store
        .get(Kind::ConfigMap, "default", "c")
        .unwrap()
        .clone();
    assert_eq!(
        k(&mut sim, "label cm c a=1 --dry-run=client").unwrap(),
        "configmap/c labeled (dry run)\n"
    );
    assert_eq!(
        k(&mut sim, "label cm c a=1 --dry-run=server").unwrap(),
        "configmap/c labeled (server dry run)\n"
    );
    assert_eq!(
        k(&mut sim, "annotate cm c a=1 --dry-run=server").unwrap(),
        "configmap/c annotated (server dry run)\n"
    );
    assert_eq!(
        k(&mut sim, "scale deployment a --replicas=4 --dry-run=client").unwrap(),
        "deployment.apps/a scaled (dry run)\n"
    );
    // The server validates a server dry run (a client one is not checked).
    let e = k(&mut sim, "label cm c a/b/c=1 --dry-run=server").unwrap_err();
    assert!(e.contains("is invalid"), "{e}");
    assert_eq!(
        k(&mut sim, "label cm c a/b/c=1 --dry-run=client").unwrap(),
        "configmap/c labeled (dry run)\n"
    );
    assert_eq!(
        &before,
        sim.store.get(Kind::ConfigMap, "default", "c").unwrap()
    );
    let d = sim.store.get(Kind::Deployment, "default", "a").unwrap();
    assert_eq!(d.spec().i64_at("replicas"), Some(1));
    // The client dry run prints its own changed copy.
    let out = k(
        &mut sim,
        "label cm c a=1 --dry-run=client -o jsonpath={.metadata.labels.a}",
    )
    .unwrap();
    assert_eq!(out, "1");
}

#[test]
fn output_prints_the_object() {
    let mut sim = cluster();
    assert_eq!(
        k(&mut sim, "label cm c a=1 -o name").unwrap(),
        "configmap/c\n"
    );
    // label prints its own copy as it changed it: the resourceVersion it read.
    let rv = sim
        .store
        .get(Kind::ConfigMap, "default", "c")
        .unwrap()
        .resource_version;
    let out = k(
        &mut sim,
        "label cm c b=2 -o jsonpath={.metadata.resourceVersion}/{.metadata.labels.b}",
    )
    .unwrap();
    assert_eq!(out, format!("{rv}/2"));
    // annotate prints what the server answered: the new resourceVersion.
    let out = k(
        &mut sim,
        "annotate cm c n=1 -o jsonpath={.metadata.resourceVersion}",
    )
    .unwrap();
    let now = sim
        .store
        .get(Kind::ConfigMap, "default", "c")
        .unwrap()
        .resource_version;
    assert_eq!(out, now.to_string());
    assert_ne!(now, rv);
    // scale (v1.31) prints the object as it read it, before the scale.
    let out = k(
        &mut sim,
        "scale deployment a --replicas=3 -o jsonpath={.spec.replicas}",
    )
    .unwrap();
    assert_eq!(out, "1");
    let d = sim.store.get(Kind::Deployment, "default", "a").unwrap();
    assert_eq!(d.spec().i64_at("replicas"), Some(3));
    assert_eq!(
        k(&mut sim, "scale deployment a --replicas=2 -o name").unwrap(),
        "deployment.apps/a\n"
    );
    // A table format is refused before anything is written.
    for line in [
        "label cm c z=1 -o wide",
        "scale deployment a --replicas=5 -o wide",
    ] {
        let e = k(&mut sim, line).unwrap_err();
        assert!(
            e.starts_with(
                "error: unable to match a printer suitable for the output format \"wide\""
            ),
            "{e}"
        );
    }
    assert!(!labels(&sim, Kind::ConfigMap, "c").contains(&"z=1".to_string()));
    let d = sim.store.get(Kind::Deployment, "default", "a").unwrap();
    assert_eq!(d.spec().i64_at("replicas"), Some(2));
}

#[test]
fn list_shows_the_labels() {
    let mut sim = cluster();
    k(&mut sim, "label cm c b=2 a=1").unwrap();
    assert_eq!(k(&mut sim, "label cm c --list").unwrap(), "a=1\nb=2\n");
    k(&mut sim, "create configmap d --from-literal=x=y").unwrap();
    k(&mut sim, "label cm d a=3").unwrap();
    assert_eq!(
        k(&mut sim, "label cm --all --list").unwrap(),
        "Listing labels for ConfigMap./c:\n a=1\n b=2\nListing labels for ConfigMap./d:\n a=3\n"
    );
    k(&mut sim, "annotate cm d n=1").unwrap();
    assert_eq!(k(&mut sim, "annotate cm d --list").unwrap(), "n=1\n");
}

#[test]
fn scale_patch_label_annotate() {
    let mut sim = Sim::new(1);
    kf(&mut sim, "apply -f web.yaml", &[("web.yaml", WEB)]).unwrap();
    assert_eq!(
        k(&mut sim, "scale sts web --replicas=5").unwrap(),
        "statefulset.apps/web scaled\n"
    );
    let r = |sim: &Sim| {
        sim.store
            .get(Kind::StatefulSet, "default", "web")
            .unwrap()
            .spec()
            .i64_at("replicas")
    };
    assert_eq!(r(&sim), Some(5));
    assert!(k(&mut sim, "scale sts web")
        .unwrap_err()
        .contains("\"replicas\" not set"));
    assert_eq!(
        k(
            &mut sim,
            "patch statefulset web -p '{\"spec\":{\"replicas\":3}}'"
        )
        .unwrap(),
        "statefulset.apps/web patched\n"
    );
    assert_eq!(r(&sim), Some(3));
    assert_eq!(
        k(
            &mut sim,
            "patch statefulset web -p '{\"spec\":{\"replicas\":3}}'"
        )
        .unwrap(),
        "statefulset.apps/web patched (no change)\n"
    );
    k(&mut sim, r#"patch statefulset web --type='json' -p='[{"op": "replace", "path": "/spec/template/spec/containers/0/image", "value":"gcr.io/google_containers/nginx-slim:0.7"}]'"#).unwrap();
    let img = |sim: &Sim| {
        sim.store
            .get(Kind::StatefulSet, "default", "web")
            .unwrap()
            .spec()
            .str_at("template.spec.containers.0.image")
            .map(String::from)
    };
    assert_eq!(
        img(&sim).as_deref(),
        Some("gcr.io/google_containers/nginx-slim:0.7")
    );
    // Strategic merge merges containers by name.
    k(&mut sim, r#"patch sts web -p '{"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:2"}]}}}}'"#).unwrap();
    assert_eq!(img(&sim).as_deref(), Some("nginx:2"));
    let ports = sim
        .store
        .get(Kind::StatefulSet, "default", "web")
        .unwrap()
        .spec()
        .array_at("template.spec.containers.0.ports")
        .len();
    assert_eq!(ports, 1);
    k(
        &mut sim,
        r#"patch sts web --type=merge -p '{"metadata":{"labels":{"x":"y"}}}'"#,
    )
    .unwrap();
    assert!(k(
        &mut sim,
        r#"patch sts web --type=json -p '[{"op":"remove","path":"/spec/nope"}]'"#
    )
    .is_err());
    assert_eq!(
        k(&mut sim, r#"patch sts web -p'{"spec":{"replicas":"3"}}'"#).unwrap_err(),
        "The request is invalid: patch: Invalid value: \"map[spec:map[replicas:3]]\": unrecognized type: int32"
    );
    // Merge and JSON patches decode the patched object into the typed one:
    // the handler's Invalid `patch` error (no kind, no name), not the
    // BadRequest a create's body gets.
    for (patch, what) in [
        (r#"--type=merge -p '{"spec":{"replicas":"3"}}'"#, "string"),
        (r#"--type=merge -p '{"spec":{"replicas":true}}'"#, "bool"),
        (
            r#"--type=merge -p '{"spec":{"replicas":2.5}}'"#,
            "number 2.5",
        ),
        (
            r#"--type=json -p '[{"op":"replace","path":"/spec/replicas","value":[3]}]'"#,
            "array",
        ),
    ] {
        let e = k(&mut sim, &format!("patch sts web {patch}")).unwrap_err();
        assert!(
            e.starts_with("The request is invalid: patch: Invalid value: \"{\\\"apiVersion\\\":\\\"apps/v1\\\","),
            "{e}"
        );
        assert!(
            e.ends_with(&format!("\": json: cannot unmarshal {what} into Go struct field StatefulSetSpec.spec.replicas of type int32")),
            "{e}"
        );
    }
    assert_eq!(
        k(&mut sim, "label sts web tier=db").unwrap(),
        "statefulset.apps/web labeled\n"
    );
    let e = k(&mut sim, "label sts web tier=web").unwrap_err();
    assert_eq!(
        e,
        "error: 'tier' already has a value (db), and --overwrite is false"
    );
    k(&mut sim, "label sts web tier=web --overwrite").unwrap();
    k(&mut sim, "label sts/web tier-").unwrap();
    let sts = sim.store.get(Kind::StatefulSet, "default", "web").unwrap();
    assert!(!sts.meta.labels.contains_key("tier"));
    assert_eq!(
        k(&mut sim, "annotate svc nginx note=hi").unwrap(),
        "service/nginx annotated\n"
    );
    let (key, yaml) = edit_target(&sim, "edit svc nginx").unwrap();
    assert_eq!(key.name, "nginx");
    assert!(yaml.contains("note: hi"), "{yaml}");
}
