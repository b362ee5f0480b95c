use super::*;
use crate::sim::api;
use crate::sim::engine::{Action, Sim};
use crate::sim::testutil::pod;
use crate::sim::{Input, Key};

fn get<'a>(sim: &'a Sim, name: &str) -> &'a Object {
    sim.store
        .get(Kind::Pod, "default", name)
        .expect("pod exists")
}

fn events(sim: &Sim, name: &str) -> Vec<(String, String)> {
    sim.log
        .iter()
        .filter(|e| e.action == Action::Recorded && e.kind == Kind::Pod && e.name == name)
        .map(|e| (e.reason.to_string(), e.message.clone()))
        .collect()
}

fn reasons(sim: &Sim, name: &str) -> Vec<String> {
    events(sim, name).into_iter().map(|e| e.0).collect()
}

fn state_reason(p: &Object, path: &str) -> Option<String> {
    p.status().str_at(path).map(String::from)
}

fn fault(sim: &mut Sim, line: &str) -> Result<String, String> {
    sim.input(Input::Fault(line.into()))
}

#[test]
fn container_creating_then_running_then_ready_after_probe_delay() {
    let mut sim = Sim::new(1);
    let spec = json!({"containers": [{"name": "nginx", "image": "nginx",
        "readinessProbe": {"httpGet": {"path": "/", "port": 80}, "initialDelaySeconds": 5, "periodSeconds": 10}}]});
    api::create(&mut sim, pod("web-0", spec), "test").unwrap();
    sim.touch();
    sim.advance(100);
    let p = get(&sim, "web-0");
    assert_eq!(podutil::phase(p), "Pending");
    assert_eq!(
        state_reason(p, "containerStatuses.0.state.waiting.reason").as_deref(),
        Some("ContainerCreating")
    );
    let node = podutil::node_name(p).unwrap().to_string();
    let idx = node.trim_start_matches("node-");
    assert_eq!(podutil::pod_ip(p), Some(format!("10.244.{idx}.2").as_str()));
    assert_eq!(reasons(&sim, "web-0"), ["Scheduled", "Pulling"]);
    // The pull takes image_pull_ms plus up to 50% jitter.
    sim.advance(3_000);
    let p = get(&sim, "web-0");
    assert_eq!(podutil::phase(p), "Running");
    assert!(!podutil::is_ready(p), "probe has not run yet");
    let started = ts(p.status(), "containerStatuses.0.state.running.startedAt").unwrap();
    assert!((2_000..=3_000).contains(&started), "started at {started}");
    let ev = events(&sim, "web-0");
    assert_eq!(ev[2].0, "Pulled");
    assert!(ev[2]
        .1
        .starts_with("Successfully pulled image \"nginx\" in "));
    assert!(ev[2].1.contains("including waiting). Image size: "));
    assert_eq!(ev[3], ("Created".into(), "Created container nginx".into()));
    assert_eq!(ev[4], ("Started".into(), "Started container nginx".into()));
    // Ready exactly at the first probe, initialDelaySeconds after the start.
    sim.advance_to(started + 5_000 - 1);
    assert!(!podutil::is_ready(get(&sim, "web-0")));
    sim.advance_to(started + 5_000);
    let p = get(&sim, "web-0");
    assert!(podutil::is_ready(p));
    let c = podutil::condition(p, "Ready").unwrap();
    assert_eq!(
        c.str_at("lastTransitionTime"),
        Some(rfc3339(started + 5_000).as_str())
    );
    assert_eq!(p.status().str_at("qosClass"), Some("BestEffort"));
}

#[test]
fn pod_without_probe_is_ready_when_started_and_ips_are_distinct() {
    let mut sim = Sim::with_config(
        2,
        crate::sim::Config {
            nodes: 1,
            ..Default::default()
        },
    );
    for i in 0..3 {
        let spec = json!({"containers": [{"name": "c", "image": "busybox",
            "command": ["sleep", "3600"]}]});
        api::create(&mut sim, pod(&format!("p{i}"), spec), "test").unwrap();
    }
    sim.touch();
    sim.advance(4_000);
    let ips: BTreeSet<String> = (0..3)
        .map(|i| {
            let p = get(&sim, &format!("p{i}"));
            assert!(podutil::is_running_and_ready(p));
            podutil::pod_ip(p).unwrap().to_string()
        })
        .collect();
    let want: BTreeSet<String> = ["10.244.1.2", "10.244.1.3", "10.244.1.4"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(ips, want);
}

#[test]
fn init_containers_run_in_order() {
    let mut sim = Sim::new(3);
    let spec = json!({
        "initContainers": [{"name": "init-mysql", "image": "mysql:5.7"}, {"name": "clone-mysql", "image": "xtrabackup:1.0"}],
        "containers": [{"name": "mysql", "image": "mysql:5.7"}, {"name": "xtrabackup", "image": "xtrabackup:1.0"}]});
    api::create(&mut sim, pod("mysql-0", spec), "test").unwrap();
    sim.touch();
    sim.advance(10);
    let p = get(&sim, "mysql-0");
    assert_eq!(
        state_reason(p, "containerStatuses.0.state.waiting.reason").as_deref(),
        Some("PodInitializing")
    );
    assert_eq!(
        podutil::condition(p, "Initialized")
            .unwrap()
            .str_at("message"),
        Some("containers with incomplete status: [init-mysql clone-mysql]")
    );
    // Watch the init containers: the second starts only after the first ended.
    let mut first_done = None;
    let mut second_started = None;
    let mut saw_pod_initializing = false;
    for _ in 0..400 {
        sim.advance(100);
        let p = get(&sim, "mysql-0");
        let s = p.status();
        if first_done.is_none() {
            first_done = ts(s, "initContainerStatuses.0.state.terminated.finishedAt");
        }
        if second_started.is_none() {
            second_started = ts(s, "initContainerStatuses.1.state.running.startedAt")
                .or_else(|| ts(s, "initContainerStatuses.1.state.terminated.startedAt"));
            if second_started.is_some() {
                assert!(
                    first_done.is_some(),
                    "init 1 started before init 0 finished"
                );
            }
        }
        if s.str_at("initContainerStatuses.1.state.running.startedAt")
            .is_some()
            && s.str_at("containerStatuses.0.state.waiting.reason") == Some("PodInitializing")
        {
            saw_pod_initializing = true;
        }
        if podutil::is_running_and_ready(p) {
            break;
        }
    }
    let (a, b) = (first_done.unwrap(), second_started.unwrap());
    assert!(
        b >= a + 2_000,
        "second init pulled its image after the first ended"
    );
    assert!(saw_pod_initializing);
    let p = get(&sim, "mysql-0");
    assert!(podutil::is_running_and_ready(p));
    let r = reasons(&sim, "mysql-0");
    let started: Vec<String> = events(&sim, "mysql-0")
        .into_iter()
        .filter(|e| e.0 == "Started")
        .map(|e| e.1)
        .collect();
    assert_eq!(
        started,
        [
            "Started container init-mysql",
            "Started container clone-mysql",
            "Started container mysql",
            "Started container xtrabackup"
        ]
    );
    // Each image is pulled once per node; the app containers find theirs
    // already there (tagged images default to IfNotPresent).
    assert_eq!(r.iter().filter(|x| *x == "Pulling").count(), 2);
    let present = events(&sim, "mysql-0")
        .into_iter()
        .filter(|e| e.1.ends_with("already present on machine"))
        .count();
    assert_eq!(present, 2);
    let node = podutil::node_name(p).unwrap();
    let images = sim
        .store
        .get(Kind::Node, "", node)
        .unwrap()
        .status()
        .array_at("images")
        .len();
    assert_eq!(images, 2);
}

#[test]
fn crash_restarts_with_back_off() {
    let mut sim = Sim::new(4);
    api::create(
        &mut sim,
        pod(
            "web-0",
            json!({"containers": [{"name": "nginx", "image": "nginx"}]}),
        ),
        "test",
    )
    .unwrap();
    sim.touch();
    sim.advance(5_000);
    assert!(podutil::is_ready(get(&sim, "web-0")));
    // First crash: restarted at once.
    fault(&mut sim, "pod web-0 crash").unwrap();
    sim.advance(1);
    let p = get(&sim, "web-0");
    assert_eq!(
        p.status().i64_at("containerStatuses.0.restartCount"),
        Some(1)
    );
    assert_eq!(
        p.status()
            .i64_at("containerStatuses.0.lastState.terminated.exitCode"),
        Some(137)
    );
    assert!(!p.status().at("containerStatuses.0.state.running").is_null());
    // Second crash: 10 s in CrashLoopBackOff.
    sim.advance(1_000);
    fault(&mut sim, "pod web-0 crash").unwrap();
    let t = sim.now;
    sim.advance(1);
    let p = get(&sim, "web-0");
    assert_eq!(
        state_reason(p, "containerStatuses.0.state.waiting.reason").as_deref(),
        Some("CrashLoopBackOff")
    );
    assert!(state_reason(p, "containerStatuses.0.state.waiting.message")
        .unwrap()
        .starts_with("back-off 10s restarting failed container=nginx pod=web-0_default("));
    assert!(!podutil::is_ready(p));
    assert_eq!(podutil::phase(p), "Running");
    sim.advance_to(t + 9_000);
    assert_eq!(
        get(&sim, "web-0")
            .status()
            .i64_at("containerStatuses.0.restartCount"),
        Some(1)
    );
    sim.advance_to(t + 10_000);
    let p = get(&sim, "web-0");
    assert_eq!(
        p.status().i64_at("containerStatuses.0.restartCount"),
        Some(2)
    );
    assert!(podutil::is_ready(p));
    // Third: 20 s.
    fault(&mut sim, "pod web-0 crash").unwrap();
    let t = sim.now;
    sim.advance(19_000);
    assert_eq!(
        get(&sim, "web-0")
            .status()
            .i64_at("containerStatuses.0.restartCount"),
        Some(2)
    );
    sim.advance_to(t + 20_000);
    assert_eq!(
        get(&sim, "web-0")
            .status()
            .i64_at("containerStatuses.0.restartCount"),
        Some(3)
    );
    assert!(reasons(&sim, "web-0").contains(&"BackOff".to_string()));
    assert_eq!(backoff_ms(5), 160_000);
    assert_eq!(backoff_ms(7), 300_000);
}

#[test]
fn graceful_termination_takes_the_stop_time_then_removes_the_pod() {
    let mut sim = Sim::new(5);
    for n in ["a", "b"] {
        api::create(
            &mut sim,
            pod(
                n,
                json!({"containers": [{"name": "nginx", "image": "nginx"}],
                         "terminationGracePeriodSeconds": if n == "a" { 30 } else { 1 }}),
            ),
            "test",
        )
        .unwrap();
    }
    sim.touch();
    sim.advance(5_000);
    let t = sim.now;
    for n in ["a", "b"] {
        api::delete(
            &mut sim,
            &Key::new(Kind::Pod, "default", n),
            Default::default(),
            "test",
        )
        .unwrap();
    }
    sim.touch();
    sim.advance(10);
    let a = get(&sim, "a");
    assert!(a.meta.terminating());
    assert!(!podutil::is_ready(a), "a stopping container is not ready");
    assert!(events(&sim, "a").contains(&("Killing".into(), "Stopping container nginx".into())));
    // b's grace (1 s) is shorter than the stop time (2 s).
    sim.advance_to(t + 999);
    assert!(sim.store.get(Kind::Pod, "default", "b").is_some());
    sim.advance_to(t + 1_000);
    assert!(sim.store.get(Kind::Pod, "default", "b").is_none());
    sim.advance_to(t + 1_999);
    assert!(sim.store.get(Kind::Pod, "default", "a").is_some());
    sim.advance_to(t + 2_000);
    assert!(sim.store.get(Kind::Pod, "default", "a").is_none());
    let killing = events(&sim, "a")
        .iter()
        .filter(|e| e.0 == "Killing")
        .count();
    assert_eq!(killing, 1);
}

#[test]
fn missing_configmap_holds_the_pod() {
    let mut sim = Sim::new(6);
    let spec = json!({"containers": [{"name": "zk", "image": "zk"}],
        "volumes": [{"name": "config", "configMap": {"name": "zk-cm"}}]});
    api::create(&mut sim, pod("zk-0", spec), "test").unwrap();
    let spec = json!({"containers": [{"name": "app", "image": "app",
        "env": [{"name": "MODE", "valueFrom": {"configMapKeyRef": {"name": "settings", "key": "mode"}}},
                {"name": "HEAP", "valueFrom": {"configMapKeyRef": {"name": "settings", "key": "jvm.heap"}}}]}]});
    api::create(&mut sim, pod("env-0", spec), "test").unwrap();
    sim.touch();
    sim.advance(10_000);
    let p = get(&sim, "zk-0");
    assert_eq!(podutil::phase(p), "Pending");
    assert_eq!(podutil::pod_ip(p), None);
    assert_eq!(
        state_reason(p, "containerStatuses.0.state.waiting.reason").as_deref(),
        Some("ContainerCreating")
    );
    assert!(events(&sim, "zk-0").contains(&(
        "FailedMount".into(),
        "MountVolume.SetUp failed for volume \"config\" : configmap \"zk-cm\" not found".into()
    )));
    let e = get(&sim, "env-0");
    assert_eq!(
        state_reason(e, "containerStatuses.0.state.waiting.reason").as_deref(),
        Some("CreateContainerConfigError")
    );
    assert!(events(&sim, "env-0").contains(&(
        "Failed".into(),
        "Error: configmap \"settings\" not found".into()
    )));
    // The ConfigMaps appear: both pods go on.
    let mut cm = Object::new(Kind::ConfigMap, "default", "zk-cm");
    cm.body.insert("data".into(), json!({"zoo.cfg": "x"}));
    api::create(&mut sim, cm, "test").unwrap();
    let mut cm = Object::new(Kind::ConfigMap, "default", "settings");
    cm.body.insert("data".into(), json!({"mode": "fast"}));
    api::create(&mut sim, cm, "test").unwrap();
    sim.touch();
    sim.advance(1_000);
    // A key is looked up whole, dots and all.
    assert!(events(&sim, "env-0").contains(&(
        "Failed".into(),
        "Error: couldn't find key jvm.heap in ConfigMap default/settings".into()
    )));
    let mut cm = sim
        .store
        .get(Kind::ConfigMap, "default", "settings")
        .unwrap()
        .clone();
    cm.body
        .insert("data".into(), json!({"mode": "fast", "jvm.heap": "2G"}));
    api::update(&mut sim, cm, "test").unwrap();
    sim.touch();
    sim.advance(5_000);
    assert!(podutil::is_running_and_ready(get(&sim, "zk-0")));
    assert!(podutil::is_running_and_ready(get(&sim, "env-0")));
}

#[test]
fn readiness_fault_fails_after_the_threshold_and_heals() {
    let mut sim = Sim::new(7);
    let spec = json!({"containers": [{"name": "mysql", "image": "mysql",
        "readinessProbe": {"exec": {"command": ["mysql", "-e", "SELECT 1"]}, "initialDelaySeconds": 5,
                           "periodSeconds": 2, "failureThreshold": 3}}]});
    api::create(&mut sim, pod("mysql-2", spec), "test").unwrap();
    sim.touch();
    sim.advance(20_000);
    let p = get(&sim, "mysql-2");
    assert!(podutil::is_ready(p));
    let started = ts(p.status(), "containerStatuses.0.state.running.startedAt").unwrap();
    fault(&mut sim, "pod mysql-2 unready").unwrap();
    let f = sim.now;
    // Failing probes at the next three ticks; NotReady at the third.
    let first = started + 5_000 + (f - started - 5_000).div_ceil(2_000) * 2_000;
    sim.advance_to(first + 4_000 - 1);
    assert!(podutil::is_ready(get(&sim, "mysql-2")));
    assert!(reasons(&sim, "mysql-2").contains(&"Unhealthy".to_string()));
    sim.advance_to(first + 4_000);
    let p = get(&sim, "mysql-2");
    assert!(!podutil::is_ready(p));
    assert_eq!(podutil::phase(p), "Running");
    // Healed: ready at the next successful probe.
    sim.advance(3_000);
    fault(&mut sim, "pod mysql-2 ready").unwrap();
    let h = sim.now;
    let next = started + 5_000 + (h - started - 5_000).div_ceil(2_000) * 2_000;
    sim.advance_to(next - 1);
    assert!(!podutil::is_ready(get(&sim, "mysql-2")));
    sim.advance_to(next);
    assert!(podutil::is_ready(get(&sim, "mysql-2")));
}

#[test]
fn run_to_completion_pods_succeed() {
    let mut sim = Sim::new(8);
    let spec = json!({"restartPolicy": "Never", "containers": [{"name": "dns", "image": "busybox",
        "command": ["nslookup", "web-0.nginx"]}]});
    api::create(&mut sim, pod("dns-test", spec), "test").unwrap();
    let spec = json!({"restartPolicy": "Never", "containers": [{"name": "s", "image": "busybox",
        "command": ["sh", "-c", "sleep 30"]}]});
    api::create(&mut sim, pod("sleeper", spec), "test").unwrap();
    sim.touch();
    sim.advance(10_000);
    let p = get(&sim, "dns-test");
    assert_eq!(podutil::phase(p), "Succeeded");
    assert_eq!(
        state_reason(p, "containerStatuses.0.state.terminated.reason").as_deref(),
        Some("Completed")
    );
    assert_eq!(
        podutil::condition(p, "Ready").unwrap().str_at("reason"),
        Some("PodCompleted")
    );
    assert_eq!(podutil::phase(get(&sim, "sleeper")), "Running");
    sim.advance(30_000);
    assert_eq!(podutil::phase(get(&sim, "sleeper")), "Succeeded");
}

#[test]
fn a_bare_shell_image_exits_at_once_and_crash_loops_under_always() {
    let mut sim = Sim::new(8);
    let bare = |policy: &str, extra: Value| {
        let mut c = json!({"name": "c", "image": "docker.io/library/busybox:1.36"});
        if let (Some(c), Some(e)) = (c.as_object_mut(), extra.as_object()) {
            c.extend(e.clone());
        }
        json!({"restartPolicy": policy, "containers": [c]})
    };
    api::create(&mut sim, pod("always", bare("Always", json!({}))), "test").unwrap();
    api::create(&mut sim, pod("never", bare("Never", json!({}))), "test").unwrap();
    let tty = json!({"stdin": true, "tty": true});
    api::create(&mut sim, pod("tty", bare("Always", tty)), "test").unwrap();
    sim.touch();
    sim.advance(30_000);
    let p = get(&sim, "always");
    // `getPhase`: under Always a stopped container is restarting.
    assert_eq!(podutil::phase(p), "Running");
    assert!(p.status().i64_at("containerStatuses.0.restartCount") >= Some(1));
    assert!(reasons(&sim, "always").contains(&"BackOff".to_string()));
    let p = get(&sim, "never");
    assert_eq!(podutil::phase(p), "Succeeded");
    assert_eq!(
        state_reason(p, "containerStatuses.0.state.terminated.reason").as_deref(),
        Some("Completed")
    );
    // A shell with a TTY waits for its input.
    assert_eq!(podutil::phase(get(&sim, "tty")), "Running");
    assert!(podutil::is_ready(get(&sim, "tty")));
}

#[test]
fn durations_print_like_go() {
    assert_eq!(go_duration(830), "830ms");
    assert_eq!(go_duration(2_000), "2s");
    assert_eq!(go_duration(2_134), "2.134s");
    assert_eq!(go_duration(2_100), "2.1s");
    assert_eq!(go_duration(65_500), "1m5.5s");
}

#[test]
fn images_already_on_the_node_start_at_once_unless_pulled_always() {
    let mut sim = Sim::new(11);
    let pinned = |image: &str| {
        json!({"nodeSelector": {"kubernetes.io/hostname": "node-1"},
               "containers": [{"name": "c", "image": image}]})
    };
    api::create(&mut sim, pod("first", pinned("nginx:1.25")), "test").unwrap();
    api::create(&mut sim, pod("latest-1", pinned("nginx")), "test").unwrap();
    sim.touch();
    sim.advance(10_000);
    api::create(&mut sim, pod("second", pinned("nginx:1.25")), "test").unwrap();
    api::create(&mut sim, pod("latest-2", pinned("nginx")), "test").unwrap();
    sim.touch();
    sim.advance(1);
    assert!(
        !podutil::is_running(get(&sim, "second")),
        "creating takes a moment"
    );
    sim.advance(1_300);
    let second = get(&sim, "second");
    assert!(podutil::is_running_and_ready(second));
    assert!(!reasons(&sim, "second").contains(&"Pulling".to_string()));
    assert!(events(&sim, "second").contains(&(
        "Pulled".into(),
        "Container image \"nginx:1.25\" already present on machine".into()
    )));
    // `nginx` means `nginx:latest`: pulled every time.
    assert!(!podutil::is_running(get(&sim, "latest-2")));
    assert!(reasons(&sim, "latest-2").contains(&"Pulling".to_string()));
    assert_eq!(pull_policy(&json!({"image": "nginx"})), "Always");
    assert_eq!(
        pull_policy(&json!({"image": "registry.k8s.io/nginx-slim:0.8"})),
        "IfNotPresent"
    );
    assert_eq!(
        pull_policy(&json!({"image": "localhost:5000/app"})),
        "Always"
    );
}

#[test]
fn zero_timings_run_the_whole_start_in_one_pass() {
    let mut cfg = crate::sim::Config::default();
    cfg.timings.image_pull_ms = 0;
    cfg.timings.init_container_ms = 0;
    cfg.timings.container_start_ms = 0;
    let mut sim = Sim::with_config(10, cfg);
    let spec = json!({"initContainers": [{"name": "a", "image": "busybox"}, {"name": "b", "image": "busybox"}],
        "containers": [{"name": "c", "image": "nginx"}, {"name": "d", "image": "nginx"}]});
    api::create(&mut sim, pod("quick", spec), "test").unwrap();
    sim.touch();
    sim.advance(0);
    let p = get(&sim, "quick");
    assert!(podutil::is_running_and_ready(p), "{:?}", p.status());
}

#[test]
#[ignore]
fn perf_many_pods() {
    let mut sim = Sim::with_config(
        9,
        crate::sim::Config {
            nodes: 10,
            ..Default::default()
        },
    );
    let t0 = std::time::Instant::now();
    for i in 0..1000 {
        let spec = json!({"containers": [{"name": "nginx", "image": "nginx",
            "readinessProbe": {"httpGet": {"port": 80}, "initialDelaySeconds": 1}}]});
        api::create(&mut sim, pod(&format!("p{i}"), spec), "test").unwrap();
    }
    sim.touch();
    sim.advance(20_000);
    let ready = sim
        .store
        .list(Kind::Pod)
        .filter(|p| podutil::is_ready(p))
        .count();
    println!(
        "ready {ready} in {:?}, steps {}, events {}",
        t0.elapsed(),
        sim.steps_taken(),
        sim.log.len()
    );
}

#[test]
fn fake_digest_is_four_salted_hashes_in_hex() {
    // The digest in image and container IDs is part of every transcript:
    // it is hash64 of the salt with "/0" to "/3", as it always was.
    for (seed, salt) in [("nginx:1.25", "image"), ("uid-7", "web/0"), ("", "")] {
        let want: String = (0..4)
            .map(|i| format!("{:016x}", hash64(seed, &format!("{salt}/{i}"))))
            .collect();
        assert_eq!(fake_digest(seed, salt), want);
        assert_eq!(want.len(), 64);
    }
}

#[test]
fn cordon_and_uncordon_are_recorded_once_as_node_events() {
    let mut sim = Sim::new(5);
    sim.advance(1_000);
    let node_events = |sim: &Sim| -> Vec<String> {
        sim.log
            .iter()
            .filter(|e| e.action == Action::Recorded && e.kind == Kind::Node && e.name == "node-1")
            .filter(|e| e.reason.ends_with("Schedulable"))
            .map(|e| format!("{}: {}", e.reason, e.message))
            .collect()
    };
    let set = |sim: &mut Sim, v: bool| {
        let mut n = sim.store.get(Kind::Node, "", "node-1").unwrap().clone();
        n.spec_mut()["unschedulable"] = v.into();
        api::update(sim, n, "test").unwrap();
        sim.touch();
        sim.advance(30_000);
    };
    set(&mut sim, true);
    assert_eq!(
        node_events(&sim),
        ["NodeNotSchedulable: Node node-1 status is now: NodeNotSchedulable"]
    );
    set(&mut sim, false);
    assert_eq!(
        node_events(&sim)[1..],
        ["NodeSchedulable: Node node-1 status is now: NodeSchedulable"]
    );
    // Recorded once each: the correlator counted no repeats.
    let seqs: Vec<u64> = sim
        .log
        .iter()
        .filter(|e| e.kind == Kind::Node && e.reason.ends_with("Schedulable"))
        .map(|e| e.seq)
        .collect();
    for s in seqs {
        assert_eq!(sim.event_counts.get(&s).map_or(1, |c| c.0), 1);
    }
}

/// Pod addresses: the first free host of the node's /24 from .2, where
/// only an address written as the allocator writes it takes a host.
#[test]
fn pod_ips_are_the_first_hosts_free_as_the_allocator_writes_them() {
    let mut node = Object::new(Kind::Node, "", "n");
    node.spec_mut()["podCIDR"] = "10.244.1.0/24".into();
    let held = [
        "10.244.1.2",
        "10.244.1.03",
        "10.244.10.3",
        "10.244.1.4",
        "172.18.0.2",
        "10.244.1.+5",
    ];
    let mut used = PodIps::of(&node, held.into_iter());
    assert_eq!(allocate_ip(&mut used).as_deref(), Some("10.244.1.3"));
    assert_eq!(allocate_ip(&mut used).as_deref(), Some("10.244.1.5"));
    let all: Vec<String> = (2..255).map(|h| format!("10.244.1.{h}")).collect();
    let mut full = PodIps::of(&node, all.iter().map(String::as_str));
    assert_eq!(allocate_ip(&mut full), None);
    let bare = Object::new(Kind::Node, "", "bare");
    assert_eq!(
        allocate_ip(&mut PodIps::of(&bare, std::iter::empty())),
        None
    );
}
