//! DNS tools in a pod (`kubectl run ... -- dig`), answered from the zone
//! CoreDNS's kubernetes plugin serves.

use super::*;

/// `dig -x IP` asks the PTR of the address's in-addr.arpa name: a
/// headless Service endpoint's hostname record, authoritative; an address
/// the plugin does not know falls through to forward (NXDOMAIN, ra).
#[test]
fn dig_x_asks_the_reverse_zone() {
    let mut sim = Sim::new(1);
    kf(&mut sim, "apply -f web.yaml", &[("web.yaml", WEB)]).unwrap();
    k(&mut sim, "rollout status sts/web").unwrap();
    let ip = sim
        .store
        .get(Kind::Pod, "default", "web-1")
        .unwrap()
        .status()
        .str_at("podIP")
        .unwrap()
        .to_string();
    let dig = |sim: &mut Sim, args: &str| {
        k(
            sim,
            &format!("run -i --rm --restart=Never --image=tutum/dnsutils d -- dig {args}"),
        )
        .unwrap_or_else(|e| e)
    };
    assert!(dig(&mut sim, &format!("+short -x {ip}"))
        .starts_with("web-1.nginx.default.svc.cluster.local.\n"));
    let out = dig(&mut sim, &format!("-x {ip}"));
    let rev: Vec<&str> = ip.split('.').rev().collect();
    let q = format!("{}.in-addr.arpa.", rev.join("."));
    assert!(
        out.contains(";; flags: qr aa rd; QUERY: 1, ANSWER: 1"),
        "{out}"
    );
    assert!(out.contains(&format!("\n;{q}")), "{out}");
    assert!(
        out.contains("\tPTR\tweb-1.nginx.default.svc.cluster.local.\n"),
        "{out}"
    );
    let out = dig(&mut sim, "-x 10.1.2.3");
    assert!(out.contains("status: NXDOMAIN"), "{out}");
    assert!(out.contains(";; flags: qr rd ra;"), "{out}");
}
