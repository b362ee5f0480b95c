//! The few core functions the page needs that other helpers are still
//! writing. Each is a thin stand-in with the real contract's shape, so the
//! page builds today and comes alive when the real one is merged: swap the
//! body for the call named in its comment.

use crate::sim::object::Object;
use crate::sim::store::Store;
use crate::sim::Sim;

/// One loadable example (the shape of `crate::sim::examples::Example`).
#[derive(Clone, Debug, PartialEq)]
pub struct ExampleInfo {
    pub id: String,
    pub title: String,
    pub description: String,
    pub source_doc: String,
    pub yaml: String,
    pub modern: bool,
    pub note: String,
}

/// The built-in examples (`crate::sim::examples::all()` once merged).
pub fn examples() -> Vec<ExampleInfo> {
    vec![ExampleInfo {
        id: "web".into(),
        title: "nginx web StatefulSet".into(),
        description: "A headless Service `nginx` and a StatefulSet `web` of two nginx pods, each with its own claim from volumeClaimTemplates.".into(),
        source_doc: String::new(),
        yaml: WEB.into(),
        modern: true,
        note: String::new(),
    }]
}

/// The example a first visit opens.
pub const DEFAULT_EXAMPLE: &str = "web";

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
  serviceName: \"nginx\"
  replicas: 2
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: registry.k8s.io/nginx-slim:0.8
        ports:
        - containerPort: 80
          name: web
        volumeMounts:
        - name: www
          mountPath: /usr/share/nginx/html
  volumeClaimTemplates:
  - metadata:
      name: www
    spec:
      accessModes: [ \"ReadWriteOnce\" ]
      resources:
        requests:
          storage: 1Gi
";

/// The pod a StatefulSet's controller is blocked on, and why
/// (`crate::sim::controllers::statefulset::waiting_on` once merged).
pub fn waiting_on(_store: &Store, _sts: &Object) -> Option<(String, String)> {
    None
}

/// Console completions (`crate::sim::kubectl::complete` once merged).
pub fn complete(_sim: &Sim, partial: &str) -> Vec<String> {
    const COMMANDS: &[&str] = &[
        "get", "describe", "apply", "create", "delete", "scale", "patch", "label", "annotate",
        "logs", "exec", "cordon", "uncordon", "drain", "rollout", "explain", "edit", "version",
    ];
    let words: Vec<&str> = partial.split_whitespace().collect();
    let words = match words.first() {
        Some(&"kubectl") => &words[1..],
        _ => &words[..],
    };
    if words.len() <= 1 && !partial.ends_with(' ') {
        let cur = words.first().copied().unwrap_or("");
        return COMMANDS
            .iter()
            .filter(|c| c.starts_with(cur))
            .map(|c| c.to_string())
            .collect();
    }
    Vec::new()
}

/// A live `kubectl get -w` (`crate::sim::kubectl::get::Watch` once merged).
#[derive(Clone, Debug)]
pub struct Watch {
    next_event: usize,
}

/// The watch a `get -w` line asks for (`kubectl::get::watch_request`).
pub fn watch_request(sim: &Sim, line: &str) -> Option<Watch> {
    let is_watch = line.split_whitespace().any(|w| w == "-w" || w == "--watch");
    is_watch.then(|| Watch {
        next_event: sim.log.len(),
    })
}

/// New lines for a watch since it last looked (`kubectl::get::watch_lines`).
pub fn watch_lines(sim: &Sim, watch: &mut Watch) -> Vec<String> {
    watch.next_event = sim.log.len();
    Vec::new()
}
