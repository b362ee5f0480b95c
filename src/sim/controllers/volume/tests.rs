use super::*;
use crate::sim::api::{self, DeleteOptions};
use crate::sim::controllers::SyncFn;
use crate::sim::engine::{Action, Sim};
use crate::sim::object::Object;
use serde_json::json;

/// Runs the volume-side controllers alone until they stop writing,
/// returning the latest wake-up they asked for.
fn converge(sim: &mut Sim) -> Option<u64> {
    crate::sim::testutil::converge(
        sim,
        &[
            ("persistentvolume-controller", sync),
            ("pvc-protection-controller", sync_pvc_protection),
            ("pv-protection-controller", sync_pv_protection),
        ],
        50,
    )
}

fn pv(name: &str, size: &str, modes: &[&str], class: Option<&str>) -> Object {
    let mut o = Object::new(Kind::PersistentVolume, "", name);
    let mut spec = json!({
        "capacity": {"storage": size},
        "accessModes": modes,
        "persistentVolumeReclaimPolicy": "Retain",
        "hostPath": {"path": format!("/data/{name}")},
    });
    if let Some(c) = class {
        spec["storageClassName"] = c.into();
    }
    o.body.insert("spec".into(), spec);
    o
}

/// A claim; `class: None` asks for no class (`storageClassName: ""`), as
/// static binding needs once the DefaultStorageClass admission would
/// otherwise give it `standard`.
fn pvc(name: &str, size: &str, modes: &[&str], class: Option<&str>) -> Object {
    let mut o = Object::new(Kind::PersistentVolumeClaim, "default", name);
    let spec = json!({
        "accessModes": modes,
        "resources": {"requests": {"storage": size}},
        "storageClassName": class.unwrap_or(""),
    });
    o.body.insert("spec".into(), spec);
    o
}

/// A claim that names no class, so admission gives it the default one.
fn pvc_default(name: &str, size: &str, modes: &[&str]) -> Object {
    let mut o = pvc(name, size, modes, None);
    o.spec_mut()
        .as_object_mut()
        .unwrap()
        .remove("storageClassName");
    o
}

fn create(sim: &mut Sim, o: Object) -> Object {
    Object::clone(&api::create(sim, o, "test").expect("create"))
}

fn claim<'a>(sim: &'a Sim, name: &str) -> &'a Object {
    sim.store
        .get(Kind::PersistentVolumeClaim, "default", name)
        .expect("claim exists")
}

fn volume<'a>(sim: &'a Sim, name: &str) -> Option<&'a Object> {
    sim.store.get(Kind::PersistentVolume, "", name)
}

fn volume_of(sim: &Sim, claim_name: &str) -> Option<String> {
    claim(sim, claim_name)
        .spec()
        .str_at("volumeName")
        .map(String::from)
}

fn events_for(sim: &Sim, name: &str) -> Vec<(String, String)> {
    sim.log
        .iter()
        .filter(|e| e.action == Action::Recorded && e.name == name)
        .map(|e| (e.reason.to_string(), e.message.clone()))
        .collect()
}

const RWO: &[&str] = &["ReadWriteOnce"];

#[test]
fn quantities_parse_like_the_api() {
    assert_eq!(crate::sim::quantity::value("1Gi"), Some(1 << 30));
    assert_eq!(crate::sim::quantity::value("1G"), Some(1_000_000_000));
    assert_eq!(crate::sim::quantity::value("1.5Gi"), Some(3 << 29));
    assert_eq!(crate::sim::quantity::value("500Mi"), Some(500 << 20));
    assert_eq!(crate::sim::quantity::value("10"), Some(10));
    assert_eq!(crate::sim::quantity::value("x"), None);
}

#[test]
fn petset_claims_bind_to_static_pvs_smallest_fit_first() {
    let mut sim = Sim::new(1);
    // Static PVs without a class, as the PetSet seed makes them; the
    // cluster also has a default class, which must not win over them.
    create(&mut sim, pv("pv-big", "200Gi", RWO, None));
    create(&mut sim, pv("pv-datera-1", "100Gi", RWO, None));
    create(&mut sim, pv("pv-datera-0", "100Gi", RWO, None));
    create(&mut sim, pv("pv-small", "10Gi", RWO, None));
    create(&mut sim, pv("pv-rox", "100Gi", &["ReadOnlyMany"], None));
    create(&mut sim, pvc("pv-claim-test-petset-0", "100Gi", RWO, None));
    create(&mut sim, pvc("pv-claim-test-petset-1", "100Gi", RWO, None));
    create(&mut sim, pvc("pv-claim-test-petset-2", "100Gi", RWO, None));
    converge(&mut sim);
    assert_eq!(
        volume_of(&sim, "pv-claim-test-petset-0").as_deref(),
        Some("pv-datera-0")
    );
    assert_eq!(
        volume_of(&sim, "pv-claim-test-petset-1").as_deref(),
        Some("pv-datera-1")
    );
    // Next smallest fit is the 200Gi one; too small and wrong mode are skipped.
    assert_eq!(
        volume_of(&sim, "pv-claim-test-petset-2").as_deref(),
        Some("pv-big")
    );
    for c in [
        "pv-claim-test-petset-0",
        "pv-claim-test-petset-1",
        "pv-claim-test-petset-2",
    ] {
        let c = claim(&sim, c);
        assert_eq!(c.status().str_at("phase"), Some("Bound"));
        assert_eq!(
            c.meta
                .annotations
                .get(ANN_BIND_COMPLETED)
                .map(String::as_str),
            Some("yes")
        );
        // Asking for no class, the claim binds class-less PVs only.
        assert_eq!(c.spec().str_at("storageClassName"), Some(""));
    }
    let v = volume(&sim, "pv-datera-0").unwrap();
    assert_eq!(v.status().str_at("phase"), Some("Bound"));
    assert_eq!(
        v.spec().str_at("claimRef.name"),
        Some("pv-claim-test-petset-0")
    );
    assert_eq!(
        v.spec().str_at("claimRef.uid"),
        Some(claim(&sim, "pv-claim-test-petset-0").meta.uid.as_str())
    );
    assert_eq!(
        volume(&sim, "pv-small").unwrap().status().str_at("phase"),
        Some("Available")
    );
    assert_eq!(
        claim(&sim, "pv-claim-test-petset-0")
            .status()
            .str_at("capacity.storage"),
        Some("100Gi")
    );
}

#[test]
fn claim_ref_wins_over_a_smaller_fit() {
    let mut sim = Sim::new(2);
    create(&mut sim, pv("small", "1Gi", RWO, None));
    let mut pre = pv("reserved", "5Gi", RWO, None);
    set_at(
        pre.spec_mut(),
        "claimRef",
        json!({"namespace": "default", "name": "data"}),
    );
    create(&mut sim, pre);
    create(&mut sim, pvc("data", "1Gi", RWO, None));
    converge(&mut sim);
    assert_eq!(volume_of(&sim, "data").as_deref(), Some("reserved"));
    assert_eq!(
        volume(&sim, "small").unwrap().status().str_at("phase"),
        Some("Available")
    );
    // A user's pre-binding is not marked as the controller's.
    let r = volume(&sim, "reserved").unwrap();
    assert!(!r.meta.annotations.contains_key(ANN_BOUND_BY_CONTROLLER));
}

#[test]
fn claim_naming_its_volume_binds_or_reports_the_mismatch() {
    let mut sim = Sim::new(3);
    create(&mut sim, pv("pv-a", "1Gi", RWO, None));
    let mut c = pvc("wants-a", "1Gi", RWO, None);
    set_at(c.spec_mut(), "volumeName", "pv-a".into());
    create(&mut sim, c);
    let mut big = pvc("too-big", "2Gi", RWO, None);
    create(&mut sim, pv("pv-b", "1Gi", RWO, None));
    set_at(big.spec_mut(), "volumeName", "pv-b".into());
    create(&mut sim, big);
    converge(&mut sim);
    assert_eq!(
        claim(&sim, "wants-a").status().str_at("phase"),
        Some("Bound")
    );
    assert_eq!(
        claim(&sim, "too-big").status().str_at("phase"),
        Some("Pending")
    );
    assert!(events_for(&sim, "too-big").contains(&(
        "VolumeMismatch".into(),
        "Cannot bind to requested volume \"pv-b\": requested PV is too small".into()
    )));
}

#[test]
fn access_modes_class_and_selector_filter_candidates() {
    let mut sim = Sim::new(4);
    create(&mut sim, pv("rwo", "1Gi", RWO, Some("manual")));
    create(
        &mut sim,
        pv(
            "rwx",
            "5Gi",
            &["ReadWriteMany", "ReadWriteOnce"],
            Some("manual"),
        ),
    );
    create(
        &mut sim,
        pv("other-class", "1Gi", &["ReadWriteMany"], Some("gold")),
    );
    let mut labelled = pv(
        "labelled",
        "8Gi",
        &["ReadWriteOnce", "ReadWriteMany"],
        Some("manual"),
    );
    labelled.meta.labels.insert("tier".into(), "db".into());
    create(&mut sim, labelled);
    create(
        &mut sim,
        pvc("shared", "1Gi", &["ReadWriteMany"], Some("manual")),
    );
    let mut sel = pvc("selective", "1Gi", RWO, Some("manual"));
    set_at(
        sel.spec_mut(),
        "selector",
        json!({"matchLabels": {"tier": "db"}}),
    );
    create(&mut sim, sel);
    converge(&mut sim);
    // RWX excludes the RWO-only PV and the other class.
    assert_eq!(volume_of(&sim, "shared").as_deref(), Some("rwx"));
    // The selector skips the smaller unlabelled RWO PV.
    assert_eq!(volume_of(&sim, "selective").as_deref(), Some("labelled"));
    assert_eq!(
        volume(&sim, "rwo").unwrap().status().str_at("phase"),
        Some("Available")
    );
}

#[test]
fn fewest_access_modes_are_preferred_over_size() {
    let mut sim = Sim::new(5);
    create(
        &mut sim,
        pv("multi", "1Gi", &["ReadWriteOnce", "ReadOnlyMany"], None),
    );
    create(&mut sim, pv("exact", "10Gi", RWO, None));
    create(&mut sim, pvc("c", "1Gi", RWO, None));
    converge(&mut sim);
    assert_eq!(volume_of(&sim, "c").as_deref(), Some("exact"));
}

#[test]
fn empty_class_matches_only_classless_volumes() {
    let mut sim = Sim::new(6);
    create(&mut sim, pv("classed", "1Gi", RWO, Some("standard")));
    create(&mut sim, pvc("none", "1Gi", RWO, Some("")));
    converge(&mut sim);
    assert_eq!(
        claim(&sim, "none").status().str_at("phase"),
        Some("Pending")
    );
    assert!(events_for(&sim, "none").contains(&(
        "FailedBinding".into(),
        "no persistent volumes available for this claim and no storage class is set".into()
    )));
    create(&mut sim, pv("classless", "1Gi", RWO, None));
    converge(&mut sim);
    assert_eq!(volume_of(&sim, "none").as_deref(), Some("classless"));
}

#[test]
fn dynamic_provisioning_takes_provision_time_and_the_class_policy() {
    let mut sim = Sim::new(7);
    let c = create(&mut sim, pvc_default("www-web-0", "1Gi", RWO));
    let wake = converge(&mut sim);
    // The default class was assigned, provisioning started, not finished.
    assert_eq!(
        claim(&sim, "www-web-0").spec().str_at("storageClassName"),
        Some("standard")
    );
    assert_eq!(
        claim(&sim, "www-web-0").status().str_at("phase"),
        Some("Pending")
    );
    let name = format!("pvc-{}", c.meta.uid);
    assert!(volume(&sim, &name).is_none());
    assert_eq!(wake, Some(sim.config.timings.provision_ms));
    sim.now = wake.unwrap();
    converge(&mut sim);
    let v = volume(&sim, &name).expect("provisioned");
    assert_eq!(v.status().str_at("phase"), Some("Bound"));
    assert_eq!(
        v.spec().str_at("persistentVolumeReclaimPolicy"),
        Some("Delete")
    );
    assert_eq!(v.spec().str_at("capacity.storage"), Some("1Gi"));
    assert_eq!(v.spec().str_at("storageClassName"), Some("standard"));
    assert_eq!(
        v.meta
            .annotations
            .get(ANN_DYNAMICALLY_PROVISIONED)
            .map(String::as_str),
        Some(crate::sim::cluster::DEFAULT_PROVISIONER)
    );
    assert_eq!(volume_of(&sim, "www-web-0"), Some(name.clone()));
    let reasons: Vec<String> = events_for(&sim, "www-web-0")
        .into_iter()
        .map(|e| e.0)
        .collect();
    assert_eq!(
        reasons,
        [
            "ExternalProvisioning",
            "Provisioning",
            "ProvisioningSucceeded"
        ]
    );
    assert!(events_for(&sim, "www-web-0").contains(&(
        "ProvisioningSucceeded".into(),
        format!("Successfully provisioned volume {name}")
    )));
}

#[test]
fn broken_provisioner_keeps_the_claim_pending_until_healed() {
    let mut sim = Sim::new(8);
    sim.faults.broken_classes.insert("standard".into());
    create(&mut sim, pvc("data", "1Gi", RWO, Some("standard")));
    sim.now = 10_000;
    converge(&mut sim);
    assert_eq!(
        claim(&sim, "data").status().str_at("phase"),
        Some("Pending")
    );
    let ev = events_for(&sim, "data");
    assert!(ev.iter().any(|(r, m)| r == "ProvisioningFailed"
        && m.starts_with("failed to provision volume with StorageClass \"standard\"")));
    assert!(sim
        .log
        .iter()
        .any(|e| e.reason == "ProvisioningFailed" && e.warning));
    sim.faults.broken_classes.clear();
    converge(&mut sim);
    assert_eq!(claim(&sim, "data").status().str_at("phase"), Some("Bound"));
}

#[test]
fn a_pending_claims_event_repeats_once_per_resync_period() {
    let mut sim = Sim::new(9);
    create(&mut sim, pvc("data", "1Gi", RWO, Some("")));
    // A busy cluster beside it: its writes must not add repeats.
    for i in 0..3 {
        let spec = json!({"containers": [{"name": "c", "image": "nginx"}]});
        api::create(
            &mut sim,
            crate::sim::testutil::pod(&format!("p{i}"), spec),
            "t",
        )
        .unwrap();
    }
    sim.touch();
    sim.advance(60_000);
    let e = sim
        .log
        .iter()
        .find(|e| e.name == "data" && e.reason == "FailedBinding")
        .expect("recorded");
    // At 0 s, then at each 15 s resync: "x5 over 60s".
    assert_eq!(sim.event_count(e), (5, 60_000));
}

#[test]
fn missing_class_is_reported() {
    let mut sim = Sim::new(9);
    create(&mut sim, pvc("data", "1Gi", RWO, Some("fast")));
    converge(&mut sim);
    assert!(events_for(&sim, "data").contains(&(
        "ProvisioningFailed".into(),
        "storageclass.storage.k8s.io \"fast\" not found".into()
    )));
}

fn wffc_class(sim: &mut Sim) {
    let mut sc = Object::new(Kind::StorageClass, "", "local");
    sc.body
        .insert("provisioner".into(), "kubernetes.io/no-provisioner".into());
    sc.body
        .insert("volumeBindingMode".into(), "WaitForFirstConsumer".into());
    sc.body.insert("reclaimPolicy".into(), "Retain".into());
    create(sim, sc);
}

fn local_pv(name: &str, node: &str) -> Object {
    let mut v = pv(name, "1Gi", RWO, Some("local"));
    set_at(
        v.spec_mut(),
        "nodeAffinity",
        json!({"required": {"nodeSelectorTerms": [{"matchExpressions": [
            {"key": "kubernetes.io/hostname", "operator": "In", "values": [node]}]}]}}),
    );
    v
}

#[test]
fn wait_for_first_consumer_binds_only_after_a_node_is_selected() {
    let mut sim = Sim::new(10);
    wffc_class(&mut sim);
    create(&mut sim, local_pv("local-1", "node-1"));
    create(&mut sim, local_pv("local-2", "node-2"));
    create(&mut sim, pvc("data", "1Gi", RWO, Some("local")));
    converge(&mut sim);
    assert_eq!(
        claim(&sim, "data").status().str_at("phase"),
        Some("Pending")
    );
    assert!(events_for(&sim, "data").contains(&(
        "WaitForFirstConsumer".into(),
        "waiting for first consumer to be created before binding".into()
    )));
    // The scheduler picked node-2.
    let mut c = claim(&sim, "data").clone();
    c.meta
        .annotations
        .insert(ANN_SELECTED_NODE.into(), "node-2".into());
    api::update(&mut sim, c, "default-scheduler").unwrap();
    converge(&mut sim);
    assert_eq!(volume_of(&sim, "data").as_deref(), Some("local-2"));
}

#[test]
fn wait_for_first_consumer_names_the_unscheduled_pod() {
    let mut sim = Sim::new(11);
    wffc_class(&mut sim);
    create(&mut sim, pvc("data", "1Gi", RWO, Some("local")));
    let mut p = Object::new(Kind::Pod, "default", "app-0");
    p.body.insert(
        "spec".into(),
        json!({"containers": [{"name": "c", "image": "busybox"}],
               "volumes": [{"name": "d", "persistentVolumeClaim": {"claimName": "data"}}]}),
    );
    create(&mut sim, p);
    converge(&mut sim);
    assert!(events_for(&sim, "data").contains(&(
        "WaitForPodScheduled".into(),
        "waiting for pod app-0 to be scheduled".into()
    )));
}

fn bound_pair(sim: &mut Sim, policy: &str) -> (String, Object) {
    let mut v = pv("vol", "1Gi", RWO, None);
    set_at(v.spec_mut(), "persistentVolumeReclaimPolicy", policy.into());
    create(sim, v);
    let c = create(sim, pvc("data", "1Gi", RWO, None));
    converge(sim);
    assert_eq!(volume_of(sim, "data").as_deref(), Some("vol"));
    ("vol".into(), c)
}

#[test]
fn retain_leaves_a_released_volume_that_is_not_rebound() {
    let mut sim = Sim::new(12);
    let (v, c) = bound_pair(&mut sim, "Retain");
    api::delete(&mut sim, &c.key(), DeleteOptions::default(), "test").unwrap();
    converge(&mut sim);
    assert!(
        sim.store.get_key(&c.key()).is_none(),
        "unused claim is removed"
    );
    let vol = volume(&sim, &v).unwrap();
    assert_eq!(vol.status().str_at("phase"), Some("Released"));
    assert_eq!(vol.spec().str_at("claimRef.name"), Some("data"));
    // A new claim of the same name does not get the old data.
    create(&mut sim, pvc("data", "1Gi", RWO, Some("")));
    converge(&mut sim);
    assert_eq!(
        claim(&sim, "data").status().str_at("phase"),
        Some("Pending")
    );
    assert_eq!(
        volume(&sim, &v).unwrap().status().str_at("phase"),
        Some("Released")
    );
}

#[test]
fn delete_policy_removes_a_provisioned_volume_and_its_data() {
    let mut sim = Sim::new(13);
    let c = create(&mut sim, pvc_default("data", "1Gi", RWO));
    converge(&mut sim);
    sim.now = 5_000;
    converge(&mut sim);
    let name = format!("pvc-{}", c.meta.uid);
    assert!(volume(&sim, &name).is_some());
    sim.volume_data
        .entry(name.clone())
        .or_default()
        .insert("/index.html".into(), "hello".into());
    api::delete(&mut sim, &c.key(), DeleteOptions::default(), "test").unwrap();
    // Released first, as `kubectl get pv` shows it until the external
    // provisioner, which deletes only Released volumes, has done so.
    let due = converge(&mut sim).expect("the provisioner's delete is timed");
    assert_eq!(
        volume(&sim, &name).unwrap().status().str_at("phase"),
        Some("Released")
    );
    assert!(sim.volume_data.contains_key(&name));
    sim.now = due;
    converge(&mut sim);
    assert!(volume(&sim, &name).is_none());
    assert!(!sim.volume_data.contains_key(&name));
}

#[test]
fn delete_policy_on_a_static_volume_fails_and_recycle_has_no_plugin() {
    let mut sim = Sim::new(14);
    let (v, c) = bound_pair(&mut sim, "Delete");
    api::delete(&mut sim, &c.key(), DeleteOptions::default(), "test").unwrap();
    converge(&mut sim);
    assert_eq!(
        volume(&sim, &v).unwrap().status().str_at("phase"),
        Some("Failed")
    );
    assert!(events_for(&sim, &v).contains(&(
        "VolumeFailedDelete".into(),
        "host_path deleter only supports /tmp/.+ but received provided /data/vol".into()
    )));

    let mut sim = Sim::new(15);
    let mut nfs = pv("vol", "1Gi", RWO, None);
    set_at(
        nfs.spec_mut(),
        "persistentVolumeReclaimPolicy",
        "Recycle".into(),
    );
    nfs.spec_mut().as_object_mut().unwrap().remove("hostPath");
    set_at(
        nfs.spec_mut(),
        "flexVolume",
        json!({"driver": "datera/iscsi"}),
    );
    create(&mut sim, nfs);
    let c = create(&mut sim, pvc("data", "1Gi", RWO, None));
    converge(&mut sim);
    let v = "vol".to_string();
    api::delete(&mut sim, &c.key(), DeleteOptions::default(), "test").unwrap();
    converge(&mut sim);
    assert_eq!(
        volume(&sim, &v).unwrap().status().str_at("phase"),
        Some("Failed")
    );
    assert!(events_for(&sim, &v).contains(&(
        "VolumeFailedRecycle".into(),
        "No recycler plugin found for the volume!".into()
    )));
}

#[test]
fn delete_policy_removes_a_static_host_path_volume_under_tmp() {
    // hostPathDeleter.Delete: its pattern is unanchored, so /var/tmp/x counts.
    for path in ["/tmp/data1", "/var/tmp/x"] {
        let mut sim = Sim::new(14);
        let mut v = pv("vol", "1Gi", RWO, None);
        set_at(
            v.spec_mut(),
            "persistentVolumeReclaimPolicy",
            "Delete".into(),
        );
        set_at(v.spec_mut(), "hostPath.path", path.into());
        create(&mut sim, v);
        let c = create(&mut sim, pvc("data", "1Gi", RWO, None));
        converge(&mut sim);
        assert_eq!(volume_of(&sim, "data").as_deref(), Some("vol"));
        api::delete(&mut sim, &c.key(), DeleteOptions::default(), "test").unwrap();
        converge(&mut sim);
        assert!(volume(&sim, "vol").is_none(), "{path}: the PV is deleted");
        assert!(events_for(&sim, "vol").is_empty(), "{path}");
    }
}

#[test]
fn a_claim_whose_volume_vanished_is_lost() {
    let mut sim = Sim::new(16);
    let (v, _) = bound_pair(&mut sim, "Retain");
    // The PV disappears behind the controllers' back (a lost disk).
    let key = volume(&sim, &v).unwrap().key();
    sim.store.remove(&key);
    converge(&mut sim);
    assert_eq!(claim(&sim, "data").status().str_at("phase"), Some("Lost"));
    assert!(events_for(&sim, "data").contains(&(
        "ClaimLost".into(),
        "Bound claim has lost its PersistentVolume. Data on the volume is lost!".into()
    )));
}

#[test]
fn protection_holds_a_claim_while_a_pod_uses_it_and_a_bound_pv() {
    let mut sim = Sim::new(17);
    let (v, c) = bound_pair(&mut sim, "Retain");
    let mut p = Object::new(Kind::Pod, "default", "user");
    p.body.insert(
        "spec".into(),
        json!({"nodeName": "node-1", "containers": [{"name": "c", "image": "busybox"}],
               "volumes": [{"name": "d", "persistentVolumeClaim": {"claimName": "data"}}]}),
    );
    let p = create(&mut sim, p);
    // Deleting the bound PV: held while Bound.
    let vkey = volume(&sim, &v).unwrap().key();
    api::delete(&mut sim, &vkey, DeleteOptions::default(), "test").unwrap();
    api::delete(&mut sim, &c.key(), DeleteOptions::default(), "test").unwrap();
    converge(&mut sim);
    let held = claim(&sim, "data");
    assert!(held.meta.deletion_timestamp.is_some());
    assert!(held.meta.finalizers.iter().any(|f| f == PVC_PROTECTION));
    assert!(volume(&sim, &v).is_some(), "bound PV is protected");
    // The pod goes (force-deleted): the claim goes, then the PV.
    api::delete(
        &mut sim,
        &p.key(),
        DeleteOptions {
            grace_seconds: Some(0),
            ..Default::default()
        },
        "test",
    )
    .unwrap();
    assert!(sim.store.get_key(&p.key()).is_none());
    converge(&mut sim);
    assert!(sim.store.get_key(&c.key()).is_none());
    assert!(volume(&sim, &v).is_none());
}

#[test]
fn node_affinity_terms_are_ored_and_expressions_anded() {
    let sim = Sim::new(18);
    let node = sim.store.get(Kind::Node, "", "node-1").unwrap();
    let mut v = local_pv("x", "node-1");
    assert!(check_node_affinity(&v, node));
    v = local_pv("x", "node-2");
    assert!(!check_node_affinity(&v, node));
    set_at(
        v.spec_mut(),
        "nodeAffinity.required.nodeSelectorTerms",
        json!([
            {"matchExpressions": [{"key": "kubernetes.io/hostname", "operator": "In", "values": ["node-2"]}]},
            {"matchExpressions": [{"key": "kubernetes.io/os", "operator": "In", "values": ["linux"]},
                                  {"key": "gpu", "operator": "DoesNotExist"}]}
        ]),
    );
    assert!(check_node_affinity(&v, node));
}

/// Timing probe for large sessions: `cargo test --release -- --ignored --nocapture scale_probe`.
#[test]
#[ignore]
fn scale_probe() {
    let mut sim = Sim::new(99);
    for i in 0..1000 {
        create(&mut sim, pvc(&format!("www-web-{i}"), "1Gi", RWO, None));
    }
    let t = std::time::Instant::now();
    converge(&mut sim);
    sim.now = 10_000;
    converge(&mut sim);
    println!("bind 1000 dynamic claims: {:?}", t.elapsed());
    let t = std::time::Instant::now();
    for _ in 0..100 {
        assert!(sim.sync_once(sync).writes.is_empty());
    }
    println!(
        "idle volume sync over 1000 bound claims: {:?} each",
        t.elapsed() / 100
    );
    let mut svc = Object::new(Kind::Service, "default", "nginx");
    svc.body.insert("spec".into(), json!({"clusterIP": "None", "selector": {"app": "nginx"}, "ports": [{"name": "web", "port": 80}]}));
    create(&mut sim, svc);
    for i in 0..1000 {
        let p = crate::sim::testutil::serving_pod(
            &format!("web-{i}"),
            &format!("10.244.{}.{}", 1 + i / 250, 2 + i % 250),
            true,
            Some("nginx"),
        );
        create(&mut sim, p);
    }
    crate::sim::testutil::run_endpoints(&mut sim);
    let t = std::time::Instant::now();
    for _ in 0..100 {
        let out = sim.sync_once(crate::sim::controllers::endpoints::sync);
        assert!(out.writes.is_empty());
    }
    println!(
        "idle endpoints sync over 1000 pods: {:?} each",
        t.elapsed() / 100
    );
    let t = std::time::Instant::now();
    for _ in 0..100 {
        let _ = crate::sim::dns::records(&sim.store);
    }
    println!("dns records over 1000 pods: {:?} each", t.elapsed() / 100);
}

#[test]
#[ignore]
fn scale_probe_parts() {
    let mut sim = Sim::new(99);
    for i in 0..1000 {
        create(&mut sim, pvc(&format!("www-web-{i}"), "1Gi", RWO, None));
    }
    converge(&mut sim);
    sim.now = 10_000;
    converge(&mut sim);
    let ctx = Ctx {
        store: &sim.store,
        now: sim.now,
        config: &sim.config,
        faults: &sim.faults,
        departed_nodes: &sim.departed_nodes,
    };
    let mut out = Out::default();
    let mut pass = Pass {
        ctx: &ctx,
        out: &mut out,
        touched: BTreeSet::new(),
        taken: BTreeSet::new(),
        index: None,
    };
    let t = std::time::Instant::now();
    for claim in ctx.store.list(Kind::PersistentVolumeClaim) {
        sync_bound_claim(&mut pass, claim);
    }
    println!("claims: {:?}", t.elapsed());
    let t = std::time::Instant::now();
    for v in ctx.store.list(Kind::PersistentVolume) {
        sync_volume(&mut pass, v);
    }
    println!("volumes: {:?}", t.elapsed());
    let t = std::time::Instant::now();
    let n = ctx
        .store
        .list(Kind::PersistentVolumeClaim)
        .filter(|c| pass.is_touched(c))
        .count();
    println!("touched checks: {:?} {n}", t.elapsed());
    let t = std::time::Instant::now();
    let mut k = 0;
    for c in ctx.store.list(Kind::PersistentVolumeClaim) {
        let v = ctx
            .store
            .get(
                Kind::PersistentVolume,
                "",
                c.spec().str_at("volumeName").unwrap(),
            )
            .unwrap();
        k += is_fully_bound(v, c) as usize;
    }
    println!("fully bound checks: {:?} {k}", t.elapsed());
}

#[test]
fn the_engine_provisions_on_its_own_clock() {
    let mut sim = Sim::new(20);
    create(&mut sim, pvc_default("data", "1Gi", RWO));
    sim.touch();
    assert!(sim.settle(1_000));
    assert_eq!(claim(&sim, "data").status().str_at("phase"), Some("Bound"));
    assert_eq!(sim.now, sim.config.timings.provision_ms);
}

#[test]
fn claims_with_a_selector_are_not_provisioned() {
    let mut sim = Sim::new(21);
    let mut c = pvc("picky", "1Gi", RWO, Some("standard"));
    set_at(
        c.spec_mut(),
        "selector",
        json!({"matchLabels": {"disk": "ssd"}}),
    );
    create(&mut sim, c);
    sim.now = 10_000;
    converge(&mut sim);
    assert_eq!(
        claim(&sim, "picky").status().str_at("phase"),
        Some("Pending")
    );
    assert!(events_for(&sim, "picky").contains(&(
        "ProvisioningFailed".into(),
        "failed to provision volume with StorageClass \"standard\": claim Selector is not supported".into()
    )));
    assert_eq!(sim.store.list(Kind::PersistentVolume).count(), 0);
}

#[test]
fn a_retained_volume_keeps_its_data_when_the_pv_object_goes() {
    let mut sim = Sim::new(22);
    let (v, c) = bound_pair(&mut sim, "Retain");
    sim.volume_data
        .entry(v.clone())
        .or_default()
        .insert("/data/x".into(), "1".into());
    api::delete(&mut sim, &c.key(), DeleteOptions::default(), "test").unwrap();
    converge(&mut sim);
    let key = volume(&sim, &v).unwrap().key();
    api::delete(&mut sim, &key, DeleteOptions::default(), "test").unwrap();
    converge(&mut sim);
    assert!(volume(&sim, &v).is_none());
    // Recreating a PV of that name (the same disk) finds the data again.
    assert_eq!(
        sim.volume_data[&v].get("/data/x").map(String::as_str),
        Some("1")
    );
}

#[test]
fn malformed_objects_do_not_panic_any_netstore_view() {
    let mut sim = Sim::new(23);
    let weird = [
        json!("text"),
        json!([1, 2]),
        json!(null),
        json!(7),
        json!({"x": {"y": []}}),
    ];
    for (i, w) in weird.iter().enumerate() {
        for kind in [
            Kind::PersistentVolume,
            Kind::PersistentVolumeClaim,
            Kind::Service,
            Kind::Endpoints,
            Kind::Pod,
            Kind::PodDisruptionBudget,
            Kind::StorageClass,
        ] {
            let mut o = Object::new(kind, "default", &format!("w{i}"));
            o.meta.labels.insert("app".into(), "x".into());
            o.body.insert("spec".into(), w.clone());
            o.body.insert("status".into(), w.clone());
            o.body.insert("subsets".into(), w.clone());
            create(&mut sim, o);
        }
    }
    let mut pdb = Object::new(Kind::PodDisruptionBudget, "default", "p");
    pdb.body.insert(
        "spec".into(),
        json!({"selector": {"matchLabels": {"app": "x"}}, "minAvailable": "abc%"}),
    );
    create(&mut sim, pdb);
    let fns: [SyncFn; 5] = [
        sync,
        sync_pvc_protection,
        sync_pv_protection,
        crate::sim::controllers::endpoints::sync,
        crate::sim::controllers::disruption::sync,
    ];
    for _ in 0..3 {
        for f in fns {
            sim.run_sync("test", f);
        }
    }
    let _ = crate::sim::dns::records(&sim.store);
    let _ = crate::sim::dns::resolve(&sim.store, "default", "w0", "A");
    let _ = crate::sim::dns::resolve(&sim.store, "default", "...", "PTR");
    for p in sim.store.list(Kind::Pod) {
        let _ = crate::sim::controllers::disruption::check_eviction(&sim.store, p, 0);
    }
}

#[test]
fn recycle_scrubs_a_host_path_volume_and_frees_it() {
    let mut sim = Sim::new(24);
    let (v, c) = bound_pair(&mut sim, "Recycle");
    sim.volume_data
        .entry(v.clone())
        .or_default()
        .insert("/old".into(), "x".into());
    api::delete(&mut sim, &c.key(), DeleteOptions::default(), "test").unwrap();
    converge(&mut sim);
    let vol = volume(&sim, &v).unwrap();
    assert_eq!(vol.status().str_at("phase"), Some("Available"));
    assert!(vol.spec().at("claimRef").is_null());
    assert!(events_for(&sim, &v).contains(&("VolumeRecycled".into(), "Volume recycled".into())));
    assert!(sim.volume_data.get(&v).is_none_or(|d| d.is_empty()));
    // Free for the next claim.
    create(&mut sim, pvc("next", "1Gi", RWO, None));
    converge(&mut sim);
    assert_eq!(volume_of(&sim, "next"), Some(v));
}

#[test]
fn a_pod_queues_for_protection_only_its_claims_being_deleted() {
    let mut sim = Sim::new(1);
    create(&mut sim, pvc("kept", "1Gi", &["ReadWriteOnce"], Some("")));
    let going = create(&mut sim, pvc("going", "1Gi", &["ReadWriteOnce"], Some("")));
    api::delete(&mut sim, &going.key(), DeleteOptions::default(), "test").unwrap();
    assert!(
        claim(&sim, "going").meta.deletion_timestamp.is_some(),
        "kept by its finalizer"
    );
    let mut pod = Object::new(Kind::Pod, "default", "user");
    pod.body.insert(
        "spec".into(),
        json!({"nodeName": "node-1", "containers": [{"name": "c", "image": "busybox"}],
            "volumes": [
                {"name": "a", "persistentVolumeClaim": {"claimName": "kept"}},
                {"name": "b", "persistentVolumeClaim": {"claimName": "going"}}]}),
    );
    let change = crate::sim::store::Change {
        key: pod.key(),
        old: Some(std::sync::Arc::new(pod)),
    };
    let mut queued = Vec::new();
    route_pvc_protection(
        &sim.store,
        &change,
        sim.store.get_key(&change.key),
        &mut |k| queued.push(k.name),
    );
    assert_eq!(queued, ["going"]);
    // The claim itself is always its own key.
    let change = crate::sim::store::Change {
        key: claim(&sim, "kept").key(),
        old: None,
    };
    let mut queued = Vec::new();
    route_pvc_protection(
        &sim.store,
        &change,
        sim.store.get_key(&change.key),
        &mut |k| queued.push(k.name),
    );
    assert_eq!(queued, ["kept"]);
}

/// A pre-bound volume (a `claimRef` naming a claim not made yet) created
/// with a free one: the pass that makes the free one Available stops there,
/// and the keyed sync must still come back to the pre-bound one (upstream's
/// volume queue keeps it) rather than leave it with no phase.
#[test]
fn a_pre_bound_volume_created_with_a_free_one_becomes_available() {
    let mut sim = Sim::new(22);
    let mut b = pv("pv-b", "5Gi", RWO, Some("manual"));
    set_at(
        b.spec_mut(),
        "claimRef",
        json!({"namespace": "default", "name": "www-web-1"}),
    );
    create(&mut sim, pv("pv-a", "5Gi", RWO, Some("manual")));
    create(&mut sim, b);
    sim.touch();
    assert!(sim.settle(1_000));
    for name in ["pv-a", "pv-b"] {
        let v = volume(&sim, name).expect("volume");
        assert_eq!(v.status().str_at("phase"), Some("Available"), "{name}");
    }
}
