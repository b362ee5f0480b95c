//! `kubectl patch`: dry runs keep the cluster, `-o` prints the patched object.

use super::*;

/// `kubectl patch --dry-run` changes nothing: a client dry run patches
/// locally, a server one is validated (`dryRun=All`) and not stored; the
/// name printer adds the mode.
#[test]
fn patch_dry_run_keeps_the_cluster() {
    let mut sim = Sim::new(1);
    kf(&mut sim, "apply -f web.yaml", &[("web.yaml", WEB)]).unwrap();
    let r = |sim: &Sim| {
        let o = sim.store.get(Kind::StatefulSet, "default", "web").unwrap();
        (o.spec().i64_at("replicas"), o.resource_version)
    };
    let before = r(&sim);
    let p = "patch sts web -p '{\"spec\":{\"replicas\":7}}'";
    for (flag, want) in [
        (
            "--dry-run=client",
            "statefulset.apps/web patched (dry run)\n",
        ),
        ("--dry-run", "statefulset.apps/web patched (dry run)\n"),
        (
            "--dry-run=server",
            "statefulset.apps/web patched (server dry run)\n",
        ),
    ] {
        assert_eq!(k(&mut sim, &format!("{p} {flag}")).unwrap(), want);
        assert_eq!(r(&sim), before, "{flag}");
    }
    let same = format!(
        "patch sts web -p '{{\"spec\":{{\"replicas\":{}}}}}' --dry-run=server",
        before.0.unwrap()
    );
    assert_eq!(
        k(&mut sim, &same).unwrap(),
        "statefulset.apps/web patched (no change) (server dry run)\n"
    );
    // The server still validates a dry run.
    let bad = "patch sts web -p '{\"spec\":{\"replicas\":-1}}' --dry-run=server";
    assert!(k(&mut sim, bad).unwrap_err().contains("Invalid value: -1"));
    assert!(k(&mut sim, "patch sts web -p '{}' --dry-run=maybe")
        .unwrap_err()
        .contains("Invalid dry-run value (maybe)"));
    assert_eq!(r(&sim), before);
}

#[test]
fn patch_prints_the_patched_object_for_output() {
    let mut sim = Sim::new(1);
    kf(&mut sim, "apply -f web.yaml", &[("web.yaml", WEB)]).unwrap();
    let replicas = |sim: &Sim| {
        let o = sim.store.get(Kind::StatefulSet, "default", "web").unwrap();
        o.spec().i64_at("replicas")
    };
    let p = "patch sts web -p '{\"spec\":{\"replicas\":4}}'";
    // A client dry run prints the locally patched object and keeps the cluster.
    let before = replicas(&sim);
    let out = k(
        &mut sim,
        &format!("{p} --dry-run=client -o jsonpath={{.spec.replicas}}"),
    )
    .unwrap();
    assert_eq!(out, "4");
    assert_eq!(replicas(&sim), before);
    let out = k(&mut sim, &format!("{p} --dry-run=server -o name")).unwrap();
    assert_eq!(out, "statefulset.apps/web\n");
    assert_eq!(replicas(&sim), before);
    // A real patch prints what the store holds now, as `get -o yaml` does.
    let out = k(&mut sim, &format!("{p} -o yaml")).unwrap();
    assert_eq!(replicas(&sim), Some(4));
    assert_eq!(out, k(&mut sim, "get sts web -o yaml").unwrap());
    assert!(out.contains("replicas: 4"), "{out}");
    let out = k(
        &mut sim,
        "patch sts web -p '{\"spec\":{\"replicas\":5}}' -o json",
    )
    .unwrap();
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["spec"]["replicas"], 5);
}

/// A patch body of the wrong shape for its type is the API server's
/// BadRequest (apiserver's patch handler decodes it strictly): a JSON patch
/// sent without `--type json`, a merge patch that is not a map, a JSON
/// patch that is not a list of operations. The flags are checked first.
#[test]
fn patch_bodies_of_the_wrong_shape_are_bad_requests() {
    let mut sim = Sim::new(1);
    kf(&mut sim, "apply -f web.yaml", &[("web.yaml", WEB)]).unwrap();
    let ops = r#"'[{"op":"replace","path":"/spec/replicas","value":3}]'"#;
    let one = r#"'{"op":"replace","path":"/spec/replicas","value":3}'"#;
    for (line, want) in [
        (
            format!("patch sts web -p {ops}"),
            "Error from server (BadRequest): json: cannot unmarshal array into Go value of type map[string]interface {}",
        ),
        (
            "patch sts web -p 'not json'".to_string(),
            "Error from server (BadRequest): json: cannot unmarshal string into Go value of type map[string]interface {}",
        ),
        (
            format!("patch sts web --type merge -p {ops}"),
            "Error from server (BadRequest): error decoding patch: json: cannot unmarshal array into Go value of type map[string]interface {}",
        ),
        (
            format!("patch sts web --type json -p {one}"),
            "Error from server (BadRequest): error decoding patch: json: cannot unmarshal object into Go value of type []handlers.jsonPatchOp",
        ),
        (
            "patch sts web --type json -p '[\"replace\"]'".to_string(),
            "Error from server (BadRequest): error decoding patch: json: cannot unmarshal string into Go value of type handlers.jsonPatchOp",
        ),
        (
            "patch sts nope --type xml -p '{}'".to_string(),
            "error: --type must be one of [json merge strategic], not \"xml\"",
        ),
        (
            "patch sts web".to_string(),
            "error: must specify --patch or --patch-file containing the contents of the patch",
        ),
    ] {
        assert_eq!(k(&mut sim, &line).unwrap_err(), want, "{line}");
    }
    // The type's case does not matter.
    assert_eq!(
        k(&mut sim, &format!("patch sts web --type JSON -p {ops}")).unwrap(),
        "statefulset.apps/web patched\n"
    );
}

/// The StatefulSet tutorial's switch to OnDelete: the strategic merge
/// keeps the defaulted `rollingUpdate`, which validation refuses, quoting
/// the internal struct as Go's `%#v` does (kubernetes/website#44713 shows
/// the message); `"rollingUpdate": null` drops it.
#[test]
fn switching_to_on_delete_needs_rolling_update_dropped() {
    let mut sim = Sim::new(1);
    kf(&mut sim, "apply -f web.yaml", &[("web.yaml", WEB)]).unwrap();
    assert_eq!(
        k(
            &mut sim,
            r#"patch statefulset web -p '{"spec":{"updateStrategy":{"type":"OnDelete"}}}'"#
        )
        .unwrap_err(),
        "The StatefulSet \"web\" is invalid: spec.updateStrategy.rollingUpdate: Invalid value: apps.RollingUpdateStatefulSetStrategy{Partition:0, MaxUnavailable:(*intstr.IntOrString)(nil)}: only allowed for updateStrategy 'RollingUpdate'"
    );
    let e = k(
        &mut sim,
        r#"patch sts web -p '{"spec":{"updateStrategy":{"type":"OnDelete","rollingUpdate":{"partition":2}}}}'"#,
    )
    .unwrap_err();
    assert!(
        e.contains("Invalid value: apps.RollingUpdateStatefulSetStrategy{Partition:2, MaxUnavailable:(*intstr.IntOrString)(nil)}: "),
        "{e}"
    );
    assert_eq!(
        k(
            &mut sim,
            r#"patch sts web -p '{"spec":{"updateStrategy":{"type":"OnDelete","rollingUpdate":null}}}'"#
        )
        .unwrap(),
        "statefulset.apps/web patched\n"
    );
}

/// The PersistentVolumeClaimResize admission plugin: a claim grows only
/// when Bound and its class allows expansion; the default class does not.
#[test]
fn growing_a_claim_needs_a_class_that_allows_expansion() {
    let mut sim = Sim::new(1);
    let claim = |name: &str, class: &str| {
        format!(
            "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: {name}\nspec:\n  storageClassName: {class}\n  accessModes: [ReadWriteOnce]\n  resources:\n    requests:\n      storage: 1Gi\n"
        )
    };
    let grow = |name: &str| {
        format!("patch pvc {name} -p '{{\"spec\":{{\"resources\":{{\"requests\":{{\"storage\":\"2Gi\"}}}}}}}}'")
    };
    let sc = "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: grows\nprovisioner: ordinal.sim/hostpath\nallowVolumeExpansion: true\n";
    kf(&mut sim, "apply -f sc.yaml", &[("sc.yaml", sc)]).unwrap();
    kf(
        &mut sim,
        "apply -f a.yaml",
        &[("a.yaml", &claim("a", "standard"))],
    )
    .unwrap();
    kf(
        &mut sim,
        "apply -f b.yaml",
        &[("b.yaml", &claim("b", "grows"))],
    )
    .unwrap();
    kf(
        &mut sim,
        "apply -f c.yaml",
        &[("c.yaml", &claim("c", "missing"))],
    )
    .unwrap();
    sim.settle(10_000);
    assert_eq!(
        k(&mut sim, &grow("a")).unwrap_err(),
        "Error from server (Forbidden): persistentvolumeclaims \"a\" is forbidden: only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize"
    );
    assert_eq!(
        k(&mut sim, &grow("c")).unwrap_err(),
        "Error from server (Forbidden): persistentvolumeclaims \"c\" is forbidden: Only bound persistent volume claims can be expanded"
    );
    assert_eq!(
        k(&mut sim, &grow("b")).unwrap(),
        "persistentvolumeclaim/b patched\n"
    );
    let size = |sim: &Sim, n: &str| {
        let c = sim
            .store
            .get(Kind::PersistentVolumeClaim, "default", n)
            .unwrap();
        c.spec()
            .str_at("resources.requests.storage")
            .map(str::to_string)
    };
    assert_eq!(size(&sim, "a").as_deref(), Some("1Gi"));
    assert_eq!(size(&sim, "b").as_deref(), Some("2Gi"));
}
