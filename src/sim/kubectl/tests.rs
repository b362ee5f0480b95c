//! End-to-end tests of commands against a fresh simulation.

use super::*;
use crate::sim::engine::Sim;
use crate::sim::object::ValueExt;
use crate::sim::session::Input;
use crate::sim::session::Journaled;

// `kubectl patch`'s dry runs and `-o`, beside the other tests' helpers.
mod patch;

// `-o` for every command that writes an object.
mod output;

// `label`, `annotate` and `scale`: words, overwrite, dry runs, `-o`.
mod label;

// `--field-selector` for `get` and `delete`.
mod fields;

// `set image`: the images it sets, what it prints, its errors.
mod set;

// `logs -l`: the logs of every pod a selector picks.
mod logs;

// `cordon`, `drain`: dry runs, and a PodDisruptionBudget's retries.
mod drain;

// `apply -f`/`create -f`: the builder's errors, naming the file.
mod manifest;

// `rollout undo`: the rollbackers' errors.
mod rollout;

// `get events`: the API server's list order.
mod events;

// DNS tools run through `kubectl run`, against the cluster's zone.
mod dns;

fn k(sim: &mut Sim, line: &str) -> Result<String, String> {
    sim.input(Input::Kubectl {
        line: line.to_string(),
        files: vec![],
    })
}

fn kf(sim: &mut Sim, line: &str, files: &[(&str, &str)]) -> Result<String, String> {
    sim.input(Input::Kubectl {
        line: line.to_string(),
        files: files
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect(),
    })
}

const WEB: &str = "apiVersion: v1
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
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: nginx
  replicas: 2
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      terminationGracePeriodSeconds: 10
      containers:
      - name: nginx
        image: registry.k8s.io/nginx-slim:0.8
        ports:
        - containerPort: 80
          name: web
";

const POD: &str = "apiVersion: v1
kind: Pod
metadata:
  name: lone
  labels:
    app: lone
spec:
  containers:
  - name: c
    image: busybox
    command: [sleep, '3600']
";

#[test]
fn tables_for_bootstrap_objects() {
    let mut sim = Sim::new(1);
    let out = k(&mut sim, "kubectl get nodes").unwrap();
    assert_eq!(
        out.lines().next().unwrap(),
        "NAME     STATUS   ROLES    AGE   VERSION"
    );
    assert_eq!(out.lines().count(), 4);
    let out = k(&mut sim, "get sc").unwrap();
    assert!(out.starts_with("NAME                 PROVISIONER"), "{out}");
    assert!(out.contains("standard (default)"), "{out}");
    let out = k(&mut sim, "get svc -A").unwrap();
    let mut l = out.lines();
    assert_eq!(
        l.next().unwrap(),
        "NAMESPACE     NAME         TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)         AGE"
    );
    assert_eq!(
        l.next().unwrap(),
        "default       kubernetes   ClusterIP   10.96.0.1    <none>        443/TCP         0s"
    );
    assert!(l.next().unwrap().contains("53/UDP,53/TCP"));
    let out = k(&mut sim, "get ns default --show-labels").unwrap();
    assert!(out.contains("LABELS") && out.contains("kubernetes.io/metadata.name=default"));
    let out = k(&mut sim, "get nodes -o name").unwrap();
    assert_eq!(out, "node/node-1\nnode/node-2\nnode/node-3\n");
    let out = k(&mut sim, "get no node-1 -o wide").unwrap();
    assert!(
        out.contains("INTERNAL-IP") && out.contains("172.18.0.2"),
        "{out}"
    );
    let out = k(&mut sim, "get nodes -o jsonpath={.items[*].metadata.name}").unwrap();
    assert_eq!(out, "node-1 node-2 node-3");
    let out = k(&mut sim, "get node node-2 -o yaml").unwrap();
    assert!(out.starts_with("apiVersion: v1\nkind: Node\n"), "{out}");
    let out = k(&mut sim, "get nodes -o json").unwrap();
    assert!(out.contains("\"kind\": \"List\""));
    let out = k(&mut sim, "get node node-1 --template '{{.metadata.name}}'").unwrap();
    assert_eq!(out, "node-1");
    let out = k(
        &mut sim,
        "get nodes -o go-template='{{range .items}}{{.metadata.name}} {{end}}'",
    )
    .unwrap();
    assert_eq!(out, "node-1 node-2 node-3 ");
    let out = k(&mut sim, "get pods").unwrap();
    assert_eq!(out, "No resources found in default namespace.\n");
    let out = k(&mut sim, "get pods -n kube-system").unwrap();
    assert_eq!(out, "No resources found in kube-system namespace.\n");
    let out = k(&mut sim, "get pv").unwrap();
    assert_eq!(out, "No resources found\n");
}

#[test]
fn errors_use_kubectls_words() {
    let mut sim = Sim::new(1);
    assert_eq!(
        k(&mut sim, "get foo").unwrap_err(),
        "error: the server doesn't have a resource type \"foo\""
    );
    assert_eq!(
        k(&mut sim, "get pods x").unwrap_err(),
        "Error from server (NotFound): pods \"x\" not found"
    );
    assert_eq!(
        k(&mut sim, "get sts web").unwrap_err(),
        "Error from server (NotFound): statefulsets.apps \"web\" not found"
    );
    assert_eq!(
        k(&mut sim, "get pods --foo").unwrap_err(),
        "error: unknown flag: --foo\nSee 'kubectl get --help' for usage."
    );
    let e = k(&mut sim, "foo").unwrap_err();
    assert!(
        e.starts_with("error: unknown command \"foo\" for \"kubectl\""),
        "{e}"
    );
    assert!(e.ends_with("Run 'kubectl --help' for usage."));
    let e = k(&mut sim, "log web-0").unwrap_err();
    assert!(e.contains("Did you mean this?\n\tlogs"), "{e}");
    let e = k(&mut sim, "replac -f web.yaml").unwrap_err();
    assert!(e.contains("Did you mean this?\n\treplace"), "{e}");
    // kubectl's own commands that Ordinal leaves out say so, with what to
    // use instead; a word rollout has no subcommand for is refused whole,
    // as kubectl's DefaultSubCommandRun does.
    for (cmd, hint) in [
        ("expose sts web --port 80", "apply"),
        ("debug web-0 -it --image=busybox", "exec"),
        ("port-forward web-0 8080:80", "exec"),
        ("autoscale sts web --max 5", "scale"),
    ] {
        let word = cmd.split(' ').next().unwrap();
        let e = k(&mut sim, cmd).unwrap_err();
        assert!(
            e.starts_with(&format!(
                "error: \"kubectl {word}\" is not simulated in Ordinal (an Ordinal limit): "
            )),
            "{e}"
        );
        assert!(e.contains(hint), "{e}");
    }
    let e = k(&mut sim, "rollout set web").unwrap_err();
    assert!(
        e == "error: unknown command \"set web\"\nSee 'kubectl rollout -h' for help and examples",
        "{e}"
    );
    let e = k(&mut sim, "describe petset test-petset").unwrap_err();
    assert_eq!(
        e,
        "error: the server doesn't have a resource type \"petset\""
    );
    let e = k(&mut sim, "edit sts web").unwrap_err();
    assert!(e.contains("interactive"));
    let e = kf(&mut sim, "apply -f https://example.com/x.yaml", &[]).unwrap_err();
    assert!(e.contains("no network in the playground"), "{e}");
    assert!(k(&mut sim, "get pods -o bogus")
        .unwrap_err()
        .contains("unable to match a printer"));
    // Never a panic, whatever comes in.
    for line in [
        "",
        "kubectl",
        "get",
        "get 'x",
        "delete",
        "scale",
        "patch",
        "exec",
        "run",
        "logs",
        "wait",
        "rollout",
        "rollout status",
        "drain",
        "label",
        "annotate pods",
        "explain",
        "config",
        "top",
        "get pods -o jsonpath={.a",
    ] {
        let _ = k(&mut sim, line);
    }
}

#[test]
fn apply_create_and_their_outputs() {
    let mut sim = Sim::new(1);
    let f = [("web.yaml", WEB)];
    let out = kf(&mut sim, "kubectl apply -f web.yaml", &f).unwrap();
    assert_eq!(out, "service/nginx created\nstatefulset.apps/web created\n");
    let out = kf(&mut sim, "kubectl apply -f web.yaml", &f).unwrap();
    assert_eq!(
        out,
        "service/nginx unchanged\nstatefulset.apps/web unchanged\n"
    );
    let e = kf(&mut sim, "kubectl create -f web.yaml", &f).unwrap_err();
    assert!(e.contains("Error from server (AlreadyExists): error when creating \"web.yaml\": services \"nginx\" already exists"), "{e}");
    let changed = WEB.replace("replicas: 2", "replicas: 3");
    let out = kf(&mut sim, "apply -f web.yaml", &[("web.yaml", &changed)]).unwrap();
    assert_eq!(
        out,
        "service/nginx unchanged\nstatefulset.apps/web configured\n"
    );
    let sts = sim.store.get(Kind::StatefulSet, "default", "web").unwrap();
    assert_eq!(sts.spec().i64_at("replicas"), Some(3));
    assert!(sts.meta.annotations.contains_key(mutate::LAST_APPLIED));
    // The headless service keeps None; a plain one gets an IP in 10.96.0.0/12.
    let svc = sim.store.get(Kind::Service, "default", "nginx").unwrap();
    assert_eq!(svc.spec().str_at("clusterIP"), Some("None"));
    let plain = "apiVersion: v1\nkind: Service\nmetadata:\n  name: plain\nspec:\n  selector:\n    app: x\n  ports:\n  - port: 80\n";
    apply_text(&mut sim, plain, false).unwrap();
    // The cluster IP comes from the endpoints controller, once it runs.
    sim.settle(10_000);
    if let Some(ip) = sim
        .store
        .get(Kind::Service, "default", "plain")
        .unwrap()
        .spec()
        .str_at("clusterIP")
    {
        assert!(ip.starts_with("10."), "{ip}");
    }
    let out = apply_text(&mut sim, plain, true).unwrap();
    assert_eq!(out, "service \"plain\" deleted\n");
    let out = k(&mut sim, "get sts").unwrap();
    assert_eq!(out.lines().next().unwrap(), "NAME   READY   AGE");
    assert!(
        out.lines().nth(1).unwrap().starts_with("web    ")
            && out.lines().nth(1).unwrap().contains("/3     "),
        "{out}"
    );
    let out = k(&mut sim, "get statefulset,svc").unwrap();
    assert!(
        out.contains("statefulset.apps/web") && out.contains("service/nginx"),
        "{out}"
    );
    assert!(
        out.contains("\n\n"),
        "tables are separated by a blank line: {out}"
    );
    let out = k(
        &mut sim,
        "get po cassandra-0 -o=jsonpath='{.spec.terminationGracePeriodSeconds}'",
    );
    assert!(out.is_err());
    let out = k(
        &mut sim,
        "get sts web -o jsonpath={.spec.template.spec.terminationGracePeriodSeconds}",
    )
    .unwrap();
    assert_eq!(out, "10");
}

#[test]
fn scale_patch_label_annotate() {
    let mut sim = Sim::new(1);
    kf(&mut sim, "apply -f web.yaml", &[("web.yaml", WEB)]).unwrap();
    assert_eq!(
        k(&mut sim, "scale sts web --replicas=5").unwrap(),
        "statefulset.apps/web scaled\n"
    );
    let r = |sim: &Sim| {
        sim.store
            .get(Kind::StatefulSet, "default", "web")
            .unwrap()
            .spec()
            .i64_at("replicas")
    };
    assert_eq!(r(&sim), Some(5));
    assert!(k(&mut sim, "scale sts web")
        .unwrap_err()
        .contains("\"replicas\" not set"));
    assert_eq!(
        k(
            &mut sim,
            "patch statefulset web -p '{\"spec\":{\"replicas\":3}}'"
        )
        .unwrap(),
        "statefulset.apps/web patched\n"
    );
    assert_eq!(r(&sim), Some(3));
    assert_eq!(
        k(
            &mut sim,
            "patch statefulset web -p '{\"spec\":{\"replicas\":3}}'"
        )
        .unwrap(),
        "statefulset.apps/web patched (no change)\n"
    );
    k(&mut sim, r#"patch statefulset web --type='json' -p='[{"op": "replace", "path": "/spec/template/spec/containers/0/image", "value":"gcr.io/google_containers/nginx-slim:0.7"}]'"#).unwrap();
    let img = |sim: &Sim| {
        sim.store
            .get(Kind::StatefulSet, "default", "web")
            .unwrap()
            .spec()
            .str_at("template.spec.containers.0.image")
            .map(String::from)
    };
    assert_eq!(
        img(&sim).as_deref(),
        Some("gcr.io/google_containers/nginx-slim:0.7")
    );
    // Strategic merge merges containers by name.
    k(&mut sim, r#"patch sts web -p '{"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:2"}]}}}}'"#).unwrap();
    assert_eq!(img(&sim).as_deref(), Some("nginx:2"));
    let ports = sim
        .store
        .get(Kind::StatefulSet, "default", "web")
        .unwrap()
        .spec()
        .array_at("template.spec.containers.0.ports")
        .len();
    assert_eq!(ports, 1);
    k(
        &mut sim,
        r#"patch sts web --type=merge -p '{"metadata":{"labels":{"x":"y"}}}'"#,
    )
    .unwrap();
    assert!(k(
        &mut sim,
        r#"patch sts web --type=json -p '[{"op":"remove","path":"/spec/nope"}]'"#
    )
    .is_err());
    assert_eq!(
        k(&mut sim, r#"patch sts web -p'{"spec":{"replicas":"3"}}'"#).unwrap_err(),
        "The request is invalid: patch: Invalid value: \"map[spec:map[replicas:3]]\": unrecognized type: int32"
    );
    // Merge and JSON patches decode the patched object into the typed one:
    // the handler's Invalid `patch` error (no kind, no name), not the
    // BadRequest a create's body gets.
    for (patch, what) in [
        (r#"--type=merge -p '{"spec":{"replicas":"3"}}'"#, "string"),
        (r#"--type=merge -p '{"spec":{"replicas":true}}'"#, "bool"),
        (
            r#"--type=merge -p '{"spec":{"replicas":2.5}}'"#,
            "number 2.5",
        ),
        (
            r#"--type=json -p '[{"op":"replace","path":"/spec/replicas","value":[3]}]'"#,
            "array",
        ),
    ] {
        let e = k(&mut sim, &format!("patch sts web {patch}")).unwrap_err();
        assert!(
            e.starts_with("The request is invalid: patch: Invalid value: \"{\\\"apiVersion\\\":\\\"apps/v1\\\","),
            "{e}"
        );
        assert!(
            e.ends_with(&format!("\": json: cannot unmarshal {what} into Go struct field StatefulSetSpec.spec.replicas of type int32")),
            "{e}"
        );
    }
    assert_eq!(
        k(&mut sim, "label sts web tier=db").unwrap(),
        "statefulset.apps/web labeled\n"
    );
    let e = k(&mut sim, "label sts web tier=web").unwrap_err();
    assert_eq!(
        e,
        "error: 'tier' already has a value (db), and --overwrite is false"
    );
    k(&mut sim, "label sts web tier=web --overwrite").unwrap();
    k(&mut sim, "label sts/web tier-").unwrap();
    let sts = sim.store.get(Kind::StatefulSet, "default", "web").unwrap();
    assert!(!sts.meta.labels.contains_key("tier"));
    assert_eq!(
        k(&mut sim, "annotate svc nginx note=hi").unwrap(),
        "service/nginx annotated\n"
    );
    let (key, yaml) = edit_target(&sim, "edit svc nginx").unwrap();
    assert_eq!(key.name, "nginx");
    assert!(yaml.contains("note: hi"), "{yaml}");
}

#[test]
fn delete_forms() {
    let mut sim = Sim::new(1);
    kf(&mut sim, "apply -f web.yaml", &[("web.yaml", WEB)]).unwrap();
    kf(&mut sim, "create -f pod.yaml", &[("pod.yaml", POD)]).unwrap();
    let e = k(&mut sim, "delete pod").unwrap_err();
    assert_eq!(
        e,
        "error: resource(s) were provided, but no name was specified"
    );
    assert_eq!(
        k(&mut sim, "delete pod nope").unwrap_err(),
        "Error from server (NotFound): pods \"nope\" not found"
    );
    let out = k(&mut sim, "delete pod -l app=lone --force --grace-period=0").unwrap();
    assert!(
        out.starts_with("Warning: Immediate deletion does not wait for confirmation"),
        "{out}"
    );
    assert!(out.ends_with("pod \"lone\" force deleted\n"), "{out}");
    assert!(sim.store.get(Kind::Pod, "default", "lone").is_none());
    let out = k(&mut sim, "delete statefulset,service -l app=nginx").unwrap();
    assert_eq!(out, "service \"nginx\" deleted\n");
    let out = k(&mut sim, "delete sts web --cascade=orphan").unwrap();
    assert_eq!(out, "statefulset.apps \"web\" deleted\n");
    assert!(k(&mut sim, "delete sts web --cascade=sideways").is_err());
}

#[test]
fn describe_shows_fields_and_events() {
    let mut sim = Sim::new(1);
    kf(&mut sim, "apply -f web.yaml", &[("web.yaml", WEB)]).unwrap();
    kf(&mut sim, "create -f pod.yaml", &[("pod.yaml", POD)]).unwrap();
    let key = crate::sim::Key::new(Kind::Pod, "default", "lone");
    sim.record_event(
        &key,
        true,
        "FailedScheduling",
        "0/3 nodes are available".into(),
        "default-scheduler",
    );
    let out = k(&mut sim, "describe pod lone").unwrap();
    assert!(
        out.starts_with("Name:             lone\nNamespace:        default\n"),
        "{out}"
    );
    assert!(out.contains("Events:\n  Type     Reason            Age   From               Message\n  ----     ------            ----  ----               -------\n  Warning  FailedScheduling  0s    default-scheduler  0/3 nodes are available"), "{out}");
    let out = k(&mut sim, "describe sts web").unwrap();
    assert!(
        out.contains("Replicas:")
            && out.contains("Pod Template:")
            && out.contains("Events:            <none>")
            || out.contains("Events:"),
        "{out}"
    );
    let out = k(&mut sim, "describe svc nginx").unwrap();
    assert!(
        out.lines()
            .any(|l| l.starts_with("IP: ") && l.ends_with(" None")),
        "{out}"
    );
    assert!(!out.contains("last-applied"), "{out}");
    for what in ["node node-1", "sc standard", "ns default", "pvc", "ep"] {
        let _ = k(&mut sim, &format!("describe {what}"));
    }
    let out = k(&mut sim, "get events").unwrap();
    assert!(
        out.starts_with("LAST SEEN   TYPE      REASON             OBJECT     MESSAGE\n"),
        "{out}"
    );
    assert!(out.contains("pod/lone"), "{out}");
}

#[test]
fn exec_and_logs_errors_for_pods_not_running() {
    let mut sim = Sim::new(1);
    assert_eq!(
        k(&mut sim, "exec nope -- ls").unwrap_err(),
        "Error from server (NotFound): pods \"nope\" not found"
    );
    kf(&mut sim, "create -f pod.yaml", &[("pod.yaml", POD)]).unwrap();
    assert_eq!(
        k(&mut sim, "exec lone").unwrap_err(),
        "error: you must specify at least one command for the container"
    );
    assert_eq!(
        k(&mut sim, "exec lone -it bash").unwrap_err(),
        "error: exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead\nSee 'kubectl exec -h' for help and examples"
    );
    // The API server's streamLocation: the container first, then the node.
    assert_eq!(
        k(&mut sim, "exec lone -c other -- ls").unwrap_err(),
        "Error from server (BadRequest): container other is not valid for pod lone"
    );
    assert_eq!(
        k(&mut sim, "exec lone -- ls").unwrap_err(),
        "Error from server (BadRequest): pod lone does not have a host assigned"
    );
    // Status written by hand, as the kubelet would.
    let mut p = sim.store.get(Kind::Pod, "default", "lone").unwrap().clone();
    p.body
        .insert("status".into(), serde_json::json!({"phase": "Succeeded"}));
    crate::sim::api::update(&mut sim, p, "test").unwrap();
    assert_eq!(
        k(&mut sim, "exec -it lone -- ls").unwrap_err(),
        "error: cannot exec into a container in a completed pod; current phase is Succeeded"
    );
    let e = k(&mut sim, "logs lone").unwrap_err();
    assert!(e.contains("is waiting to start"), "{e}");
}

#[test]
fn rollout_status_reads_statefulset_status() {
    let mut sim = Sim::new(1);
    kf(&mut sim, "apply -f web.yaml", &[("web.yaml", WEB)]).unwrap();
    let mut s = sim
        .store
        .get(Kind::StatefulSet, "default", "web")
        .unwrap()
        .clone();
    s.body.insert(
        "status".into(),
        serde_json::json!({"observedGeneration": 1, "replicas": 2, "readyReplicas": 2,
            "updatedReplicas": 2, "currentReplicas": 2, "currentRevision": "web-abc", "updateRevision": "web-abc"}),
    );
    s.spec_mut()["updateStrategy"] =
        serde_json::json!({"type": "RollingUpdate", "rollingUpdate": {"partition": 0}});
    // Keep generation 1 so the status counts as observed.
    crate::sim::api::update(&mut sim, s.clone(), "test").unwrap();
    let gen = sim
        .store
        .get(Kind::StatefulSet, "default", "web")
        .unwrap()
        .meta
        .generation;
    let mut s = sim
        .store
        .get(Kind::StatefulSet, "default", "web")
        .unwrap()
        .clone();
    s.status_mut()["observedGeneration"] = gen.into();
    crate::sim::api::update(&mut sim, s, "test").unwrap();
    let out = k(&mut sim, "rollout status sts/web --timeout=1s");
    // Controllers in this branch may rewrite the status; either way the
    // answer is one of kubectl's StatefulSet status lines.
    let text = match out {
        Ok(s) | Err(s) => s,
    };
    assert!(
        text.contains("partitioned roll out complete: 2 new pods have been updated...")
            || text.contains("Waiting for"),
        "{text}"
    );
    // No controller has run, so no ControllerRevision exists yet.
    assert_eq!(
        k(&mut sim, "rollout history sts/web").unwrap(),
        "statefulset.apps/web \nNo rollout history found.\n"
    );
    assert_eq!(
        k(&mut sim, "rollout restart sts web").unwrap(),
        "statefulset.apps/web restarted\n"
    );
    assert_eq!(
        k(&mut sim, "rollout pause sts/web").unwrap_err(),
        "error: statefulsets.apps \"web\" pausing is not supported"
    );
}

#[test]
fn cordon_and_drain() {
    let mut sim = Sim::new(1);
    assert_eq!(
        k(&mut sim, "cordon node-1").unwrap(),
        "node/node-1 cordoned\n"
    );
    assert_eq!(
        k(&mut sim, "cordon node-1").unwrap(),
        "node/node-1 already cordoned\n"
    );
    let out = k(&mut sim, "get nodes node-1").unwrap();
    assert!(out.contains("Ready,SchedulingDisabled"), "{out}");
    assert_eq!(
        k(&mut sim, "uncordon node-1").unwrap(),
        "node/node-1 uncordoned\n"
    );
    kf(&mut sim, "create -f pod.yaml", &[("pod.yaml", POD)]).unwrap();
    let mut p = sim.store.get(Kind::Pod, "default", "lone").unwrap().clone();
    p.spec_mut()["nodeName"] = "node-2".into();
    crate::sim::api::update(&mut sim, p, "test").unwrap();
    let e = k(&mut sim, "drain node-2 --ignore-daemonsets").unwrap_err();
    assert!(e.starts_with("node/node-2 cordoned\nerror: unable to drain node \"node-2\" due to error: cannot delete Pods declare no controller (use --force to override): default/lone, continuing command...\nThere are pending nodes to be drained:\n node-2\n"), "{e}");
    let out = k(
        &mut sim,
        "drain node-2 --force --delete-local-data --timeout=60s",
    );
    let text = match out {
        Ok(s) | Err(s) => s,
    };
    assert!(
        text.starts_with("Flag --delete-local-data has been deprecated"),
        "{text}"
    );
    assert!(text.contains("node/node-2 already cordoned\nWarning: deleting Pods that declare no controller: default/lone\nevicting pod default/lone\n"), "{text}");
}

#[test]
fn wait_and_run() {
    let mut sim = Sim::new(1);
    kf(&mut sim, "create -f pod.yaml", &[("pod.yaml", POD)]).unwrap();
    let t0 = sim.now;
    // The kubelet makes the pod Ready within the timeout; `wait` runs the
    // clock until then.
    let out = k(
        &mut sim,
        "wait --for=condition=Ready pod/lone --timeout=60s",
    )
    .unwrap();
    assert_eq!(out, "pod/lone condition met\n");
    assert!(sim.now > t0);
    let e = k(&mut sim, "wait --for=condition=Ready pod/nope --timeout=5s").unwrap_err();
    assert!(e.contains("not found"), "{e}");
    let out = k(&mut sim, "wait --for=delete pod/lone --timeout=1s");
    assert!(out.is_err() || out.unwrap() == "pod/lone condition met\n");
    assert!(k(&mut sim, "run x --image=busybox --rm -- ls")
        .unwrap_err()
        .contains("--rm should only be used for attached containers"));
    assert_eq!(
        k(&mut sim, "run d --image=busybox --restart=Never").unwrap(),
        "pod/d created\n"
    );
    let p = sim.store.get(Kind::Pod, "default", "d").unwrap();
    assert_eq!(p.spec().str_at("restartPolicy"), Some("Never"));
    assert_eq!(p.meta.labels.get("run").map(String::as_str), Some("d"));
}

#[test]
fn watch_prints_changes_after_the_table() {
    let mut sim = Sim::new(1);
    let mut w = watch_request(&sim, "kubectl get pods -w -l app=lone").unwrap();
    assert!(watch_request(&sim, "kubectl get pods").is_none());
    kf(&mut sim, "create -f pod.yaml", &[("pod.yaml", POD)]).unwrap();
    let lines = watch_lines(&sim, &mut w, 0);
    // The watch began on an empty list: the header comes with the first row.
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines[0], "NAME   READY   STATUS    RESTARTS   AGE");
    assert!(
        lines[1].starts_with("lone   0/1     Pending   0          0s"),
        "{lines:?}"
    );
    // A second watch, started on a non-empty list, prints rows only.
    let mut w2 = watch_request(&sim, "kubectl get pods --watch").unwrap();
    assert!(w2.header.is_none());
    assert!(watch_lines(&sim, &mut w2, 0).is_empty());
    assert!(k(&mut sim, "get pods,svc -w")
        .unwrap_err()
        .contains("watch is only supported on individual resources"));
    assert!(watch_lines(&sim, &mut w, 0).is_empty());
    k(&mut sim, "label pod lone x=y").unwrap();
    // The row did not change: nothing new to print.
    assert!(watch_lines(&sim, &mut w, 0).is_empty());
}

#[test]
fn informational_commands() {
    let mut sim = Sim::new(1);
    assert_eq!(
        k(&mut sim, "version").unwrap(),
        "Client Version: v1.31.0\nKustomize Version: v5.4.2\nServer Version: v1.31.0\n"
    );
    assert!(k(&mut sim, "cluster-info")
        .unwrap()
        .starts_with("Kubernetes control plane is running at"));
    let out = k(&mut sim, "api-resources").unwrap();
    assert!(out.starts_with("NAME "), "{out}");
    let sts = out
        .lines()
        .find(|l| l.starts_with("statefulsets "))
        .unwrap();
    let cells: Vec<&str> = sts.split_whitespace().collect();
    assert_eq!(
        cells,
        vec!["statefulsets", "sts", "apps/v1", "true", "StatefulSet"]
    );
    assert!(k(&mut sim, "explain sts.spec.replicas")
        .unwrap()
        .contains("replicas is the desired number"));
    assert!(k(&mut sim, "explain pods.spec.nope").is_err());
    assert_eq!(k(&mut sim, "config current-context").unwrap(), "ordinal\n");
}

#[test]
fn completion_offers_commands_kinds_and_names() {
    let sim = Sim::new(1);
    assert!(complete(&sim, "kubectl ge").contains(&"kubectl get".to_string()));
    let c = complete(&sim, "kubectl get st");
    assert!(c.contains(&"kubectl get statefulsets".to_string()), "{c:?}");
    let c = complete(&sim, "get nodes node-");
    assert_eq!(
        c,
        vec!["get nodes node-1", "get nodes node-2", "get nodes node-3"]
    );
    let c = complete(&sim, "cordon ");
    assert_eq!(c.len(), 3);
    let c = complete(&sim, "kubectl delete pod x --gr");
    assert_eq!(c, vec!["kubectl delete pod x --grace-period"]);
}

#[test]
fn replace_and_stray_arguments() {
    let mut sim = Sim::new(1);
    let f = [("pod.yaml", POD)];
    let e = kf(&mut sim, "replace -f pod.yaml", &f).unwrap_err();
    assert_eq!(
        e,
        "Error from server (NotFound): error when replacing \"pod.yaml\": pods \"lone\" not found"
    );
    kf(&mut sim, "create -f pod.yaml", &f).unwrap();
    let changed = POD.replace("app: lone", "app: lonely");
    let out = kf(&mut sim, "replace -f pod.yaml", &[("pod.yaml", &changed)]).unwrap();
    assert_eq!(out, "pod/lone replaced\n");
    let e = kf(&mut sim, "create -f pod.yaml other.yaml", &f).unwrap_err();
    assert!(e.starts_with("error: Unexpected args: [other.yaml]"), "{e}");
    // -o json indents by four spaces, as kubectl does.
    let out = k(&mut sim, "get pod lone -o json").unwrap();
    assert!(out.starts_with("{\n    \"apiVersion\": \"v1\",\n"), "{out}");
}

/// Random command lines from kubectl's vocabulary: every answer is text,
/// never a panic.
#[test]
fn random_lines_never_panic() {
    let words = [
        "get",
        "describe",
        "delete",
        "apply",
        "create",
        "scale",
        "patch",
        "label",
        "annotate",
        "rollout",
        "status",
        "history",
        "undo",
        "restart",
        "cordon",
        "uncordon",
        "drain",
        "exec",
        "run",
        "logs",
        "wait",
        "version",
        "explain",
        "config",
        "view",
        "api-resources",
        "edit",
        "pods",
        "po",
        "sts",
        "svc",
        "pvc",
        "pv",
        "no",
        "ns",
        "ev",
        "all",
        "web",
        "web-0",
        "lone",
        "node-1",
        "pod/lone",
        "sts/web",
        "sts,po",
        "-n",
        "default",
        "-A",
        "-o",
        "wide",
        "yaml",
        "json",
        "name",
        "-ojsonpath={.items[*].metadata.name}",
        "-o=jsonpath={.spec}",
        "custom-columns=N:.metadata.name",
        "-l",
        "app=nginx",
        "-lapp!=x",
        "--show-labels",
        "-w",
        "--replicas=2",
        "--replicas",
        "-p",
        "{\"spec\":{\"replicas\":1}}",
        "[]",
        "--type=json",
        "--type=merge",
        "a=b",
        "a-",
        "--overwrite",
        "--force",
        "--grace-period=0",
        "--now",
        "--cascade=orphan",
        "--all",
        "-f",
        "web.yaml",
        "--",
        "ls",
        "hostname",
        "-it",
        "-c",
        "x",
        "--image=busybox",
        "--rm",
        "-i",
        "--restart=Never",
        "--for=delete",
        "--timeout=1s",
        "--for=condition=Ready",
        "--ignore-daemonsets",
        "--delete-emptydir-data",
        "'",
        "\"",
        "\\",
        "--tail=1",
        "-L",
        "app",
        "--sort-by=.metadata.name",
        "--template={{.metadata.name}}",
    ];
    let mut sim = Sim::new(3);
    kf(&mut sim, "apply -f web.yaml", &[("web.yaml", WEB)]).unwrap();
    kf(&mut sim, "create -f pod.yaml", &[("pod.yaml", POD)]).unwrap();
    let mut seed: u64 = 12345;
    let mut next = |n: usize| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((seed >> 33) as usize) % n
    };
    for _ in 0..1500 {
        let len = 1 + next(6);
        let line: Vec<&str> = (0..len).map(|_| words[next(words.len())]).collect();
        let line = line.join(" ");
        let files = [("web.yaml", WEB)];
        match kf(&mut sim, &line, &files) {
            Ok(s) | Err(s) => {
                let _ = s;
            }
        }
        let _ = complete(&sim, &line);
        let _ = watch_request(&sim, &line);
        let _ = edit_target(&sim, &line);
    }
}

#[test]
fn manifest_errors_are_worded_as_kubectl() {
    assert_eq!(
        manifest_error(
            "web.yaml",
            "error converting YAML to JSON: yaml: line 3: bad"
        ),
        "error: error parsing web.yaml: error converting YAML to JSON: yaml: line 3: bad"
    );
    assert_eq!(
        manifest_error(
            "web.yaml",
            "The StatefulSet \"web\" is invalid: spec.selector: Required value"
        ),
        "The StatefulSet \"web\" is invalid: spec.selector: Required value"
    );
    assert!(manifest_error("STDIN", "Pod in version \"v1\" cannot be handled as a Pod: strict decoding error: unknown field \"spec.foo\"")
        .starts_with("Error from server (BadRequest): error when creating \"STDIN\": Pod in version"));
    let mut sim = Sim::new(1);
    let e = kf(&mut sim, "apply -f bad.yaml", &[("bad.yaml", "a: [")]).unwrap_err();
    assert!(e.starts_with("error: error parsing bad.yaml: "), "{e}");
}

/// Blocking commands run the clock inside their input; a replay of the
/// journal rebuilds exactly the same cluster and log.
#[test]
fn blocking_commands_replay_exactly() {
    let mut sim = Journaled::new(9);
    for line in [
        "apply -f web.yaml",
        "rollout status sts/web --timeout=2m",
        "delete pod web-0",
        "wait --for=condition=Ready pod/web-0 --timeout=1m",
        "scale sts web --replicas=3",
        "drain node-1 --ignore-daemonsets --delete-emptydir-data --timeout=1m",
        "uncordon node-1",
        "run t --image=busybox -i --rm --restart=Never -- hostname",
    ] {
        let _ = sim.input(Input::Kubectl {
            line: line.to_string(),
            files: vec![("web.yaml".to_string(), WEB.to_string())],
        });
        sim.advance(1_000);
    }
    let again = Journaled::replay(9, sim.config.clone(), sim.journal(), None);
    assert_eq!(again.now, sim.now);
    assert_eq!(again.log, sim.log);
    assert!(again.store == sim.store);
}

#[test]
fn create_by_name() {
    let mut sim = Sim::new(1);
    assert_eq!(
        k(&mut sim, "create namespace team").unwrap(),
        "namespace/team created\n"
    );
    assert_eq!(
        k(&mut sim, "create ns team").unwrap_err(),
        "Error from server (AlreadyExists): namespaces \"team\" already exists"
    );
    assert_eq!(
        k(
            &mut sim,
            "create configmap cfg -n team --from-literal=a=1 --from-literal=b=2"
        )
        .unwrap(),
        "configmap/cfg created\n"
    );
    let out = k(&mut sim, "get cm -n team").unwrap();
    assert!(out.contains("cfg    2      0s"), "{out}");
    assert!(k(&mut sim, "create secret x").is_err());
}

#[test]
fn taint_and_untaint() {
    let mut sim = Sim::new(1);
    assert_eq!(
        k(&mut sim, "taint nodes node-1 dedicated=db:NoSchedule").unwrap(),
        "node/node-1 tainted\n"
    );
    let n = sim.store.get(Kind::Node, "", "node-1").unwrap();
    assert_eq!(n.spec().str_at("taints.0.value"), Some("db"));
    assert!(k(&mut sim, "taint nodes node-1 dedicated=x:NoSchedule")
        .unwrap_err()
        .contains("--overwrite is false"));
    k(
        &mut sim,
        "taint node/node-1 dedicated=x:NoSchedule --overwrite",
    )
    .unwrap();
    assert_eq!(
        k(&mut sim, "taint nodes node-1 dedicated:NoSchedule-").unwrap(),
        "node/node-1 untainted\n"
    );
    assert!(sim
        .store
        .get(Kind::Node, "", "node-1")
        .unwrap()
        .spec()
        .at("taints")
        .is_null());
    assert!(k(&mut sim, "taint nodes node-1 a=b:Sometimes").is_err());
    assert!(k(&mut sim, "taint pods x a=b:NoSchedule").is_err());
}

#[test]
fn edit_saves_through_a_kubectl_line() {
    let mut sim = Sim::new(1);
    kf(&mut sim, "apply -f web.yaml", &[("web.yaml", WEB)]).unwrap();
    let (_, yaml) = edit_target(&sim, "kubectl edit sts web").unwrap();
    let out = kf(&mut sim, "kubectl edit sts web", &[("-", &yaml)]).unwrap();
    assert_eq!(out, "Edit cancelled, no changes made.\n");
    let edited = yaml.replace("replicas: 2", "replicas: 4");
    assert_ne!(edited, yaml);
    let out = kf(&mut sim, "kubectl edit sts web", &[("-", &edited)]).unwrap();
    assert_eq!(out, "statefulset.apps/web edited\n");
    let sts = sim.store.get(Kind::StatefulSet, "default", "web").unwrap();
    assert_eq!(sts.spec().i64_at("replicas"), Some(4));
    let renamed = yaml.replace("name: web\n", "name: other\n");
    assert!(kf(&mut sim, "kubectl edit sts web", &[("-", &renamed)])
        .unwrap_err()
        .contains("Edit cancelled"));
}

/// Commands over several names print a name that is not found in its
/// place among the others, go on with the rest, and fail as a whole.
#[test]
fn a_missing_name_is_reported_in_place_and_the_rest_goes_on() {
    let mut sim = Sim::new(4);
    k(&mut sim, "kubectl create deployment a --image=nginx").unwrap();
    k(&mut sim, "kubectl create deployment b --image=nginx").unwrap();
    let e = k(&mut sim, "kubectl scale deployment a nope b --replicas=2").unwrap_err();
    assert_eq!(
        e,
        "deployment.apps/a scaled\n\
         Error from server (NotFound): deployments.apps \"nope\" not found\n\
         deployment.apps/b scaled"
    );
    let e = k(&mut sim, "kubectl label deployment nope a x=y").unwrap_err();
    assert_eq!(
        e,
        "Error from server (NotFound): deployments.apps \"nope\" not found\n\
         deployment.apps/a labeled"
    );
    let e = k(&mut sim, "kubectl rollout pause deployment a nope").unwrap_err();
    assert_eq!(
        e,
        "deployment.apps/a paused\n\
         Error from server (NotFound): deployments.apps \"nope\" not found"
    );
    // Both found ones were acted on.
    for n in ["a", "b"] {
        let d = sim.store.get(Kind::Deployment, "default", n).unwrap();
        assert_eq!(d.spec().i64_at("replicas"), Some(2));
    }
    let e = k(&mut sim, "kubectl scale service nope --replicas=1").unwrap_err();
    assert!(e.contains("services \"nope\" not found"), "{e}");
    // A kind the command does not handle is reported in its place too.
    let e = k(
        &mut sim,
        "kubectl scale service/kubernetes deployment/a --replicas=3",
    )
    .unwrap_err();
    assert_eq!(
        e,
        "error: no scaler has been implemented for {\"\" \"Service\"}\n\
         deployment.apps/a scaled"
    );
    let e = k(
        &mut sim,
        "kubectl rollout undo deployment/b service/kubernetes",
    )
    .unwrap_err();
    assert!(
        e.ends_with("\nerror: no rollbacker has been implemented for {\"\" \"Service\"}"),
        "{e}"
    );
}
