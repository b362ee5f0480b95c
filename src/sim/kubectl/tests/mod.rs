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

// `cordon`, `drain`, `taint`: dry runs, and a PodDisruptionBudget's retries.
mod drain;

// `apply -f`/`create -f`: the builder's errors, naming the file.
mod manifest;

// `rollout status` and `undo`: the status readers, the rollbackers' errors.
mod rollout;

// `get events`: the API server's list order.
mod events;

// DNS tools run through `kubectl run`, against the cluster's zone.
mod dns;

// `get`: tables and watches.
mod get;

// kubectl's error texts.
mod errors;

// `apply`, `replace`, `edit`.
mod apply;

// `create KIND NAME`.
mod create;

// `delete`'s forms.
mod delete;

// `describe`.
mod describe;

// `exec`, `logs`, `wait`, `run`.
mod exec;

// `version`, `api-resources`, `explain`, `config`; completion.
mod info;

// Any line is answered with text; blocking commands replay.
mod replay;

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

// Global flags before the command: `kubectl -n shop get pods`.
mod global;
