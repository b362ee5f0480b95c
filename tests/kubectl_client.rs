//! Commands that need no server, compared byte for byte with the real
//! kubectl v1.31 (`/usr/lib/google-cloud-sdk/bin/kubectl.1.31`, or
//! `$KUBECTL_1_31`): client-side dry runs of every `kubectl create`
//! generator Ordinal has (`-o yaml|json|name`, the template printers and
//! the formats they refuse), their flag and argument
//! errors and usage texts (`create secret tls` with real PEM pairs from
//! tests/fixtures/tls, and each of `tls.X509KeyPair`'s refusals), `kubectl
//! exec`'s argument errors and `kubectl scale`'s flag errors. When the
//! binary is absent the test says so loudly and checks nothing.
//!
//! `kubectl run --dry-run=client` asks the server for its API groups, so
//! it is checked against a transcript in tests/scenarios instead.

use ordinal::sim::engine::Sim;
use std::path::PathBuf;
use std::process::Command;

fn kubectl_binary() -> Option<PathBuf> {
    let p = std::env::var_os("KUBECTL_1_31")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/lib/google-cloud-sdk/bin/kubectl.1.31"));
    p.is_file().then_some(p)
}

/// Files the commands read (`--from-file`, `--from-env-file`).
const FILES: &[(&str, &str)] = &[
    ("game.properties", "enemies=aliens\nlives=3\n"),
    ("ui.properties", "color.good=purple\nallow.textmode=true"),
    ("app.env", "# settings\nMODE=prod\ny=two words\n\nDEBUG=\n"),
    // Made once with openssl (RSA and P-256 self-signed pairs, and a
    // second RSA key of no certificate).
    ("tls.crt", include_str!("fixtures/tls/tls.crt")),
    ("tls.key", include_str!("fixtures/tls/tls.key")),
    ("other.key", include_str!("fixtures/tls/other.key")),
    ("ec.crt", include_str!("fixtures/tls/ec.crt")),
    ("ec.key", include_str!("fixtures/tls/ec.key")),
];

/// The command lines, as a terminal would take them (no quoting needed).
const CASES: &[&str] = &[
    "create namespace demo --dry-run=client -o yaml",
    "create namespace demo --dry-run=client -o json",
    "create ns demo --dry-run=client -o name",
    "create namespace demo --dry-run=client",
    "create namespace",
    "create namespace a b --dry-run=client",
    "create configmap demo --from-literal=a=b --dry-run=client -o yaml",
    "create configmap demo --from-literal=y=1 --from-literal=n=no --from-literal=t=2025-01-01 --from-literal=s=* --dry-run=client -o yaml",
    "create configmap demo --from-literal=a=b -n team --dry-run=client -o json",
    "create -n team configmap demo --from-literal=a=b --dry-run=client -o yaml",
    "create --namespace=team deployment web --image=nginx --dry-run=client -o yaml",
    "create configmap game --from-file=game.properties --from-file=ui=ui.properties --dry-run=client -o yaml",
    "create configmap game --from-file=game.properties --dry-run=client -o json",
    "create cm env --from-env-file=app.env --dry-run=client -o yaml",
    "create configmap c --from-literal=a=1 --from-literal=a=2 --dry-run=client -o yaml",
    "create configmap c --from-literal=a=1 --from-file=game.properties --append-hash --dry-run=client -o yaml",
    "create configmap empty --append-hash --dry-run=client -o name",
    "create secret generic s --from-literal=pw=x --append-hash --dry-run=client -o name",
    "create secret generic empty --append-hash --dry-run=client -o name",
    "create secret generic s --from-literal=pw=x --type=Opaque --append-hash --dry-run=client -o name",
    "create configmap c --from-literal=bad --dry-run=client -o yaml",
    "create configmap c --from-file=missing.txt --dry-run=client -o yaml",
    "create configmap c --from-literal=a=1 --dry-run=client -o wide",
    "create configmap c --from-literal=a=1 --dry-run=bogus",
    "create secret generic s --from-literal=user=admin --from-literal=pw=s3cr3t --dry-run=client -o yaml",
    "create secret generic s --from-file=game.properties --type=Opaque -n prod --dry-run=client -o json",
    "create secret generic --dry-run=client -o yaml",
    "create secret",
    "create secret docker-registry reg --docker-server=registry.example.com --docker-username=me --docker-password=pw --docker-email=me@example.com --dry-run=client -o yaml",
    "create secret docker-registry reg --docker-username=me --docker-password=p<w>&x --dry-run=client -o json",
    "create secret docker-registry reg --docker-username=me --dry-run=client -o yaml",
    "create secret nope x",
    "create secret tls",
    "create secret tls t",
    "create secret tls t --cert=tls.crt",
    "create secret tls a b --cert=tls.crt --key=tls.key --dry-run=client",
    "create secret tls t --cert=tls.crt --key=tls.key --dry-run=client -o yaml",
    "create secret tls t --cert=tls.crt --key=tls.key --dry-run=client -o json",
    "create secret tls t --cert=tls.crt --key=tls.key -n prod --append-hash --dry-run=client -o yaml",
    "create secret tls t --cert=tls.crt --key=tls.key --dry-run=client",
    "create secret tls t --cert=ec.crt --key=ec.key --dry-run=client -o name",
    "create secret tls t --cert=tls.crt --key=other.key --dry-run=client",
    "create secret tls t --cert=tls.crt --key=ec.key --dry-run=client",
    "create secret tls t --cert=ec.crt --key=tls.key --dry-run=client",
    "create secret tls t --cert=tls.key --key=tls.crt --dry-run=client",
    "create secret tls t --cert=tls.crt --key=tls.crt --dry-run=client",
    "create secret tls t --cert=app.env --key=tls.key --dry-run=client",
    "create secret tls t --cert=tls.crt --key=app.env --dry-run=client",
    "create secret tls t --cert=missing.crt --key=tls.key --dry-run=client",
    "create secret tls t --cert=tls.crt --key=missing.key --dry-run=client",
    "create secret tls t --cert=tls.crt --key=tls.key --dry-run=bogus",
    "create secret tls t --bogus",
    "create secret tls -h",
    "scale sts web --replicas=-1",
    "scale sts web --replicas=abc",
    "scale sts web --replicas=99999999999999999999",
    "scale sts web --replicas=0x",
    "scale sts web",
    "scale --replicas=3",
    "create deployment web --image=nginx --dry-run=client -o yaml",
    "create deployment web --image=nginx --replicas=3 --port=8080 --dry-run=client -o yaml",
    "create deploy web --image=registry.k8s.io/nginx-slim:0.8 --image=redis@sha256:abc --dry-run=client -o json",
    "create deployment web -r 2 --image=nginx --dry-run=client -o name",
    "create deployment web --dry-run=client -o yaml",
    "create deployment web --image=nginx --replicas=x --dry-run=client -o yaml",
    "create deployment --image=nginx --dry-run=client -o yaml",
    "create service clusterip web --tcp=80:8080 --dry-run=client -o yaml",
    "create service clusterip web --tcp=80:8080,443 --tcp=9090:metrics --dry-run=client -o json",
    "create svc clusterip db --clusterip=None --dry-run=client -o yaml",
    "create service clusterip web --dry-run=client -o yaml",
    "create service clusterip web --tcp=x:1 --dry-run=client -o yaml",
    "create service nodeport web --tcp=80:8080 --node-port=30080 --dry-run=client -o yaml",
    "create service nodeport web --tcp=80 --node-port=abc --dry-run=client -o yaml",
    "create service loadbalancer lb --tcp=80 --dry-run=client -o yaml",
    "create service externalname ext --external-name=db.example.com --dry-run=client -o yaml",
    "create service externalname ext --dry-run=client -o yaml",
    "create service",
    "create service headless web",
    "create poddisruptionbudget zk --selector=app=zk --min-available=2 --dry-run=client -o yaml",
    "create pdb web --selector=app=web,tier!=cache --max-unavailable=25% --dry-run=client -o json",
    "create pdb web --selector=app=web,tier,!canary --max-unavailable=25% --dry-run=client -o json",
    "create pdb web --selector=app=web,tier,!canary --max-unavailable=1 --dry-run=client -o yaml",
    "create pdb web --min-available=1 --dry-run=client -o yaml",
    "create pdb web --selector=app=web --dry-run=client -o yaml",
    "create pdb web --selector=app=web --min-available=1 --max-unavailable=1 --dry-run=client -o yaml",
    "create pdb --dry-run=client -o yaml",
    "create frobnicate x",
    "create namespace -h",
    "create configmap --help",
    "create secret generic -h",
    "create secret docker-registry -h",
    "create deployment web --image=nginx -h",
    "create service clusterip -h",
    "create service nodeport -h",
    "create service loadbalancer -h",
    "create service externalname -h",
    "create pdb -h",
    "create",
    "create namespace demo --dry-run=client -o jsonpath={.metadata.name}",
    "create deployment web --image=nginx --dry-run=client -o jsonpath={.spec.template.spec.containers[0].name}",
    "create configmap c --from-literal=a=<b>& --dry-run=client -o jsonpath-as-json={.data}{.metadata.name}{.nope}",
    "create configmap c --from-literal=a=b --dry-run=client -o go-template={{.data.a}}",
    "create deployment web --image=nginx --dry-run=client -o template={{.spec.replicas}}",
    "create namespace demo --dry-run=client --template={{.kind}}",
    "create namespace demo --dry-run=client -o jsonpath={.metadata.name} --template={.kind}",
    "create namespace demo --dry-run=client -o jsonpath={.nope} --allow-missing-template-keys=false",
    "create namespace demo --dry-run=client -o jsonpath",
    "create namespace demo --dry-run=client -o go-template",
    "create namespace demo --dry-run=client -o custom-columns=N:.metadata.name",
    "create namespace a b --dry-run=client -o wide",
    "exec",
    "exec web-0 ls",
    "exec web-0",
    "exec -- ls",
    "run",
    "run --image=nginx",
    "run web --image=nginx -h",
];

fn tokenize(line: &str) -> Vec<String> {
    line.split_whitespace().map(str::to_string).collect()
}

#[test]
fn client_side_commands_print_what_kubectl_1_31_prints() {
    let Some(bin) = kubectl_binary() else {
        eprintln!(
            "\n*** SKIPPED: kubectl v1.31 not found at /usr/lib/google-cloud-sdk/bin/kubectl.1.31 \
             (or $KUBECTL_1_31): the client-side outputs were NOT compared with kubectl ***\n"
        );
        return;
    };
    let dir = std::env::temp_dir().join(format!("ordinal-kubectl-client-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (p, text) in FILES {
        std::fs::write(dir.join(p), text).unwrap();
    }
    let files: Vec<(String, String)> = FILES
        .iter()
        .map(|(p, t)| (p.to_string(), t.to_string()))
        .collect();
    let mut failures = Vec::new();
    for line in CASES {
        let out = Command::new(&bin)
            .args(tokenize(line))
            .current_dir(&dir)
            .env("KUBECONFIG", "/dev/null")
            .env_remove("KUBERNETES_SERVICE_HOST")
            .output()
            .expect("run kubectl");
        let mut real = String::from_utf8_lossy(&out.stdout).to_string();
        real.push_str(&String::from_utf8_lossy(&out.stderr));
        let mut sim = Sim::new(1);
        let ours = match ordinal::sim::kubectl::run(&mut sim, &format!("kubectl {line}"), &files) {
            Ok(s) => s,
            // As a transcript shows it: a line break after the text
            // unless it ends with one (kubectl's jsonpath errors end with
            // empty lines).
            Err(e) if e.ends_with('\n') => e,
            Err(e) => format!("{e}\n"),
        };
        if ours != real {
            failures.push(format!(
                "$ kubectl {line}\n--- kubectl v1.31:\n{real}--- Ordinal:\n{ours}"
            ));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        failures.is_empty(),
        "{} of {} commands differ from kubectl v1.31:\n\n{}",
        failures.len(),
        CASES.len(),
        failures.join("\n")
    );
}
