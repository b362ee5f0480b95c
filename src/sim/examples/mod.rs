//! Built-in manifests: the seed documents' systems, each in its original
//! form (the apiVersions the docs wrote, re-indented since the pages lost
//! the indentation) and as today's Kubernetes takes them. Also the
//! manifests behind the URLs and paths the docs pass to `kubectl -f`.

/// One loadable example.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Example {
    pub id: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    /// The seed document it comes from (`/work/shared/seeds/...` name).
    pub source_doc: &'static str,
    pub yaml: &'static str,
    /// Written for today's API (applies cleanly), rather than as the doc had it.
    pub modern: bool,
    /// What differs from the doc, or why the original fails today.
    pub note: &'static str,
}

macro_rules! file {
    ($p:literal) => {
        include_str!(concat!($p))
    };
}

const DOC_CASSANDRA: &str = "000_526b6a116acf31e8.txt";
const DOC_STATEFULSET: &str = "001_6fd185a5f4b52669.txt";
const DOC_PETSET: &str = "002_1e2c1628283d5dd3.txt";
const DOC_HAZELCAST: &str = "003_208bbe2605bf1e6a.txt";
const DOC_MYSQL: &str = "004_ad85ffb2b507430f.txt";

const CASSANDRA_SERVICE: &str = file!("original/cassandra-service.yaml");
const CASSANDRA_CONTROLLER: &str = file!("original/cassandra-controller.yaml");
const HAZELCAST_SERVICE: &str = file!("original/hazelcast-service.yaml");
const HAZELCAST_CONTROLLER: &str = file!("original/hazelcast-controller.yaml");
const MYSQL_CONFIGMAP: &str = file!("original/mysql-configmap.yaml");
const MYSQL_SERVICES: &str = file!("original/mysql-services.yaml");
const MYSQL_STATEFULSET: &str = file!("original/mysql-statefulset.yaml");
const WEB_MODERN: &str = file!("modern/web.yaml");
const ZOOKEEPER_MODERN: &str = file!("modern/zookeeper.yaml");
const CASSANDRA_STS_MODERN: &str = file!("modern/cassandra-statefulset.yaml");
const CASSANDRA_DS_MODERN: &str = file!("modern/cassandra-daemonset.yaml");
const WEB_UPSTREAM: &str = file!("upstream/web.yaml");
const ZOOKEEPER_UPSTREAM: &str = file!("upstream/zookeeper.yaml");

static EXAMPLES: &[Example] = &[
    Example {
        id: "web",
        title: "nginx web StatefulSet",
        description: "A headless Service `nginx` and a StatefulSet `web` with 2 replicas, each pod with its own 1Gi claim `www-web-N`.",
        source_doc: DOC_STATEFULSET,
        yaml: WEB_MODERN,
        modern: true,
        note: "apps/v1 with spec.selector added (apps/v1beta1 defaulted it from the template's labels); the volume.alpha storage-class annotation, ignored today, is dropped so the claims use the default StorageClass.",
    },
    Example {
        id: "web-original",
        title: "nginx web StatefulSet (as the doc wrote it)",
        description: "web.yaml as printed in the StatefulSet concepts doc: apps/v1beta1, no selector.",
        source_doc: DOC_STATEFULSET,
        yaml: file!("original/web.yaml"),
        modern: false,
        note: "apps/v1beta1 is unavailable since v1.16; converted to apps/v1 with what apps/v1beta1 defaulted (spec.selector from the template's labels, updateStrategy OnDelete), with warnings.",
    },
    Example {
        id: "zookeeper",
        title: "ZooKeeper ensemble",
        description: "Headless Service `zk-headless`, ConfigMap `zk-config`, PodDisruptionBudget `zk-budget` (minAvailable 2) and StatefulSet `zk` with required pod anti-affinity: one server per node.",
        source_doc: DOC_STATEFULSET,
        yaml: ZOOKEEPER_MODERN,
        modern: true,
        note: "apps/v1 and policy/v1; the scheduler.alpha.kubernetes.io/affinity annotation (ignored since v1.6) becomes spec.affinity.podAntiAffinity, matching app=zk (the annotation named app=zk-headless, which no pod carries).",
    },
    Example {
        id: "zookeeper-original",
        title: "ZooKeeper ensemble (as the doc wrote it)",
        description: "zookeeper.yaml as printed in the StatefulSet concepts doc, with the alpha annotations of its time.",
        source_doc: DOC_STATEFULSET,
        yaml: file!("original/zookeeper.yaml"),
        modern: false,
        note: "policy/v1beta1 (gone in v1.25) and apps/v1beta1 (gone in v1.16) are converted; the StatefulSet keeps apps/v1beta1's defaults (selector from the template's labels, OnDelete updates); the ignored affinity annotation does not spread the pods. Spaces the page inserted (`gcr.io/ google_samples`, `volume.alpha.kubernetes.io/ storage-class`, `requiredDuringScheduling RequiredDuringExecution`) are removed.",
    },
    Example {
        id: "zookeeper-tutorial",
        title: "ZooKeeper (today's tutorial)",
        description: "The current kubernetes.io tutorial's zookeeper.yaml: Services `zk-hs` and `zk-cs`, PodDisruptionBudget `zk-pdb` (maxUnavailable 1), StatefulSet `zk`.",
        source_doc: DOC_STATEFULSET,
        yaml: ZOOKEEPER_UPSTREAM,
        modern: true,
        note: "As published today. Its anti-affinity selects app=zk while the pods are labelled app.kubernetes.io/name=zk, so the rule matches no pod and does not spread them, here as on a real cluster.",
    },
    Example {
        id: "cassandra",
        title: "Cassandra StatefulSet with StorageClass `fast`",
        description: "Headless Service `cassandra`, StatefulSet `cassandra` (3 replicas, 1Gi claims from class `fast`) and the StorageClass.",
        source_doc: DOC_CASSANDRA,
        yaml: concat!(
            file!("original/cassandra-service.yaml"),
            "---\n",
            file!("modern/cassandra-statefulset.yaml")
        ),
        modern: true,
        note: "apps/v1 with selector; storageClassName instead of the beta annotation; storage.k8s.io/v1; the class uses the playground's provisioner instead of GCE's kubernetes.io/gce-pd.",
    },
    Example {
        id: "cassandra-original",
        title: "Cassandra StatefulSet (as the doc wrote it)",
        description: "cassandra-service.yaml and cassandra-statefulset.yaml as printed: apps/v1beta1, storage.k8s.io/v1beta1, the beta storage-class annotation.",
        source_doc: DOC_CASSANDRA,
        yaml: concat!(
            file!("original/cassandra-service.yaml"),
            "---\n",
            file!("original/cassandra-statefulset.yaml")
        ),
        modern: false,
        note: "apps/v1beta1 (gone in v1.16) and storage.k8s.io/v1beta1 (gone in v1.22) are converted, keeping apps/v1beta1's defaults (selector from the template's labels, OnDelete updates). The page dropped lines the upstream file has (`add:` under capabilities, the volumeMount's `name: cassandra-data`); they are restored.",
    },
    Example {
        id: "cassandra-rc",
        title: "Cassandra ReplicationController",
        description: "The Service `cassandra` and a ReplicationController `cassandra` with 2 replicas; its selector defaults from the template's labels.",
        source_doc: DOC_CASSANDRA,
        yaml: concat!(
            file!("original/cassandra-service.yaml"),
            "---\n",
            file!("original/cassandra-controller.yaml")
        ),
        modern: true,
        note: "v1 ReplicationController is still served: the doc's manifest applies as written (the page lost the `- name: HEAP_NEWSIZE` line; restored).",
    },
    Example {
        id: "cassandra-daemonset",
        title: "Cassandra DaemonSet",
        description: "The Service `cassandra` and a DaemonSet `cassandra`: one pod per node.",
        source_doc: DOC_CASSANDRA,
        yaml: concat!(
            file!("original/cassandra-service.yaml"),
            "---\n",
            file!("modern/cassandra-daemonset.yaml")
        ),
        modern: true,
        note: "apps/v1 with spec.selector (extensions/v1beta1 defaulted it from the template's labels).",
    },
    Example {
        id: "cassandra-daemonset-original",
        title: "Cassandra DaemonSet (as the doc wrote it)",
        description: "cassandra-daemonset.yaml as printed: extensions/v1beta1, no selector.",
        source_doc: DOC_CASSANDRA,
        yaml: concat!(
            file!("original/cassandra-service.yaml"),
            "---\n",
            file!("original/cassandra-daemonset.yaml")
        ),
        modern: false,
        note: "extensions/v1beta1 DaemonSet is unavailable since v1.16; converted to apps/v1 with what extensions/v1beta1 defaulted (spec.selector from the template's labels, updateStrategy OnDelete), with warnings.",
    },
    Example {
        id: "mysql",
        title: "MySQL primary and replicas",
        description: "ConfigMap `mysql`, Services `mysql` (headless) and `mysql-read`, StatefulSet `mysql` with init containers init-mysql and clone-mysql and the xtrabackup sidecar.",
        source_doc: DOC_MYSQL,
        yaml: concat!(
            file!("original/mysql-configmap.yaml"),
            "---\n",
            file!("original/mysql-services.yaml"),
            "---\n",
            file!("original/mysql-statefulset.yaml")
        ),
        modern: true,
        note: "The tutorial's manifests are already apps/v1: as written.",
    },
    Example {
        id: "hazelcast",
        title: "Hazelcast Service and ReplicationController",
        description: "Service `hazelcast` and a one-replica ReplicationController `hazelcast` selecting name=hazelcast.",
        source_doc: DOC_HAZELCAST,
        yaml: concat!(
            file!("original/hazelcast-service.yaml"),
            "---\n",
            file!("original/hazelcast-controller.yaml")
        ),
        modern: true,
        note: "v1 Service and ReplicationController: as written.",
    },
    Example {
        id: "petset",
        title: "PetSet on static PersistentVolumes",
        description: "Four pre-made 100Gi PersistentVolumes `pv-datera-0..3`, headless Service `test-service` and a StatefulSet `test-petset` whose claims `pv-claim-test-petset-N` bind to them.",
        source_doc: DOC_PETSET,
        yaml: file!("modern/petset.yaml"),
        modern: true,
        note: "PetSet became StatefulSet (apps/v1, with selector); the claims ask for storageClassName \"\" so they bind to the static volumes rather than the default class; the ignored alpha annotations are dropped.",
    },
    Example {
        id: "petset-original",
        title: "PetSet on static PersistentVolumes (as the post wrote it)",
        description: "The blog post's FlexVolume PersistentVolumes, Service and apps/v1alpha1 PetSet.",
        source_doc: DOC_PETSET,
        yaml: file!("original/petset.yaml"),
        modern: false,
        note: "apps/v1alpha1 PetSet is converted to an apps/v1 StatefulSet with what the PetSet defaulted (spec.selector and labels from the template's labels; OnDelete, as PetSets never replaced pods); the claims, without storageClassName, get the default StorageClass rather than the static volumes.",
    },
    Example {
        id: "petset-claim-pod",
        title: "A claim and a pod on a static volume",
        description: "The post's PersistentVolumeClaim `pv-claim-test-petset-0` and pod `kube-pv-demo` mounting it at /data (apply after the PersistentVolumes).",
        source_doc: DOC_PETSET,
        yaml: file!("modern/petset-claim-pod.yaml"),
        modern: true,
        note: "storageClassName \"\" added: today the default StorageClass would otherwise provision a new volume instead of binding a static one.",
    },
];

/// Every built-in example, in the order the page lists them.
pub fn all() -> &'static [Example] {
    EXAMPLES
}

pub fn by_id(id: &str) -> Option<&'static Example> {
    EXAMPLES.iter().find(|e| e.id == id)
}

/// The example a first visit opens.
pub const DEFAULT_ID: &str = "web";

/// Files the docs name, by path; URLs resolve by ending with one of these
/// (the first match wins). Where the doc's manifest used a removed API,
/// the file is today's form, so a command pasted from the docs works; the
/// cassandra URLs serve the doc's manifests (labels `app: cassandra`, which
/// the doc's later commands select on) rather than today's relabelled ones.
const FILES: &[(&str, &str)] = &[
    (
        "application/cassandra/cassandra-service.yaml",
        CASSANDRA_SERVICE,
    ),
    (
        "application/cassandra/cassandra-statefulset.yaml",
        CASSANDRA_STS_MODERN,
    ),
    ("cassandra/cassandra-service.yaml", CASSANDRA_SERVICE),
    ("cassandra/cassandra-controller.yaml", CASSANDRA_CONTROLLER),
    ("cassandra/cassandra-daemonset.yaml", CASSANDRA_DS_MODERN),
    ("cassandra/cassandra-statefulset.yaml", CASSANDRA_STS_MODERN),
    // The docs' own files, as the seed pages name them (relative paths).
    ("web.yaml", WEB_MODERN),
    ("zookeeper.yaml", ZOOKEEPER_MODERN),
    // What k8s.io/examples serves today for URLs the seeds do not use.
    ("application/web/web.yaml", WEB_UPSTREAM),
    ("application/zookeeper/zookeeper.yaml", ZOOKEEPER_UPSTREAM),
    ("hazelcast/hazelcast-service.yaml", HAZELCAST_SERVICE),
    ("hazelcast/hazelcast-controller.yaml", HAZELCAST_CONTROLLER),
    ("application/mysql/mysql-configmap.yaml", MYSQL_CONFIGMAP),
    ("application/mysql/mysql-services.yaml", MYSQL_SERVICES),
    (
        "application/mysql/mysql-statefulset.yaml",
        MYSQL_STATEFULSET,
    ),
];

/// The manifest text behind a URL or path from the docs
/// (`https://k8s.io/examples/application/mysql/mysql-statefulset.yaml`,
/// `cassandra/cassandra-controller.yaml`, `web.yaml`), if built in.
pub fn builtin_url(url: &str) -> Option<&'static str> {
    let u = url.trim();
    let (is_url, rest) = match u.split_once("://") {
        Some((_, r)) => (true, r),
        None => (false, u),
    };
    let rest = rest.split(['?', '#']).next().unwrap_or(rest);
    let path = if is_url {
        // Only the hosts that serve the docs' examples; any other URL
        // would need the network the playground does not have.
        let (host, p) = rest.split_once('/').unwrap_or((rest, ""));
        let host = host.trim_start_matches("www.");
        if !matches!(
            host,
            "k8s.io" | "kubernetes.io" | "raw.githubusercontent.com" | "github.com"
        ) {
            return None;
        }
        p
    } else {
        rest.trim_start_matches("./")
    };
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    if segs.is_empty() {
        return None;
    }
    let ends_with = |long: &[&str], short: &[&str]| {
        long.len() >= short.len() && long[long.len() - short.len()..] == *short
    };
    // The most specific entry wins: an exact path, then the longest.
    FILES
        .iter()
        .filter_map(|(p, text)| {
            let entry: Vec<&str> = p.split('/').collect();
            let hit = if is_url {
                // A bare file name is a relative path, never a URL's tail.
                entry.len() > 1 && ends_with(&segs, &entry)
            } else {
                ends_with(&segs, &entry) || ends_with(&entry, &segs)
            };
            hit.then_some(((entry == segs, entry.len()), *text))
        })
        .max_by_key(|(score, _)| *score)
        .map(|(_, text)| text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::manifest::parse;
    use crate::sim::object::Kind;

    fn kinds_names(yaml: &str) -> Vec<(Kind, String)> {
        parse(yaml)
            .objects
            .iter()
            .map(|o| (o.object.kind, o.object.meta.name.clone()))
            .collect()
    }

    #[test]
    fn modern_examples_parse_cleanly() {
        for e in all().iter().filter(|e| e.modern) {
            let p = parse(e.yaml);
            let bad: Vec<_> = p.diagnostics.iter().collect();
            assert!(bad.is_empty(), "{}: {:?}", e.id, bad);
        }
    }

    #[test]
    fn original_examples_parse_with_the_removal_warnings() {
        for e in all().iter().filter(|e| !e.modern) {
            let p = parse(e.yaml);
            assert!(!p.has_errors(), "{}: {:?}", e.id, p.diagnostics);
            // Every original uses a removed version, and says so.
            assert!(
                p.warnings().any(|d| d.message.contains("unavailable")),
                "{}",
                e.id
            );
        }
    }

    #[test]
    fn examples_hold_the_documented_objects() {
        use Kind::*;
        let s = |k: Kind, n: &str| (k, n.to_string());
        assert_eq!(
            kinds_names(by_id("web").unwrap().yaml),
            vec![s(Service, "nginx"), s(StatefulSet, "web")]
        );
        assert_eq!(
            kinds_names(by_id("zookeeper").unwrap().yaml),
            vec![
                s(Service, "zk-headless"),
                s(ConfigMap, "zk-config"),
                s(PodDisruptionBudget, "zk-budget"),
                s(StatefulSet, "zk")
            ]
        );
        assert_eq!(
            kinds_names(by_id("cassandra").unwrap().yaml),
            vec![
                s(Service, "cassandra"),
                s(StatefulSet, "cassandra"),
                s(StorageClass, "fast")
            ]
        );
        assert_eq!(
            kinds_names(by_id("cassandra-rc").unwrap().yaml),
            vec![
                s(Service, "cassandra"),
                s(ReplicationController, "cassandra")
            ]
        );
        assert_eq!(
            kinds_names(by_id("cassandra-daemonset").unwrap().yaml),
            vec![s(Service, "cassandra"), s(DaemonSet, "cassandra")]
        );
        assert_eq!(
            kinds_names(by_id("mysql").unwrap().yaml),
            vec![
                s(ConfigMap, "mysql"),
                s(Service, "mysql"),
                s(Service, "mysql-read"),
                s(StatefulSet, "mysql")
            ]
        );
        assert_eq!(
            kinds_names(by_id("hazelcast").unwrap().yaml),
            vec![
                s(Service, "hazelcast"),
                s(ReplicationController, "hazelcast")
            ]
        );
        let petset = kinds_names(by_id("petset").unwrap().yaml);
        assert_eq!(petset.len(), 6);
        assert_eq!(petset[3], s(PersistentVolume, "pv-datera-3"));
        assert_eq!(petset[5], s(StatefulSet, "test-petset"));
        assert_eq!(
            kinds_names(by_id("petset-claim-pod").unwrap().yaml),
            vec![
                s(PersistentVolumeClaim, "pv-claim-test-petset-0"),
                s(Pod, "kube-pv-demo")
            ]
        );
        // The originals carry the same objects, converted from their
        // removed API versions.
        let orig = kinds_names(by_id("web-original").unwrap().yaml);
        assert_eq!(orig, vec![s(Service, "nginx"), s(StatefulSet, "web")]);
        assert!(by_id(DEFAULT_ID).is_some_and(|e| e.modern));
        let ids: std::collections::BTreeSet<_> = all().iter().map(|e| e.id).collect();
        assert_eq!(ids.len(), all().len(), "ids are unique");
    }

    #[test]
    fn example_details_follow_the_docs() {
        use crate::sim::object::ValueExt;
        let mysql = parse(by_id("mysql").unwrap().yaml);
        let sts = &mysql.objects[3].object;
        let init: Vec<_> = sts
            .spec()
            .array_at("template.spec.initContainers")
            .iter()
            .map(|c| c.str_at("name").unwrap_or(""))
            .collect();
        assert_eq!(init, vec!["init-mysql", "clone-mysql"]);
        assert_eq!(
            sts.spec().str_at("template.spec.containers.1.name"),
            Some("xtrabackup")
        );
        let zk = parse(by_id("zookeeper").unwrap().yaml);
        let zk_sts = &zk.objects[3].object;
        assert_eq!(
            zk_sts.spec().str_at("template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution.0.topologyKey"),
            Some("kubernetes.io/hostname")
        );
        assert_eq!(zk.objects[2].object.spec().i64_at("minAvailable"), Some(2));
        let web = parse(by_id("web").unwrap().yaml);
        assert_eq!(web.objects[1].object.spec().i64_at("replicas"), Some(2));
        assert_eq!(
            web.objects[1].object.spec().str_at("serviceName"),
            Some("nginx")
        );
        assert_eq!(
            web.objects[1]
                .object
                .spec()
                .str_at("volumeClaimTemplates.0.spec.resources.requests.storage"),
            Some("1Gi")
        );
    }

    #[test]
    fn modern_examples_are_accepted_by_the_api_layer() {
        use crate::sim::object::ValueExt;
        for e in all().iter().filter(|e| e.modern) {
            let mut sim = crate::sim::Sim::new(1);
            for o in parse(e.yaml).objects {
                let created = crate::sim::api::create(&mut sim, o.object, "test")
                    .unwrap_or_else(|err| panic!("{}: {err:?}", e.id));
                // Defaults were applied on the way in.
                if created.kind == Kind::StatefulSet {
                    assert_eq!(
                        created.spec().str_at("podManagementPolicy"),
                        Some("OrderedReady"),
                        "{}",
                        e.id
                    );
                }
            }
        }
    }

    #[test]
    fn doc_urls_and_paths_resolve() {
        for u in [
            "https://k8s.io/examples/application/cassandra/cassandra-service.yaml",
            "https://k8s.io/examples/application/cassandra/cassandra-statefulset.yaml",
            "https://k8s.io/examples/application/mysql/mysql-configmap.yaml",
            "https://k8s.io/examples/application/mysql/mysql-services.yaml",
            "https://k8s.io/examples/application/mysql/mysql-statefulset.yaml",
            "https://kubernetes.io/examples/application/web/web.yaml",
            "https://raw.githubusercontent.com/kubernetes/website/main/content/en/examples/application/zookeeper/zookeeper.yaml",
            "cassandra/cassandra-controller.yaml",
            "cassandra/cassandra-daemonset.yaml",
            "examples/hazelcast/hazelcast-service.yaml",
            "examples/hazelcast/hazelcast-controller.yaml",
            "web.yaml",
            "./zookeeper.yaml",
        ] {
            let text = builtin_url(u).unwrap_or_else(|| panic!("{u} not built in"));
            let p = parse(text);
            assert!(!p.has_errors(), "{u}: {:?}", p.diagnostics);
            assert!(!p.objects.is_empty(), "{u}");
        }
        assert_eq!(
            builtin_url("https://k8s.io/examples/application/mysql/mysql-statefulset.yaml"),
            Some(MYSQL_STATEFULSET)
        );
        // The doc's own file by its relative name; today's file by URL.
        assert_eq!(builtin_url("web.yaml"), Some(WEB_MODERN));
        assert_eq!(builtin_url("zookeeper.yaml"), Some(ZOOKEEPER_MODERN));
        assert_eq!(
            builtin_url("https://k8s.io/examples/application/web/web.yaml"),
            Some(WEB_UPSTREAM)
        );
        assert_eq!(
            builtin_url("https://k8s.io/examples/application/zookeeper/zookeeper.yaml"),
            Some(ZOOKEEPER_UPSTREAM)
        );
        assert_eq!(
            builtin_url("cassandra/cassandra-controller.yaml"),
            Some(CASSANDRA_CONTROLLER)
        );
        for u in [
            "https://example.com/web.yaml",
            "https://k8s.io/examples/nope.yaml",
            "",
            "https://",
        ] {
            assert_eq!(builtin_url(u), None, "{u}");
        }
    }
}
