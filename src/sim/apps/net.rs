//! The pod's view of the network: its hostname and kubelet-managed
//! `/etc/hosts` and `/etc/resolv.conf`, DNS lookups through kube-dns
//! (`nslookup`, `dig`, `host`), and connections to other pods by name,
//! through a Service's ready endpoints as kube-proxy would route them.

use super::Proc;
use crate::sim::dns::Answer;
use crate::sim::object::{Kind, Object, ValueExt};
use crate::sim::podutil;
use crate::sim::store::Store;

pub use crate::sim::wellknown::CLUSTER_DOMAIN;
const DNS_FALLBACK_IP: &str = "10.96.0.10";

pub use super::fs::NGINX_WELCOME;

const NGINX_403: &str = "<html>\r\n<head><title>403 Forbidden</title></head>\r\n<body>\r\n<center><h1>403 Forbidden</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

/// The pod's hostname: `spec.hostname`, else the pod name (cut to 63).
pub fn hostname(pod: &Object) -> String {
    match pod.spec().str_at("hostname") {
        Some(h) if !h.is_empty() => h.to_string(),
        _ => pod.name().chars().take(63).collect(),
    }
}

/// `hostname -f`: `<hostname>.<subdomain>.<ns>.svc.cluster.local` when the
/// pod has a subdomain (a StatefulSet's governing Service), else the
/// hostname alone.
pub fn fqdn(pod: &Object) -> String {
    match pod.spec().str_at("subdomain") {
        Some(s) if !s.is_empty() => format!(
            "{}.{}.{}.svc.{CLUSTER_DOMAIN}",
            hostname(pod),
            s,
            pod.namespace()
        ),
        _ => hostname(pod),
    }
}

/// The kubelet-managed hosts file.
pub fn etc_hosts(pod: &Object) -> String {
    let mut s = String::from(
        "# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n",
    );
    let ip = podutil::pod_ip(pod).unwrap_or("");
    let host = hostname(pod);
    if pod
        .spec()
        .str_at("subdomain")
        .is_some_and(|s| !s.is_empty())
    {
        s.push_str(&format!("{ip}\t{}\t{host}\n", fqdn(pod)));
    } else {
        s.push_str(&format!("{ip}\t{host}\n"));
    }
    let aliases = pod.spec().array_at("hostAliases");
    if !aliases.is_empty() {
        s.push_str("\n# Entries added by HostAliases.\n");
        for a in aliases {
            let names: Vec<&str> = a
                .array_at("hostnames")
                .iter()
                .filter_map(|h| h.as_str())
                .collect();
            s.push_str(&format!(
                "{}\t{}\n",
                a.str_at("ip").unwrap_or(""),
                names.join("\t")
            ));
        }
    }
    s
}

/// `dnsPolicy`: `ClusterFirst` (the default) uses kube-dns, except for a
/// host-network pod, which needs `ClusterFirstWithHostNet`; `Default`
/// uses the node's resolver.
pub fn uses_cluster_dns(pod: &Object) -> bool {
    let host_net = pod.spec().bool_at("hostNetwork") == Some(true);
    match pod.spec().str_at("dnsPolicy").unwrap_or("ClusterFirst") {
        "ClusterFirstWithHostNet" => true,
        "ClusterFirst" => !host_net,
        _ => false,
    }
}

pub fn dns_server_ip(store: &Store) -> String {
    store
        .get(Kind::Service, "kube-system", "kube-dns")
        .and_then(|s| s.spec().str_at("clusterIP"))
        .unwrap_or(DNS_FALLBACK_IP)
        .to_string()
}

/// `/etc/resolv.conf` for the default `ClusterFirst` DNS policy.
pub fn resolv_conf(store: &Store, pod: &Object) -> String {
    let ns = pod.namespace();
    if !uses_cluster_dns(pod) {
        // The node's own resolv.conf.
        return "nameserver 169.254.169.254\n".into();
    }
    format!(
        "search {ns}.svc.{CLUSTER_DOMAIN} svc.{CLUSTER_DOMAIN} {CLUSTER_DOMAIN}\nnameserver {}\noptions ndots:5\n",
        dns_server_ip(store)
    )
}

/// The name kube-dns serves for an IP (PTR), for Service cluster IPs.
fn reverse_name(store: &Store, ip: &str) -> Option<String> {
    store
        .list(Kind::Service)
        .find(|s| s.spec().str_at("clusterIP") == Some(ip))
        .map(|s| format!("{}.{}.svc.{CLUSTER_DOMAIN}", s.name(), s.namespace()))
}

/// Whether an image's busybox has the nslookup rewritten in 1.29: any
/// busybox tag after 1.28, `latest`, no tag or a digest. `busybox:1.28`
/// and older keep the original applet; images that are not busybox get
/// the original shape too (what the seed documents show).
pub fn busybox_nslookup_rewritten(image: &str) -> bool {
    let (repo, tag) = match image.split_once('@') {
        Some((r, _)) => (r, "latest"),
        None => {
            let last_slash = image.rfind('/').map(|i| i + 1).unwrap_or(0);
            match image[last_slash..].rsplit_once(':') {
                Some((_, t)) => (
                    &image[..last_slash + image[last_slash..].len() - t.len() - 1],
                    t,
                ),
                None => (image, "latest"),
            }
        }
    };
    if repo.rsplit('/').next() != Some("busybox") {
        return false;
    }
    let mut nums = tag.split(['.', '-']).map(|x| x.parse::<u32>());
    match (nums.next(), nums.next()) {
        (Some(Ok(major)), Some(Ok(minor))) => (major, minor) > (1, 28),
        (Some(Ok(major)), _) => major > 1,
        _ => true,
    }
}

fn is_ipv4(s: &str) -> bool {
    let parts: Vec<&str> = s.split('.').collect();
    parts.len() == 4 && parts.iter().all(|p| p.parse::<u8>().is_ok())
}

impl Proc<'_> {
    fn lookup(&self, name: &str, rtype: &str) -> Answer {
        let name = name.trim_end_matches('.');
        if !uses_cluster_dns(&self.pod) {
            // The node's resolver knows nothing of cluster names.
            return Answer::NxDomain;
        }
        (self.resolver)(&self.sim.store, self.pod.namespace(), name, rtype)
    }

    /// IPs a name resolves to from this pod (A records), or the IP itself.
    pub fn resolve_ips(&self, name: &str) -> Vec<String> {
        if is_ipv4(name) {
            return vec![name.to_string()];
        }
        if name == "localhost" {
            return vec!["127.0.0.1".into()];
        }
        if name == hostname(&self.pod) || name == fqdn(&self.pod) {
            return podutil::pod_ip(&self.pod)
                .map(|i| vec![i.to_string()])
                .unwrap_or_default();
        }
        match self.lookup(name, "A") {
            Answer::Found { records, .. } => records
                .into_iter()
                .filter(|r| r.rtype == "A")
                .map(|r| r.data)
                .collect(),
            Answer::NxDomain => Vec::new(),
        }
    }

    /// Where a TCP connection to `ip` lands: a pod, directly or through a
    /// Service's cluster IP (kube-proxy picks one ready endpoint at random).
    pub fn route(&mut self, ip: &str) -> Route {
        if ip == "127.0.0.1" {
            return Route::Pod(Box::new(self.pod.clone()));
        }
        let ready = self
            .sim
            .store
            .list(Kind::Service)
            .find(|s| s.spec().str_at("clusterIP") == Some(ip))
            .map(|svc| service_ready_pods(&self.sim.store, svc));
        if let Some(ready) = ready {
            if ready.is_empty() {
                return Route::Refused;
            }
            let i = (self.sim.next_u64() % ready.len() as u64) as usize;
            return Route::Pod(Box::new(ready[i].clone()));
        }
        let store = &self.sim.store;
        match store
            .list(Kind::Pod)
            .find(|p| podutil::pod_ip(p) == Some(ip) && !podutil::is_terminal(p))
        {
            Some(p) if podutil::is_running(p) => Route::Pod(Box::new(p.clone())),
            Some(_) => Route::Refused,
            None => Route::Unreachable,
        }
    }

    /// Name to pod, for clients: `Err` carries which failure it was.
    pub fn connect(&mut self, host: &str) -> Result<Object, ConnectError> {
        let ips = self.resolve_ips(host);
        let Some(ip) = ips.first().cloned() else {
            return Err(ConnectError::UnknownHost);
        };
        match self.route(&ip) {
            Route::Pod(p) => Ok(*p),
            Route::Refused => Err(ConnectError::Refused),
            Route::Unreachable => Err(ConnectError::Unreachable),
        }
    }

    /// The image of the container this process runs in.
    fn image(&self) -> &str {
        self.pod
            .spec()
            .array_at("containers")
            .iter()
            .chain(self.pod.spec().array_at("initContainers"))
            .find(|c| c.str_at("name") == Some(self.container.as_str()))
            .and_then(|c| c.str_at("image"))
            .unwrap_or("")
    }

    /// `nslookup NAME`. Which nslookup answers depends on the image:
    /// busybox 1.29 rewrote the applet (see `busybox_nslookup_rewritten`),
    /// and the docs pin `busybox:1.28` for the older output. Other images
    /// print the 1.28 shape, as the seed documents show it.
    pub fn nslookup(&self, args: &[String]) -> (String, String, i32) {
        let Some(name) = args.iter().find(|a| !a.starts_with('-')) else {
            return (
                String::new(),
                "BusyBox nslookup: usage: nslookup HOST [DNS_SERVER]\n".into(),
                1,
            );
        };
        let rewritten = busybox_nslookup_rewritten(self.image());
        if !rewritten && args.first().is_some_and(|a| a.starts_with('-')) {
            // The 1.28 applet takes no options.
            return (
                String::new(),
                "BusyBox nslookup: usage: nslookup HOST [DNS_SERVER]\n".into(),
                1,
            );
        }
        if rewritten {
            // `-type=srv` / `-querytype=srv` (only the new applet has them).
            let qtype = args.iter().find_map(|a| {
                let (k, v) = a.strip_prefix('-')?.split_once('=')?;
                matches!(k, "type" | "querytype").then(|| v.to_ascii_uppercase())
            });
            return self.nslookup_rewritten(name, qtype.as_deref());
        }
        let server = dns_server_ip(&self.sim.store);
        let server_name = reverse_name(&self.sim.store, &server).unwrap_or_default();
        let mut out = format!("Server:    {server}\nAddress 1: {server} {server_name}\n\n");
        if is_ipv4(name) {
            return match self.ptr_name(name) {
                Some(n) => {
                    out.push_str(&format!("Name:      {name}\nAddress 1: {name} {n}\n"));
                    (out, String::new(), 0)
                }
                None => (out, format!("nslookup: can't resolve '{name}'\n"), 1),
            };
        }
        // A CNAME to a name outside the cluster would need the internet.
        let answer = match self.lookup(name, "A") {
            Answer::Found { fqdn, records } => Answer::Found {
                fqdn,
                records: records.into_iter().filter(|r| r.rtype == "A").collect(),
            },
            nx => nx,
        };
        match answer {
            Answer::Found { records, .. } if !records.is_empty() => {
                out.push_str(&format!("Name:      {name}\n"));
                for (i, r) in records.iter().enumerate() {
                    let rev = self
                        .ptr_name(&r.data)
                        .map(|n| format!(" {n}"))
                        .unwrap_or_default();
                    out.push_str(&format!("Address {}: {}{rev}\n", i + 1, r.data));
                }
                (out, String::new(), 0)
            }
            _ => (out, format!("nslookup: can't resolve '{name}'\n"), 1),
        }
    }

    /// busybox 1.29 and later (`networking/nslookup.c`): one query per
    /// type (A, then AAAA) per name, and the resolv.conf search list is
    /// applied only to a name without a dot, so `web-0.nginx` is asked as
    /// it is and fails. Each reply prints in query order: `Name:`/`Address:`
    /// pairs, or `** server can't find NAME: NXDOMAIN`, then an empty line
    /// (an empty AAAA answer prints just that line). Any error rcode makes
    /// the exit status 1. CoreDNS answers cluster names authoritatively, so
    /// no "Non-authoritative answer:" line.
    fn nslookup_rewritten(&self, name: &str, qtype: Option<&str>) -> (String, String, i32) {
        let server = dns_server_ip(&self.sim.store);
        let mut out = format!("Server:\t\t{server}\nAddress:\t{server}:53\n\n");
        let mut code = 0;
        if is_ipv4(name) && qtype.is_none_or(|t| t == "PTR") {
            let ptr = crate::sim::dns::reverse_name(name).unwrap_or_default();
            match self.lookup_exact(name, "PTR") {
                Some(recs) => {
                    for r in recs {
                        out.push_str(&format!("{ptr}\tname = {}\n", r.data));
                    }
                }
                None => {
                    out.push_str(&format!("** server can't find {ptr}: NXDOMAIN\n"));
                    code = 1;
                }
            }
            out.push('\n');
            return (out, String::new(), code);
        }
        let name = name.trim_end_matches('.').to_ascii_lowercase();
        let names: Vec<String> = if name.contains('.') {
            vec![name]
        } else {
            crate::sim::dns::search_candidates(self.pod.namespace(), &name)
                .into_iter()
                .filter(|n| n != &name)
                .collect()
        };
        let types: Vec<&str> = match qtype {
            Some(t) => vec![t],
            None => vec!["A", "AAAA"],
        };
        for rtype in types {
            for n in &names {
                // An AAAA question is answered from what the name has: the
                // cluster serves no IPv6, so an existing name answers empty.
                let ask = if rtype == "AAAA" { "A" } else { rtype };
                match self.lookup_exact(n, ask) {
                    Some(recs) => {
                        for r in recs.iter().filter(|r| r.rtype == rtype) {
                            match rtype {
                                "A" => out.push_str(&format!("Name:\t{n}\nAddress: {}\n", r.data)),
                                "SRV" => out.push_str(&format!("{n}\tservice = {}\n", r.data)),
                                "PTR" => out.push_str(&format!("{n}\tname = {}\n", r.data)),
                                _ => out.push_str(&format!("{n}\tcanonical name = {}\n", r.data)),
                            }
                        }
                    }
                    None => {
                        out.push_str(&format!("** server can't find {n}: NXDOMAIN\n"));
                        code = 1;
                    }
                }
                out.push('\n');
            }
        }
        (out, String::new(), code)
    }

    /// The name an address maps back to, as the original busybox nslookup
    /// asks (getnameinfo) for every address it prints: CoreDNS's PTR, for
    /// a Service's cluster IP or an address of a headless Service's
    /// endpoints (serviceRecordForIP), the first if several.
    fn ptr_name(&self, ip: &str) -> Option<String> {
        let records = self.lookup_exact(ip, "PTR")?;
        records.into_iter().next().map(|r| r.data)
    }

    /// A query for exactly `fqdn` (no search list): its records, or `None`
    /// for NXDOMAIN.
    fn lookup_exact(&self, fqdn: &str, rtype: &str) -> Option<Vec<crate::sim::dns::Record>> {
        if !uses_cluster_dns(&self.pod) {
            return None;
        }
        let q = format!("{}.", fqdn.trim_end_matches('.'));
        match (self.resolver)(&self.sim.store, self.pod.namespace(), &q, rtype) {
            Answer::Found { records, .. } => Some(records),
            Answer::NxDomain => None,
        }
    }

    /// `host NAME`: uses the search path and prints the full name.
    pub fn host(&self, args: &[String]) -> (String, String, i32) {
        let want_srv = args
            .windows(2)
            .any(|w| w[0] == "-t" && w[1].eq_ignore_ascii_case("srv"));
        let Some(name) = args
            .iter()
            .enumerate()
            .find(|(i, a)| !a.starts_with('-') && (*i == 0 || args[i - 1] != "-t"))
            .map(|(_, a)| a)
        else {
            return (String::new(), "Usage: host [-t type] hostname\n".into(), 1);
        };
        let rtype = if want_srv { "SRV" } else { "A" };
        match self.lookup(name, rtype) {
            Answer::Found { fqdn, records } if !records.is_empty() => {
                let mut out = String::new();
                for r in records {
                    if want_srv {
                        out.push_str(&format!("{fqdn} has SRV record {}.\n", r.data));
                    } else if r.rtype == "CNAME" {
                        out.push_str(&format!("{fqdn} is an alias for {}.\n", r.data));
                    } else {
                        out.push_str(&format!("{fqdn} has address {}\n", r.data));
                    }
                }
                (out, String::new(), 0)
            }
            _ => (
                format!("Host {name} not found: 3(NXDOMAIN)\n"),
                String::new(),
                1,
            ),
        }
    }

    /// `dig [+short] [+search] NAME [A|SRV|PTR]`, `dig -x IP`. Like the real
    /// dig, the search path is only used with `+search`.
    pub fn dig(&self, args: &[String]) -> (String, String, i32) {
        let short = args.iter().any(|a| a == "+short");
        let search = args.iter().any(|a| a == "+search");
        let mut rtype = "A";
        let mut name = None;
        for a in args {
            if a.starts_with('+') || a.starts_with('@') || a.starts_with('-') {
                continue;
            }
            match a.to_ascii_uppercase().as_str() {
                "A" => rtype = "A",
                "SRV" => rtype = "SRV",
                "PTR" => rtype = "PTR",
                _ => name = Some(a.trim_end_matches('.').to_string()),
            }
        }
        let Some(mut name) = name else {
            return (String::new(), String::new(), 0);
        };
        // `-x IP`: the PTR query of the address's in-addr.arpa name.
        if args.iter().any(|a| a == "-x") {
            if let Some(r) = crate::sim::dns::reverse_name(&name) {
                name = r;
                rtype = "PTR";
            }
        }
        // SRV and PTR data are names, printed absolute.
        let names_data = matches!(rtype, "SRV" | "PTR");
        let answer = match self.lookup(&name, rtype) {
            Answer::Found { fqdn, records } if search || fqdn == name => Some((fqdn, records)),
            _ => None,
        };
        let server = dns_server_ip(&self.sim.store);
        if short {
            let out: String = answer
                .map(|(_, rs)| {
                    rs.iter()
                        .map(|r| {
                            if names_data {
                                format!("{}.\n", r.data)
                            } else {
                                format!("{}\n", r.data)
                            }
                        })
                        .collect()
                })
                .unwrap_or_default();
            return (out, String::new(), 0);
        }
        let (status, fqdn, records) = match answer {
            Some((f, r)) => ("NOERROR", f, r),
            None => ("NXDOMAIN", name.clone(), Vec::new()),
        };
        // CoreDNS's kubernetes plugin answers its zone with aa and without
        // ra (dig then warns that the recursion it asked for is not
        // available), and an empty answer with the zone's SOA (plugin's
        // SOA(): ns.dns and hostmaster under the zone, refresh 7200, retry
        // 1800, expire 86400, the TTL as minimum). Other names go to the
        // forward plugin's resolver, which recurses. Ordinal leaves out
        // the EDNS pseudo-section and the timing lines, and its serial is
        // the time of the query, where CoreDNS's is the last change it saw.
        // The kubernetes plugin also holds in-addr.arpa, but falls through
        // to forward for an address it does not know.
        let in_zone = fqdn == CLUSTER_DOMAIN
            || fqdn.ends_with(&format!(".{CLUSTER_DOMAIN}"))
            || fqdn.ends_with(".in-addr.arpa") && !records.is_empty();
        let soa = (in_zone && records.is_empty()).then(|| {
            let serial = (crate::sim::object::EPOCH_UNIX_MS + self.sim.now) / 1000;
            dig_columns(&[
                (&format!("{CLUSTER_DOMAIN}."), 0),
                ("30", 24),
                ("IN", 32),
                ("SOA", 40),
                (
                    &format!(
                        "ns.dns.{CLUSTER_DOMAIN}. hostmaster.{CLUSTER_DOMAIN}. {serial} 7200 1800 86400 30"
                    ),
                    48,
                ),
            ])
        });
        let flags = if in_zone { "qr aa rd" } else { "qr rd ra" };
        let mut out = format!(
            "\n; <<>> DiG 9.18.28 <<>> {}\n;; global options: +cmd\n;; Got answer:\n;; ->>HEADER<<- opcode: QUERY, status: {status}, id: 1\n;; flags: {flags}; QUERY: 1, ANSWER: {}, AUTHORITY: {}, ADDITIONAL: 0\n{}\n;; QUESTION SECTION:\n;{}\n",
            args.join(" "),
            records.len(),
            usize::from(soa.is_some()),
            if in_zone {
                ";; WARNING: recursion requested but not available\n"
            } else {
                ""
            },
            dig_columns(&[(&format!("{fqdn}."), 0), ("IN", 32), (rtype, 40)])
        );
        if !records.is_empty() {
            out.push_str("\n;; ANSWER SECTION:\n");
            for r in &records {
                let data = if names_data {
                    format!("{}.", r.data)
                } else {
                    r.data.clone()
                };
                let name = format!("{}.", r.name);
                let fields = [
                    (&*name, 0),
                    ("30", 24),
                    ("IN", 32),
                    (rtype, 40),
                    (&*data, 48),
                ];
                out.push_str(&dig_columns(&fields));
                out.push('\n');
            }
        }
        if let Some(soa) = soa {
            out.push_str(&format!("\n;; AUTHORITY SECTION:\n{soa}\n"));
        }
        out.push_str(&format!("\n;; SERVER: {server}#53({server}) (UDP)\n\n"));
        (out, String::new(), 0)
    }

    /// `curl URL` / `wget -qO- URL`: an HTTP GET of `/` (or the path) from
    /// nginx, which serves its document root.
    pub fn http_get(&mut self, url: &str) -> Result<String, HttpError> {
        let rest = url
            .strip_prefix("http://")
            .or_else(|| url.strip_prefix("https://"))
            .unwrap_or(url);
        let (hostport, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        };
        let (host, port) = match hostport.split_once(':') {
            Some((h, p)) => (h, p.parse::<u16>().unwrap_or(80)),
            None => (hostport, 80),
        };
        let ips = self.resolve_ips(host);
        let Some(ip) = ips.first().cloned() else {
            return Err(HttpError::Resolve(host.to_string()));
        };
        let pod = match self.route(&ip) {
            Route::Pod(p) => *p,
            _ => return Err(HttpError::Refused(host.to_string(), port)),
        };
        let Some(c) = pod
            .spec()
            .array_at("containers")
            .iter()
            .find(|c| c.str_at("image").is_some_and(|i| i.contains("nginx")))
            .and_then(|c| c.str_at("name"))
            .map(str::to_string)
        else {
            return Err(HttpError::Refused(host.to_string(), port));
        };
        // nginx listens on 80; a Service may expose it on another port.
        if target_port(&self.sim.store, &ip, port, &pod) != Some(80) {
            return Err(HttpError::Refused(host.to_string(), port));
        }
        let root = "/usr/share/nginx/html";
        let mut file = super::fs::normalize(root, &format!(".{path}"));
        if path.ends_with('/') {
            file = format!("{}/index.html", file.trim_end_matches('/'));
        }
        match super::fs::read(self.sim, &pod, &c, &file) {
            Some(body) => Ok(body),
            // An empty document root (a fresh volume mounted over it):
            // nginx refuses the directory listing.
            None if path == "/" => Ok(NGINX_403.into()),
            None => Ok("<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n".into()),
        }
    }
}

/// One record line as dig prints it: BIND's masterdump in dig's default
/// style puts each field at its column (TTL 24, class 32, type 40, data
/// 48; the question has no TTL or data), reaching it with 8-wide tabs and
/// then spaces, and a field that runs past its column gets one space.
pub(super) fn dig_columns(fields: &[(&str, usize)]) -> String {
    let mut out = String::new();
    let mut col = 0;
    for (i, (text, at)) in fields.iter().enumerate() {
        if i > 0 {
            let to = (*at).max(col + 1);
            let tabs = to / 8 - col / 8;
            if tabs > 0 {
                out.extend(std::iter::repeat_n('\t', tabs));
                col = to / 8 * 8;
            }
            out.extend(std::iter::repeat_n(' ', to - col));
            col = to;
        }
        out.push_str(text);
        col += text.len();
    }
    out
}

pub enum Route {
    Pod(Box<Object>),
    /// Nothing listening (no ready endpoints, a pod not running).
    Refused,
    /// No such address.
    Unreachable,
}

#[derive(Debug, PartialEq, Eq)]
pub enum ConnectError {
    UnknownHost,
    Refused,
    Unreachable,
}

pub enum HttpError {
    Resolve(String),
    Refused(String, u16),
}

/// The pods behind a Service that kube-proxy would send traffic to: the
/// ready addresses of its Endpoints (or, before the endpoints controller
/// has written them, the ready pods its selector matches).
pub fn service_ready_pods(store: &Store, svc: &Object) -> Vec<Object> {
    let ns = svc.namespace();
    if let Some(ep) = store.get(Kind::Endpoints, ns, svc.name()) {
        let mut out = Vec::new();
        for subset in ep
            .field("subsets")
            .as_array()
            .map(|a| a.as_slice())
            .unwrap_or(&[])
        {
            for a in subset.array_at("addresses") {
                let pod = match (a.str_at("targetRef.kind"), a.str_at("targetRef.name")) {
                    (Some("Pod"), Some(n)) => store.get(Kind::Pod, ns, n),
                    _ => a.str_at("ip").and_then(|ip| {
                        store
                            .list_ns(Kind::Pod, ns)
                            .find(|p| podutil::pod_ip(p) == Some(ip))
                    }),
                };
                if let Some(p) = pod {
                    out.push(p.clone());
                }
            }
        }
        return out;
    }
    let sel = svc.spec().labels_at("selector");
    if sel.is_empty() {
        return Vec::new();
    }
    store
        .select(Kind::Pod, ns, &sel)
        .filter(|p| podutil::is_running_and_ready(p) && !podutil::is_terminating(p))
        .cloned()
        .collect()
}

/// The pod port a Service port leads to (`targetPort`, by number or name).
pub(super) fn target_port(store: &Store, ip: &str, port: u16, pod: &Object) -> Option<u16> {
    let Some(svc) = store
        .list(Kind::Service)
        .find(|s| s.spec().str_at("clusterIP") == Some(ip))
    else {
        return Some(port);
    };
    let sp = svc
        .spec()
        .array_at("ports")
        .iter()
        .find(|p| p.i64_at("port") == Some(i64::from(port)))?;
    match sp.at("targetPort") {
        serde_json::Value::Number(n) => n.as_u64().map(|n| n as u16),
        serde_json::Value::String(name) => pod
            .spec()
            .array_at("containers")
            .iter()
            .flat_map(|c| c.array_at("ports"))
            .find(|p| p.str_at("name") == Some(name))
            .and_then(|p| p.i64_at("containerPort"))
            .map(|n| n as u16),
        _ => Some(port),
    }
}
