//! API versions: today's, and the old ones the seeds were written for,
//! converted to today's with the API server's deprecation warning.

use super::positions::Seg;
use super::{Ctx, Severity};
use crate::sim::object::Kind;
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
            let sel = v.pointer("/spec/selector");
            let empty = match sel {
                None | Some(Value::Null) => true,
                Some(Value::Object(m)) => m.values().all(|x| match x {
                    Value::Object(o) => o.is_empty(),
                    Value::Array(a) => a.is_empty(),
                    Value::Null => true,
                    _ => false,
                }),
                _ => false,
            };
            if empty {
                ctx.at(
                    &key(prefix, &["spec", "selector"]),
                    Severity::Warning,
                    "in policy/v1beta1 an empty selector matched no pods; in policy/v1 it \
                     matches every pod in the namespace"
                        .into(),
                );
            }
        }
        _ => {}
    }
    annotation_notes(ctx, v, prefix);
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
                    "annotation {k}: {val} was read by the PetSet controller (\"false\" paused \
                     creating the next pet); StatefulSets ignore it"
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
