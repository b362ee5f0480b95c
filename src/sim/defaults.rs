//! API-server defaulting applied on create (`SetDefaults_*` in
//! `pkg/apis/*/v1/defaults.go`), for the kinds Ordinal simulates.
//! ClusterIP allocation needs the seeded RNG and is left to whoever
//! creates the Service (see `needs_cluster_ip`).

use super::features::{self, FeatureGates};
use super::object::{set_at, Kind, Object, ValueExt};
use serde_json::{json, Map, Value};

/// The gate-dependent part of the API server's handling of a StatefulSet
/// write: `SetDefaults_StatefulSet` defaults `maxUnavailable` to 1 only
/// with `MaxUnavailableStatefulSet` on, and the strategy's
/// `dropStatefulSetDisabledFields` (pkg/registry/apps/statefulset) drops a
/// disabled gate's field on create, and on update unless the stored object
/// (`old`) already uses it.
///
/// Also `VolumeAttributesClass` (beta, off in v1.31): a claim's or
/// volume's `spec.volumeAttributesClassName` is dropped the same way
/// (`DropDisabledSpecFields` in pkg/api/persistentvolume{,claim}).
pub fn drop_disabled_fields(obj: &mut Object, old: Option<&Object>, gates: &FeatureGates) {
    let old_uses = |path: &str| old.is_some_and(|o| !o.spec().at(path).is_null());
    let has = |v: &Value, key: &str| v.as_object().is_some_and(|m| m.contains_key(key));
    if matches!(
        obj.kind,
        Kind::PersistentVolumeClaim | Kind::PersistentVolume
    ) {
        const VAC: &str = "volumeAttributesClassName";
        if !gates.enabled(features::VOLUME_ATTRIBUTES_CLASS) && !old_uses(VAC) {
            if let Some(spec) = spec_to_edit(obj, |s| has(s, VAC)) {
                if let Some(spec) = spec.as_object_mut() {
                    spec.remove(VAC);
                }
            }
        }
        return;
    }
    if obj.kind != Kind::StatefulSet {
        return;
    }
    const MAX_UNAVAILABLE: &str = "updateStrategy.rollingUpdate.maxUnavailable";
    const RETENTION: &str = "persistentVolumeClaimRetentionPolicy";
    if gates.enabled(features::MAX_UNAVAILABLE_STATEFUL_SET) {
        let defaults = |s: &Value| {
            s.str_at("updateStrategy.type") == Some("RollingUpdate")
                && s.at("updateStrategy.rollingUpdate").is_object()
        };
        if let Some(spec) = spec_to_edit(obj, |s| defaults(s) && s.at(MAX_UNAVAILABLE).is_null()) {
            if defaults(spec) {
                default_at(spec, MAX_UNAVAILABLE, 1.into());
            }
        }
    } else if !old_uses(MAX_UNAVAILABLE) {
        let has_max = |s: &Value| has(s.at("updateStrategy.rollingUpdate"), "maxUnavailable");
        if let Some(spec) = spec_to_edit(obj, has_max) {
            if let Some(ru) = spec
                .pointer_mut("/updateStrategy/rollingUpdate")
                .and_then(Value::as_object_mut)
            {
                ru.remove("maxUnavailable");
            }
        }
    }
    if !gates.enabled(features::STATEFUL_SET_AUTO_DELETE_PVC) && !old_uses(RETENTION) {
        if let Some(spec) = spec_to_edit(obj, |s| has(s, RETENTION)) {
            if let Some(spec) = spec.as_object_mut() {
                spec.remove(RETENTION);
            }
        }
    }
    // StatefulSetStartOrdinal is GA and locked on in v1.31: `ordinals` stays.
}

/// The spec to edit, when `needs` says the edit changes it: taking the spec
/// for writing copies it when it is shared (a status write shares the
/// stored spec), and the API then compares the spec in full instead of by
/// pointer. A missing or null spec is still taken, as it becomes `{}`.
fn spec_to_edit(obj: &mut Object, needs: impl Fn(&Value) -> bool) -> Option<&mut Value> {
    let spec = obj.spec();
    (spec.is_null() || needs(spec)).then(|| obj.spec_mut())
}

/// Sets `path` in `v` when it is absent (null).
fn default_at(v: &mut Value, path: &str, d: Value) {
    if v.at(path).is_null() {
        set_at(v, path, d);
    }
}

pub fn apply(obj: &mut Object) {
    match obj.kind {
        Kind::Pod => {
            // In place: a pod its creator defaulted already (and holds no
            // other reference to) is read, not copied.
            let spec = obj.spec_mut();
            pod_spec(spec);
            pod_only(spec);
            // The class is read from the spec only for a status without
            // one: the API server's pass over a pod its creator defaulted
            // would read it again for nothing.
            let qos = obj
                .status()
                .at("qosClass")
                .is_null()
                .then(|| super::podutil::get_pod_qos(obj));
            let status = obj.field_mut("status");
            default_at(status, "phase", "Pending".into());
            if let Some(qos) = qos {
                set_at(status, "qosClass", qos.into());
            }
        }
        Kind::StatefulSet => {
            let spec = obj.spec_mut();
            default_at(spec, "replicas", 1.into());
            default_at(spec, "podManagementPolicy", "OrderedReady".into());
            default_at(spec, "updateStrategy.type", "RollingUpdate".into());
            if spec.str_at("updateStrategy.type") == Some("RollingUpdate") {
                default_at(spec, "updateStrategy.rollingUpdate.partition", 0.into());
            }
            default_at(spec, "revisionHistoryLimit", 10.into());
            default_at(
                spec,
                "persistentVolumeClaimRetentionPolicy.whenDeleted",
                "Retain".into(),
            );
            default_at(
                spec,
                "persistentVolumeClaimRetentionPolicy.whenScaled",
                "Retain".into(),
            );
            template(spec);
            if let Some(claims) = spec
                .get_mut("volumeClaimTemplates")
                .and_then(Value::as_array_mut)
            {
                for c in claims {
                    default_at(c, "spec.volumeMode", "Filesystem".into());
                    // The API server stores templates with these set.
                    default_at(c, "apiVersion", "v1".into());
                    default_at(c, "kind", "PersistentVolumeClaim".into());
                }
            }
        }
        Kind::ReplicationController => {
            // RC's own rule: selector and labels default from the template.
            let labels = obj.spec().at("template.metadata.labels").clone();
            let has_labels = labels.as_object().is_some_and(|m| !m.is_empty());
            let spec = obj.spec_mut();
            if has_labels {
                let empty = spec.at("selector").as_object().is_none_or(|m| m.is_empty());
                if empty {
                    set_at(spec, "selector", labels.clone());
                }
            }
            default_at(spec, "replicas", 1.into());
            template(spec);
            if has_labels && obj.meta.labels.is_empty() {
                obj.meta.labels = obj.spec().labels_at("template.metadata.labels");
            }
        }
        Kind::ReplicaSet => {
            let spec = obj.spec_mut();
            default_at(spec, "replicas", 1.into());
            template(spec);
        }
        Kind::Deployment => {
            let spec = obj.spec_mut();
            default_at(spec, "replicas", 1.into());
            default_at(spec, "strategy.type", "RollingUpdate".into());
            if spec.str_at("strategy.type") == Some("RollingUpdate") {
                default_at(spec, "strategy.rollingUpdate.maxUnavailable", "25%".into());
                default_at(spec, "strategy.rollingUpdate.maxSurge", "25%".into());
            }
            default_at(spec, "revisionHistoryLimit", 10.into());
            default_at(spec, "progressDeadlineSeconds", 600.into());
            template(spec);
        }
        Kind::DaemonSet => {
            let spec = obj.spec_mut();
            default_at(spec, "updateStrategy.type", "RollingUpdate".into());
            if spec.str_at("updateStrategy.type") == Some("RollingUpdate") {
                default_at(
                    spec,
                    "updateStrategy.rollingUpdate.maxUnavailable",
                    1.into(),
                );
                default_at(spec, "updateStrategy.rollingUpdate.maxSurge", 0.into());
            }
            default_at(spec, "revisionHistoryLimit", 10.into());
            template(spec);
        }
        Kind::Service => {
            let spec = obj.spec_mut();
            default_at(spec, "type", "ClusterIP".into());
            default_at(spec, "sessionAffinity", "None".into());
            if let Some(ports) = spec.get_mut("ports").and_then(Value::as_array_mut) {
                for p in ports {
                    default_at(p, "protocol", "TCP".into());
                    if p.at("targetPort").is_null() {
                        let port = p.at("port").clone();
                        if !port.is_null() {
                            set_at(p, "targetPort", port);
                        }
                    }
                }
            }
            if spec.str_at("clusterIP") == Some("None") {
                default_at(spec, "clusterIPs", json!(["None"]));
            }
            if spec.str_at("type") != Some("ExternalName") {
                default_at(spec, "internalTrafficPolicy", "Cluster".into());
                default_at(spec, "ipFamilyPolicy", "SingleStack".into());
                default_at(spec, "ipFamilies", json!(["IPv4"]));
            }
        }
        Kind::PersistentVolumeClaim => {
            let spec = obj.spec_mut();
            default_at(spec, "volumeMode", "Filesystem".into());
            let status = obj.field_mut("status");
            default_at(status, "phase", "Pending".into());
        }
        Kind::PersistentVolume => {
            // Static PVs keep their data: Retain (dynamic ones get the
            // class's policy from the provisioner, which sets it).
            let spec = obj.spec_mut();
            default_at(spec, "persistentVolumeReclaimPolicy", "Retain".into());
            default_at(spec, "volumeMode", "Filesystem".into());
            let status = obj.field_mut("status");
            default_at(status, "phase", "Pending".into());
        }
        Kind::StorageClass => {
            if obj.field("reclaimPolicy").is_null() {
                obj.body.insert("reclaimPolicy".into(), "Delete".into());
            }
            if obj.field("volumeBindingMode").is_null() {
                obj.body
                    .insert("volumeBindingMode".into(), "Immediate".into());
            }
        }
        Kind::Secret if obj.field("type").is_null() => {
            obj.body.insert("type".into(), "Opaque".into());
        }
        Kind::Namespace => {
            let status = obj.field_mut("status");
            default_at(status, "phase", "Active".into());
            let meta = &mut *obj.meta;
            meta.labels
                .entry("kubernetes.io/metadata.name".into())
                .or_insert_with(|| meta.name.clone());
        }
        _ => {}
    }
}

/// A controller's pod template gets the pod defaults.
fn template(spec: &mut Value) {
    let mut pod = spec.at("template.spec").clone();
    if pod.is_null() && spec.at("template").is_null() {
        return;
    }
    pod_spec(&mut pod);
    set_at(spec, "template.spec", pod);
}

fn pod_spec(spec: &mut Value) {
    if !spec.is_object() {
        *spec = Value::Object(Map::new());
    }
    default_at(spec, "restartPolicy", "Always".into());
    default_at(spec, "terminationGracePeriodSeconds", 30.into());
    default_at(spec, "dnsPolicy", "ClusterFirst".into());
    default_at(spec, "schedulerName", "default-scheduler".into());
    default_at(spec, "securityContext", json!({}));
    for field in ["initContainers", "containers"] {
        if let Some(cs) = spec.get_mut(field).and_then(Value::as_array_mut) {
            for c in cs {
                container(c);
            }
        }
    }
    if let Some(vs) = spec.get_mut("volumes").and_then(Value::as_array_mut) {
        for v in vs {
            if let Some(cm) = v.get_mut("configMap").filter(|x| x.is_object()) {
                default_at(cm, "defaultMode", 420.into());
            }
            if let Some(s) = v.get_mut("secret").filter(|x| x.is_object()) {
                default_at(s, "defaultMode", 420.into());
            }
            if let Some(h) = v.get_mut("hostPath").filter(|x| x.is_object()) {
                default_at(h, "type", "".into());
            }
        }
    }
}

/// What `SetDefaults_Pod` and the admission plugins add to a pod (not to
/// a controller's template): requests from limits, service links,
/// priority, the default service account, and the not-ready/unreachable
/// tolerations of DefaultTolerationSeconds (300 s), which decide how long
/// a pod stays bound to a failed node before the taint manager evicts it.
fn pod_only(spec: &mut Value) {
    for field in ["initContainers", "containers"] {
        if let Some(cs) = spec.get_mut(field).and_then(Value::as_array_mut) {
            for c in cs {
                let limits = c.at("resources.limits").clone();
                if let Some(l) = limits.as_object() {
                    for (k, v) in l {
                        default_at(c, &format!("resources.requests.{k}"), v.clone());
                    }
                }
            }
        }
    }
    default_at(spec, "enableServiceLinks", true.into());
    default_at(spec, "priority", 0.into());
    default_at(spec, "preemptionPolicy", "PreemptLowerPriority".into());
    default_at(spec, "serviceAccountName", "default".into());
    default_at(spec, "serviceAccount", "default".into());
    if !spec.at("tolerations").is_array() {
        set_at(spec, "tolerations", Value::Array(Vec::new()));
    }
    let Some(tolerations) = spec.get_mut("tolerations").and_then(Value::as_array_mut) else {
        return;
    };
    for key in [
        "node.kubernetes.io/not-ready",
        "node.kubernetes.io/unreachable",
    ] {
        // The plugin leaves a pod alone that already tolerates the taint.
        let tolerated = tolerations.iter().any(|t| {
            let effect = t.str_at("effect").unwrap_or("");
            (effect.is_empty() || effect == "NoExecute")
                && (t.str_at("key") == Some(key)
                    || (t.str_at("key").unwrap_or("").is_empty()
                        && t.str_at("operator") == Some("Exists")))
        });
        if !tolerated {
            tolerations.push(json!({
                "effect": "NoExecute",
                "key": key,
                "operator": "Exists",
                "tolerationSeconds": 300
            }));
        }
    }
}

fn container(c: &mut Value) {
    if !c.is_object() {
        return;
    }
    let image = c.str_at("image").unwrap_or("").to_string();
    default_at(c, "imagePullPolicy", image_pull_policy(&image).into());
    default_at(c, "terminationMessagePath", "/dev/termination-log".into());
    default_at(c, "terminationMessagePolicy", "File".into());
    default_at(c, "resources", json!({}));
    if let Some(ports) = c.get_mut("ports").and_then(Value::as_array_mut) {
        for p in ports {
            default_at(p, "protocol", "TCP".into());
        }
    }
    for probe in ["livenessProbe", "readinessProbe", "startupProbe"] {
        if let Some(p) = c.get_mut(probe).filter(|p| p.is_object()) {
            default_at(p, "timeoutSeconds", 1.into());
            default_at(p, "periodSeconds", 10.into());
            default_at(p, "successThreshold", 1.into());
            default_at(p, "failureThreshold", 3.into());
        }
    }
}

/// `Always` for `:latest` or no tag, else `IfNotPresent` (a digest counts as a tag).
pub fn image_pull_policy(image: &str) -> &'static str {
    if image.contains('@') {
        return "IfNotPresent";
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    match last.split_once(':') {
        Some((_, tag)) if tag != "latest" => "IfNotPresent",
        _ => "Always",
    }
}

/// The DefaultStorageClass admission plugin: a claim that names no class
/// (no `spec.storageClassName`, no beta annotation) gets the default
/// StorageClass, the newest if several are marked default. An explicit
/// `""` asks for no class and is left alone. For `api::create` to call
/// on PersistentVolumeClaims (it needs the store, so it is not in `apply`).
pub fn admit_default_storage_class(obj: &mut Object, store: &super::store::Store) {
    if obj.kind != Kind::PersistentVolumeClaim
        || !obj.spec().at("storageClassName").is_null()
        || obj
            .meta
            .annotations
            .contains_key("volume.beta.kubernetes.io/storage-class")
    {
        return;
    }
    let default = store
        .list(Kind::StorageClass)
        .filter(|sc| {
            sc.meta
                .annotations
                .get("storageclass.kubernetes.io/is-default-class")
                .is_some_and(|v| v == "true")
        })
        .max_by(|a, b| {
            a.meta
                .creation_timestamp
                .cmp(&b.meta.creation_timestamp)
                .then_with(|| b.meta.name.cmp(&a.meta.name))
        });
    if let Some(sc) = default {
        let name = sc.meta.name.clone();
        obj.spec_mut()["storageClassName"] = name.into();
    }
}

/// The PersistentVolumeClaimResize admission plugin, on an update: a claim
/// may grow only when it is Bound and its StorageClass (the same before and
/// after) sets `allowVolumeExpansion: true`. `Err` is the API server's
/// Forbidden message. Validation runs first, so a shrink never gets here.
pub fn admit_claim_resize(
    old: &Object,
    new: &Object,
    store: &super::store::Store,
) -> Result<(), String> {
    if new.kind != Kind::PersistentVolumeClaim {
        return Ok(());
    }
    let size = |o: &Object| {
        o.spec()
            .str_at("resources.requests.storage")
            .and_then(crate::sim::quantity::parse_quantity)
    };
    let (Some(before), Some(after)) = (size(old), size(new)) else {
        return Ok(());
    };
    if after <= before {
        return Ok(());
    }
    let forbidden = |why: &str| {
        Err(format!(
            "persistentvolumeclaims \"{}\" is forbidden: {why}",
            new.meta.name
        ))
    };
    if old.field("status").str_at("phase") != Some("Bound") {
        return forbidden("Only bound persistent volume claims can be expanded");
    }
    // `GetPersistentVolumeClaimClass`: the beta annotation wins.
    let class = |o: &Object| -> String {
        o.meta
            .annotations
            .get("volume.beta.kubernetes.io/storage-class")
            .cloned()
            .or_else(|| o.spec().str_at("storageClassName").map(str::to_string))
            .unwrap_or_default()
    };
    let (c_old, c_new) = (class(old), class(new));
    let allowed = !c_new.is_empty()
        && c_new == c_old
        && store
            .get(Kind::StorageClass, "", &c_new)
            .and_then(|sc| sc.field("allowVolumeExpansion").as_bool())
            == Some(true);
    if !allowed {
        return forbidden(
            "only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize",
        );
    }
    Ok(())
}

/// True for a Service that should be given a cluster IP on create
/// (not headless, not ExternalName, none chosen yet).
pub fn needs_cluster_ip(obj: &Object) -> bool {
    obj.kind == Kind::Service
        && obj.spec().str_at("type") != Some("ExternalName")
        && obj.spec().str_at("clusterIP").unwrap_or("").is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obj(yaml: &str) -> Object {
        let v: Value = serde_yaml::from_str(yaml).unwrap();
        Object::from_value(&v).unwrap()
    }

    #[test]
    fn pod_defaults() {
        let mut p = obj("kind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: a\n    image: nginx\n    ports: [{containerPort: 80}]\n  - name: b\n    image: nginx:1.25\n  - name: c\n    image: repo:5000/x\n");
        apply(&mut p);
        let s = p.spec();
        assert_eq!(s.str_at("restartPolicy"), Some("Always"));
        assert_eq!(s.i64_at("terminationGracePeriodSeconds"), Some(30));
        assert_eq!(s.str_at("dnsPolicy"), Some("ClusterFirst"));
        assert_eq!(s.str_at("schedulerName"), Some("default-scheduler"));
        assert_eq!(s.str_at("containers.0.imagePullPolicy"), Some("Always"));
        assert_eq!(
            s.str_at("containers.1.imagePullPolicy"),
            Some("IfNotPresent")
        );
        // A registry port is not a tag.
        assert_eq!(s.str_at("containers.2.imagePullPolicy"), Some("Always"));
        assert_eq!(s.str_at("containers.0.ports.0.protocol"), Some("TCP"));
        assert_eq!(
            s.str_at("containers.0.terminationMessagePath"),
            Some("/dev/termination-log")
        );
        assert_eq!(p.status().str_at("phase"), Some("Pending"));
        assert_eq!(p.status().str_at("qosClass"), Some("BestEffort"));
        assert_eq!(s.str_at("serviceAccountName"), Some("default"));
        let tol = s.array_at("tolerations");
        assert_eq!(tol.len(), 2);
        assert_eq!(tol[0].str_at("key"), Some("node.kubernetes.io/not-ready"));
        assert_eq!(tol[1].i64_at("tolerationSeconds"), Some(300));
    }

    #[test]
    fn pod_requests_default_from_limits_and_tolerations_are_not_doubled() {
        let mut p = obj("kind: Pod\nmetadata: {name: p}\nspec:\n  tolerations: [{operator: Exists}]\n  containers:\n  - name: a\n    image: x:1\n    resources: {limits: {cpu: 500m, memory: 1Gi}}\n");
        apply(&mut p);
        assert_eq!(
            p.spec().str_at("containers.0.resources.requests.cpu"),
            Some("500m")
        );
        assert_eq!(p.status().str_at("qosClass"), Some("Guaranteed"));
        assert_eq!(p.spec().array_at("tolerations").len(), 1);
    }

    #[test]
    fn explicit_values_are_kept() {
        let mut p = obj("kind: Pod\nmetadata: {name: p}\nspec:\n  terminationGracePeriodSeconds: 0\n  restartPolicy: Never\n  containers:\n  - {name: a, image: nginx, imagePullPolicy: Never}\n");
        apply(&mut p);
        assert_eq!(p.spec().i64_at("terminationGracePeriodSeconds"), Some(0));
        assert_eq!(p.spec().str_at("restartPolicy"), Some("Never"));
        assert_eq!(
            p.spec().str_at("containers.0.imagePullPolicy"),
            Some("Never")
        );
    }

    #[test]
    fn gated_fields_are_dropped_unless_enabled_or_already_in_use() {
        use crate::sim::features::{FeatureGates, VOLUME_ATTRIBUTES_CLASS};
        let claim = || {
            obj("apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: c\nspec:\n  volumeAttributesClassName: gold\n")
        };
        let off = FeatureGates::default();
        let mut c = claim();
        drop_disabled_fields(&mut c, None, &off);
        assert!(c.spec().at("volumeAttributesClassName").is_null());
        // An update keeps what the stored object already uses.
        let mut c = claim();
        drop_disabled_fields(&mut c, Some(&claim()), &off);
        assert_eq!(c.spec().str_at("volumeAttributesClassName"), Some("gold"));
        let on = FeatureGates::parse(&format!("{VOLUME_ATTRIBUTES_CLASS}=true")).unwrap();
        let mut c = claim();
        drop_disabled_fields(&mut c, None, &on);
        assert_eq!(c.spec().str_at("volumeAttributesClassName"), Some("gold"));
    }

    /// A write with nothing gated in it leaves the spec shared with the copy
    /// it came from (no copy, and the API compares it by pointer); one with
    /// something to drop loses just that; a missing spec still becomes `{}`.
    #[test]
    fn dropping_gated_fields_copies_the_spec_only_to_change_it() {
        use crate::sim::features::{FeatureGates, MAX_UNAVAILABLE_STATEFUL_SET};
        let off = FeatureGates::default();
        let set = |extra: &str| {
            obj(&format!("kind: StatefulSet\nmetadata: {{name: web}}\nspec:\n  replicas: 2\n  updateStrategy:\n    type: RollingUpdate\n    rollingUpdate: {{partition: 0{extra}}}\n"))
        };
        let stored = set("");
        let mut write = stored.clone();
        drop_disabled_fields(&mut write, Some(&stored), &off);
        assert!(write.body.same_field(&stored.body, "spec"));
        assert_eq!(write.spec(), stored.spec());

        let stored = set(", maxUnavailable: 2");
        let mut write = stored.clone();
        drop_disabled_fields(&mut write, None, &off);
        assert!(!write.body.same_field(&stored.body, "spec"));
        assert!(write
            .spec()
            .at("updateStrategy.rollingUpdate.maxUnavailable")
            .is_null());
        assert_eq!(
            write
                .spec()
                .i64_at("updateStrategy.rollingUpdate.partition"),
            Some(0)
        );
        // Kept when the stored set already uses it; defaulted when the gate is on.
        let mut write = stored.clone();
        drop_disabled_fields(&mut write, Some(&stored), &off);
        assert!(write.body.same_field(&stored.body, "spec"));
        let on = FeatureGates::parse(&format!("{MAX_UNAVAILABLE_STATEFUL_SET}=true")).unwrap();
        let mut write = set("");
        drop_disabled_fields(&mut write, None, &on);
        assert_eq!(
            write
                .spec()
                .i64_at("updateStrategy.rollingUpdate.maxUnavailable"),
            Some(1)
        );

        let mut bare = obj("kind: StatefulSet\nmetadata: {name: web}\n");
        drop_disabled_fields(&mut bare, None, &off);
        assert_eq!(bare.spec(), &serde_json::json!({}));
    }

    #[test]
    fn statefulset_defaults() {
        let mut s = obj("kind: StatefulSet\nmetadata: {name: web}\nspec:\n  template:\n    spec:\n      containers: [{name: n, image: nginx:1}]\n  volumeClaimTemplates:\n  - metadata: {name: www}\n    spec: {accessModes: [ReadWriteOnce]}\n");
        apply(&mut s);
        let sp = s.spec();
        assert_eq!(sp.i64_at("replicas"), Some(1));
        assert_eq!(sp.str_at("podManagementPolicy"), Some("OrderedReady"));
        assert_eq!(sp.str_at("updateStrategy.type"), Some("RollingUpdate"));
        assert_eq!(sp.i64_at("updateStrategy.rollingUpdate.partition"), Some(0));
        assert_eq!(sp.i64_at("revisionHistoryLimit"), Some(10));
        assert_eq!(
            sp.str_at("persistentVolumeClaimRetentionPolicy.whenDeleted"),
            Some("Retain")
        );
        assert_eq!(
            sp.str_at("persistentVolumeClaimRetentionPolicy.whenScaled"),
            Some("Retain")
        );
        assert_eq!(sp.str_at("template.spec.restartPolicy"), Some("Always"));
        assert_eq!(
            sp.str_at("template.spec.containers.0.imagePullPolicy"),
            Some("IfNotPresent")
        );
        assert_eq!(
            sp.str_at("volumeClaimTemplates.0.spec.volumeMode"),
            Some("Filesystem")
        );
        // OnDelete gets no rollingUpdate.
        let mut s = obj(
            "kind: StatefulSet\nmetadata: {name: w}\nspec:\n  updateStrategy: {type: OnDelete}\n",
        );
        apply(&mut s);
        assert!(s.spec().at("updateStrategy.rollingUpdate").is_null());
        // Templates get PodSpec defaults only, not the pod's admission ones.
        let mut s = obj("kind: StatefulSet\nmetadata: {name: w}\nspec:\n  template:\n    spec:\n      containers:\n      - name: n\n        image: x\n        resources: {limits: {cpu: 500m}}\n        readinessProbe: {exec: {command: [true]}}\n");
        apply(&mut s);
        assert!(s.spec().at("template.spec.tolerations").is_null());
        assert!(s
            .spec()
            .at("template.spec.containers.0.resources.requests")
            .is_null());
        assert_eq!(
            s.spec()
                .i64_at("template.spec.containers.0.readinessProbe.periodSeconds"),
            Some(10)
        );
        assert_eq!(
            s.spec()
                .i64_at("template.spec.containers.0.readinessProbe.failureThreshold"),
            Some(3)
        );
    }

    #[test]
    fn replication_controller_selector_from_template() {
        let mut rc = obj("kind: ReplicationController\nmetadata: {name: cassandra}\nspec:\n  replicas: 2\n  template:\n    metadata:\n      labels: {app: cassandra}\n    spec:\n      containers: [{name: c, image: x}]\n");
        apply(&mut rc);
        assert_eq!(rc.spec().str_at("selector.app"), Some("cassandra"));
        assert_eq!(
            rc.meta.labels.get("app").map(String::as_str),
            Some("cassandra")
        );
        assert_eq!(rc.spec().i64_at("replicas"), Some(2));
        // An explicit selector stays.
        let mut rc = obj("kind: ReplicationController\nmetadata: {name: h}\nspec:\n  selector: {name: hazelcast}\n  template:\n    metadata:\n      labels: {name: hazelcast, tier: x}\n");
        apply(&mut rc);
        assert_eq!(rc.spec().labels_at("selector").len(), 1);
        assert_eq!(rc.spec().i64_at("replicas"), Some(1));
    }

    #[test]
    fn default_storage_class_admission() {
        let mut store = crate::sim::store::Store::default();
        let mut sc = obj("kind: StorageClass\nmetadata:\n  name: standard\n  annotations: {storageclass.kubernetes.io/is-default-class: \"true\"}\nprovisioner: x\n");
        sc.meta.creation_timestamp = 1;
        store.put(sc);
        store.put(obj(
            "kind: StorageClass\nmetadata: {name: fast}\nprovisioner: y\n",
        ));
        let mut c =
            obj("kind: PersistentVolumeClaim\nmetadata: {name: c, namespace: default}\nspec: {}\n");
        admit_default_storage_class(&mut c, &store);
        assert_eq!(c.spec().str_at("storageClassName"), Some("standard"));
        let mut none = obj(
            "kind: PersistentVolumeClaim\nmetadata: {name: c}\nspec: {storageClassName: \"\"}\n",
        );
        admit_default_storage_class(&mut none, &store);
        assert_eq!(none.spec().str_at("storageClassName"), Some(""));
        let mut beta = obj("kind: PersistentVolumeClaim\nmetadata:\n  name: c\n  annotations: {volume.beta.kubernetes.io/storage-class: fast}\nspec: {}\n");
        admit_default_storage_class(&mut beta, &store);
        assert!(beta.spec().at("storageClassName").is_null());
    }

    #[test]
    fn service_and_storage_defaults() {
        let mut s = obj("kind: Service\nmetadata: {name: nginx}\nspec:\n  clusterIP: None\n  ports: [{port: 80, name: web}]\n");
        apply(&mut s);
        assert_eq!(s.spec().str_at("type"), Some("ClusterIP"));
        assert_eq!(s.spec().str_at("sessionAffinity"), Some("None"));
        assert_eq!(s.spec().str_at("ports.0.protocol"), Some("TCP"));
        assert_eq!(s.spec().i64_at("ports.0.targetPort"), Some(80));
        assert!(!needs_cluster_ip(&s));
        let mut c = obj("kind: Service\nmetadata: {name: r}\nspec:\n  ports: [{port: 3306, targetPort: mysql}]\n");
        apply(&mut c);
        assert_eq!(c.spec().str_at("ports.0.targetPort"), Some("mysql"));
        assert!(needs_cluster_ip(&c));
        let mut sc = obj("kind: StorageClass\nmetadata: {name: fast}\nprovisioner: x\n");
        apply(&mut sc);
        assert_eq!(sc.field("reclaimPolicy"), &Value::from("Delete"));
        assert_eq!(sc.field("volumeBindingMode"), &Value::from("Immediate"));
        let mut pv = obj(
            "kind: PersistentVolume\nmetadata: {name: pv}\nspec:\n  capacity: {storage: 1Gi}\n",
        );
        apply(&mut pv);
        assert_eq!(
            pv.spec().str_at("persistentVolumeReclaimPolicy"),
            Some("Retain")
        );
        assert_eq!(pv.spec().str_at("volumeMode"), Some("Filesystem"));
        let mut pvc = obj("kind: PersistentVolumeClaim\nmetadata: {name: c}\nspec: {}\n");
        apply(&mut pvc);
        assert_eq!(pvc.spec().str_at("volumeMode"), Some("Filesystem"));
    }
}
