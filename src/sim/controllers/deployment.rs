//! The Deployment controller (basic), after upstream
//! `pkg/controller/deployment`: a ReplicaSet `<deployment>-<pod-template-hash>`
//! per template, scaled by the `RollingUpdate` (maxSurge/maxUnavailable,
//! `reconcileNewReplicaSet` / `reconcileOldReplicaSets`) or `Recreate`
//! strategy, old ReplicaSets kept up to `revisionHistoryLimit`, and the
//! Deployment's status summed from its ReplicaSets.

use super::statefulset::history::{canonical_json, fnv1a_32, safe_encode_string};
use super::{Ctx, Keys, Out};
use crate::sim::object::{rfc3339, set_at, Key, Kind, Object, OwnerRef, ValueExt};
use crate::sim::sort::{self, CollectSorted};
use crate::sim::store::{Change, Store};
use serde_json::{json, Value};

/// `apps.DefaultDeploymentUniqueLabelKey`.
pub const POD_TEMPLATE_HASH_LABEL: &str = "pod-template-hash";
pub const REVISION_ANNOTATION: &str = "deployment.kubernetes.io/revision";
/// The revisions a ReplicaSet had before a rollback made it new again.
pub const REVISION_HISTORY_ANNOTATION: &str = "deployment.kubernetes.io/revision-history";
pub const DESIRED_REPLICAS_ANNOTATION: &str = "deployment.kubernetes.io/desired-replicas";
pub const MAX_REPLICAS_ANNOTATION: &str = "deployment.kubernetes.io/max-replicas";

/// `controller.ComputeHash`: FNV-1a over the template (and the collision
/// count when set), printed in decimal and safe-encoded.
pub fn compute_hash(template: &Value, collision_count: Option<i64>) -> String {
    let raw = canonical_json(template);
    let probe = collision_count.map(|c| c.to_string()).unwrap_or_default();
    safe_encode_string(&fnv1a_32(&[raw.as_bytes(), probe.as_bytes()]).to_string())
}

fn replicas(o: &Object) -> i64 {
    o.spec().i64_at("replicas").unwrap_or(1).max(0)
}

fn available(rs: &Object) -> i64 {
    rs.status().i64_at("availableReplicas").unwrap_or(0)
}

/// `intstr.GetScaledValueFromIntOrPercent`.
fn scaled(v: &Value, total: i64, round_up: bool, default_percent: i64) -> i64 {
    let percent = |p: i64| {
        if round_up {
            (p * total + 99) / 100
        } else {
            p * total / 100
        }
    };
    match v {
        Value::Number(n) => n.as_i64().unwrap_or(0),
        Value::String(s) => match s.strip_suffix('%').and_then(|p| p.parse::<i64>().ok()) {
            Some(p) => percent(p),
            None => s.parse().unwrap_or(0),
        },
        _ => percent(default_percent),
    }
}

/// `ResolveFenceposts`: (maxSurge, maxUnavailable), never both zero.
fn resolve_fenceposts(d: &Object) -> (i64, i64) {
    let r = replicas(d);
    let ru = d.spec().at("strategy.rollingUpdate");
    let surge = scaled(ru.at("maxSurge"), r, true, 25);
    let mut unavailable = scaled(ru.at("maxUnavailable"), r, false, 25);
    if surge == 0 && unavailable == 0 {
        unavailable = 1;
    }
    (surge, unavailable)
}

/// The template without the hash label (`EqualIgnoreHash`).
pub(crate) fn template_ignoring_hash(t: &Value) -> Value {
    let mut t = t.clone();
    if let Some(labels) = t
        .get_mut("metadata")
        .and_then(|m| m.get_mut("labels"))
        .and_then(|l| l.as_object_mut())
    {
        labels.remove(POD_TEMPLATE_HASH_LABEL);
        if labels.is_empty() {
            t["metadata"].as_object_mut().map(|m| m.remove("labels"));
        }
    }
    if t.at("metadata").as_object().is_some_and(|m| m.is_empty()) {
        t.as_object_mut().map(|m| m.remove("metadata"));
    }
    t
}

fn revision_of(rs: &Object) -> i64 {
    rs.meta
        .annotations
        .get(REVISION_ANNOTATION)
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// A scaling step with upstream's event.
fn scale(d: &Object, rs: &mut Object, to: i64, max_surge: i64, out: &mut Out) {
    let from = replicas(rs);
    let desired = replicas(d).to_string();
    let max = (replicas(d) + max_surge).to_string();
    let annotations_ok = rs.meta.annotations.get(DESIRED_REPLICAS_ANNOTATION) == Some(&desired)
        && rs.meta.annotations.get(MAX_REPLICAS_ANNOTATION) == Some(&max);
    if from == to && annotations_ok {
        return;
    }
    set_at(rs.spec_mut(), "replicas", json!(to));
    rs.meta
        .annotations
        .insert(DESIRED_REPLICAS_ANNOTATION.into(), desired);
    rs.meta
        .annotations
        .insert(MAX_REPLICAS_ANNOTATION.into(), max);
    out.update(rs.clone());
    if from != to {
        let op = if to > from { "up" } else { "down" };
        out.event(
            d,
            false,
            "ScalingReplicaSet",
            format!(
                "Scaled {op} replica set {} to {to} from {from}",
                rs.meta.name
            ),
        );
    }
}

fn sync_deployment(ctx: &Ctx, d: &Object, out: &mut Out) {
    let Some(selector) = super::replication::selector_for(d) else {
        return;
    };
    let ns = &d.meta.namespace;
    let mut all: Vec<Object> = ctx
        .store
        .list_ns(Kind::ReplicaSet, ns)
        .filter(|rs| rs.meta.is_owned_by(&d.meta.uid) && selector.matches(&rs.meta.labels))
        .cloned()
        .collect();
    sort::sort_by_key(&mut all, |rs| {
        (rs.meta.creation_timestamp, rs.meta.name.clone())
    });
    if d.meta.deletion_timestamp.is_some() {
        return;
    }
    let template = d.spec().at("template").clone();
    let want = template_ignoring_hash(&template);
    let new_idx = all
        .iter()
        .position(|rs| template_ignoring_hash(rs.spec().at("template")) == want);
    let (max_surge, max_unavailable) = resolve_fenceposts(d);
    let recreate = d.spec().str_at("strategy.type") == Some("Recreate");
    let paused = d.spec().bool_at("paused").unwrap_or(false);
    let max_old_revision = all.iter().map(revision_of).max().unwrap_or(0);

    let mut new_rs = match new_idx {
        Some(i) => {
            let mut rs = all.remove(i);
            // SetNewReplicaSetAnnotations: an old template becoming new
            // again (a rollback) takes the next revision and keeps its
            // former one in revision-history.
            let next = all.iter().map(revision_of).max().unwrap_or(0) + 1;
            let had = rs.meta.annotations.get(REVISION_ANNOTATION).cloned();
            if revision_of(&rs) < next {
                if let Some(old_rev) = had {
                    let hist = rs
                        .meta
                        .annotations
                        .get(REVISION_HISTORY_ANNOTATION)
                        .filter(|h| !h.is_empty())
                        .map(|h| format!("{h},{old_rev}"))
                        .unwrap_or(old_rev);
                    rs.meta
                        .annotations
                        .insert(REVISION_HISTORY_ANNOTATION.into(), hist);
                }
                rs.meta
                    .annotations
                    .insert(REVISION_ANNOTATION.into(), next.to_string());
                out.update(rs.clone());
            }
            rs
        }
        None => {
            if paused {
                return;
            }
            let collision = d.status().i64_at("collisionCount");
            let hash = compute_hash(&template, collision);
            let name = format!("{}-{hash}", d.meta.name);
            if ctx.store.get(Kind::ReplicaSet, ns, &name).is_some() {
                // Taken by a ReplicaSet that is not ours or differs: count it.
                let mut u = d.clone();
                set_at(
                    u.status_mut(),
                    "collisionCount",
                    json!(collision.unwrap_or(0) + 1),
                );
                out.update(u);
                return;
            }
            let mut rs = Object::new(Kind::ReplicaSet, ns, &name);
            let mut t = template.clone();
            set_at(
                &mut t,
                &format!("metadata.labels.{POD_TEMPLATE_HASH_LABEL}"),
                json!(hash),
            );
            rs.meta.labels = t.labels_at("metadata.labels");
            rs.meta.annotations = d
                .meta
                .annotations
                .iter()
                .filter(|(k, _)| !k.starts_with("kubectl.kubernetes.io/"))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect_sorted();
            rs.meta.annotations.insert(
                REVISION_ANNOTATION.into(),
                (max_old_revision + 1).to_string(),
            );
            rs.meta.owner_references = vec![OwnerRef::controller_of(d)];
            let mut sel = d.spec().at("selector").clone();
            if sel.is_null() {
                sel = json!({"matchLabels": template.at("metadata.labels")});
            }
            set_at(
                &mut sel,
                &format!("matchLabels.{POD_TEMPLATE_HASH_LABEL}"),
                json!(hash),
            );
            let current: i64 = all.iter().map(replicas).sum();
            let initial = if recreate {
                0
            } else if all.is_empty() {
                replicas(d)
            } else {
                (replicas(d) + max_surge - current).clamp(0, replicas(d))
            };
            rs.body.insert(
                "spec".into(),
                json!({"replicas": initial, "minReadySeconds": d.spec().i64_at("minReadySeconds").unwrap_or(0),
                    "selector": sel, "template": t}),
            );
            rs.meta
                .annotations
                .insert(DESIRED_REPLICAS_ANNOTATION.into(), replicas(d).to_string());
            rs.meta.annotations.insert(
                MAX_REPLICAS_ANNOTATION.into(),
                (replicas(d) + max_surge).to_string(),
            );
            out.create(rs.clone());
            if initial > 0 {
                out.event(
                    d,
                    false,
                    "ScalingReplicaSet",
                    format!("Scaled up replica set {name} to {initial}"),
                );
            }
            rs
        }
    };
    let mut old = all;

    // The Deployment carries its newest revision.
    let rev = revision_of(&new_rs).to_string();
    if d.meta.annotations.get(REVISION_ANNOTATION) != Some(&rev) && !paused {
        let mut u = d.clone();
        u.meta.annotations.insert(REVISION_ANNOTATION.into(), rev);
        out.update(u);
    }

    if paused {
        // Only proportional scaling happens while paused; keep it simple:
        // the newest ReplicaSet follows spec.replicas when it is the only one.
        if old.iter().all(|rs| replicas(rs) == 0) {
            scale(d, &mut new_rs, replicas(d), max_surge, out);
        }
    } else if recreate {
        let old_running: i64 = old
            .iter()
            .map(|rs| rs.status().i64_at("replicas").unwrap_or(0))
            .sum();
        for rs in old.iter_mut() {
            scale(d, rs, 0, max_surge, out);
        }
        if old_running == 0 {
            scale(d, &mut new_rs, replicas(d), max_surge, out);
        }
    } else {
        rollout_rolling(d, &mut new_rs, &mut old, max_surge, max_unavailable, out);
    }

    cleanup_deployment(d, &old, out);
    update_deployment_status(ctx, d, &new_rs, &old, max_unavailable, out);
}

/// `rolloutRolling`: scale the new ReplicaSet up within maxSurge, then the
/// old ones down within maxUnavailable.
fn rollout_rolling(
    d: &Object,
    new_rs: &mut Object,
    old: &mut [Object],
    max_surge: i64,
    max_unavailable: i64,
    out: &mut Out,
) {
    let want = replicas(d);
    // `reconcileNewReplicaSet` / `NewRSNewReplicas`.
    let new_count = replicas(new_rs);
    let target = if new_count > want {
        want
    } else {
        let current: i64 = old.iter().map(replicas).sum::<i64>() + new_count;
        let max_total = want + max_surge;
        if current >= max_total {
            new_count
        } else {
            new_count + (max_total - current).min(want - new_count)
        }
    };
    if target != new_count {
        scale(d, new_rs, target, max_surge, out);
        if target > new_count {
            return;
        }
    }
    // `reconcileOldReplicaSets`.
    let old_count: i64 = old.iter().map(replicas).sum();
    if old_count == 0 {
        return;
    }
    let all_count = old_count + replicas(new_rs);
    let min_available = want - max_unavailable;
    let new_unavailable = replicas(new_rs) - available(new_rs);
    let max_scaled_down = all_count - min_available - new_unavailable;
    if max_scaled_down <= 0 {
        return;
    }
    // `cleanupUnhealthyReplicas`.
    let mut cleaned = 0;
    for rs in old.iter_mut() {
        if cleaned >= max_scaled_down {
            break;
        }
        let r = replicas(rs);
        if r == 0 || available(rs) >= r {
            continue;
        }
        let down = (max_scaled_down - cleaned).min(r - available(rs));
        scale(d, rs, r - down, max_surge, out);
        cleaned += down;
    }
    // `scaleDownOldReplicaSetsForRollingUpdate`.
    let available_count: i64 = old.iter().map(available).sum::<i64>() + available(new_rs);
    if available_count <= min_available {
        return;
    }
    let total = available_count - min_available;
    let mut done = 0;
    for rs in old.iter_mut() {
        if done >= total {
            break;
        }
        let r = replicas(rs);
        if r == 0 {
            continue;
        }
        let down = r.min(total - done);
        scale(d, rs, r - down, max_surge, out);
        done += down;
    }
}

/// `cleanupDeployment`: delete the oldest idle ReplicaSets beyond the limit.
fn cleanup_deployment(d: &Object, old: &[Object], out: &mut Out) {
    let limit = d.spec().i64_at("revisionHistoryLimit").unwrap_or(10);
    let idle: Vec<&Object> = old
        .iter()
        .filter(|rs| {
            replicas(rs) == 0
                && rs.status().i64_at("replicas").unwrap_or(0) == 0
                && rs.meta.deletion_timestamp.is_none()
        })
        .collect();
    let excess = idle.len() as i64 - limit;
    for rs in idle.into_iter().take(excess.max(0) as usize) {
        out.delete(rs);
    }
}

fn update_deployment_status(
    ctx: &Ctx,
    d: &Object,
    new_rs: &Object,
    old: &[Object],
    max_unavailable: i64,
    out: &mut Out,
) {
    let st = |rs: &Object, f: &str| rs.status().i64_at(f).unwrap_or(0);
    let all = || old.iter().chain(std::iter::once(new_rs));
    let total: i64 = all().map(|rs| st(rs, "replicas")).sum();
    let ready: i64 = all().map(|rs| st(rs, "readyReplicas")).sum();
    let avail: i64 = all().map(|rs| st(rs, "availableReplicas")).sum();
    let updated = st(new_rs, "replicas");
    let want = replicas(d);
    let mut status = d.status().as_object().cloned().unwrap_or_default();
    for (k, v, omit) in [
        ("observedGeneration", d.meta.generation, true),
        ("replicas", total, true),
        ("updatedReplicas", updated, true),
        ("readyReplicas", ready, true),
        ("availableReplicas", avail, true),
        ("unavailableReplicas", (want - avail).max(0), true),
    ] {
        if omit && v == 0 {
            status.remove(k);
        } else {
            status.insert(k.into(), v.into());
        }
    }
    let now = rfc3339(ctx.now);
    let old_conditions = d.status().array_at("conditions").to_vec();
    let condition = |ctype: &str, ok: bool, reason: &str, message: String| {
        let s = if ok { "True" } else { "False" };
        let prev = old_conditions
            .iter()
            .find(|c| c.str_at("type") == Some(ctype));
        let same = prev.is_some_and(|c| {
            c.str_at("status") == Some(s)
                && c.str_at("reason") == Some(reason)
                && c.str_at("message") == Some(message.as_str())
        });
        if same {
            return prev.cloned().unwrap_or(Value::Null);
        }
        let transition = prev
            .filter(|c| c.str_at("status") == Some(s))
            .and_then(|c| c.str_at("lastTransitionTime"))
            .map(String::from)
            .unwrap_or_else(|| now.clone());
        json!({"type": ctype, "status": s, "reason": reason, "message": message,
            "lastUpdateTime": now, "lastTransitionTime": transition})
    };
    let min_ok = avail >= want - max_unavailable;
    let available_c = if min_ok {
        condition(
            "Available",
            true,
            "MinimumReplicasAvailable",
            "Deployment has minimum availability.".into(),
        )
    } else {
        condition(
            "Available",
            false,
            "MinimumReplicasUnavailable",
            "Deployment does not have minimum availability.".into(),
        )
    };
    let complete = updated == want && total == want && avail == want;
    let progressing = if complete {
        condition(
            "Progressing",
            true,
            "NewReplicaSetAvailable",
            format!(
                "ReplicaSet \"{}\" has successfully progressed.",
                new_rs.meta.name
            ),
        )
    } else {
        condition(
            "Progressing",
            true,
            "ReplicaSetUpdated",
            format!("ReplicaSet \"{}\" is progressing.", new_rs.meta.name),
        )
    };
    status.insert("conditions".into(), json!([available_c, progressing]));
    let status = Value::Object(status);
    if *d.status() != status {
        let mut u = d.clone();
        // The revision annotation may have been written in this sync too.
        u.meta
            .annotations
            .insert(REVISION_ANNOTATION.into(), revision_of(new_rs).to_string());
        u.body.insert("status".into(), status);
        out.update(u);
    }
}

pub fn sync(ctx: &Ctx, out: &mut Out) {
    sync_keys(ctx, Keys::All, out)
}

/// The Deployments a change concerns, as the Deployment controller's
/// handlers queue them: a Deployment itself; a ReplicaSet its controller
/// (and, while an orphan, every Deployment of its namespace). Pods are not
/// read: a Deployment sees them through its ReplicaSets' status.
pub fn route(store: &Store, change: &Change, _new: Option<&Object>, push: &mut dyn FnMut(Key)) {
    match change.key.kind {
        Kind::Deployment => push(change.key.clone()),
        Kind::ReplicaSet => {
            super::ref_manager::route_to_controllers(store, change, &[Kind::Deployment], push)
        }
        _ => {}
    }
}

/// The sync of the Deployments in `keys`.
pub fn sync_keys(ctx: &Ctx, keys: Keys, out: &mut Out) {
    for d in keys.objects(ctx.store, Kind::Deployment) {
        let mark = out.key_begin();
        sync_deployment(ctx, d, out);
        out.key_end(mark, || d.key());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::api;
    use crate::sim::controllers::{gc, replication};
    use crate::sim::engine::Sim;
    use crate::sim::testutil::{apply, run_with};

    fn nginx(replicas: i64) -> Value {
        json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "nginx"},
            "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "nginx"}},
                "template": {"metadata": {"labels": {"app": "nginx"}},
                    "spec": {"containers": [{"name": "nginx", "image": "nginx:1.25"}]}}}})
    }

    fn run(sim: &mut Sim) {
        run_with(sim, &[sync, replication::sync, gc::sync]);
    }

    fn replica_sets(sim: &Sim) -> Vec<(String, i64)> {
        sim.store
            .list_ns(Kind::ReplicaSet, "default")
            .map(|rs| (rs.meta.name.clone(), replicas(rs)))
            .collect()
    }

    /// Marks every live pod Running and Ready (the kubelet's part).
    fn ready_pods(sim: &mut Sim) {
        let names: Vec<String> = sim
            .store
            .list_ns(Kind::Pod, "default")
            .filter(|p| p.meta.deletion_timestamp.is_none())
            .map(|p| p.meta.name.clone())
            .collect();
        for n in names {
            let mut p = sim.store.get(Kind::Pod, "default", &n).unwrap().clone();
            p.body.insert(
                "status".into(),
                json!({"phase": "Running", "conditions": [{"type": "Ready", "status": "True", "lastTransitionTime": rfc3339(sim.now)}]}),
            );
            api::update(sim, p, "kubelet").unwrap();
        }
    }

    #[test]
    fn creates_a_replica_set_named_by_template_hash() {
        let mut sim = Sim::new(2);
        apply(&mut sim, nginx(3));
        run(&mut sim);
        let rss = replica_sets(&sim);
        assert_eq!(rss.len(), 1);
        // The hash is of the stored (defaulted) template, as upstream.
        let stored = sim.store.get(Kind::Deployment, "default", "nginx").unwrap();
        let hash = compute_hash(stored.spec().at("template"), None);
        assert_eq!(rss[0], (format!("nginx-{hash}"), 3));
        let pods: Vec<Object> = sim.store.list_ns(Kind::Pod, "default").cloned().collect();
        assert_eq!(pods.len(), 3);
        assert!(pods
            .iter()
            .all(|p| p.meta.name.starts_with(&format!("nginx-{hash}-"))
                && p.meta.labels[POD_TEMPLATE_HASH_LABEL] == hash));
    }

    #[test]
    fn rolling_update_brings_new_up_and_old_down() {
        let mut sim = Sim::new(2);
        apply(&mut sim, nginx(4));
        run(&mut sim);
        ready_pods(&mut sim);
        run(&mut sim);
        let mut d = sim
            .store
            .get(Kind::Deployment, "default", "nginx")
            .unwrap()
            .clone();
        set_at(
            d.spec_mut(),
            "template.spec.containers.0.image",
            json!("nginx:1.26"),
        );
        api::update(&mut sim, d, "test").unwrap();
        run(&mut sim);
        // maxSurge 25% of 4 = 1 extra; maxUnavailable 1.
        let rss = replica_sets(&sim);
        assert_eq!(rss.len(), 2);
        let total: i64 = rss.iter().map(|(_, r)| r).sum();
        assert!(total <= 5, "{rss:?}");
        for _ in 0..20 {
            // Terminate what is terminating, ready what is new.
            let going: Vec<String> = sim
                .store
                .list_ns(Kind::Pod, "default")
                .filter(|p| p.meta.deletion_timestamp.is_some())
                .map(|p| p.meta.name.clone())
                .collect();
            for n in going {
                let mut p = sim.store.get(Kind::Pod, "default", &n).unwrap().clone();
                p.meta.deletion_grace_period_seconds = Some(0);
                api::update(&mut sim, p, "kubelet").unwrap();
            }
            ready_pods(&mut sim);
            run(&mut sim);
        }
        let d = sim.store.get(Kind::Deployment, "default", "nginx").unwrap();
        let new_name = format!("nginx-{}", compute_hash(d.spec().at("template"), None));
        let rss = replica_sets(&sim);
        assert!(rss.contains(&(new_name, 4)), "{rss:?}");
        assert!(rss.iter().filter(|(_, r)| *r == 0).count() == 1);
        assert_eq!(d.status().i64_at("updatedReplicas"), Some(4));
        assert_eq!(d.status().i64_at("availableReplicas"), Some(4));
        assert_eq!(d.meta.annotations[REVISION_ANNOTATION], "2");
    }
}
