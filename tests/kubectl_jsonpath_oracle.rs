//! Ordinal's JSONPath against the real kubectl v1.31, byte for byte, where
//! kubectl needs no server: `kubectl label --local -f FILE k=v -o
//! jsonpath=T` runs client-go's engine on the file's object (plus the
//! label). Runs when `/usr/lib/google-cloud-sdk/bin/kubectl.1.31` (or
//! `$KUBECTL_1_31`) exists and says so loudly when it does not.

use ordinal::sim::kubectl::jsonpath;
use serde_json::Value;
use std::path::PathBuf;
use std::process::Command;

const POD: &str = r#"apiVersion: v1
kind: Pod
metadata:
  name: db-1
  annotations:
    volume.kubernetes.io/selected-node: node-3
    note: "a <b> & c"
spec:
  containers:
  - name: db
    image: mysql:8.4
    ports:
    - containerPort: 3306
      name: mysql
    - containerPort: 33060
      name: mysqlx
    resources:
      requests:
        cpu: 500m
        memory: 1Gi
  - name: metrics
    image: prom/mysqld-exporter:v0.15.1
    ports:
    - containerPort: 9104
      name: metrics
  - name: shell
    image: busybox:1.36
  terminationGracePeriodSeconds: 30
  tolerations:
  - key: node.kubernetes.io/not-ready
    operator: Exists
    effect: NoExecute
    tolerationSeconds: 300
"#;

/// Templates whose output does not depend on Go's random map order.
const TEMPLATES: &[&str] = &[
    r"{.metadata.annotations.volume\.kubernetes\.io/selected-node}",
    "{.metadata.annotations['note']}",
    "{.metadata.annotations}",
    "{.spec.containers[*].name}",
    "{.spec.containers[-1].image}",
    "{.spec.containers[-2:].name}",
    "{.spec.containers[0:3:2].name}",
    "{.spec.containers[1:1].name}",
    "{.spec.containers[0,2].name}",
    "{.spec.containers[*]['name']}",
    "{.spec.containers[*]['name', 'image']}",
    r#"{range .spec.containers[*]}{.name}{"\t"}{.image}{"\n"}{end}"#,
    "{range .spec.containers[*]}[{range .ports[*]}{.containerPort},{end}]{end}",
    r#"{.spec.containers[?(@.name=="metrics")].ports[0].containerPort}"#,
    "{.spec.containers[?(@.ports)].name}",
    "{.spec.containers[0].ports[?(@.containerPort>4000)].name}",
    "{.spec.containers[0].ports[?(@.containerPort<=3306)].name}",
    "{.spec.containers[0].ports[?(@.containerPort!=3306)].name}",
    "{.spec.containers[?(@.image=='busybox:1.36')].name}",
    "{..containerPort}",
    "{.spec.containers[0].resources}",
    "{.spec.tolerations[0].tolerationSeconds}",
    "{.spec.terminationGracePeriodSeconds}",
    "{.spec.containers[0].ports}",
    "name={.metadata.name} labels={.metadata.labels}",
    "{.missing}{.spec.missing[0]}",
    "{$.kind}",
    "{@.metadata.name}",
    // Errors: parse, then execution.
    "{.metadata.name",
    "{.spec.containers[x]}",
    "{#}",
    "{.spec.containers[7].name}",
    "{.spec.containers[-9].name}",
    "{.spec.containers[2:1].name}",
    "{.spec.containers[0:2:0].name}",
    "{.metadata[0]}",
    "{.spec.containers[0].ports[?(@.containerPort>1.5)].name}",
    "{.metadata[?(@.name)]}",
    "{end}",
    "{bogus}",
];

/// Run with `--allow-missing-template-keys=false`.
const STRICT_TEMPLATES: &[&str] = &[
    "{.spec.nothing}",
    "{.metadata.name}",
    r#"{.spec.containers[?(@.resources.requests.cpu=="500m")].name}"#,
    "{.spec.containers[*].resources.limits}",
];

fn kubectl() -> Option<PathBuf> {
    let p = std::env::var_os("KUBECTL_1_31")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/lib/google-cloud-sdk/bin/kubectl.1.31"));
    p.exists().then_some(p)
}

/// The pod file kubectl reads, and the object its engine is given (the
/// file plus the label `label --local` adds).
struct Fixture {
    kubectl: PathBuf,
    dir: PathBuf,
    obj: Value,
}

impl Fixture {
    fn new(what: &str) -> Option<Fixture> {
        let Some(kubectl) = kubectl() else {
            eprintln!("\n*** SKIPPED: kubectl 1.31 not found (set KUBECTL_1_31); {what} not compared with the real client ***\n");
            return None;
        };
        let dir = std::env::temp_dir().join(format!(
            "ordinal-oracle-{}-{}",
            what.replace(' ', "-"),
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("pod.yaml"), POD).unwrap();
        let mut obj: Value = serde_yaml::from_str(POD).unwrap();
        obj["metadata"]["labels"] = serde_json::json!({"probe": "yes"});
        Some(Fixture { kubectl, dir, obj })
    }

    /// kubectl's stdout on success; on failure what the terminal shows
    /// (stdout, then stderr), trimmed.
    fn run(&self, extra: &[String]) -> Result<String, String> {
        let out = Command::new(&self.kubectl)
            .env("KUBECONFIG", "/dev/null")
            .args(["label", "--local", "-f"])
            .arg(self.dir.join("pod.yaml"))
            .arg("probe=yes")
            .args(extra)
            .output()
            .expect("run kubectl");
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).to_string())
        } else {
            Err(format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            )
            .trim_end()
            .to_string())
        }
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[test]
fn jsonpath_matches_kubectl_1_31() {
    let Some(fx) = Fixture::new("jsonpath") else {
        return;
    };
    let cases = TEMPLATES
        .iter()
        .map(|t| (t, true))
        .chain(STRICT_TEMPLATES.iter().map(|t| (t, false)));
    let mut failures = Vec::new();
    for (t, allow) in cases {
        let real = fx.run(&[
            "-o".into(),
            format!("jsonpath={t}"),
            format!("--allow-missing-template-keys={allow}"),
        ]);
        let ours = jsonpath::render_opts(t, &fx.obj, allow).map_err(|e| e.trim_end().to_string());
        if ours != real {
            failures.push(format!("{t}\n  kubectl: {real:?}\n  ordinal: {ours:?}"));
        }
    }
    assert!(failures.is_empty(), "differences:\n{}", failures.join("\n"));
}

const GO_TEMPLATES: &[&str] = &[
    "{{.metadata.name}}",
    "{{.spec.missing}}|{{.spec.missing.deeper}}",
    "{{.metadata.labels}} {{.metadata.annotations}}",
    "{{range .spec.containers}}{{.name}}:{{.ports}};{{end}}",
    "{{range $i, $c := .spec.containers}}{{$i}}={{$c.image}} {{end}}",
    "{{range $k, $v := .metadata.annotations}}{{$k}}={{$v}}\n{{end}}",
    r#"{{range .items}}{{.metadata.name}}{{"\n"}}{{end}}"#,
    "{{- .metadata.name -}} | {{ $.kind }}",
    r#"{{index .metadata.annotations "note"}}"#,
    "{{range .spec.containers}}{{.resources}}{{else}}none{{end}}",
    "{{.spec.tolerations}}",
    "{{.a",
    "{{foo .a}}",
    "{{range .spec.containers}}x",
    "{{end}}",
    "{{.spec.containers.name}}",
];

#[test]
fn go_templates_match_kubectl_1_31() {
    let Some(fx) = Fixture::new("go-template") else {
        return;
    };
    let mut failures = Vec::new();
    for t in GO_TEMPLATES {
        let real = fx.run(&["-o".into(), format!("go-template={t}")]);
        let ours = jsonpath::render_go_template(t, &fx.obj).map_err(|e| e.trim_end().to_string());
        if ours != real {
            failures.push(format!("{t}\n  kubectl: {real:?}\n  ordinal: {ours:?}"));
        }
    }
    assert!(failures.is_empty(), "differences:\n{}", failures.join("\n"));
}
