//! `kubectl create <generator> NAME ...` for the kinds Ordinal simulates
//! (namespace, configmap, secret generic|docker-registry|tls, deployment, service
//! clusterip|nodeport|loadbalancer|externalname, poddisruptionbudget) and
//! the object `kubectl run` builds. Each generator builds the object as
//! kubectl's `create_*.go` does, before any server defaulting; then
//! `--dry-run=client` prints it, and otherwise the API server creates it
//! (on a scratch copy for `--dry-run=server`) and its answer is printed,
//! with the printer `-o` asks for ([`super::output`]).
//!
//! kubectl prints a generated object from its typed struct: `-o json`
//! keeps Go's field order (`output::to_typed_json`), `-o yaml` sorts the keys.

use super::namespace;
use super::output::{json_string, ObjectPrinter};
use super::parse::{parse_args, Args};
use crate::sim::api;
use crate::sim::engine::Sim;
use crate::sim::object::Object;
use crate::sim::sort;
use serde_json::{json, Map, Value};

/// The generators, with the names kubectl accepts for them.
const GENERATORS: &[(&str, &[&str])] = &[
    ("namespace", &["namespace", "ns"]),
    ("configmap", &["configmap", "cm"]),
    ("secret", &["secret"]),
    ("deployment", &["deployment", "deploy"]),
    ("service", &["service", "svc"]),
    ("poddisruptionbudget", &["poddisruptionbudget", "pdb"]),
];

/// The generator a `create` line names, if any.
pub fn generator(rest: &[String]) -> Option<&'static str> {
    let first = rest.get(leading_globals(rest))?;
    GENERATORS
        .iter()
        .find(|(_, names)| names.contains(&first.as_str()))
        .map(|(g, _)| *g)
}

/// How many words of global flags (`-n prod`, `--namespace=prod`) come
/// before the generator: cobra takes them there too.
fn leading_globals(rest: &[String]) -> usize {
    const TAKES_VALUE: &[&str] = &[
        "-n",
        "--namespace",
        "--context",
        "--kubeconfig",
        "--cluster",
        "--user",
        "--request-timeout",
        "-v",
    ];
    let mut i = 0;
    while let Some(w) = rest.get(i) {
        if !w.starts_with('-') {
            break;
        }
        i += if TAKES_VALUE.contains(&w.as_str()) {
            2
        } else {
            1
        };
    }
    i
}

/// `kubectl create <generator> ...`; `rest` starts with the generator.
pub fn create(
    sim: &mut Sim,
    rest: &[String],
    files: &[(String, String)],
) -> Result<String, String> {
    // Global flags given before the generator go after it.
    let lead = leading_globals(rest).min(rest.len());
    let rest: Vec<String> = rest[lead..].iter().chain(&rest[..lead]).cloned().collect();
    let rest = rest.as_slice();
    let g = generator(rest).unwrap_or("");
    let (cmd, words) = match g {
        "secret" | "service" => {
            let sub = rest.get(1).map(String::as_str).unwrap_or("");
            let subs: &[&str] = if g == "secret" {
                &["generic", "docker-registry", "tls"]
            } else {
                &["clusterip", "nodeport", "loadbalancer", "externalname"]
            };
            if !subs.contains(&sub) {
                if sub.is_empty() || sub.starts_with('-') {
                    // cobra prints the command's help (on stderr, exit 1).
                    let help = super::help::text_or_missing(if g == "secret" {
                        "create_secret.txt"
                    } else {
                        "create_service.txt"
                    });
                    return Err(help.trim_end().to_string());
                }
                let words: Vec<&str> = rest[1..]
                    .iter()
                    .map(String::as_str)
                    .take_while(|w| !w.starts_with('-'))
                    .collect();
                return Err(format!(
                    "error: unknown command \"{}\"\nSee 'kubectl create {g} -h' for help and examples",
                    words.join(" ")
                ));
            }
            (format!("{g} {sub}"), &rest[2..])
        }
        _ => (g.to_string(), &rest[1..]),
    };
    let flag_set = format!("create {}", cmd.split(' ').next_back().unwrap_or(""));
    let args = parse_args(words, &flag_set, &format!("create {cmd}"))?;
    if args.bool("help") {
        return Ok(super::help::text_or_missing(help_file(&cmd)));
    }
    let dry = dry_run(&args)?;
    let name = match args.positional.as_slice() {
        [n] => n.clone(),
        other => {
            return Err(format!(
                "error: exactly one NAME is required, got {}\nSee 'kubectl create {cmd} -h' for help and examples",
                other.len()
            ))
        }
    };
    // `Complete` builds the printer before anything is sent.
    let printer = ObjectPrinter::new(&args, dry)?;
    let ns = args.get("namespace").map(str::to_string);
    let v = match cmd.as_str() {
        "namespace" => json!({
            "kind": "Namespace", "apiVersion": "v1",
            "metadata": {"name": name, "creationTimestamp": null},
            "spec": {}, "status": {}
        }),
        "configmap" => {
            let data = sources(&args, files, &name, "ConfigMap", false)?;
            let mut v = json!({"kind": "ConfigMap", "apiVersion": "v1",
                "metadata": {"name": name, "creationTimestamp": null}});
            if !data.is_empty() {
                v["data"] = Value::Object(data);
            }
            if args.bool("append-hash") {
                v["metadata"]["name"] = format!("{name}-{}", content_hash(&v, None)).into();
            }
            v
        }
        "secret generic" => {
            let data = sources(&args, files, &name, "Secret", true)?;
            let mut v = json!({"kind": "Secret", "apiVersion": "v1",
                "metadata": {"name": name, "creationTimestamp": null}});
            if !data.is_empty() {
                v["data"] = Value::Object(data);
            }
            let ty = args.get("type").unwrap_or("");
            if !ty.is_empty() {
                v["type"] = ty.into();
            }
            if args.bool("append-hash") {
                v["metadata"]["name"] = format!("{name}-{}", content_hash(&v, Some(ty))).into();
            }
            v
        }
        "secret docker-registry" => docker_registry(&args, &name)?,
        "secret tls" => tls(&args, files, &name)?,
        "deployment" => deployment(sim, &args, &name)?,
        "poddisruptionbudget" => pdb(&args, &name)?,
        _ => service(&args, &cmd, &name)?,
    };
    let mut v = v;
    if let Some(ns) = &ns {
        if cmd != "namespace" {
            v["metadata"]["namespace"] = ns.clone().into();
        }
    }
    print_or_create(sim, v, dry, &printer, &namespace(&args))
}

/// The local files a generator line reads (`--from-file=[key=]path`,
/// `--from-env-file=path`, `--cert=path`, `--key=path`), for a face to
/// read before running it.
pub fn source_files(rest: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < rest.len() {
        let w = &rest[i];
        for flag in ["--from-file", "--from-env-file", "--cert", "--key"] {
            let value = if let Some(v) = w.strip_prefix(&format!("{flag}=")) {
                Some(v.to_string())
            } else if w == flag {
                i += 1;
                rest.get(i).cloned()
            } else {
                None
            };
            if let Some(v) = value {
                let path = match (flag, v.split_once('=')) {
                    ("--from-file", Some((_, p))) => p.to_string(),
                    _ => v,
                };
                out.push(path);
            }
        }
        i += 1;
    }
    out
}

/// The file of `kubectl create <generator> -h` (`sim::kubectl::help`), as
/// kubectl v1.31 prints it.
fn help_file(cmd: &str) -> &'static str {
    match cmd {
        "namespace" => "create_namespace.txt",
        "configmap" => "create_configmap.txt",
        "secret generic" => "create_secret_generic.txt",
        "secret docker-registry" => "create_secret_docker-registry.txt",
        "secret tls" => "create_secret_tls.txt",
        "deployment" => "create_deployment.txt",
        "service clusterip" => "create_service_clusterip.txt",
        "service nodeport" => "create_service_nodeport.txt",
        "service loadbalancer" => "create_service_loadbalancer.txt",
        "service externalname" => "create_service_externalname.txt",
        _ => "create_poddisruptionbudget.txt",
    }
}

/// `--dry-run`: none, client or server (a bare `--dry-run` is client).
pub fn dry_run(args: &Args) -> Result<&'static str, String> {
    match args.get("dry-run") {
        None | Some("none") | Some("false") => Ok("none"),
        Some("client") | Some("unchanged") | Some("true") => Ok("client"),
        Some("server") => Ok("server"),
        Some(other) => Err(format!(
            "error: Invalid dry-run value ({other}). Must be \"none\", \"server\", or \"client\"."
        )),
    }
}

/// Prints the generated object (client dry run) or has the API server
/// create it (on a scratch copy of the cluster for a server dry run) and
/// prints its answer, as `printer` says.
pub fn print_or_create(
    sim: &mut Sim,
    v: Value,
    dry: &str,
    printer: &ObjectPrinter,
    ns: &str,
) -> Result<String, String> {
    let mut obj = Object::from_value(&v).map_err(|e| format!("error: {e}"))?;
    if dry == "client" {
        return printer.print_generated(&v, "created");
    }
    if obj.kind.namespaced() && obj.meta.namespace.is_empty() {
        obj.meta.namespace = ns.to_string();
    }
    if let Err(e) = crate::sim::manifest::validate_object(&obj, &sim.config.feature_gates) {
        return Err(crate::sim::manifest::kubectl_invalid(&e).unwrap_or(e));
    }
    let created = if dry == "server" {
        api::create(&mut sim.clone(), obj, "kubectl")
    } else {
        api::create(sim, obj, "kubectl")
    }
    .map_err(|e| e.to_string())?;
    printer.print(&created.to_value(), "created")
}

/// `--from-literal`, `--from-file` and `--from-env-file`, in kubectl's
/// order (env files, then files, then literals), refusing a repeated key.
fn sources(
    args: &Args,
    files: &[(String, String)],
    name: &str,
    kind: &str,
    base64: bool,
) -> Result<Map<String, Value>, String> {
    let mut data = Map::new();
    let mut add = |k: &str, v: &str| -> Result<(), String> {
        if data.contains_key(k) {
            return Err(format!(
                "error: cannot add key \"{k}\", another key by that name already exists in {} for {kind} \"{name}\"",
                if base64 { "data" } else { "Data" }
            ));
        }
        let v = if base64 {
            encode_base64(v.as_bytes())
        } else {
            v.to_string()
        };
        data.insert(k.to_string(), Value::String(v));
        Ok(())
    };
    let read = |path: &str| -> Result<String, String> {
        files
            .iter()
            .find(|(p, _)| p == path)
            .map(|(_, t)| t.clone())
            .ok_or_else(|| format!("error: error reading {path}: no such file or directory"))
    };
    for path in args.all("from-env-file") {
        for line in read(&path)?.lines() {
            let line = line.trim_start();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (k, v) = line.split_once('=').unwrap_or((line, ""));
            add(k, v)?;
        }
    }
    for spec in args.all("from-file") {
        let (key, path) = match spec.split_once('=') {
            Some((k, p)) => (k.to_string(), p.to_string()),
            None => (
                spec.rsplit('/').next().unwrap_or(&spec).to_string(),
                spec.clone(),
            ),
        };
        let text = read(&path)?;
        add(&key, &text)?;
    }
    for kv in args.all("from-literal") {
        let Some((k, v)) = kv.split_once('=') else {
            return Err(format!(
                "error: invalid literal source {kv}, expected key=value"
            ));
        };
        add(k, v)?;
    }
    Ok(data)
}

/// `create secret tls`: the certificate and key files as they are, once
/// `tls.X509KeyPair` accepts them (see [`super::pem`] for how far Ordinal
/// follows it).
fn tls(args: &Args, files: &[(String, String)], name: &str) -> Result<Value, String> {
    let (cert, key) = (
        args.get("cert").unwrap_or(""),
        args.get("key").unwrap_or(""),
    );
    if cert.is_empty() || key.is_empty() {
        return Err("error: key and cert must be specified".into());
    }
    let read = |path: &str| -> Result<&str, String> {
        files
            .iter()
            .find(|(p, _)| p == path)
            .map(|(_, t)| t.as_str())
            .ok_or_else(|| {
                format!("error: Cannot read file {path}, open {path}: no such file or directory")
            })
    };
    let (cert_pem, key_pem) = (read(cert)?, read(key)?);
    super::pem::x509_key_pair(cert_pem, key_pem).map_err(|e| format!("error: {e}"))?;
    let mut v = json!({
        "kind": "Secret", "apiVersion": "v1",
        "metadata": {"name": name, "creationTimestamp": null},
        "data": {
            "tls.crt": encode_base64(cert_pem.as_bytes()),
            "tls.key": encode_base64(key_pem.as_bytes()),
        },
        "type": "kubernetes.io/tls"
    });
    if args.bool("append-hash") {
        v["metadata"]["name"] =
            format!("{name}-{}", content_hash(&v, Some("kubernetes.io/tls"))).into();
    }
    Ok(v)
}

/// `create secret docker-registry`: a `.dockerconfigjson` for one
/// registry (Docker Hub's v1 URL unless `--docker-server`).
fn docker_registry(args: &Args, name: &str) -> Result<Value, String> {
    let user = args.get("docker-username").unwrap_or("");
    let password = args.get("docker-password").unwrap_or("");
    let server = args
        .get("docker-server")
        .unwrap_or("https://index.docker.io/v1/");
    if user.is_empty() || password.is_empty() || server.is_empty() {
        return Err("error: either --from-file or the combination of --docker-username, --docker-password and --docker-server is required".into());
    }
    // encoding/json of DockerConfigJSON: fields in struct order, email
    // omitted when empty, no spaces.
    let mut entry = format!(
        "{{\"username\":{},\"password\":{}",
        json_string(user),
        json_string(password)
    );
    if let Some(email) = args.get("docker-email").filter(|e| !e.is_empty()) {
        entry.push_str(&format!(",\"email\":{}", json_string(email)));
    }
    entry.push_str(&format!(
        ",\"auth\":{}}}",
        json_string(&encode_base64(format!("{user}:{password}").as_bytes()))
    ));
    let config = format!("{{\"auths\":{{{}:{entry}}}}}", json_string(server));
    Ok(json!({
        "kind": "Secret", "apiVersion": "v1",
        "metadata": {"name": name, "creationTimestamp": null},
        "data": {".dockerconfigjson": encode_base64(config.as_bytes())},
        "type": "kubernetes.io/dockerconfigjson"
    }))
}

/// `--append-hash` (kubectl's `hash.ConfigMapHash`/`SecretHash`): the
/// SHA-256 of `{"data":...,"kind":...,"name":...[,"type":...]}` (keys
/// sorted, as `json.Marshal` writes a map), its first ten hex digits with
/// 0, 1, 3, a, e turned into g, h, k, m, t.
fn content_hash(v: &Value, secret_type: Option<&str>) -> String {
    let data = match v.get("data") {
        Some(Value::Object(m)) => {
            let fields: Vec<String> = m
                .iter()
                .map(|(k, x)| {
                    format!(
                        "{}:{}",
                        json_string(k),
                        json_string(x.as_str().unwrap_or(""))
                    )
                })
                .collect();
            format!("{{{}}}", fields.join(","))
        }
        // The generators start from an empty map, never a nil one.
        _ => "{}".into(),
    };
    let kind = v.get("kind").and_then(Value::as_str).unwrap_or("");
    let name = v
        .pointer("/metadata/name")
        .and_then(Value::as_str)
        .unwrap_or("");
    let mut encoded = format!(
        "{{\"data\":{data},\"kind\":{},\"name\":{}",
        json_string(kind),
        json_string(name)
    );
    if let Some(t) = secret_type {
        encoded.push_str(&format!(",\"type\":{}", json_string(t)));
    }
    encoded.push('}');
    sha256(encoded.as_bytes())[..5]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<String>()
        .chars()
        .map(|c| match c {
            '0' => 'g',
            '1' => 'h',
            '3' => 'k',
            'a' => 'm',
            'e' => 't',
            c => c,
        })
        .collect()
}

/// SHA-256 (FIPS 180-4).
fn sha256(msg: &[u8]) -> [u8; 32] {
    const K: [u32; 64] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
        0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
        0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
        0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
        0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
        0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
        0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
        0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
        0xc67178f2,
    ];
    let mut h: [u32; 8] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
        0x5be0cd19,
    ];
    let mut data = msg.to_vec();
    data.push(0x80);
    while data.len() % 64 != 56 {
        data.push(0);
    }
    data.extend_from_slice(&((msg.len() as u64) * 8).to_be_bytes());
    for chunk in data.chunks(64) {
        let mut w = [0u32; 64];
        for (i, word) in chunk.chunks(4).enumerate() {
            w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for i in 16..64 {
            let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
            let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16]
                .wrapping_add(s0)
                .wrapping_add(w[i - 7])
                .wrapping_add(s1);
        }
        let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut hh] = h;
        for i in 0..64 {
            let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
            let ch = (e & f) ^ (!e & g);
            let t1 = hh
                .wrapping_add(s1)
                .wrapping_add(ch)
                .wrapping_add(K[i])
                .wrapping_add(w[i]);
            let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
            let maj = (a & b) ^ (a & c) ^ (b & c);
            let t2 = s0.wrapping_add(maj);
            hh = g;
            g = f;
            f = e;
            e = d.wrapping_add(t1);
            d = c;
            c = b;
            b = a;
            a = t1.wrapping_add(t2);
        }
        for (x, y) in h.iter_mut().zip([a, b, c, d, e, f, g, hh]) {
            *x = x.wrapping_add(y);
        }
    }
    let mut out = [0u8; 32];
    for (i, x) in h.iter().enumerate() {
        out[i * 4..i * 4 + 4].copy_from_slice(&x.to_be_bytes());
    }
    out
}

/// Standard base64 with padding, as Go's `[]byte` fields marshal.
pub fn encode_base64(bytes: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(T[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// `create deployment`: one container per `--image`, named after the
/// image (path, tag and digest dropped, `_` to `-`), `--port` on the first.
fn deployment(sim: &mut Sim, args: &Args, name: &str) -> Result<Value, String> {
    let images = args.all("image");
    if images.is_empty() {
        return Err("error: required flag(s) \"image\" not set".into());
    }
    let replicas: i64 = match args.get("replicas") {
        Some(r) => r.parse().map_err(|_| {
            format!("error: invalid argument \"{r}\" for \"-r, --replicas\" flag: strconv.ParseInt: parsing \"{r}\": invalid syntax\nSee 'kubectl create deployment --help' for usage.")
        })?,
        None => 1,
    };
    let mut containers = Vec::new();
    for image in &images {
        let last = image.rsplit('/').next().unwrap_or(image);
        let base = last.split(':').next().unwrap_or(last);
        let mut base = base.split('@').next().unwrap_or(base).to_string();
        // sanitizeAndUniquify: `_` and `.` become `-`, plus a random suffix.
        if base.contains(['_', '.']) {
            base = format!("{}-{}", base.replace(['_', '.'], "-"), sim.random_suffix(5));
        }
        containers.push(json!({"name": base, "image": image, "resources": {}}));
    }
    if let Some(p) = args.get("port") {
        let port: i64 = p.parse().map_err(|_| {
            format!("error: invalid argument \"{p}\" for \"--port\" flag: strconv.ParseInt: parsing \"{p}\": invalid syntax\nSee 'kubectl create deployment --help' for usage.")
        })?;
        if port >= 0 {
            containers[0]["ports"] = json!([{"containerPort": port}]);
        }
    }
    let labels = json!({"app": name});
    Ok(json!({
        "kind": "Deployment", "apiVersion": "apps/v1",
        "metadata": {"name": name, "creationTimestamp": null, "labels": labels},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": labels},
            "template": {
                "metadata": {"creationTimestamp": null, "labels": labels},
                "spec": {"containers": containers}
            },
            "strategy": {}
        },
        "status": {}
    }))
}

fn int_or_string(s: &str) -> Value {
    match s.parse::<i64>() {
        Ok(n) => n.into(),
        Err(_) => s.into(),
    }
}

/// `create poddisruptionbudget`.
fn pdb(args: &Args, name: &str) -> Result<Value, String> {
    let Some(sel) = args.get("selector").filter(|s| !s.is_empty()) else {
        return Err("error: a selector must be specified".into());
    };
    let min = args.get("min-available").filter(|s| !s.is_empty());
    let max = args.get("max-unavailable").filter(|s| !s.is_empty());
    let mut spec = Map::new();
    match (min, max) {
        (None, None) => {
            return Err("error: one of min-available or max-unavailable must be specified".into())
        }
        (Some(_), Some(_)) => {
            return Err("error: min-available and max-unavailable cannot be both specified".into())
        }
        (Some(m), None) => {
            spec.insert("minAvailable".into(), int_or_string(m));
        }
        (None, Some(m)) => {
            spec.insert("maxUnavailable".into(), int_or_string(m));
        }
    }
    let selector = crate::sim::selector::Selector::parse(sel).map_err(|e| format!("error: {e}"))?;
    spec.insert("selector".into(), label_selector(&selector)?);
    Ok(json!({
        "kind": "PodDisruptionBudget", "apiVersion": "policy/v1",
        "metadata": {"name": name, "creationTimestamp": null},
        "spec": spec,
        "status": {"disruptionsAllowed": 0, "currentHealthy": 0, "desiredHealthy": 0, "expectedPods": 0}
    }))
}

/// `metav1.ParseToLabelSelector`: equalities become matchLabels, the
/// rest matchExpressions; `!=` is refused.
fn label_selector(sel: &crate::sim::selector::Selector) -> Result<Value, String> {
    use crate::sim::selector::Requirement as R;
    let mut labels = Map::new();
    let mut exprs = Vec::new();
    for r in &sel.requirements {
        match r {
            R::Equals(k, v) => {
                labels.insert(k.clone(), v.clone().into());
            }
            R::NotEquals(..) => {
                return Err("error: \"!=\" is not a valid label selector operator".into())
            }
            R::In(k, vs) => exprs.push(json!({"key": k, "operator": "In", "values": vs})),
            R::NotIn(k, vs) => exprs.push(json!({"key": k, "operator": "NotIn", "values": vs})),
            R::Exists(k) => exprs.push(json!({"key": k, "operator": "Exists"})),
            R::DoesNotExist(k) => exprs.push(json!({"key": k, "operator": "DoesNotExist"})),
        }
    }
    // labels.Parse sorts the requirements by key.
    sort::sort_by(&mut exprs, |a, b| a["key"].as_str().cmp(&b["key"].as_str()));
    let mut out = Map::new();
    if !labels.is_empty() {
        out.insert("matchLabels".into(), Value::Object(labels));
    }
    if !exprs.is_empty() {
        out.insert("matchExpressions".into(), Value::Array(exprs));
    }
    Ok(Value::Object(out))
}

/// `create service clusterip|nodeport|loadbalancer|externalname`.
fn service(args: &Args, cmd: &str, name: &str) -> Result<Value, String> {
    let kind = cmd.trim_start_matches("service ");
    let ty = match kind {
        "clusterip" => "ClusterIP",
        "nodeport" => "NodePort",
        "loadbalancer" => "LoadBalancer",
        _ => "ExternalName",
    };
    let tcp: Vec<String> = args
        .all("tcp")
        .iter()
        .flat_map(|t| t.split(',').map(str::to_string).collect::<Vec<_>>())
        .filter(|t| !t.is_empty())
        .collect();
    let cluster_ip = args.get("clusterip").unwrap_or("");
    let headless = kind == "clusterip" && cluster_ip == "None";
    if kind == "externalname" {
        if args.get("external-name").is_none_or(str::is_empty) {
            return Err("error: required flag(s) \"external-name\" not set".into());
        }
    } else if tcp.is_empty() && !headless {
        return Err("error: at least one tcp port specifier must be provided".into());
    }
    let node_port: i64 = match args.get("node-port") {
        Some(p) => p.parse().map_err(|_| {
            format!("error: invalid argument \"{p}\" for \"--node-port\" flag: strconv.ParseInt: parsing \"{p}\": invalid syntax\nSee 'kubectl create {cmd} --help' for usage.")
        })?,
        None => 0,
    };
    let mut ports = Vec::new();
    for t in &tcp {
        let (port, target) = match t.split_once(':') {
            Some((p, tp)) => (p, Some(tp)),
            None => (t.as_str(), None),
        };
        let Ok(port_n) = port.parse::<u16>() else {
            return Err(format!(
                "error: strconv.ParseUint: parsing {port:?}: invalid syntax"
            ));
        };
        let port_name = match target {
            Some(tp) => format!("{port}-{tp}"),
            None => port.to_string(),
        };
        let mut p = json!({"name": port_name, "protocol": "TCP", "port": port_n,
            "targetPort": int_or_string(target.unwrap_or(port))});
        if kind == "nodeport" && node_port > 0 {
            p["nodePort"] = node_port.into();
        }
        ports.push(p);
    }
    let labels = json!({"app": name});
    let mut spec = Map::new();
    if !ports.is_empty() {
        spec.insert("ports".into(), Value::Array(ports));
    }
    spec.insert("selector".into(), labels.clone());
    if !cluster_ip.is_empty() && kind == "clusterip" {
        spec.insert("clusterIP".into(), cluster_ip.into());
    }
    spec.insert("type".into(), ty.into());
    if kind == "externalname" {
        spec.insert(
            "externalName".into(),
            args.get("external-name").unwrap_or("").into(),
        );
    }
    Ok(json!({
        "kind": "Service", "apiVersion": "v1",
        "metadata": {"name": name, "creationTimestamp": null, "labels": labels},
        "spec": spec,
        "status": {"loadBalancer": {}}
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_as_go_encodes_it() {
        assert_eq!(encode_base64(b"b"), "Yg==");
        assert_eq!(encode_base64(b"s3cr3t"), "czNjcjN0");
        assert_eq!(encode_base64(b"line1\nline2\n"), "bGluZTEKbGluZTIK");
        assert_eq!(encode_base64(b""), "");
    }

    #[test]
    fn sha256_known_answers() {
        let hex = |b: [u8; 32]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
        assert_eq!(
            hex(sha256(b"")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            hex(sha256(b"abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let long = vec![b'a'; 1000];
        assert_eq!(
            hex(sha256(&long)),
            "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3"
        );
    }
}
