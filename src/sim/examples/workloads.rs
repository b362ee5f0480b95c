//! Workloads built to a size, for measuring the simulation (the
//! throughput bench, `examples/snapshot_cost.rs`): not examples a user
//! loads. The page calls none of it, so its release build (LTO) leaves it
//! out of the wasm; it stays compiled for wasm32 only so that the bench
//! still type-checks there (`clippy --all-targets`).

/// A headless Service and a StatefulSet of `replicas` nginx pods, both
/// called `name` (the pods labelled `app: <name>`), each pod with a 1Gi
/// `www` claim; `policy` is the StatefulSet's `podManagementPolicy`
/// (`Parallel` or `OrderedReady`).
pub fn web_statefulset(name: &str, replicas: usize, policy: &str) -> String {
    format!(
        r#"apiVersion: v1
kind: Service
metadata:
  name: {name}
spec:
  clusterIP: None
  selector:
    app: {name}
  ports:
  - port: 80
    name: web
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: {name}
spec:
  serviceName: {name}
  replicas: {replicas}
  podManagementPolicy: {policy}
  selector:
    matchLabels:
      app: {name}
  template:
    metadata:
      labels:
        app: {name}
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
      accessModes: ["ReadWriteOnce"]
      resources:
        requests:
          storage: 1Gi
"#
    )
}

/// [`web_statefulset`] `web`, `Parallel`.
pub fn parallel_web(replicas: usize) -> String {
    web_statefulset("web", replicas, "Parallel")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::engine::Sim;
    use crate::sim::object::{Kind, ValueExt};
    use crate::sim::session::Input;

    #[test]
    fn the_workload_applies_as_asked() {
        let mut sim = Sim::new(1);
        sim.input(Input::Manifest {
            text: web_statefulset("db", 3, "OrderedReady"),
            delete: false,
        })
        .unwrap();
        let sts = sim.store.get(Kind::StatefulSet, "default", "db").unwrap();
        assert_eq!(sts.spec().i64_at("replicas"), Some(3));
        assert_eq!(
            sts.spec().str_at("podManagementPolicy"),
            Some("OrderedReady")
        );
        assert!(sim.store.get(Kind::Service, "default", "db").is_some());
        let web = parallel_web(7);
        assert!(web.contains("replicas: 7\n  podManagementPolicy: Parallel\n"));
    }
}
