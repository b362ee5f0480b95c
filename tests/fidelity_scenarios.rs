//! Scenarios written from upstream's tests (client-go's jsonpath tests,
//! kubectl's describers, CoreDNS and busybox), each run by the `ordinal`
//! CLI and compared with a reviewed golden transcript beside it in
//! `tests/scenarios/`. `UPDATE_GOLDEN=1 cargo test --test fidelity_scenarios`
//! rewrites them; review the diff against upstream before committing.

mod common;

fn check(script: &str) -> String {
    common::golden_transcript("tests/scenarios", script)
}

/// The output of the command echoed as `$ <prefix>...`, up to the next `$ `.
fn output_of<'a>(transcript: &'a str, prefix: &str) -> &'a str {
    let start = transcript
        .find(&format!("$ {prefix}"))
        .unwrap_or_else(|| panic!("no command {prefix:?} in transcript"));
    let body = &transcript[start..];
    let body = &body[body.find('\n').map(|i| i + 1).unwrap_or(body.len())..];
    if body.starts_with("$ ") {
        return "";
    }
    match body.find("\n$ ") {
        Some(i) => &body[..=i],
        None => body,
    }
}

#[test]
fn dns_srv_weights_and_busybox_nslookup_by_tag() {
    let t = check("dns-coredns-busybox.script");
    // CoreDNS: priority 0, three records share 100 as floor(100/3).
    let srv = output_of(
        &t,
        "kubectl run -i --rm --restart=Never --image=tutum/dnsutils srv ",
    );
    assert_eq!(
        srv.lines()
            .filter(|l| l.starts_with("0 33 80 web-"))
            .count(),
        3
    );
    // busybox 1.28: search list applied to the dotted name, success; the
    // address looked up back (getnameinfo) is CoreDNS's PTR for a headless
    // Service's endpoint with a hostname.
    let old = output_of(
        &t,
        "kubectl run -i --rm --restart=Never --image=busybox:1.28 old -- nslookup web-0.nginx",
    );
    assert!(
        old.contains("Name:      web-0.nginx\nAddress 1: 10.244.")
            && old.contains(" web-0.nginx.default.svc.cluster.local\npod \"old\" deleted"),
        "{old}"
    );
    // busybox 1.36: no search list for a dotted name: NXDOMAIN for A and AAAA.
    let new = output_of(
        &t,
        "kubectl run -i --rm --restart=Never --image=busybox:1.36 new -- nslookup web-0.nginx\n",
    );
    assert_eq!(
        new.matches("** server can't find web-0.nginx: NXDOMAIN\n")
            .count(),
        2,
        "{new}"
    );
    assert!(new.starts_with("Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n"));
}

#[test]
fn jsonpath_through_kubectl_get() {
    let t = check("jsonpath.script");
    // An escaped dot reads the annotation's key.
    assert_eq!(
        output_of(
            &t,
            r"kubectl get pvc www-web-0 -o jsonpath='{.metadata.annotations.pv\."
        ),
        "yes\n"
    );
    // The shell strips the inner single quotes: client-go then refuses the index.
    assert!(t.contains("invalid array index metadata.name\n"));
    assert!(t.contains("$ kubectl get pvc -o jsonpath=\"{.items[*]['metadata.name']}{'\\n'}\"\nwww-web-0 www-web-1\n"));
    // `range` over the list itself (no `[*]`) prints nothing.
    assert_eq!(
        output_of(&t, "kubectl get pods -o jsonpath='{range .items}"),
        ""
    );
    assert!(t.contains("Error executing template: array index out of bounds: index 5, length 2. Printing more information"));
}

#[test]
fn describe_in_kubectls_layouts() {
    let t = check("describe.script");
    // Events aggregated from the event's count (client-go's correlator).
    let probed = output_of(&t, "kubectl describe pod probed");
    assert!(
        probed
            .lines()
            .any(|l| l.contains("Unhealthy") && l.contains(" (x") && l.contains(" over ")),
        "{probed}"
    );
    // Taints one per line, sorted by effect then key.
    let node = output_of(&t, "kubectl describe node node-1");
    assert!(node.contains(
        "Taints:             zone=a:NoExecute\n                    dedicated=web:NoSchedule\n                    maintenance:NoSchedule\n"
    ), "{node}");
    // No YAML dumps for the kinds kubectl has describers for.
    for cmd in [
        "deployment front",
        "daemonset agent",
        "configmap settings",
        "secret creds",
        "storageclass fast",
        "namespace default",
    ] {
        let out = output_of(&t, &format!("kubectl describe {cmd}"));
        assert!(
            !out.contains("apiVersion:") && !out.contains("Spec:\n"),
            "{cmd}:\n{out}"
        );
    }
    let secret = output_of(&t, "kubectl describe secret creds");
    assert!(secret.contains("password:  8 bytes\n") && !secret.contains("cGFzc3dvcmQ="));
    assert!(!secret.contains("Events:"));
    let deploy = output_of(&t, "kubectl describe deployment front");
    // DescribePodTemplate: container name at three spaces, details at four.
    assert!(
        deploy.contains("  Containers:\n   nginx:\n    Image: "),
        "{deploy}"
    );
    assert!(deploy.contains("RollingUpdateStrategy:  25% max unavailable, 25% max surge\n"));
    assert!(deploy.contains("NewReplicaSet:   front-"));
    assert!(output_of(&t, "kubectl describe namespace default")
        .ends_with("No resource quota.\n\nNo LimitRange resource.\n"));
    assert!(
        output_of(&t, "kubectl describe controllerrevision").contains("API Version:  apps/v1\n")
    );
}

#[test]
fn a_deleted_namespace_terminates_its_content_then_goes() {
    let t = check("namespace-delete.script");
    assert!(output_of(&t, "kubectl get namespace prod\n").contains("prod   Terminating   "));
    assert!(output_of(&t, "kubectl create configmap late").contains(
        "is forbidden: unable to create new content in namespace prod because it is being terminated"
    ));
    assert_eq!(output_of(&t, "kubectl get pv"), "No resources found\n");
    assert!(!output_of(&t, "kubectl get namespaces").contains("prod"));
}
