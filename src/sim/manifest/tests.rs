use super::*;
use crate::sim::object::{Kind, ValueExt};

const WEB_OLD: &str = "\
apiVersion: v1
kind: Service
metadata:
  name: nginx
  labels:
    app: nginx
spec:
  ports:
  - port: 80
    name: web
  clusterIP: None
  selector:
    app: nginx
---
apiVersion: apps/v1beta1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: \"nginx\"
  replicas: 2
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: gcr.io/google_containers/nginx-slim:0.8
";

fn errors(p: &Parsed) -> Vec<&Diagnostic> {
    p.errors().collect()
}

#[test]
fn old_statefulset_is_converted_with_its_versions_defaults() {
    let p = parse(WEB_OLD);
    assert!(!p.has_errors(), "{:?}", p.diagnostics);
    let w: Vec<_> = p.warnings().map(|d| d.message.clone()).collect();
    assert!(
        w.iter().any(|m| m
            == "apps/v1beta1 StatefulSet is deprecated in v1.9+, unavailable in v1.16+; use apps/v1 StatefulSet"),
        "{w:?}"
    );
    assert!(
        w.iter()
            .any(|m| m.contains("spec.selector.matchLabels: {\"app\":\"nginx\"}")),
        "{w:?}"
    );
    assert_eq!(p.objects.len(), 2);
    let sts = &p.objects[1].object;
    assert_eq!(sts.kind, Kind::StatefulSet);
    // apps/v1beta1's SetDefaults_StatefulSet: selector and labels from the
    // template's labels, OnDelete updates.
    assert_eq!(sts.spec().str_at("selector.matchLabels.app"), Some("nginx"));
    assert_eq!(
        sts.meta.labels.get("app").map(String::as_str),
        Some("nginx")
    );
    assert_eq!(sts.spec().str_at("updateStrategy.type"), Some("OnDelete"));
    // apps/v1beta2 defaulted neither: the selector is required there too.
    let v2 = parse(&WEB_OLD.replace("apps/v1beta1", "apps/v1beta2"));
    assert_eq!(
        errors(&v2)[0].message,
        "The StatefulSet \"web\" is invalid: spec.selector: Required value"
    );
    assert_eq!(
        errors(&v2)[0].line,
        19,
        "points into the StatefulSet's spec"
    );
    // What the manifest sets is kept.
    let explicit = parse(&WEB_OLD.replace(
        "  replicas: 2\n",
        "  replicas: 2\n  updateStrategy:\n    type: RollingUpdate\n",
    ));
    let sts = &explicit.objects[1].object;
    assert_eq!(
        sts.spec().str_at("updateStrategy.type"),
        Some("RollingUpdate")
    );
}

#[test]
fn old_deployments_daemonsets_and_replicasets_keep_their_defaults() {
    let body = "metadata:\n  name: d\nspec:\n  template:\n    metadata:\n      labels:\n        run: d\n    spec:\n      containers:\n      - name: c\n        image: nginx\n";
    let one = |gv: &str, kind: &str| {
        let p = parse(&format!("apiVersion: {gv}\nkind: {kind}\n{body}"));
        assert!(!p.has_errors(), "{gv} {kind}: {:?}", p.diagnostics);
        assert!(p
            .warnings()
            .any(|w| w.message.contains("unavailable in v1.16+")));
        p.objects[0].object.clone()
    };
    let d = one("extensions/v1beta1", "Deployment");
    assert_eq!(d.spec().str_at("selector.matchLabels.run"), Some("d"));
    assert_eq!(d.spec().i64_at("revisionHistoryLimit"), Some(2147483647));
    assert_eq!(d.spec().i64_at("progressDeadlineSeconds"), Some(2147483647));
    assert_eq!(
        d.spec().i64_at("strategy.rollingUpdate.maxUnavailable"),
        Some(1)
    );
    assert_eq!(d.spec().i64_at("strategy.rollingUpdate.maxSurge"), Some(1));
    let d = one("apps/v1beta1", "Deployment");
    assert_eq!(d.spec().str_at("selector.matchLabels.run"), Some("d"));
    assert_eq!(d.spec().i64_at("revisionHistoryLimit"), Some(2));
    let ds = one("extensions/v1beta1", "DaemonSet");
    assert_eq!(ds.spec().str_at("updateStrategy.type"), Some("OnDelete"));
    assert_eq!(ds.meta.labels.get("run").map(String::as_str), Some("d"));
    let rs = one("extensions/v1beta1", "ReplicaSet");
    assert_eq!(rs.spec().str_at("selector.matchLabels.run"), Some("d"));
    for kind in ["Deployment", "DaemonSet", "ReplicaSet"] {
        let p = parse(&format!("apiVersion: apps/v1beta2\nkind: {kind}\n{body}"));
        assert!(
            errors(&p)[0]
                .message
                .ends_with("spec.selector: Required value"),
            "apps/v1beta2 {kind}: {:?}",
            p.diagnostics
        );
    }
}

#[test]
fn policy_v1beta1_empty_selector_still_matches_no_pod() {
    let p = parse("apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata:\n  name: b\nspec:\n  selector: {}\n  minAvailable: 1\n");
    assert!(!p.has_errors(), "{:?}", p.diagnostics);
    let pdb = &p.objects[0].object;
    assert_eq!(
        pdb.spec().str_at("selector.matchExpressions.0.key"),
        Some("pdb.kubernetes.io/deprecated-v1beta1-empty-selector-match")
    );
    assert_eq!(
        pdb.spec().str_at("selector.matchExpressions.0.operator"),
        Some("Exists")
    );
    let today = parse("apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: b\nspec:\n  selector: {}\n  minAvailable: 1\n");
    assert!(today.objects[0]
        .object
        .spec()
        .at("selector.matchExpressions")
        .is_null());
}

#[test]
fn selector_must_match_template_labels() {
    let text = WEB_OLD.replace(
        "  replicas: 2\n",
        "  replicas: 2\n  selector:\n    matchLabels:\n      app: web\n",
    );
    let p = parse(&text);
    let errs = errors(&p);
    assert_eq!(errs.len(), 1, "{:?}", p.diagnostics);
    assert_eq!(
        errs[0].message,
        "The StatefulSet \"web\" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"nginx\"}: `selector` does not match template `labels`"
    );
    assert_eq!(errs[0].line, 27, "points at the template's labels");
    let fixed = text.replace("app: web", "app: nginx");
    let p = parse(&fixed);
    assert!(!p.has_errors(), "{:?}", p.diagnostics);
    let sts = &p.objects[1];
    assert_eq!(sts.object.kind, Kind::StatefulSet);
    assert_eq!(sts.source_api_version, "apps/v1beta1");
    assert_eq!(sts.object.to_value()["apiVersion"], "apps/v1");
}

#[test]
fn unknown_fields_warn_with_kubectl_path() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: a\n    image: nginx\n    imagePullPolic: Always\n  foo: 1\n";
    let p = parse(text);
    assert!(!p.has_errors(), "{:?}", p.diagnostics);
    let w: Vec<(usize, String)> = p.warnings().map(|d| (d.line, d.message.clone())).collect();
    assert!(w.contains(&(
        9,
        "unknown field \"spec.containers[0].imagePullPolic\"".to_string()
    )));
    assert!(w.contains(&(10, "unknown field \"spec.foo\"".to_string())));
    assert_eq!(p.objects.len(), 1);
}

#[test]
fn field_validation_modes() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: a\n    image: nginx\n    imagePullPolic: Always\n  foo: 1\n";
    let p = parse_with(text, FieldValidation::Ignore);
    assert!(p.diagnostics.is_empty(), "{:?}", p.diagnostics);
    assert_eq!(p.objects.len(), 1);
    let p = parse_with(text, FieldValidation::Strict);
    let e = errors(&p);
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].message, "Pod in version \"v1\" cannot be handled as a Pod: strict decoding error: unknown field \"spec.containers[0].imagePullPolic\", unknown field \"spec.foo\"");
    assert_eq!(e[0].line, 9);
    assert!(p.objects.is_empty());
}

#[test]
fn type_errors_use_the_api_server_decoding_message() {
    let text = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: web\nspec:\n  replicas: three\n";
    let p = parse(text);
    let e = errors(&p);
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].message, "StatefulSet in version \"v1\" cannot be handled as a StatefulSet: json: cannot unmarshal string into Go struct field StatefulSetSpec.spec.replicas of type int32");
    assert_eq!((e[0].line, e[0].column), (6, 3));
    assert!(p.objects.is_empty());
    let q = parse("apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: c}\nspec:\n  accessModes: [ReadWriteOnce]\n  resources:\n    requests:\n      storage: 1 gig\n");
    let e = errors(&q);
    assert_eq!(e.len(), 1);
    assert!(e[0].message.ends_with("quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"), "{}", e[0].message);
    assert_eq!(e[0].line, 8);
    // Labels must be strings.
    let l = parse(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  labels:\n    version: 1.0\n",
    );
    assert_eq!(errors(&l)[0].message, "ConfigMap in version \"v1\" cannot be handled as a ConfigMap: json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string");
}

#[test]
fn names_are_validated_with_upstream_wording() {
    let p = parse("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Web_0\n");
    assert_eq!(errors(&p)[0].message, "The ConfigMap \"Web_0\" is invalid: metadata.name: Invalid value: \"Web_0\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')");
    assert_eq!(errors(&p)[0].line, 4);
    let s = parse(
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: 1nginx\nspec:\n  clusterIP: None\n",
    );
    assert!(errors(&s)[0].message.contains("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character"));
    let n = parse("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  labels: {a: b}\n");
    assert_eq!(errors(&n)[0].message, "The ConfigMap \"\" is invalid: metadata.name: Required value: name or generateName is required");
}

/// A StatefulSet's name is a DNS label (v1.27's kubernetes#114172): the
/// label's wording, and a length past 63 is its own error. A subdomain's
/// parts have no limit of their own: a long dotless ConfigMap name is fine.
#[test]
fn statefulset_names_are_dns_labels() {
    let sts = |name: &str| {
        WEB_OLD.replace(
            "metadata:\n  name: web\n",
            &format!("metadata:\n  name: {name}\n"),
        )
    };
    let p = parse(&sts("web.v1"));
    assert_eq!(errors(&p)[0].message, "The StatefulSet \"web.v1\" is invalid: metadata.name: Invalid value: \"web.v1\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')");
    let long = "w".repeat(64);
    let p = parse(&sts(&long));
    assert_eq!(errors(&p)[0].message, format!("The StatefulSet \"{long}\" is invalid: metadata.name: Invalid value: \"{long}\": must be no more than 63 characters"));
    let cm = parse(&format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {long}\n"
    ));
    assert!(!cm.has_errors(), "{:?}", cm.diagnostics);
    let ns = parse(&format!(
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {long}\n"
    ));
    assert!(errors(&ns)[0]
        .message
        .ends_with("must be no more than 63 characters"));
}

#[test]
fn required_fields() {
    let p = parse(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: a\n",
    );
    assert_eq!(
        errors(&p)[0].message,
        "The Pod \"p\" is invalid: spec.containers[0].image: Required value"
    );
    assert_eq!(errors(&p)[0].line, 7);
    let p = parse("apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: c\nspec:\n  accessModes: [ReadWriteOnce]\n");
    assert_eq!(
        errors(&p)[0].message,
        "The PersistentVolumeClaim \"c\" is invalid: spec.resources[storage]: Required value"
    );
    let p =
        parse("apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: my-pvc\nspec: {}\n");
    assert_eq!(
        p.kubectl_errors(),
        vec!["The PersistentVolumeClaim \"my-pvc\" is invalid: \n* spec.accessModes: Required value: at least 1 access mode is required\n* spec.resources[storage]: Required value".to_string()]
    );
    let p = parse("apiVersion: v1\nkind: PersistentVolume\nmetadata:\n  name: pv\nspec:\n  hostPath: {path: /x}\n");
    let m: Vec<_> = errors(&p).iter().map(|d| d.message.clone()).collect();
    assert!(
        m.contains(
            &"The PersistentVolume \"pv\" is invalid: spec.accessModes: Required value".to_string()
        ),
        "{m:?}"
    );
    assert!(
        m.contains(
            &"The PersistentVolume \"pv\" is invalid: spec.capacity: Required value".to_string()
        ),
        "{m:?}"
    );
    // ValidatePersistentVolumeSpec checks the storage key as well, so a
    // missing capacity is reported twice.
    assert!(
        m.contains(
            &"The PersistentVolume \"pv\" is invalid: spec.capacity: Unsupported value: core.ResourceList(nil): supported values: \"storage\"".to_string()
        ),
        "{m:?}"
    );
    let p = parse("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: a\n    image: x\n    volumeMounts:\n    - name: data\n      mountPath: /d\n");
    assert_eq!(
        errors(&p)[0].message,
        "The Pod \"p\" is invalid: spec.containers[0].volumeMounts[0].name: Not found: \"data\""
    );
}

#[test]
fn replication_controller_selector_defaults_before_validation() {
    let p = parse("apiVersion: v1\nkind: ReplicationController\nmetadata:\n  name: cassandra\nspec:\n  replicas: 2\n  template:\n    metadata:\n      labels:\n        app: cassandra\n    spec:\n      containers:\n      - name: c\n        image: x\n");
    assert!(!p.has_errors(), "{:?}", p.diagnostics);
    // Parsing does not default; the API server's create does.
    assert!(p.objects[0].object.spec().at("selector").is_null());
}

#[test]
fn unknown_kind_and_version() {
    let p = parse("apiVersion: v1\nkind: Foo\nmetadata:\n  name: x\n");
    assert!(errors(&p)[0].message.starts_with("resource mapping not found for name: \"x\" namespace: \"\" from \"manifest\": no matches for kind \"Foo\" in version \"v1\""));
    assert_eq!(errors(&p)[0].line, 2);
    let p = parse("apiVersion: apps/v1\nkind: Service\nmetadata:\n  name: x\n");
    assert!(errors(&p)[0]
        .message
        .contains("no matches for kind \"Service\" in version \"apps/v1\""));
    let p = parse("kind: Service\nmetadata:\n  name: x\n");
    assert!(errors(&p)[0]
        .message
        .starts_with("error validating data: apiVersion not set; if you choose"));
}

#[test]
fn petset_becomes_statefulset_with_notes() {
    let text = "apiVersion: apps/v1alpha1\nkind: PetSet\nmetadata:\n  name: test-petset\nspec:\n  serviceName: test-service\n  replicas: 2\n  selector:\n    matchLabels: {app: nginx}\n  template:\n    metadata:\n      labels:\n        app: nginx\n      annotations:\n        pod.alpha.kubernetes.io/initialized: \"true\"\n    spec:\n      containers:\n      - name: nginx\n        image: nginx\n  volumeClaimTemplates:\n  - metadata:\n      name: pv-claim\n      annotations:\n        volume.alpha.kubernetes.io/storage-class: anything\n    spec:\n      accessModes: [ReadWriteOnce]\n      resources:\n        requests:\n          storage: 100Gi\n";
    let p = parse(text);
    assert!(!p.has_errors(), "{:?}", p.diagnostics);
    assert_eq!(p.objects[0].object.kind, Kind::StatefulSet);
    let w: Vec<_> = p.warnings().map(|d| (d.line, d.message.clone())).collect();
    assert!(
        w.iter()
            .any(|(l, m)| *l == 1 && m.contains("PetSet was renamed StatefulSet")),
        "{w:?}"
    );
    assert!(
        w.iter()
            .any(|(l, m)| *l == 15 && m.contains("StatefulSets ignore it")),
        "{w:?}"
    );
    assert!(
        w.iter()
            .any(|(l, m)| *l == 24 && m.contains("default StorageClass")),
        "{w:?}"
    );
}

#[test]
fn old_versions_of_other_kinds() {
    let p = parse("apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata:\n  name: zk-budget\nspec:\n  selector:\n    matchLabels:\n      app: zk\n  minAvailable: 2\n---\nkind: StorageClass\napiVersion: storage.k8s.io/v1beta1\nmetadata:\n  name: fast\nprovisioner: kubernetes.io/gce-pd\nparameters:\n  type: pd-ssd\n");
    assert!(!p.has_errors(), "{:?}", p.diagnostics);
    let w: Vec<_> = p.warnings().map(|d| d.message.clone()).collect();
    assert!(w.contains(&"policy/v1beta1 PodDisruptionBudget is deprecated in v1.21+, unavailable in v1.25+; use policy/v1 PodDisruptionBudget".to_string()));
    assert!(w.contains(&"storage.k8s.io/v1beta1 StorageClass is deprecated in v1.19+, unavailable in v1.22+; use storage.k8s.io/v1 StorageClass".to_string()));
    assert_eq!(p.objects[1].object.kind, Kind::StorageClass);
    assert_eq!(p.objects[1].document, 1);
    let d = parse("apiVersion: extensions/v1beta1\nkind: DaemonSet\nmetadata:\n  name: cassandra\nspec:\n  template:\n    metadata:\n      labels:\n        app: cassandra\n    spec:\n      containers:\n      - name: c\n        image: x\n");
    assert!(!d.has_errors(), "{:?}", d.diagnostics);
}

#[test]
fn lost_indentation_points_at_the_first_impossible_line() {
    let text = "apiVersion: v1\nkind: Service\nmetadata:\nname: nginx\nlabels:\napp: nginx\nspec:\nports:\n- port: 80\nname: web\n";
    let p = parse(text);
    let e = errors(&p);
    assert_eq!(e.len(), 1, "{:?}", p.diagnostics);
    assert_eq!((e[0].line, e[0].column), (4, 1));
    assert!(
        e[0].message.contains("indentation looks lost"),
        "{}",
        e[0].message
    );
    assert!(
        e[0].message.contains("\"metadata:\" on line 3"),
        "{}",
        e[0].message
    );
    // After a separator the line numbers stay global.
    let p = parse(&format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n---\n{text}"
    ));
    assert_eq!(errors(&p)[0].line, 9);
    assert_eq!(errors(&p)[0].document, 1);
}

#[test]
fn flattened_statefulset_from_the_docs() {
    // As the StatefulSet concepts page prints web.yaml: every line at column 1.
    let text = "---\napiVersion: apps/v1beta1\nkind: StatefulSet\nmetadata:\nname: web\nspec:\nserviceName: \"nginx\"\nreplicas: 2\ntemplate:\nmetadata:\nlabels:\napp: nginx\n";
    let p = parse(text);
    let e = errors(&p);
    assert_eq!(e.len(), 1, "{:?}", p.diagnostics);
    assert_eq!(e[0].line, 5);
    assert!(
        e[0].message
            .contains("\"name\" is not a top-level field of a StatefulSet"),
        "{}",
        e[0].message
    );
    // A numbered list inside a block scalar is not a pasted line number.
    let ok = parse("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: steps\ndata:\n  howto: |\n    1. one\n    2. two\n    3. three\n    4. four\n    5. five\n");
    assert!(!ok.has_errors(), "{:?}", ok.diagnostics);
}

#[test]
fn copied_line_numbers_are_diagnosed() {
    let p = parse("1. apiVersion: v1\n2. kind: Service\n3. metadata:\n4. name: x\n");
    let e = errors(&p);
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].line, 1);
    assert!(e[0].message.contains("line number copied"));
}

#[test]
fn yaml_syntax_errors_have_global_positions() {
    let p = parse("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n   bad: [\n");
    let e = errors(&p);
    assert_eq!(e.len(), 1, "{:?}", p.diagnostics);
    assert_eq!(e[0].document, 1);
    assert!(e[0].line >= 9, "{:?}", e[0]);
    assert_eq!(p.objects.len(), 1);
}

#[test]
fn json_and_lists() {
    let p = parse(
        r#"{"apiVersion": "v1", "kind": "List", "items": [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}, "data": {"k": "v"}, "bogus": 1}]}"#,
    );
    assert!(!p.has_errors(), "{:?}", p.diagnostics);
    assert_eq!(p.objects.len(), 1);
    assert!(p.warnings().any(|d| d.message == "unknown field \"bogus\""));
}

#[test]
fn update_rules() {
    let sts = |replicas: i64, svc: &str| {
        let p = parse(&format!("apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: web\nspec:\n  replicas: {replicas}\n  serviceName: {svc}\n  selector:\n    matchLabels: {{app: nginx}}\n  template:\n    metadata:\n      labels: {{app: nginx}}\n    spec:\n      containers: [{{name: n, image: nginx}}]\n"));
        assert!(!p.has_errors(), "{:?}", p.diagnostics);
        p.objects[0].object.clone()
    };
    assert!(validate_update(&sts(2, "nginx"), &sts(5, "nginx"), &FeatureGates::default()).is_ok());
    assert_eq!(
        validate_update(&sts(2, "nginx"), &sts(2, "other"), &FeatureGates::default()).unwrap_err(),
        "StatefulSet.apps \"web\" is invalid: spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"
    );
    let pvc = |size: &str, mode: &str| {
        let p = parse(&format!("apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: c\nspec:\n  accessModes: [{mode}]\n  resources:\n    requests:\n      storage: {size}\n"));
        p.objects[0].object.clone()
    };
    assert!(validate_update(
        &pvc("1Gi", "ReadWriteOnce"),
        &pvc("2Gi", "ReadWriteOnce"),
        &FeatureGates::default()
    )
    .is_ok());
    assert!(validate_update(
        &pvc("1Gi", "ReadWriteOnce"),
        &pvc("1Gi", "ReadWriteMany"),
        &FeatureGates::default()
    )
    .unwrap_err()
    .contains("spec: Forbidden: spec is immutable after creation"));
    let mut bound = pvc("1Gi", "ReadWriteOnce");
    bound.spec_mut()["volumeName"] = "pv-1".into();
    assert!(validate_update(
        &pvc("1Gi", "ReadWriteOnce"),
        &bound,
        &FeatureGates::default()
    )
    .is_ok());
    let svc = |ip: &str| {
        let p = parse(&format!("apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  clusterIP: {ip}\n  ports: [{{port: 80}}]\n"));
        p.objects[0].object.clone()
    };
    assert!(validate_update(
        &svc("10.96.0.5"),
        &svc("10.96.0.6"),
        &FeatureGates::default()
    )
    .unwrap_err()
    .contains(
        "spec.clusterIPs[0]: Invalid value: []string{\"10.96.0.6\"}: may not change once set"
    ));
    let pod = |image: &str, node: &str, port: i64| {
        let p = parse(&format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  nodeName: \"{node}\"\n  containers:\n  - name: c\n    image: {image}\n    ports: [{{containerPort: {port}}}]\n"));
        assert!(!p.has_errors(), "{:?}", p.diagnostics);
        p.objects[0].object.clone()
    };
    assert!(validate_update(
        &pod("nginx:1", "", 80),
        &pod("nginx:2", "", 80),
        &FeatureGates::default()
    )
    .is_ok());
    assert!(validate_update(
        &pod("nginx:1", "", 80),
        &pod("nginx:1", "node-1", 80),
        &FeatureGates::default()
    )
    .is_ok());
    assert!(validate_update(
        &pod("nginx:1", "node-1", 80),
        &pod("nginx:1", "node-2", 80),
        &FeatureGates::default()
    )
    .is_err());
    assert!(validate_update(
        &pod("nginx:1", "", 80),
        &pod("nginx:1", "", 81),
        &FeatureGates::default()
    )
    .unwrap_err()
    .contains(
        "spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`"
    ));
    let dep = |app: &str| {
        let p = parse(&format!("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  selector:\n    matchLabels: {{app: {app}}}\n  template:\n    metadata:\n      labels: {{app: {app}}}\n    spec:\n      containers: [{{name: n, image: nginx}}]\n"));
        p.objects[0].object.clone()
    };
    assert!(validate_update(&dep("a"), &dep("b"), &FeatureGates::default()).unwrap_err().contains("spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"b\"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable"));
}

#[test]
fn validate_object_aggregates_like_kubectl() {
    let p = parse(
        "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: web\nspec:\n  replicas: -1\n",
    );
    let m: Vec<_> = errors(&p).iter().map(|d| d.message.clone()).collect();
    assert!(m.contains(&"The StatefulSet \"web\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0".to_string()), "{m:?}");
    let mut o = crate::sim::object::Object::new(Kind::StatefulSet, "default", "web");
    o.spec_mut()["replicas"] = (-1).into();
    let msg = validate_object(&o, &FeatureGates::default()).unwrap_err();
    assert!(
        msg.starts_with("StatefulSet.apps \"web\" is invalid: [spec.replicas: Invalid value: -1"),
        "{msg}"
    );
    // kubectl shows the same error with one line per cause.
    let shown = validate::kubectl_invalid(&msg).unwrap();
    assert!(shown.starts_with("The StatefulSet \"web\" is invalid: \n* spec.replicas: Invalid value: -1: must be greater than or equal to 0\n* "), "{shown}");
    assert_eq!(
        shown.matches("\n* ").count(),
        validate::validate_object_fields(&o, &FeatureGates::default(), None).len()
    );
    let one = "PersistentVolumeClaim \"c\" is invalid: spec.resources[storage]: Required value";
    assert_eq!(
        validate::kubectl_invalid(one).unwrap(),
        "The PersistentVolumeClaim \"c\" is invalid: spec.resources[storage]: Required value"
    );
}

/// A tiny deterministic generator, so the fuzz test needs no crate.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

#[test]
fn never_panics_on_random_and_mutated_input() {
    let seeds = [
        WEB_OLD.to_string(),
        "apiVersion: v1\nkind: List\nitems:\n- kind: Pod\n  apiVersion: v1\n  metadata: {name: a}\n".to_string(),
        "{\"kind\": \"Service\", \"apiVersion\": \"v1\", \"spec\": {\"ports\": [{\"port\": \"x\"}]}}".to_string(),
        "apiVersion: apps/v1alpha1\nkind: PetSet\nmetadata:\n  name: p\nspec:\n  volumeClaimTemplates:\n  - metadata: {annotations: {a: b}}\n".to_string(),
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {long}\n  labels: {{{long}: {long}}}\nspec:\n  volumes: [{{name: {long}, emptyDir: {{}}}}]\n  containers:\n  - name: {long}\n    image: x\n    resources: {{limits: {{cpu: é}}}}\n",
            long = "é".repeat(40)
        ),
    ];
    let alphabet: Vec<char> = " \n\t:-[]{}\"'#|>&*!%@,.?0123456789abcdeé\u{0}\r---"
        .chars()
        .collect();
    for s in &seeds {
        let _ = parse(s);
    }
    let mut rng = Lcg(7);
    for round in 0..3000 {
        let base = &seeds[round % seeds.len()];
        let mut chars: Vec<char> = base.chars().collect();
        let edits = 1 + rng.below(8);
        for _ in 0..edits {
            let i = rng.below(chars.len() + 1);
            match rng.below(4) {
                0 if i < chars.len() => {
                    chars.remove(i);
                }
                1 => chars.insert(i, alphabet[rng.below(alphabet.len())]),
                2 if i < chars.len() => chars[i] = alphabet[rng.below(alphabet.len())],
                _ => {
                    // Duplicate a line somewhere.
                    let lines: Vec<&str> = base.lines().collect();
                    let l = lines[rng.below(lines.len())];
                    for (k, c) in l.chars().enumerate() {
                        chars.insert((i + k).min(chars.len()), c);
                    }
                }
            }
        }
        let text: String = chars.into_iter().collect();
        let p = parse(&text);
        for d in &p.diagnostics {
            assert!(d.line >= 1 && d.column >= 1, "{d:?} for {text:?}");
            let lines = text
                .replace("\r\n", "\n")
                .replace('\r', "\n")
                .split('\n')
                .count();
            assert!(d.line <= lines.max(1), "{d:?} for {text:?}");
        }
        assert!(
            p.diagnostics
                .windows(2)
                .all(|w| (w[0].line, w[0].column) <= (w[1].line, w[1].column)),
            "diagnostics in reading order"
        );
    }
    // Pure noise too.
    for _ in 0..1000 {
        let n = rng.below(200);
        let text: String = (0..n)
            .map(|_| alphabet[rng.below(alphabet.len())])
            .collect();
        let _ = parse(&text);
    }
}

#[test]
fn statefulset_spec_rules_follow_upstream() {
    let sts = |extra: &str, container: &str| {
        format!("apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: web\nspec:\n{extra}  selector:\n    matchLabels: {{app: nginx}}\n  template:\n    metadata:\n      labels: {{app: nginx}}\n    spec:\n      containers: [{container}]\n")
    };
    let p = parse(&sts(
        "  podManagementPolicy: Sequential\n",
        "{name: n, image: nginx}",
    ));
    assert_eq!(errors(&p)[0].message, "The StatefulSet \"web\" is invalid: spec.podManagementPolicy: Invalid value: \"Sequential\": must be 'OrderedReady' or 'Parallel'");
    assert_eq!(errors(&p)[0].line, 6);
    // Upstream does not validate a StatefulSet's pod spec on create: a
    // template without an image is accepted (its pods then fail to create).
    let p = parse(&sts("", "{name: n}"));
    assert!(!p.has_errors(), "{:?}", p.diagnostics);
    assert_eq!(
        validate_object(&p.objects[0].object, &FeatureGates::default()),
        Ok(()),
        "validate_object agrees"
    );
    // A Deployment's template is validated.
    let d = sts("", "{name: n}").replace("kind: StatefulSet", "kind: Deployment");
    assert_eq!(
        errors(&parse(&d))[0].message,
        "The Deployment \"web\" is invalid: spec.template.spec.containers[0].image: Required value"
    );
    let p = parse(&sts("", "{name: n, image: x}").replace(
        "    spec:\n      containers",
        "    spec:\n      activeDeadlineSeconds: 5\n      containers",
    ));
    assert_eq!(errors(&p)[0].message, "The StatefulSet \"web\" is invalid: spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in StatefulSet is not Supported");
}

#[test]
fn web_page_debris_is_pointed_at() {
    let text = "apiVersion: v1\nkind: PersistentVolume\nmetadata:\n  name: pv-datera-0\nspec:\n  flexVolume:\n    options:\n      size: \u{201C}100\"\n      backstoreServer: \"[tlx170.tlx.daterainc.com](http://tlx170.tlx.daterainc.com/):7717\u{201D}\n";
    let p = parse(text);
    let e = errors(&p);
    assert_eq!(e.len(), 1, "{:?}", p.diagnostics);
    assert_eq!((e[0].line, e[0].column), (8, 13));
    assert!(
        e[0].message.contains("typographic quote"),
        "{}",
        e[0].message
    );
    let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    [pod.alpha.kubernetes.io/initialized:](http://pod.alpha.kubernetes.io/initialized:) \"true\"\n";
    let p = parse(text);
    let e = errors(&p);
    assert_eq!(e[0].line, 6);
    assert!(e[0].message.contains("replace \"[pod.alpha.kubernetes.io/initialized:](http://pod.alpha.kubernetes.io/initialized:)\" with \"pod.alpha.kubernetes.io/initialized:\""), "{}", e[0].message);
}

#[test]
fn pod_spec_details() {
    let pod = |extra: &str| {
        parse(&format!("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: x\n{extra}"))
    };
    let p = pod("    ports:\n    - containerPort: 80\n      name: Web_Port\n");
    assert!(errors(&p).iter().any(|d| d.message == "The Pod \"p\" is invalid: spec.containers[0].ports[0].name: Invalid value: \"Web_Port\": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)"), "{:?}", p.diagnostics);
    let p = pod("    resources:\n      requests:\n        cpus: 1\n");
    assert_eq!(errors(&p)[0].message, "The Pod \"p\" is invalid: spec.containers[0].resources.requests[cpus]: Invalid value: \"cpus\": must be a standard resource type or fully qualified");
    assert_eq!(errors(&p)[0].line, 10);
    let p = pod("  affinity:\n    podAntiAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n      - labelSelector: {matchLabels: {app: zk}}\n");
    assert_eq!(errors(&p)[0].message, "The Pod \"p\" is invalid: spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey: Required value: can not be empty");
    let ok = pod("    ports:\n    - {containerPort: 7001, name: tls-intra-node}\n    resources: {requests: {cpu: 500m, example.com/gpu: 1}}\n");
    assert!(!ok.has_errors(), "{:?}", ok.diagnostics);
}

#[test]
fn yaml_1_1_scalars_as_kubectl_reads_them() {
    let p = parse(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  labels:\n    enabled: yes\n",
    );
    assert_eq!(errors(&p)[0].message, "ConfigMap in version \"v1\" cannot be handled as a ConfigMap: json: cannot unmarshal bool into Go struct field ObjectMeta.metadata.labels of type string");
    assert_eq!(errors(&p)[0].line, 6);
    // Quoted, it is a string.
    let p = parse(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  labels:\n    enabled: \"yes\"\n",
    );
    assert!(!p.has_errors(), "{:?}", p.diagnostics);
    // 0644 is octal: 420.
    let p = parse("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers: [{name: c, image: x}]\n  volumes:\n  - name: v\n    configMap:\n      name: c\n      defaultMode: 0644\n  - name: w\n    secret:\n      secretName: s\n      items:\n      - key: k\n        path: p\n        mode: 0400\n");
    assert!(!p.has_errors(), "{:?}", p.diagnostics);
    let spec = p.objects[0].object.spec();
    assert_eq!(spec["volumes"][0]["configMap"]["defaultMode"], 420);
    assert_eq!(spec["volumes"][1]["secret"]["items"][0]["mode"], 256);
    // A boolean field accepts `on`.
    let p = parse("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  hostNetwork: on\n  containers: [{name: c, image: x}]\n");
    assert!(!p.has_errors(), "{:?}", p.diagnostics);
    assert_eq!(p.objects[0].object.spec()["hostNetwork"], true);
    // Sequence items too.
    let p = parse("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: x\n    args:\n    - no\n");
    assert_eq!(errors(&p)[0].message, "Pod in version \"v1\" cannot be handled as a Pod: json: cannot unmarshal bool into Go struct field Container.spec.containers.args of type string");
}

/// The update rules of PersistentVolumes, StorageClasses and immutable
/// ConfigMaps (`ValidatePersistentVolumeUpdate`, `ValidateStorageClassUpdate`,
/// `ValidateConfigMapUpdate`).
#[test]
fn volumes_classes_and_immutable_config_keep_what_upstream_freezes() {
    let one = |yaml: &str| parse(yaml).objects[0].object.clone();
    let pv = |path: &str| {
        one(&format!("apiVersion: v1\nkind: PersistentVolume\nmetadata:\n  name: pv-1\nspec:\n  capacity:\n    storage: 1Gi\n  accessModes: [ReadWriteOnce]\n  hostPath:\n    path: {path}\n"))
    };
    let mut grown = pv("/data");
    grown.spec_mut()["persistentVolumeReclaimPolicy"] = "Retain".into();
    assert_eq!(
        validate_update(&pv("/data"), &grown, &FeatureGates::default()),
        Ok(())
    );
    assert_eq!(
        validate_update(&pv("/data"), &pv("/other"), &FeatureGates::default()).unwrap_err(),
        "PersistentVolume \"pv-1\" is invalid: spec.persistentvolumesource: Forbidden: spec.persistentvolumesource is immutable after creation"
    );

    let sc = |mode: &str| {
        one(&format!("apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: fast\nprovisioner: ordinal.sim/hostpath\nvolumeBindingMode: {mode}\n"))
    };
    assert_eq!(
        validate_update(&sc("Immediate"), &sc("Immediate"), &FeatureGates::default()),
        Ok(())
    );
    assert_eq!(
        validate_update(&sc("Immediate"), &sc("WaitForFirstConsumer"), &FeatureGates::default()).unwrap_err(),
        "StorageClass.storage.k8s.io \"fast\" is invalid: volumeBindingMode: Invalid value: \"WaitForFirstConsumer\": field is immutable"
    );
    let mut other = sc("Immediate");
    other
        .body
        .insert("provisioner".into(), "example.com/nfs".into());
    assert!(
        validate_update(&sc("Immediate"), &other, &FeatureGates::default())
            .unwrap_err()
            .contains("provisioner: Forbidden: updates to provisioner are forbidden.")
    );

    let cm = |immutable: bool, v: &str| {
        one(&format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: conf\nimmutable: {immutable}\ndata:\n  k: {v}\n"))
    };
    assert_eq!(
        validate_update(&cm(false, "a"), &cm(false, "b"), &FeatureGates::default()),
        Ok(())
    );
    assert_eq!(
        validate_update(&cm(true, "a"), &cm(true, "b"), &FeatureGates::default()).unwrap_err(),
        "ConfigMap \"conf\" is invalid: data: Forbidden: field is immutable when `immutable` is set"
    );
}

/// `validateRollingUpdateStatefulSet` (v1.31), reached only when the API
/// server kept `maxUnavailable`: with `MaxUnavailableStatefulSet` on.
#[test]
fn max_unavailable_is_validated_when_its_gate_keeps_it() {
    let on = FeatureGates::parse("MaxUnavailableStatefulSet=true").unwrap();
    let doc = |ru: &str| {
        format!(
            "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: kv\nspec:\n  serviceName: kv\n  \
             updateStrategy:\n    type: RollingUpdate\n    rollingUpdate: {ru}\n  selector:\n    \
             matchLabels: {{app: kv}}\n  template:\n    metadata:\n      labels: {{app: kv}}\n    \
             spec:\n      containers: [{{name: c, image: nginx}}]\n"
        )
    };
    let errs = |ru: &str, gates: &FeatureGates| -> Vec<String> {
        parse_gated(&doc(ru), FieldValidation::Strict, gates)
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| d.message.clone())
            .collect()
    };
    const P: &str =
        "The StatefulSet \"kv\" is invalid: spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: ";
    let percent = "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')";
    let cases: &[(&str, &[String])] = &[
        ("{maxUnavailable: 2}", &[]),
        ("{maxUnavailable: 50%}", &[]),
        ("{maxUnavailable: 100%}", &[]),
        (
            "{maxUnavailable: 0}",
            &[format!("{P}intstr.IntOrString{{Type:0, IntVal:0, StrVal:\"\"}}: cannot be 0")],
        ),
        (
            "{maxUnavailable: 0%}",
            &[format!("{P}intstr.IntOrString{{Type:1, IntVal:0, StrVal:\"0%\"}}: cannot be 0")],
        ),
        (
            "{maxUnavailable: 101%}",
            &[format!(
                "{P}intstr.IntOrString{{Type:1, IntVal:0, StrVal:\"101%\"}}: must not be greater than 100%"
            )],
        ),
        (
            "{maxUnavailable: -1}",
            &[format!("{P}-1: must be greater than or equal to 0")],
        ),
        // Not a percent: refused, and `IntValue()` of "x" is 0 as well.
        (
            "{maxUnavailable: x}",
            &[
                format!("{P}intstr.IntOrString{{Type:1, IntVal:0, StrVal:\"x\"}}: {percent}"),
                format!("{P}intstr.IntOrString{{Type:1, IntVal:0, StrVal:\"x\"}}: cannot be 0"),
            ],
        ),
        // "3" is a string, not a percent; its IntValue is 3, so only one error.
        (
            "{maxUnavailable: \"3\"}",
            &[format!("{P}intstr.IntOrString{{Type:1, IntVal:0, StrVal:\"3\"}}: {percent}")],
        ),
        // Out of int64's range: strconv.Atoi gives the largest int64.
        (
            "{maxUnavailable: 99999999999999999999%}",
            &[format!(
                "{P}intstr.IntOrString{{Type:1, IntVal:0, StrVal:\"99999999999999999999%\"}}: must not be greater than 100%"
            )],
        ),
        (
            "{partition: -1}",
            &["The StatefulSet \"kv\" is invalid: spec.updateStrategy.rollingUpdate.partition: Invalid value: -1: must be greater than or equal to 0".to_string()],
        ),
    ];
    for (ru, want) in cases {
        assert_eq!(&errs(ru, &on), want, "{ru}");
    }
    // With the gate off (v1.31's default) the API server drops the field
    // before validating it: no error, whatever its value.
    for ru in [
        "{maxUnavailable: 0}",
        "{maxUnavailable: x}",
        "{maxUnavailable: 101%}",
    ] {
        assert!(errs(ru, &FeatureGates::default()).is_empty(), "{ru}");
    }
    // An update is validated the same way; a stored set that already uses
    // the field keeps it (and its validation) with the gate off.
    let parsed = |ru: &str| {
        parse_gated(&doc(ru), FieldValidation::Strict, &on).objects[0]
            .object
            .clone()
    };
    let (old, bad) = (parsed("{maxUnavailable: 2}"), parsed("{maxUnavailable: 2}"));
    let mut bad = bad;
    bad.spec_mut()["updateStrategy"]["rollingUpdate"]["maxUnavailable"] = 0.into();
    let msg = validate_update(&old, &bad, &on).unwrap_err();
    assert!(msg.ends_with("maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}: cannot be 0"), "{msg}");
    assert!(validate_update(&old, &bad, &FeatureGates::default()).is_err());
    let mut plain = old.clone();
    plain.spec_mut()["updateStrategy"]["rollingUpdate"] = serde_json::json!({"partition": 0});
    assert!(validate_update(&plain, &bad, &FeatureGates::default()).is_ok());
}

/// kubectl lists one object's causes in the API server's order
/// (ValidateStatefulSetSpec: podManagementPolicy, updateStrategy, ...,
/// replicas), whatever order the manifest writes the fields in; the
/// editor's diagnostics stay in reading order.
#[test]
fn causes_are_listed_in_validation_order() {
    let p = parse(
        "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: web\nspec:\n  replicas: -1\n  \
         podManagementPolicy: Sequential\n  serviceName: web\n  selector:\n    matchLabels: {app: web}\n  \
         template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers: [{name: c, image: nginx}]\n",
    );
    let lines: Vec<usize> = errors(&p).iter().map(|d| d.line).collect();
    assert_eq!(lines, vec![6, 7], "reading order for the editor");
    assert_eq!(
        p.kubectl_errors(),
        vec!["The StatefulSet \"web\" is invalid: \n\
              * spec.podManagementPolicy: Invalid value: \"Sequential\": must be 'OrderedReady' or 'Parallel'\n\
              * spec.replicas: Invalid value: -1: must be greater than or equal to 0"
            .to_string()]
    );
}
