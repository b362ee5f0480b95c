use super::*;
use crate::sim::api;
use crate::sim::engine::Sim;
use crate::sim::object::{FieldView, Object};
use crate::sim::testutil::{headless, run_endpoints as run, serving_pod as pod};
use serde_json::json;

fn endpoints(sim: &Sim, name: &str) -> Object {
    sim.store
        .get(Kind::Endpoints, "default", name)
        .expect("endpoints exist")
        .clone()
}

fn ips(ep: &Object, field: &str) -> Vec<String> {
    ep.body["subsets"]
        .as_array()
        .map(|s| s.as_slice())
        .unwrap_or(&[])
        .iter()
        .flat_map(|s| s.array_at(field).iter())
        .filter_map(|a| a.str_at("ip").map(String::from))
        .collect()
}

#[test]
fn ready_and_not_ready_pods_split_and_sort_by_ip() {
    let mut sim = Sim::new(1);
    api::create(&mut sim, headless("nginx", json!({"app": "nginx"})), "t").unwrap();
    api::create(
        &mut sim,
        pod("web-0", "10.244.1.9", true, Some("nginx")),
        "t",
    )
    .unwrap();
    api::create(
        &mut sim,
        pod("web-1", "10.244.1.10", true, Some("nginx")),
        "t",
    )
    .unwrap();
    api::create(
        &mut sim,
        pod("web-2", "10.244.2.3", false, Some("nginx")),
        "t",
    )
    .unwrap();
    let mut no_ip = pod("web-3", "", true, Some("nginx"));
    no_ip.status_mut().as_object_mut().unwrap().remove("podIP");
    api::create(&mut sim, no_ip, "t").unwrap();
    let mut other = pod("other", "10.244.3.3", true, None);
    other.meta.labels.insert("app".into(), "db".into());
    api::create(&mut sim, other, "t").unwrap();
    run(&mut sim);
    let ep = endpoints(&sim, "nginx");
    // String order, as upstream's SortSubsets compares IPs.
    assert_eq!(ips(&ep, "addresses"), ["10.244.1.10", "10.244.1.9"]);
    assert_eq!(ips(&ep, "notReadyAddresses"), ["10.244.2.3"]);
    let subset = &ep.body["subsets"][0];
    // targetPort defaulted to port (80); the address names its pod.
    assert_eq!(
        subset.at("ports"),
        &json!([{"name": "web", "port": 80, "protocol": "TCP"}])
    );
    let a = &subset.array_at("addresses")[1];
    assert_eq!(a.str_at("hostname"), Some("web-0"));
    assert_eq!(a.str_at("nodeName"), Some("node-1"));
    assert_eq!(a.str_at("targetRef.kind"), Some("Pod"));
    assert_eq!(a.str_at("targetRef.name"), Some("web-0"));
    assert_eq!(
        ep.meta.labels.get(IS_HEADLESS_SERVICE).map(String::as_str),
        Some("")
    );
    // Idempotent: nothing more to write.
    let rv = sim.store.resource_version();
    run(&mut sim);
    assert_eq!(sim.store.resource_version(), rv);
}

#[test]
fn hostname_only_when_the_subdomain_is_the_service() {
    let mut sim = Sim::new(2);
    api::create(&mut sim, headless("nginx", json!({"app": "nginx"})), "t").unwrap();
    api::create(&mut sim, pod("a", "10.244.1.2", true, Some("other")), "t").unwrap();
    api::create(&mut sim, pod("b", "10.244.1.3", true, None), "t").unwrap();
    run(&mut sim);
    let ep = endpoints(&sim, "nginx");
    for a in ep.body["subsets"][0].array_at("addresses") {
        assert!(a.at("hostname").is_null(), "{a}");
    }
}

#[test]
fn publish_not_ready_and_the_old_annotation_list_every_pod_as_ready() {
    let mut sim = Sim::new(3);
    let mut s1 = headless("pub", json!({"app": "nginx"}));
    s1.spec_mut()["publishNotReadyAddresses"] = true.into();
    api::create(&mut sim, s1, "t").unwrap();
    let mut s2 = headless("ann", json!({"app": "nginx"}));
    s2.meta
        .annotations
        .insert(TOLERATE_UNREADY_ENDPOINTS.into(), "true".into());
    api::create(&mut sim, s2, "t").unwrap();
    api::create(&mut sim, headless("plain", json!({"app": "nginx"})), "t").unwrap();
    api::create(&mut sim, pod("web-0", "10.244.1.2", false, None), "t").unwrap();
    let mut term = pod("web-1", "10.244.1.3", true, None);
    term.meta.deletion_timestamp = Some(0);
    api::create(&mut sim, term, "t").unwrap();
    // `create` clears deletionTimestamp; mark it terminating afterwards.
    let mut t = sim
        .store
        .get(Kind::Pod, "default", "web-1")
        .unwrap()
        .clone();
    t.meta.deletion_timestamp = Some(30_000);
    t.meta.deletion_grace_period_seconds = Some(30);
    api::update(&mut sim, t, "t").unwrap();
    run(&mut sim);
    for name in ["pub", "ann"] {
        let ep = endpoints(&sim, name);
        assert_eq!(
            ips(&ep, "addresses"),
            ["10.244.1.2", "10.244.1.3"],
            "{name}"
        );
        assert!(ips(&ep, "notReadyAddresses").is_empty());
    }
    // Without them: the unready pod is not ready, the terminating one gone.
    let ep = endpoints(&sim, "plain");
    assert!(ips(&ep, "addresses").is_empty());
    assert_eq!(ips(&ep, "notReadyAddresses"), ["10.244.1.2"]);
}

#[test]
fn named_target_ports_resolve_per_pod_and_unresolved_ones_are_skipped() {
    let mut sim = Sim::new(4);
    let mut s = Object::new(Kind::Service, "default", "web");
    s.body.insert(
        "spec".into(),
        json!({"selector": {"app": "nginx"}, "ports": [
            {"name": "http", "port": 80, "targetPort": "web", "protocol": "TCP"},
            {"name": "admin", "port": 9000, "targetPort": "admin", "protocol": "TCP"}]}),
    );
    api::create(&mut sim, s, "t").unwrap();
    api::create(&mut sim, pod("a", "10.244.1.2", true, None), "t").unwrap();
    let mut b = pod("b", "10.244.1.3", true, None);
    b.spec_mut()["containers"][0]["ports"] =
        json!([{"name": "web", "containerPort": 8080}, {"name": "admin", "containerPort": 9090}]);
    api::create(&mut sim, b, "t").unwrap();
    run(&mut sim);
    let ep = endpoints(&sim, "web");
    let subsets = ep.body["subsets"].as_array().unwrap();
    // Subsets group addresses by the ports they serve (RepackSubsets):
    // http on 8080 by both pods, admin on 9090 by `b` only.
    assert_eq!(subsets.len(), 2);
    let port_of = |s: &serde_json::Value| s.array_at("ports")[0].i64_at("port");
    let http = subsets.iter().find(|s| port_of(s) == Some(8080)).unwrap();
    let admin = subsets.iter().find(|s| port_of(s) == Some(9090)).unwrap();
    let addr_ips = |s: &serde_json::Value| -> Vec<String> {
        s.array_at("addresses")
            .iter()
            .filter_map(|a| a.str_at("ip").map(String::from))
            .collect()
    };
    assert_eq!(addr_ips(http), ["10.244.1.2", "10.244.1.3"]);
    assert_eq!(addr_ips(admin), ["10.244.1.3"]);
    assert_eq!(admin.array_at("ports")[0].str_at("name"), Some("admin"));
    // A ClusterIP was allocated in 10.96.0.0/12, above the static band.
    let svc = sim.store.get(Kind::Service, "default", "web").unwrap();
    let ip = parse_ipv4(svc.spec().str_at("clusterIP").unwrap()).unwrap();
    assert!(ip >= parse_ipv4("10.96.1.0").unwrap() && ip <= parse_ipv4("10.111.255.254").unwrap());
    assert_eq!(svc.spec().at("clusterIPs"), &json!([format_ipv4(ip)]));
}

#[test]
fn endpoints_go_with_their_service_and_selectorless_services_are_left_alone() {
    let mut sim = Sim::new(5);
    let s = api::create(&mut sim, headless("nginx", json!({"app": "nginx"})), "t").unwrap();
    run(&mut sim);
    assert!(sim.store.get(Kind::Endpoints, "default", "nginx").is_some());
    api::delete(&mut sim, &s.key(), Default::default(), "t").unwrap();
    run(&mut sim);
    assert!(sim.store.get(Kind::Endpoints, "default", "nginx").is_none());
    // `kubernetes` has no selector: no Endpoints from us, its IP kept.
    assert!(sim
        .store
        .get(Kind::Endpoints, "default", "kubernetes")
        .is_none());
    let k = sim
        .store
        .get(Kind::Service, "default", "kubernetes")
        .unwrap();
    assert_eq!(k.spec().str_at("clusterIP"), Some("10.96.0.1"));
}

#[test]
fn cluster_ips_are_distinct() {
    let mut taken = Vec::new();
    for i in 0..200 {
        let ip = allocate_cluster_ip(&format!("uid-{}", i % 7), &taken);
        assert!(!taken.contains(&ip));
        taken.push(ip);
    }
}

/// Every way to change one spot of a JSON value: drop a key, add one,
/// replace a leaf, drop or add an array element.
fn one_spot_changes(v: &serde_json::Value) -> Vec<serde_json::Value> {
    use serde_json::Value;
    let mut out = Vec::new();
    match v {
        Value::Object(m) => {
            for (k, child) in m {
                let mut dropped = m.clone();
                dropped.remove(k);
                out.push(Value::Object(dropped));
                for c in one_spot_changes(child) {
                    let mut changed = m.clone();
                    changed.insert(k.clone(), c);
                    out.push(Value::Object(changed));
                }
            }
            let mut added = m.clone();
            added.insert("extra".into(), json!("x"));
            out.push(Value::Object(added));
        }
        Value::Array(a) => {
            for (i, child) in a.iter().enumerate() {
                let mut dropped = a.clone();
                dropped.remove(i);
                out.push(Value::Array(dropped));
                for c in one_spot_changes(child) {
                    let mut changed = a.clone();
                    changed[i] = c;
                    out.push(Value::Array(changed));
                }
            }
            let mut added = a.clone();
            added.push(a.last().cloned().unwrap_or(Value::Null));
            out.push(Value::Array(added));
        }
        Value::Number(n) => out.push(json!(n.as_i64().unwrap_or(0) + 1)),
        Value::String(s) => {
            out.push(json!(format!("{s}x")));
            out.push(Value::Null);
        }
        other => out.push(json!([other])),
    }
    out
}

#[test]
fn comparing_in_place_agrees_with_building_the_subsets() {
    let mut sim = Sim::new(6);
    let mut s = headless("nginx", json!({"app": "nginx"}));
    s.spec_mut()["ports"] = json!([
        {"name": "web", "port": 80, "appProtocol": "http"},
        {"port": 9000, "targetPort": "admin", "protocol": "UDP"}]);
    api::create(&mut sim, s, "t").unwrap();
    api::create(
        &mut sim,
        pod("web-0", "10.244.1.2", true, Some("nginx")),
        "t",
    )
    .unwrap();
    api::create(&mut sim, pod("web-1", "10.244.1.3", false, None), "t").unwrap();
    let mut b = pod("web-2", "10.244.1.4", true, Some("nginx"));
    b.spec_mut()["containers"][0]["ports"] =
        json!([{"name": "admin", "containerPort": 9090, "protocol": "UDP"}]);
    api::create(&mut sim, b, "t").unwrap();
    run(&mut sim);
    let svc = sim.store.get(Kind::Service, "default", "nginx").unwrap();
    let desired = desired_subsets(&sim.store, svc);
    let built = subsets_typed(&desired, None).to_value();
    assert_eq!(built.as_array().map(|a| a.len()), Some(2), "{built}");
    let stored = endpoints(&sim, "nginx");
    assert_eq!(&built, stored.field("subsets"));
    // The controller wrote a typed view, compared as such.
    assert!(stored.body.view::<subsets::Subsets>("subsets").is_some());
    assert!(subsets_match(&desired, &stored));
    // The same subsets as JSON (a user's Endpoints) compare in place too.
    let with = |v: Value| {
        let mut ep = Object::new(Kind::Endpoints, "default", "nginx");
        if !v.is_null() {
            ep.body.insert("subsets".into(), v);
        }
        ep
    };
    assert!(subsets_match(&desired, &with(built.clone())));
    let changes = one_spot_changes(&built);
    assert!(changes.len() > 100, "{}", changes.len());
    for changed in changes {
        assert_ne!(changed, built);
        assert!(
            !subsets_match(&desired, &with(changed.clone())),
            "{changed}"
        );
    }
    // No pods: no subsets field at all.
    assert!(subsets_match(&[], &with(Value::Null)));
    assert!(!subsets_match(&[], &with(json!([]))));
}

#[test]
fn a_readiness_change_shares_the_other_addresses_with_the_old_endpoints() {
    let mut sim = Sim::new(6);
    api::create(&mut sim, headless("nginx", json!({"app": "nginx"})), "t").unwrap();
    for (i, ready) in [(0, true), (1, false), (2, true), (3, true)] {
        let p = pod(
            &format!("web-{i}"),
            &format!("10.244.1.{}", 20 - i),
            ready,
            None,
        );
        api::create(&mut sim, p, "t").unwrap();
    }
    run(&mut sim);
    let before = endpoints(&sim, "nginx");
    let old = before.body.view::<subsets::Subsets>("subsets").unwrap();
    // web-1 becomes ready, web-3 unready.
    for (i, ready) in [(1, true), (3, false)] {
        let mut p = pod(
            &format!("web-{i}"),
            &format!("10.244.1.{}", 20 - i),
            ready,
            None,
        );
        let stored = sim.store.get(Kind::Pod, "default", &p.meta.name).unwrap();
        p.meta = stored.meta.clone();
        api::update(&mut sim, p, "t").unwrap();
    }
    run(&mut sim);
    let after = endpoints(&sim, "nginx");
    let new = after.body.view::<subsets::Subsets>("subsets").unwrap();
    assert_eq!(
        ips(&after, "addresses"),
        ["10.244.1.18", "10.244.1.19", "10.244.1.20"]
    );
    assert_eq!(ips(&after, "notReadyAddresses"), ["10.244.1.17"]);
    let shared = |a: &Arc<subsets::Address>| {
        old.0[0]
            .addresses
            .iter()
            .chain(&old.0[0].not_ready_addresses)
            .any(|o| Arc::ptr_eq(o, a))
    };
    let (ready, not_ready) = (&new.0[0].addresses, &new.0[0].not_ready_addresses);
    // web-2 (.18) and web-0 (.20) kept their place: shared, not rebuilt.
    assert!(shared(&ready[0]) && shared(&ready[2]));
    // web-1 (.19) and web-3 (.17) moved between the lists: built anew.
    assert!(!shared(&ready[1]) && !shared(&not_ready[0]));
    // And the JSON is what building every address gives.
    let svc = sim.store.get(Kind::Service, "default", "nginx").unwrap();
    let desired = desired_subsets(&sim.store, svc);
    assert_eq!(
        after.field("subsets"),
        &subsets_typed(&desired, None).to_value()
    );
}

/// The addresses come in IP text order ("10.244.1.10" before
/// "10.244.1.9"), and stay in it when a pod's IP changes, is lost or
/// comes back (the store's index of pods by IP follows every write).
#[test]
fn addresses_follow_ip_changes_in_text_order() {
    let mut sim = Sim::new(1);
    api::create(&mut sim, headless("nginx", json!({"app": "nginx"})), "t").unwrap();
    let start = [
        ("a", "10.244.1.9"),
        ("b", "10.244.1.10"),
        ("c", "9.0.0.1"),
        ("d", "fd00::a"),
        ("e", "10.244.1.100"),
    ];
    for (name, ip) in start {
        api::create(&mut sim, pod(name, ip, true, None), "t").unwrap();
    }
    run(&mut sim);
    let want = |sim: &Sim| {
        let mut v: Vec<String> = sim
            .store
            .list(Kind::Pod)
            .filter_map(|p| podutil::pod_ip(p).filter(|ip| !ip.is_empty()))
            .map(String::from)
            .collect();
        crate::sim::sort::sort(&mut v);
        v
    };
    assert_eq!(
        ips(&endpoints(&sim, "nginx"), "addresses"),
        [
            "10.244.1.10",
            "10.244.1.100",
            "10.244.1.9",
            "9.0.0.1",
            "fd00::a"
        ]
    );
    // New IPs, one lost, one a duplicate of another pod's.
    for (name, ip) in [("a", "10.0.0.1"), ("c", ""), ("e", "fd00::a")] {
        let mut p = sim.store.get(Kind::Pod, "default", name).unwrap().clone();
        p.status_mut()["podIP"] = ip.into();
        api::update(&mut sim, p, "t").unwrap();
    }
    run(&mut sim);
    let got = ips(&endpoints(&sim, "nginx"), "addresses");
    assert_eq!(got, ["10.0.0.1", "10.244.1.10", "fd00::a", "fd00::a"]);
    assert_eq!(got, want(&sim));
    let by_ip: Vec<(&str, &str)> = sim
        .store
        .pods_by_ip("default")
        .map(|(ip, p)| (ip, p.name()))
        .collect();
    assert_eq!(by_ip.len(), 4, "{by_ip:?}");
    assert!(by_ip
        .iter()
        .all(|(ip, p)| *ip
            == podutil::pod_ip(sim.store.get(Kind::Pod, "default", p).unwrap()).unwrap()));
}

#[test]
fn addresses_with_one_ip_sort_by_uid() {
    // Host-network pods on one node share its IP; then the uid decides,
    // not the names' order (six uids: the names' order is theirs by
    // chance once in 720).
    let mut sim = Sim::new(1);
    api::create(&mut sim, headless("nginx", json!({"app": "nginx"})), "t").unwrap();
    for name in ["a", "b", "c", "d", "e", "f"] {
        api::create(&mut sim, pod(name, "172.18.0.2", true, None), "t").unwrap();
    }
    api::create(&mut sim, pod("g", "172.18.0.10", true, None), "t").unwrap();
    api::create(&mut sim, pod("h", "10.244.1.100", true, None), "t").unwrap();
    run(&mut sim);
    let ep = endpoints(&sim, "nginx");
    let got: Vec<(String, String)> = ep.body["subsets"][0]
        .array_at("addresses")
        .iter()
        .map(|a| {
            let s = |p: &str| a.str_at(p).unwrap_or("").to_string();
            (s("ip"), s("targetRef.uid"))
        })
        .collect();
    let mut want: Vec<(String, String)> = sim
        .store
        .list(Kind::Pod)
        .map(|p| (podutil::pod_ip(p).unwrap().to_string(), p.meta.uid.clone()))
        .collect();
    crate::sim::sort::sort(&mut want);
    assert_eq!(got, want);
    let names: Vec<&str> = ep.body["subsets"][0]
        .array_at("addresses")
        .iter()
        .filter_map(|a| a.str_at("targetRef.name"))
        .collect();
    assert_ne!(
        names[2..],
        ["a", "b", "c", "d", "e", "f"],
        "uids in name order: pick others"
    );
}

/// A Service's sync settles it when its one write is its own Endpoints;
/// not when it writes the Service (its cluster IP), which the next sync
/// reads.
#[test]
fn only_its_own_endpoints_written_settle_a_service() {
    let svc = Object::new(Kind::Service, "default", "web");
    let ep = |name: &str| Object::new(Kind::Endpoints, "default", name);
    assert!(endpoints_write_settles(&svc, &[Write::Create(ep("web"))]));
    assert!(endpoints_write_settles(&svc, &[Write::Update(ep("web"))]));
    assert!(!endpoints_write_settles(&svc, &[Write::Update(ep("db"))]));
    assert!(!endpoints_write_settles(
        &svc,
        &[Write::Update(svc.clone())]
    ));
    assert!(!endpoints_write_settles(&svc, &[]));
    assert!(!endpoints_write_settles(
        &svc,
        &[Write::Update(ep("web")), Write::Update(ep("web"))]
    ));
}
