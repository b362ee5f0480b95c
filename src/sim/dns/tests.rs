use super::*;
use crate::sim::api;
use crate::sim::engine::Sim;
use crate::sim::object::Object;
use crate::sim::testutil::{headless, run_endpoints as run, serving_pod as pod};
use serde_json::json;
use std::sync::Arc;

fn a_records(ans: &Answer) -> Vec<String> {
    match ans {
        Answer::Found { records, .. } => records.iter().map(|r| r.data.clone()).collect(),
        Answer::NxDomain => Vec::new(),
    }
}

fn nginx(sim: &mut Sim) {
    api::create(sim, headless("nginx", json!({"app": "nginx"})), "t").unwrap();
    api::create(sim, pod("web-0", "10.244.1.2", true, Some("nginx")), "t").unwrap();
    api::create(sim, pod("web-1", "10.244.2.2", false, Some("nginx")), "t").unwrap();
    run(sim);
}

#[test]
fn pod_names_of_a_headless_service_resolve_through_the_search_path() {
    let mut sim = Sim::new(1);
    nginx(&mut sim);
    let ans = resolve(&sim.store, "default", "web-0.nginx", "A");
    match &ans {
        Answer::Found { fqdn, .. } => assert_eq!(fqdn, "web-0.nginx.default.svc.cluster.local"),
        Answer::NxDomain => panic!("web-0.nginx should resolve"),
    }
    assert_eq!(a_records(&ans), ["10.244.1.2"]);
    // The full name, with or without the trailing dot, from anywhere.
    for n in [
        "web-0.nginx.default.svc.cluster.local",
        "web-0.nginx.default.svc.cluster.local.",
    ] {
        assert_eq!(
            a_records(&resolve(&sim.store, "kube-system", n, "A")),
            ["10.244.1.2"]
        );
    }
    // From another namespace the short name is not this one.
    assert_eq!(
        resolve(&sim.store, "kube-system", "web-0.nginx", "A"),
        Answer::NxDomain
    );
    // Not ready: no record for web-1, and the service name lists only web-0.
    assert_eq!(
        resolve(&sim.store, "default", "web-1.nginx", "A"),
        Answer::NxDomain
    );
    assert_eq!(
        a_records(&resolve(&sim.store, "default", "nginx", "A")),
        ["10.244.1.2"]
    );
    assert_eq!(
        resolve(&sim.store, "default", "nothing-here", "A"),
        Answer::NxDomain
    );
}

/// The kubelet reporting the pod Ready, and the endpoints following.
fn turn_ready(sim: &mut Sim, name: &str) {
    let mut p = sim.store.get(Kind::Pod, "default", name).unwrap().clone();
    p.status_mut()["conditions"][0]["status"] = "True".into();
    api::update(sim, p, "kubelet").unwrap();
    run(sim);
}

#[test]
fn readiness_changes_change_records() {
    let mut sim = Sim::new(2);
    nginx(&mut sim);
    turn_ready(&mut sim, "web-1");
    assert_eq!(
        a_records(&resolve(&sim.store, "default", "nginx", "A")),
        ["10.244.1.2", "10.244.2.2"]
    );
    let recs = records(&sim.store);
    assert!(recs.contains(&Record {
        name: "_web._tcp.nginx.default.svc.cluster.local".into(),
        rtype: "SRV".into(),
        data: "0 50 80 web-1.nginx.default.svc.cluster.local".into(),
        namespace: "default".into(),
        service: "nginx".into(),
    }));
    assert!(recs.iter().any(|r| r.rtype == "PTR"
        && r.name == "2.2.244.10.in-addr.arpa"
        && r.data == "web-1.nginx.default.svc.cluster.local"));
}

#[test]
fn publish_not_ready_addresses_serves_unready_pods() {
    let mut sim = Sim::new(3);
    let mut s = headless("nginx", json!({"app": "nginx"}));
    s.spec_mut()["publishNotReadyAddresses"] = true.into();
    api::create(&mut sim, s, "t").unwrap();
    api::create(
        &mut sim,
        pod("web-1", "10.244.2.2", false, Some("nginx")),
        "t",
    )
    .unwrap();
    run(&mut sim);
    assert_eq!(
        a_records(&resolve(&sim.store, "default", "web-1.nginx", "A")),
        ["10.244.2.2"]
    );
}

#[test]
fn cluster_ip_services_have_one_a_record_and_srv_per_named_port() {
    let mut sim = Sim::new(4);
    let mut s = Object::new(Kind::Service, "default", "mysql-read");
    s.body.insert(
        "spec".into(),
        json!({"selector": {"app": "nginx"}, "ports": [{"name": "mysql", "port": 3306}, {"port": 9000}]}),
    );
    api::create(&mut sim, s, "t").unwrap();
    api::create(&mut sim, pod("a", "10.244.1.2", true, None), "t").unwrap();
    run(&mut sim);
    let ip = sim
        .store
        .get(Kind::Service, "default", "mysql-read")
        .unwrap()
        .spec()
        .str_at("clusterIP")
        .unwrap()
        .to_string();
    assert_eq!(
        a_records(&resolve(&sim.store, "default", "mysql-read", "A")),
        vec![ip.clone()]
    );
    let srv = resolve(&sim.store, "default", "_mysql._tcp.mysql-read", "SRV");
    assert_eq!(
        a_records(&srv),
        ["0 100 3306 mysql-read.default.svc.cluster.local"]
    );
    // The unnamed port has no `_port._proto` name, but the Service's own
    // name answers SRV for both ports, sharing the weight.
    let recs = records(&sim.store);
    assert_eq!(
        recs.iter()
            .filter(|r| r.service == "mysql-read" && r.rtype == "SRV")
            .count(),
        3
    );
    let bare = resolve(&sim.store, "default", "mysql-read", "SRV");
    assert_eq!(a_records(&bare).len(), 2);
    assert!(a_records(&bare).iter().all(|d| d.starts_with("0 50 ")));
    // The bootstrap services resolve by their usual short names.
    assert_eq!(
        a_records(&resolve(&sim.store, "default", "kubernetes", "A")),
        ["10.96.0.1"]
    );
    assert_eq!(
        a_records(&resolve(&sim.store, "default", "kube-dns.kube-system", "A")),
        ["10.96.0.10"]
    );
    match resolve(&sim.store, "default", &ip, "PTR") {
        Answer::Found { records, .. } => {
            assert_eq!(records[0].data, "mysql-read.default.svc.cluster.local")
        }
        Answer::NxDomain => panic!("PTR for the cluster IP"),
    }
}

#[test]
fn external_name_answers_a_cname() {
    let mut sim = Sim::new(5);
    let mut s = Object::new(Kind::Service, "default", "db");
    s.body.insert(
        "spec".into(),
        json!({"type": "ExternalName", "externalName": "db.example.com"}),
    );
    api::create(&mut sim, s, "t").unwrap();
    run(&mut sim);
    match resolve(&sim.store, "default", "db", "A") {
        Answer::Found { records, .. } => {
            assert_eq!(records[0].rtype, "CNAME");
            assert_eq!(records[0].data, "db.example.com");
        }
        Answer::NxDomain => panic!("CNAME expected"),
    }
}

#[test]
fn search_path_follows_ndots() {
    assert_eq!(
        search_candidates("default", "web-0.nginx"),
        [
            "web-0.nginx.default.svc.cluster.local",
            "web-0.nginx.svc.cluster.local",
            "web-0.nginx.cluster.local",
            "web-0.nginx"
        ]
    );
    // Five dots or more: tried as given first.
    assert_eq!(
        search_candidates("default", "a.b.c.d.e.f")[0],
        "a.b.c.d.e.f"
    );
    // Case folds in ASCII only (RFC 4343): `Web-0.NGINX.` is `web-0.nginx`, and
    // a non-ASCII letter stays as typed, so it matches no record.
    assert_eq!(
        search_candidates("default", "Web-0.NGINX."),
        ["web-0.nginx"]
    );
    assert_eq!(search_candidates("default", "WÉB."), ["wÉb"]);
}

#[test]
fn records_stay_cheap_for_a_thousand_pods() {
    let mut sim = Sim::new(6);
    api::create(&mut sim, headless("nginx", json!({"app": "nginx"})), "t").unwrap();
    for i in 0..1000 {
        let ip = format!("10.244.{}.{}", 1 + i / 250, 2 + i % 250);
        api::create(
            &mut sim,
            pod(&format!("web-{i}"), &ip, true, Some("nginx")),
            "t",
        )
        .unwrap();
    }
    run(&mut sim);
    let t = std::time::Instant::now();
    let recs = records(&sim.store);
    // Service A + pod A + PTR + SRV (port name and Service name) per pod.
    assert_eq!(recs.iter().filter(|r| r.service == "nginx").count(), 5000);
    // A thousand records share 100: each gets CoreDNS's minimum weight, 1.
    assert!(recs
        .iter()
        .filter(|r| r.rtype == "SRV" && r.service == "nginx")
        .all(|r| r.data.starts_with("0 1 ")));
    assert_eq!(
        a_records(&resolve(
            &sim.store,
            "default",
            "10-244-1-2.default.pod",
            "A"
        )),
        ["10.244.1.2"]
    );
    assert_eq!(
        a_records(&resolve(&sim.store, "default", "dns-version", "TXT")),
        ["\"1.0.1\""]
    );
    assert!(
        t.elapsed().as_millis() < 2_000,
        "records took {:?}",
        t.elapsed()
    );
}

#[test]
fn the_engine_logs_record_changes_and_settles() {
    let mut sim = Sim::new(7);
    let mut s = Object::new(Kind::Service, "default", "web");
    s.body.insert(
        "spec".into(),
        json!({"selector": {"app": "web"}, "ports": [{"name": "http", "port": 80}]}),
    );
    api::create(&mut sim, s, "t").unwrap();
    sim.touch();
    assert!(sim.settle(1_000), "controllers converge");
    let ip = sim
        .store
        .get(Kind::Service, "default", "web")
        .unwrap()
        .spec()
        .str_at("clusterIP")
        .unwrap()
        .to_string();
    let line = format!("web.default.svc.cluster.local A {ip}");
    assert!(sim
        .log
        .iter()
        .any(|e| e.action == crate::sim::engine::Action::Dns && e.message == line));
    assert!(sim.store.get(Kind::Endpoints, "default", "web").is_some());
}

#[test]
fn fingerprint_follows_services_and_endpoints_only() {
    let mut sim = Sim::new(8);
    nginx(&mut sim);
    let before = fingerprint(&sim.store);
    let mut p = sim
        .store
        .get(Kind::Pod, "default", "web-0")
        .unwrap()
        .clone();
    p.meta.labels.insert("extra".into(), "1".into());
    api::update(&mut sim, p, "t").unwrap();
    assert_eq!(fingerprint(&sim.store), before, "pod churn alone");
    turn_ready(&mut sim, "web-1");
    assert_ne!(fingerprint(&sim.store), before, "endpoints changed");
}

/// After each change: what `Zone::refresh` removes and adds is what the
/// whole zone's difference gives, in the same order, and it serves the
/// same records.
fn refresh_agrees(sim: &Sim, zone: &mut Zone, old: &mut BTreeSet<Record>) -> usize {
    let new = records(&sim.store);
    let (removed, added) = zone.refresh(&sim.store);
    assert_eq!(removed, old.difference(&new).cloned().collect::<Vec<_>>());
    assert_eq!(added, new.difference(old).cloned().collect::<Vec<_>>());
    assert_eq!(zone.records(), new);
    *old = new;
    removed.len() + added.len()
}

#[test]
fn the_zone_kept_per_service_changes_as_the_whole_zone() {
    let mut sim = Sim::new(8);
    let mut zone = Zone::default();
    let mut old = BTreeSet::new();
    assert!(refresh_agrees(&sim, &mut zone, &mut old) > 0);
    assert_eq!(refresh_agrees(&sim, &mut zone, &mut old), 0);
    nginx(&mut sim);
    assert!(refresh_agrees(&sim, &mut zone, &mut old) > 0);
    // web-1 turns ready: its records come and the SRV weights halve.
    turn_ready(&mut sim, "web-1");
    assert!(refresh_agrees(&sim, &mut zone, &mut old) > 0);
    // A pod that is not ready changes the Endpoints but no record.
    let rv = sim
        .store
        .get(Kind::Endpoints, "default", "nginx")
        .unwrap()
        .resource_version;
    api::create(
        &mut sim,
        pod("web-2", "10.244.3.2", false, Some("nginx")),
        "t",
    )
    .unwrap();
    run(&mut sim);
    let ep = sim.store.get(Kind::Endpoints, "default", "nginx").unwrap();
    assert_ne!(ep.resource_version, rv);
    assert_eq!(refresh_agrees(&sim, &mut zone, &mut old), 0);
    // A Service whose own name is another's SRV name: their SRV records
    // share one name and so the weight (counted over the whole zone).
    let mut s = headless("_web._tcp.nginx", json!({"app": "nginx"}));
    s.spec_mut()["ports"] = json!([{"port": 81}]);
    api::create(&mut sim, s, "t").unwrap();
    run(&mut sim);
    assert!(refresh_agrees(&sim, &mut zone, &mut old) > 0);
    let shared = "_web._tcp.nginx.default.svc.cluster.local";
    assert!(old.iter().any(|r| r.name == shared
        && r.service == "_web._tcp.nginx"
        && r.data.starts_with("0 25 ")));
    // It goes: the weights of nginx's records go back to their own count.
    let k = Key::new(Kind::Service, "default", "_web._tcp.nginx");
    api::delete(&mut sim, &k, Default::default(), "t").unwrap();
    run(&mut sim);
    assert!(refresh_agrees(&sim, &mut zone, &mut old) > 0);
    assert!(old
        .iter()
        .any(|r| r.name == shared && r.data.starts_with("0 50 ")));
    // A second Service over the same pods, then the first one goes.
    api::create(&mut sim, headless("other", json!({"app": "nginx"})), "t").unwrap();
    run(&mut sim);
    assert!(refresh_agrees(&sim, &mut zone, &mut old) > 0);
    let k = Key::new(Kind::Service, "default", "nginx");
    api::delete(&mut sim, &k, Default::default(), "t").unwrap();
    run(&mut sim);
    assert!(refresh_agrees(&sim, &mut zone, &mut old) > 0);
    assert_eq!(refresh_agrees(&sim, &mut zone, &mut old), 0);
}

/// The `nginx` Endpoints rewritten as a typed view with these ready
/// addresses (the ports and not-ready addresses kept), as the endpoint
/// controller writes them.
fn write_ready(sim: &mut Sim, ready: Vec<Arc<subsets::Address>>) {
    let mut ep = sim
        .store
        .get(Kind::Endpoints, "default", "nginx")
        .unwrap()
        .clone();
    let mut view = ep.body.view::<subsets::Subsets>("subsets").unwrap().clone();
    view.0[0].addresses = ready;
    ep.body.insert_view("subsets".into(), view);
    api::update(sim, ep, "t").unwrap();
}

fn ready_of(sim: &Sim) -> Vec<Arc<subsets::Address>> {
    let ep = sim.store.get(Kind::Endpoints, "default", "nginx").unwrap();
    ep.body.view::<subsets::Subsets>("subsets").unwrap().0[0]
        .addresses
        .clone()
}

#[test]
fn a_refresh_walks_the_shared_addresses_and_agrees_with_the_whole_zone() {
    let mut sim = Sim::new(8);
    let mut zone = Zone::default();
    let mut old = BTreeSet::new();
    nginx(&mut sim);
    refresh_agrees(&sim, &mut zone, &mut old);
    let key = Key::new(Kind::Service, "default", "nginx");
    let walked = |zone: &Zone| {
        let s = &zone.services[&key];
        (s.ready.is_some(), s.ep_view.is_none())
    };
    assert_eq!(
        walked(&zone),
        (true, false),
        "counted whole, addresses kept"
    );
    // web-1 turns ready and web-0 goes not ready: two addresses, the
    // same count, so the weights stay and the walk finds both.
    turn_ready(&mut sim, "web-1");
    refresh_agrees(&sim, &mut zone, &mut old);
    let mut p = sim
        .store
        .get(Kind::Pod, "default", "web-0")
        .unwrap()
        .clone();
    p.status_mut()["conditions"][0]["status"] = "False".into();
    api::update(&mut sim, p, "kubelet").unwrap();
    run(&mut sim);
    turn_ready(&mut sim, "web-0");
    assert_eq!(refresh_agrees(&sim, &mut zone, &mut old), 0);
    // One address's hostname changes (a new address, the same IP and pod):
    // its records go and come; the other address is shared.
    let mut ready = ready_of(&sim);
    assert_eq!(ready.len(), 2);
    let mut renamed = (*ready[0]).clone();
    renamed.hostname = Some("renamed".into());
    ready[0] = Arc::new(renamed);
    write_ready(&mut sim, ready.clone());
    assert!(refresh_agrees(&sim, &mut zone, &mut old) > 0);
    assert!(old.iter().any(|r| r.name.starts_with("renamed.nginx.")));
    assert_eq!(walked(&zone), (true, true), "walked, no hash taken");
    // Out of the controller's order, nothing changes.
    ready.reverse();
    write_ready(&mut sim, ready.clone());
    assert_eq!(refresh_agrees(&sim, &mut zone, &mut old), 0);
    assert_eq!(walked(&zone), (true, true));
    // A second pod on the same IP and hostname (as host-network pods
    // share their node's): each record is counted twice, and stays while
    // either address does.
    let mut twin = (*ready[0]).clone();
    twin.pod_uid = "twin".into();
    twin.pod_name = "twin".into();
    ready.push(Arc::new(twin));
    write_ready(&mut sim, ready.clone());
    refresh_agrees(&sim, &mut zone, &mut old);
    let first = ready.remove(0);
    write_ready(&mut sim, ready.clone());
    refresh_agrees(&sim, &mut zone, &mut old);
    assert!(old.iter().any(|r| r.rtype == "A"
        && r.data == first.ip
        && r.name.split('.').next() == first.hostname.as_deref()));
    // Endpoints written as JSON (a user's edit): the merge reads them,
    // and nothing is kept to walk until the controller writes them again.
    let mut ep = sim
        .store
        .get(Kind::Endpoints, "default", "nginx")
        .unwrap()
        .clone();
    let mut json = ep.field("subsets").clone();
    json[0]["addresses"].as_array_mut().unwrap().pop();
    ep.body.insert("subsets".into(), json);
    api::update(&mut sim, ep, "t").unwrap();
    refresh_agrees(&sim, &mut zone, &mut old);
    assert!(!walked(&zone).0);
    run(&mut sim);
    refresh_agrees(&sim, &mut zone, &mut old);
    assert!(walked(&zone).0);
}
