//! Informational commands: `version`, `cluster-info`, `api-resources`,
//! `api-versions`, `explain`, `config` and `top`.

use super::*;
use crate::sim::sort;

pub fn version(sim: &mut Sim, args: &Args) -> Result<String, String> {
    let v = crate::sim::KUBERNETES_VERSION;
    let client = args.bool("client");
    match args.get("output") {
        Some("json") | Some("yaml") => {
            let mut val = json!({
                "clientVersion": {"major": "1", "minor": "31", "gitVersion": v, "platform": "wasm/ordinal"},
                "kustomizeVersion": "v5.4.2",
            });
            if !client {
                val["serverVersion"] = json!({"major": "1", "minor": "31", "gitVersion": v, "platform": "linux/amd64"});
            }
            if args.get("output") == Some("json") {
                Ok(format!(
                    "{}\n",
                    crate::sim::kubectl::printers::to_json(&val)
                ))
            } else {
                Ok(crate::sim::kubectl::yaml::to_yaml(&val))
            }
        }
        Some(o) => Err(format!(
            "error: --output must be 'yaml' or 'json', not \"{o}\""
        )),
        None => {
            let mut s = format!("Client Version: {v}\nKustomize Version: v5.4.2\n");
            if !client {
                s.push_str(&format!("Server Version: {v}\n"));
                // Not kubectl's: a cluster's gates show only in its flags
                // and /metrics. Printed only when some gate is not v1.31's
                // default, so a default cluster's output is kubectl's.
                let gates = sim.config.feature_gates.non_default();
                if !gates.is_empty() {
                    s.push_str(&format!(
                        "Feature Gates: {} (away from v1.31's defaults; a line Ordinal adds)\n",
                        gates.join(",")
                    ));
                }
            }
            Ok(s)
        }
    }
}

pub fn cluster_info() -> String {
    "Kubernetes control plane is running at https://127.0.0.1:6443\n\
CoreDNS is running at https://127.0.0.1:6443/api/v1/namespaces/kube-system/services/kube-dns:dns/proxy\n\n\
To further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n"
        .to_string()
}

pub fn api_resources(args: &Args) -> Result<String, String> {
    let mut entries: Vec<(String, String, String, bool, String)> = Vec::new();
    for k in Kind::ALL {
        entries.push((
            k.plural().to_string(),
            resources::short_names(k).join(","),
            k.api_version().to_string(),
            k.namespaced(),
            k.as_str().to_string(),
        ));
    }
    entries.push((
        "events".into(),
        "ev".into(),
        "v1".into(),
        true,
        "Event".into(),
    ));
    let group_rank = |v: &str| match v {
        "v1" => 0,
        "apps/v1" => 1,
        "policy/v1" => 2,
        _ => 3,
    };
    sort::sort_by(&mut entries, |a, b| {
        (group_rank(&a.2), &a.0).cmp(&(group_rank(&b.2), &b.0))
    });
    if let Some(g) = args.get("api-group") {
        entries.retain(|e| e.2.split_once('/').map_or("", |x| x.0) == g);
    }
    if let Some(n) = args.get("namespaced") {
        let want = n != "false";
        entries.retain(|e| e.3 == want);
    }
    if args.get("output") == Some("name") {
        return Ok(entries
            .iter()
            .map(|e| match e.2.split_once('/') {
                Some((g, _)) => format!("{}.{g}\n", e.0),
                None => format!("{}\n", e.0),
            })
            .collect());
    }
    let mut rows = Vec::new();
    if !args.bool("no-headers") {
        rows.push(vec![
            "NAME".into(),
            "SHORTNAMES".into(),
            "APIVERSION".into(),
            "NAMESPACED".into(),
            "KIND".into(),
        ]);
    }
    for e in entries {
        rows.push(vec![e.0, e.1, e.2, e.3.to_string(), e.4]);
    }
    Ok(tabulate(&rows))
}

pub fn api_versions() -> String {
    "apps/v1\npolicy/v1\nstorage.k8s.io/v1\nv1\n".into()
}

/// Short field documentation for `kubectl explain`.
pub(super) const EXPLAIN: &[(&str, &str, &str)] = &[
    ("pod", "<Object>", "Pod is a collection of containers that can run on a host. This resource is created by clients and scheduled onto hosts."),
    ("pod.spec", "<PodSpec>", "Specification of the desired behavior of the pod."),
    ("pod.spec.containers", "<[]Container> -required-", "List of containers belonging to the pod. Containers cannot currently be added or removed."),
    ("pod.spec.initContainers", "<[]Container>", "List of initialization containers belonging to the pod. Init containers are executed in order prior to containers being started."),
    ("pod.spec.terminationGracePeriodSeconds", "<integer>", "Optional duration in seconds the pod needs to terminate gracefully. Defaults to 30 seconds."),
    ("pod.spec.nodeName", "<string>", "NodeName indicates in which node this pod is scheduled."),
    ("pod.spec.hostname", "<string>", "Specifies the hostname of the Pod. If not specified, the pod's hostname will be set to a system-defined value."),
    ("pod.spec.subdomain", "<string>", "If specified, the fully qualified Pod hostname will be \"<hostname>.<subdomain>.<pod namespace>.svc.<cluster domain>\"."),
    ("pod.spec.volumes", "<[]Volume>", "List of volumes that can be mounted by containers belonging to the pod."),
    ("pod.status", "<PodStatus>", "Most recently observed status of the pod."),
    ("statefulset", "<Object>", "StatefulSet represents a set of pods with consistent identities. Identities are defined as: network (a single stable DNS and hostname) and storage (as many VolumeClaims as requested)."),
    ("statefulset.spec", "<StatefulSetSpec>", "Spec defines the desired identities of pods in this set."),
    ("statefulset.spec.replicas", "<integer>", "replicas is the desired number of replicas of the given Template. Defaults to 1."),
    ("statefulset.spec.serviceName", "<string>", "serviceName is the name of the service that governs this StatefulSet. This service must exist before the StatefulSet, and is responsible for the network identity of the set."),
    ("statefulset.spec.selector", "<LabelSelector> -required-", "selector is a label query over pods that should match the replica count. It must match the pod template's labels."),
    ("statefulset.spec.template", "<PodTemplateSpec> -required-", "template is the object that describes the pod that will be created if insufficient replicas are detected."),
    ("statefulset.spec.volumeClaimTemplates", "<[]PersistentVolumeClaim>", "volumeClaimTemplates is a list of claims that pods are allowed to reference. Every claim in this list must have at least one matching (by name) volumeMount in one container in the template."),
    ("statefulset.spec.podManagementPolicy", "<string>", "podManagementPolicy controls how pods are created during initial scale up, when replacing pods on nodes, or when scaling down. OrderedReady (default) or Parallel."),
    ("statefulset.spec.updateStrategy", "<StatefulSetUpdateStrategy>", "updateStrategy indicates the StatefulSetUpdateStrategy that will be employed to update Pods in the StatefulSet when a revision is made to Template. RollingUpdate (default) or OnDelete."),
    ("statefulset.spec.updateStrategy.rollingUpdate.partition", "<integer>", "Partition indicates the ordinal at which the StatefulSet should be partitioned for updates. Pods with an ordinal greater or equal to the partition are updated. Default value is 0."),
    ("statefulset.spec.minReadySeconds", "<integer>", "Minimum number of seconds for which a newly created pod should be ready without any of its container crashing for it to be considered available. Defaults to 0."),
    ("statefulset.spec.persistentVolumeClaimRetentionPolicy", "<StatefulSetPersistentVolumeClaimRetentionPolicy>", "persistentVolumeClaimRetentionPolicy describes the lifecycle of persistent volume claims created from volumeClaimTemplates. By default, all persistent volume claims are retained (Retain)."),
    ("statefulset.status", "<StatefulSetStatus>", "Status is the current status of Pods in this StatefulSet."),
    ("service", "<Object>", "Service is a named abstraction of software service (for example, mysql) consisting of local port (for example 3306) that the proxy listens on, and the selector that determines which pods will answer requests sent through the proxy."),
    ("service.spec.clusterIP", "<string>", "clusterIP is the IP address of the service. \"None\" makes a headless service: DNS returns the pods' addresses directly."),
    ("service.spec.selector", "<map[string]string>", "Route service traffic to pods with label keys and values matching this selector."),
    ("service.spec.publishNotReadyAddresses", "<boolean>", "publishNotReadyAddresses indicates that any agent which deals with endpoints for this Service should disregard any indications of ready/not-ready."),
    ("persistentvolumeclaim", "<Object>", "PersistentVolumeClaim is a user's request for and claim to a persistent volume."),
    ("persistentvolumeclaim.spec.storageClassName", "<string>", "storageClassName is the name of the StorageClass required by the claim."),
    ("persistentvolumeclaim.spec.accessModes", "<[]string>", "accessModes contains the desired access modes the volume should have."),
    ("persistentvolumeclaim.spec.volumeName", "<string>", "volumeName is the binding reference to the PersistentVolume backing this claim."),
    ("persistentvolume", "<Object>", "PersistentVolume (PV) is a storage resource provisioned by an administrator. It is analogous to a node."),
    ("persistentvolume.spec.persistentVolumeReclaimPolicy", "<string>", "persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim. Retain, Delete (default for dynamically provisioned volumes) or Recycle."),
    ("persistentvolume.spec.claimRef", "<ObjectReference>", "claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim."),
    ("poddisruptionbudget", "<Object>", "PodDisruptionBudget is an object to define the max disruption that can be caused to a collection of pods."),
    ("poddisruptionbudget.spec.minAvailable", "<IntOrString>", "An eviction is allowed if at least \"minAvailable\" pods selected by \"selector\" will still be available after the eviction."),
    ("poddisruptionbudget.spec.maxUnavailable", "<IntOrString>", "An eviction is allowed if at most \"maxUnavailable\" pods selected by \"selector\" are unavailable after the eviction."),
    ("node", "<Object>", "Node is a worker node in Kubernetes."),
    ("node.spec.unschedulable", "<boolean>", "Unschedulable controls node schedulability of new pods. By default, node is schedulable."),
];

pub fn explain(args: &Args) -> Result<String, String> {
    let Some(path) = args.positional.first() else {
        return Err("You must specify the type of resource to explain. Use \"kubectl api-resources\" for a complete list of supported resources.\n\nerror: Required resource not specified.".into());
    };
    let (res, rest) = match path.split_once('.') {
        Some((r, f)) => (r, Some(f)),
        None => (path.as_str(), None),
    };
    let Some(Resource::Kind(kind)) = resources::resolve(res) else {
        return Err(resources::unknown_type(res));
    };
    let base = resources::singular(kind);
    let full = match rest {
        Some(r) => format!("{base}.{r}"),
        None => base.clone(),
    };
    let (group, version) = match kind.api_version().split_once('/') {
        Some((g, v)) => (g.to_string(), v.to_string()),
        None => (String::new(), kind.api_version().to_string()),
    };
    let mut out = if group.is_empty() {
        format!("KIND:       {}\nVERSION:    {version}\n\n", kind)
    } else {
        format!(
            "GROUP:      {group}\nKIND:       {}\nVERSION:    {version}\n\n",
            kind
        )
    };
    let entry = EXPLAIN
        .iter()
        .find(|(p, _, _)| p.eq_ignore_ascii_case(&full));
    match (entry, rest) {
        (Some((_, ty, doc)), Some(r)) => {
            out.push_str(&format!(
                "FIELD: {} {ty}\n\nDESCRIPTION:\n    {doc}\n",
                r.rsplit('.').next().unwrap_or(r)
            ));
        }
        (Some((_, _, doc)), None) => {
            out.push_str(&format!("DESCRIPTION:\n    {doc}\n\nFIELDS:\n  apiVersion\t<string>\n  kind\t<string>\n  metadata\t<ObjectMeta>\n  spec\t<Object>\n  status\t<Object>\n"));
        }
        (None, None) => {
            out.push_str(&format!("DESCRIPTION:\n    {} (see https://kubernetes.io/docs/reference/kubernetes-api/)\n\nFIELDS:\n  apiVersion\t<string>\n  kind\t<string>\n  metadata\t<ObjectMeta>\n", kind));
        }
        (None, Some(r)) => {
            // Nested fields Ordinal has no note for: list what it knows below.
            let prefix = format!("{full}.");
            let children: Vec<&str> = EXPLAIN
                .iter()
                .filter_map(|(p, _, _)| p.strip_prefix(prefix.as_str()))
                .filter(|c| !c.contains('.'))
                .collect();
            if children.is_empty() {
                return Err(format!(
                    "error: field \"{}\" does not exist",
                    r.rsplit('.').next().unwrap_or(r)
                ));
            }
            out.push_str(&format!("FIELD: {r}\n\nFIELDS:\n"));
            for c in children {
                out.push_str(&format!("  {c}\n"));
            }
        }
    }
    Ok(crate::sim::kubectl::printers::tabwrite(&out, 0, 2))
}

pub fn config(rest: &[String]) -> Result<String, String> {
    match rest.first().map(String::as_str) {
        Some("view") => Ok("apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: DATA+OMITTED\n    server: https://127.0.0.1:6443\n  name: ordinal\ncontexts:\n- context:\n    cluster: ordinal\n    user: ordinal-admin\n  name: ordinal\ncurrent-context: ordinal\nkind: Config\npreferences: {}\nusers:\n- name: ordinal-admin\n  user:\n    client-certificate-data: DATA+OMITTED\n    client-key-data: DATA+OMITTED\n".into()),
        Some("current-context") => Ok("ordinal\n".into()),
        Some("get-contexts") => Ok(tabulate(&[
            vec!["CURRENT".into(), "NAME".into(), "CLUSTER".into(), "AUTHINFO".into(), "NAMESPACE".into()],
            vec!["*".into(), "ordinal".into(), "ordinal".into(), "ordinal-admin".into(), "".into()],
        ])),
        Some(other) => Err(format!(
            "error: kubectl config {other} is not simulated: Ordinal has a single cluster and context (\"ordinal\")"
        )),
        None => Err("error: Required subcommand not specified. Available: current-context, get-contexts, view".into()),
    }
}

pub fn top(_sim: &mut Sim, _args: &Args) -> Result<String, String> {
    Err("error: Metrics API not available".into())
}
