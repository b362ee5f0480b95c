//! API versions: today's, and the old ones the seeds were written for,
//! converted to today's with the API server's deprecation warning.

use super::positions::Seg;
use super::{Ctx, Severity};
use crate::sim::object::{json_text, Kind};
use serde_json::Value;

/// What an `apiVersion`/`kind` pair maps to.
pub struct Target {
    pub kind: Kind,
    /// Written in a version today's API server no longer serves.
    pub old: bool,
    /// `(deprecated in, removed in)`, e.g. `("v1.8", "v1.16")`.
    pub lifecycle: Option<(&'static str, &'static str)>,
}

/// Old group/versions, the kinds they served and their lifecycle
/// (the API server's `APILifecycleDeprecated`/`APILifecycleRemoved`).
/// Ordinal still accepts them and converts to today's version; the
/// warning is the API server's own deprecation text.
const OLD: &[(&str, &[&str], &str, &str)] = &[
    (
        "apps/v1beta1",
        &["StatefulSet", "Deployment", "ControllerRevision"],
        "v1.9",
        "v1.16",
    ),
    (
        "apps/v1beta2",
        &[
            "StatefulSet",
            "Deployment",
            "DaemonSet",
            "ReplicaSet",
            "ControllerRevision",
        ],
        "v1.9",
        "v1.16",
    ),
    (
        "extensions/v1beta1",
        &["Deployment", "DaemonSet", "ReplicaSet"],
        "v1.9",
        "v1.16",
    ),
    ("policy/v1beta1", &["PodDisruptionBudget"], "v1.21", "v1.25"),
    (
        "storage.k8s.io/v1beta1",
        &["StorageClass"],
        "v1.19",
        "v1.22",
    ),
];

/// The kind served today under that name, if any.
pub fn today_for(kind: &str) -> Option<Kind> {
    if kind == "PetSet" {
        return Some(Kind::StatefulSet);
    }
    Kind::parse(kind)
}

pub fn resolve(api_version: &str, kind: &str) -> Option<Target> {
    if api_version == "apps/v1alpha1" && kind == "PetSet" {
        return Some(Target {
            kind: Kind::StatefulSet,
            old: true,
            lifecycle: Some(("v1.5", "v1.5")),
        });
    }
    let k = Kind::parse(kind)?;
    if k.api_version() == api_version {
        return Some(Target {
            kind: k,
            old: false,
            lifecycle: None,
        });
    }
    OLD.iter()
        .find(|(gv, kinds, _, _)| *gv == api_version && kinds.contains(&kind))
        .map(|(_, _, dep, rem)| Target {
            kind: k,
            old: true,
            lifecycle: Some((dep, rem)),
        })
}

fn key(prefix: &[Seg], parts: &[&str]) -> Vec<Seg> {
    let mut v = prefix.to_vec();
    v.extend(parts.iter().map(|p| Seg::Key((*p).to_string())));
    v
}

/// Rewrites `v` (already carrying today's apiVersion and kind) the way the
/// API server's conversion would, and says what changed.
pub(super) fn convert(
    ctx: &mut Ctx<'_>,
    target: &Target,
    api_version: &str,
    kind: &str,
    v: &mut Value,
    prefix: &[Seg],
) {
    let today = target.kind.api_version();
    if let (true, Some((dep, rem))) = (target.old, target.lifecycle) {
        let msg = if kind == "PetSet" {
            format!(
                "apps/v1alpha1 PetSet is unavailable since v1.5, when PetSet was renamed \
                 StatefulSet; use {today} StatefulSet"
            )
        } else {
            format!(
                "{api_version} {kind} is deprecated in {dep}+, unavailable in {rem}+; use \
                 {today} {kind}"
            )
        };
        ctx.at(&key(prefix, &["apiVersion"]), Severity::Warning, msg);
    }
    if target.old {
        old_defaults(ctx, api_version, kind, v, prefix);
    }
    match target.kind {
        Kind::Deployment => {
            // Gone with extensions/v1beta1 and apps/v1beta1.
            if let Some(spec) = v.get_mut("spec").and_then(Value::as_object_mut) {
                if spec.remove("rollbackTo").is_some() {
                    ctx.at(
                        &key(prefix, &["spec", "rollbackTo"]),
                        Severity::Warning,
                        "spec.rollbackTo was removed with apps/v1beta1 and is dropped; use \
                         `kubectl rollout undo`"
                            .into(),
                    );
                }
            }
        }
        Kind::DaemonSet => {
            if let Some(spec) = v.get_mut("spec").and_then(Value::as_object_mut) {
                spec.remove("templateGeneration");
            }
        }
        Kind::PodDisruptionBudget if target.old => {
            // A null selector selects nothing in both versions; an empty
            // one (`{}`) selected nothing in policy/v1beta1 and selects
            // every pod in policy/v1. The API server's conversion keeps the
            // old meaning with a selector no pod can match
            // (`NonV1beta1MatchNoneSelector`).
            let empty = match v.pointer("/spec/selector") {
                Some(Value::Object(m)) => m.values().all(|x| match x {
                    Value::Object(o) => o.is_empty(),
                    Value::Array(a) => a.is_empty(),
                    Value::Null => true,
                    _ => false,
                }),
                _ => false,
            };
            if empty {
                if let Some(spec) = v.get_mut("spec").and_then(Value::as_object_mut) {
                    spec.insert(
                        "selector".into(),
                        serde_json::json!({"matchExpressions": [
                            {"key": PDB_V1BETA1_LABEL, "operator": "Exists"}
                        ]}),
                    );
                }
                ctx.at(
                    &key(prefix, &["spec", "selector"]),
                    Severity::Warning,
                    format!(
                        "in policy/v1beta1 an empty selector matches no pods; in policy/v1 it \
                         matches every pod in the namespace: converted to the selector \
                         {PDB_V1BETA1_LABEL} Exists, which no pod matches"
                    ),
                );
            }
        }
        _ => {}
    }
    annotation_notes(ctx, v, prefix);
}

/// The label of the selector that converts policy/v1beta1's empty
/// selector (`PDBV1beta1Label` in `pkg/apis/policy`).
pub const PDB_V1BETA1_LABEL: &str = "pdb.kubernetes.io/deprecated-v1beta1-empty-selector-match";

/// What the old version's `SetDefaults_*` did that apps/v1 does not, so the
/// converted object is the one the old API server would have stored:
/// - `apps/v1alpha1` PetSet, `apps/v1beta1` StatefulSet and Deployment,
///   `extensions/v1beta1` Deployment, DaemonSet and ReplicaSet default
///   `spec.selector` (matchLabels) and empty `metadata.labels` from the
///   template's labels (apps/v1beta2 and apps/v1 require the selector);
/// - `apps/v1beta1` StatefulSet (and PetSet, whose pods were never
///   replaced by the controller) and `extensions/v1beta1` DaemonSet default
///   `updateStrategy.type` to `OnDelete` (RollingUpdate since apps/v1beta2);
/// - `apps/v1beta1` Deployment keeps 2 old ReplicaSets
///   (`revisionHistoryLimit: 2`), `extensions/v1beta1` Deployment defaults
///   `maxUnavailable`/`maxSurge` to 1 and leaves `revisionHistoryLimit` and
///   `progressDeadlineSeconds` unset, which apps/v1 reads as 2147483647.
fn old_defaults(ctx: &mut Ctx<'_>, api_version: &str, kind: &str, v: &mut Value, prefix: &[Seg]) {
    let selector_from_labels = matches!(
        (api_version, kind),
        ("apps/v1alpha1", "PetSet")
            | ("apps/v1beta1", "StatefulSet" | "Deployment")
            | (
                "extensions/v1beta1",
                "Deployment" | "DaemonSet" | "ReplicaSet"
            )
    );
    let on_delete = matches!(
        (api_version, kind),
        ("apps/v1alpha1", "PetSet")
            | ("apps/v1beta1", "StatefulSet")
            | ("extensions/v1beta1", "DaemonSet")
    );
    let labels = v
        .pointer("/spec/template/metadata/labels")
        .filter(|l| l.as_object().is_some_and(|m| !m.is_empty()))
        .cloned();
    let Some(spec) = v.get_mut("spec").and_then(Value::as_object_mut) else {
        return;
    };
    let mut notes = Vec::new();
    if let (true, Some(labels)) = (selector_from_labels, &labels) {
        if spec.get("selector").is_none_or(Value::is_null) {
            spec.insert(
                "selector".into(),
                serde_json::json!({ "matchLabels": labels }),
            );
            notes.push(format!(
                "spec.selector.matchLabels: {} from the template's labels",
                serde_json::to_string(labels).unwrap_or_default()
            ));
        }
    }
    if on_delete {
        let strategy = spec
            .entry("updateStrategy")
            .or_insert_with(|| Value::Object(Default::default()));
        if let Some(s) = strategy.as_object_mut() {
            if s.get("type").is_none_or(Value::is_null) {
                s.insert("type".into(), "OnDelete".into());
                notes.push(
                    "spec.updateStrategy.type: OnDelete (pods take a new template only when \
                     deleted; apps/v1 defaults to RollingUpdate)"
                        .into(),
                );
            }
        }
    }
    if kind == "Deployment" {
        let mut unset = |spec: &mut serde_json::Map<String, Value>, f: &str, d: Value| {
            if spec.get(f).is_none_or(Value::is_null) {
                notes.push(format!("spec.{f}: {}", json_text(&d)));
                spec.insert(f.into(), d);
            }
        };
        match api_version {
            "apps/v1beta1" => unset(spec, "revisionHistoryLimit", 2.into()),
            "extensions/v1beta1" => {
                unset(spec, "revisionHistoryLimit", i32::MAX.into());
                unset(spec, "progressDeadlineSeconds", i32::MAX.into());
                let rolling = spec
                    .get("strategy")
                    .and_then(|s| s.get("type"))
                    .and_then(Value::as_str)
                    .is_none_or(|t| t == "RollingUpdate");
                if rolling {
                    let strategy = spec
                        .entry("strategy")
                        .or_insert_with(|| Value::Object(Default::default()));
                    if let Some(s) = strategy.as_object_mut() {
                        let ru = s
                            .entry("rollingUpdate")
                            .or_insert_with(|| Value::Object(Default::default()));
                        if let Some(ru) = ru.as_object_mut() {
                            for f in ["maxUnavailable", "maxSurge"] {
                                if ru.get(f).is_none_or(Value::is_null) {
                                    ru.insert(f.into(), 1.into());
                                    notes.push(format!("spec.strategy.rollingUpdate.{f}: 1"));
                                }
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
    if let (true, Some(labels)) = (selector_from_labels, labels) {
        if let Some(meta) = v.get_mut("metadata").and_then(Value::as_object_mut) {
            if meta
                .get("labels")
                .is_none_or(|l| l.as_object().is_none_or(|m| m.is_empty()))
            {
                meta.insert("labels".into(), labels);
            }
        }
    }
    if !notes.is_empty() {
        ctx.at(
            &key(prefix, &["spec"]),
            Severity::Warning,
            format!(
                "{api_version} {kind} defaults kept in the converted object: {}",
                notes.join("; ")
            ),
        );
    }
}

/// Annotations from the alpha/beta days that today's cluster ignores or
/// has replaced by fields.
fn annotation_notes(ctx: &mut Ctx<'_>, v: &Value, prefix: &[Seg]) {
    let mut places: Vec<(Vec<&str>, &Value)> = vec![(vec!["metadata"], v)];
    let tmpl = v.pointer("/spec/template");
    if let Some(t) = tmpl {
        places.push((vec!["spec", "template", "metadata"], t));
    }
    for (i, c) in v
        .pointer("/spec/volumeClaimTemplates")
        .and_then(Value::as_array)
        .map(|a| a.as_slice())
        .unwrap_or(&[])
        .iter()
        .enumerate()
    {
        check_claim_annotations(
            ctx,
            c,
            &{
                let mut p = prefix.to_vec();
                p.push(Seg::Key("spec".into()));
                p.push(Seg::Key("volumeClaimTemplates".into()));
                p.push(Seg::Index(i));
                p
            },
            &format!("spec.volumeClaimTemplates[{i}]."),
        );
    }
    if v.get("kind").and_then(Value::as_str) == Some("PersistentVolumeClaim") {
        check_claim_annotations(ctx, v, prefix, "");
    }
    for (path, obj) in places {
        let Some(ann) = obj
            .pointer("/metadata/annotations")
            .and_then(Value::as_object)
        else {
            continue;
        };
        let mut at = key(prefix, &path);
        at.push(Seg::Key("annotations".into()));
        for (k, val) in ann {
            let mut here = at.clone();
            here.push(Seg::Key(k.clone()));
            let note = match k.as_str() {
                "pod.alpha.kubernetes.io/initialized" => Some(format!(
                    "annotation {k}: {} was read by the PetSet controller (\"false\" paused \
                     creating the next pet); StatefulSets ignore it",
                    json_text(val)
                )),
                "scheduler.alpha.kubernetes.io/affinity" => Some(format!(
                    "annotation {k} is ignored since v1.6; the scheduler reads spec.affinity \
                     (e.g. spec.template.spec.affinity.podAntiAffinity)"
                )),
                "scheduler.alpha.kubernetes.io/tolerations" => Some(format!(
                    "annotation {k} is ignored since v1.6; use spec.tolerations"
                )),
                "pod.beta.kubernetes.io/init-containers"
                | "pod.alpha.kubernetes.io/init-containers" => Some(format!(
                    "annotation {k} is ignored since v1.8; use spec.initContainers"
                )),
                "service.alpha.kubernetes.io/tolerate-unready-endpoints" => Some(format!(
                    "annotation {k} is deprecated; use spec.publishNotReadyAddresses"
                )),
                _ => None,
            };
            if let Some(n) = note {
                ctx.at(&here, Severity::Warning, n);
            }
        }
    }
}

fn check_claim_annotations(ctx: &mut Ctx<'_>, claim: &Value, at: &[Seg], field_prefix: &str) {
    let Some(ann) = claim
        .pointer("/metadata/annotations")
        .and_then(Value::as_object)
    else {
        return;
    };
    for k in ann.keys() {
        let mut here = at.to_vec();
        here.extend(
            ["metadata", "annotations", k.as_str()]
                .iter()
                .map(|s| Seg::Key((*s).to_string())),
        );
        match k.as_str() {
            // The API server's own warning (GetWarningsForPersistentVolumeClaim).
            "volume.beta.kubernetes.io/storage-class" => ctx.at(
                &here,
                Severity::Warning,
                format!(
                    "{field_prefix}metadata.annotations[{k}]: deprecated since v1.8; use \
                     \"storageClassName\" attribute instead"
                ),
            ),
            "volume.alpha.kubernetes.io/storage-class" => ctx.at(
                &here,
                Severity::Warning,
                format!(
                    "{field_prefix}metadata.annotations[{k}] is ignored today (in v1.3-v1.5 it \
                     asked for dynamic provisioning whatever its value); without \
                     spec.storageClassName the claim gets the default StorageClass"
                ),
            ),
            _ => {}
        }
    }
}
