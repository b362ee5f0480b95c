//! Built-in manifests: the seed documents' systems, each in its original
//! form (the apiVersions the docs wrote, re-indented since the pages lost
//! the indentation) and as today's Kubernetes takes them. Also the
//! manifests behind the URLs and paths the docs pass to `kubectl -f`.
//!
//! The manifest files are built into the CLI and the tests. The page
//! (wasm32) carries only the default example's; the rest are static files
//! of the page (`examples/<path>`, copied by Trunk) that the page fetches
//! when first used and hands over with [`provide`]. Until then
//! [`Example::yaml`] and [`builtin_url`] answer `None` for them, and
//! [`Example::missing`] and [`named_files`] say which files to fetch.

use std::collections::BTreeMap;
use std::sync::Mutex;

pub mod workloads;

/// One loadable example.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Example {
    pub id: &'static str,
    pub title: &'static str,
    /// The title in Simplified Chinese (the page shows either). An
    /// original's says nothing of it: the page adds "（原文）" to both.
    pub title_zh: &'static str,
    pub description: &'static str,
    pub description_zh: &'static str,
    /// The seed document it comes from (`/work/shared/seeds/...` name).
    pub source_doc: &'static str,
    /// Its manifest files (paths of [`FILES`]), joined by `---` lines.
    pub parts: &'static [&'static str],
    /// Written for today's API (applies cleanly), rather than as the doc had it.
    pub modern: bool,
    /// What differs from the doc, or why the original fails today.
    pub note: &'static str,
    pub note_zh: &'static str,
}

impl Example {
    /// The manifests' text, once every file is at hand (always, natively).
    pub fn yaml(&self) -> Option<&'static str> {
        if let [one] = self.parts {
            return text(one);
        }
        if let Some(done) = lock(&JOINED).get(self.id).copied() {
            return Some(done);
        }
        let texts: Option<Vec<&str>> = self.parts.iter().map(|p| text(p)).collect();
        let joined: &'static str = Box::leak(texts?.join("---\n").into_boxed_str());
        lock(&JOINED).insert(self.id, joined);
        Some(joined)
    }

    /// Its files not at hand yet (the page fetches them).
    pub fn missing(&self) -> Vec<&'static str> {
        self.parts
            .iter()
            .copied()
            .filter(|p| text(p).is_none())
            .collect()
    }
}

/// Declares the manifest files: `inline` ones are built in everywhere,
/// `on_demand` ones natively (and in tests) only.
macro_rules! manifests {
    (inline: [$($i:literal),* $(,)?], on_demand: [$($l:literal),* $(,)?] $(,)?) => {
        /// Every manifest file, by its path under `src/sim/examples/`,
        /// which is also its path under the page's `examples/`.
        pub const FILES: &[&str] = &[$($i,)* $($l,)*];

        fn built_in(path: &str) -> Option<&'static str> {
            match path {
                $($i => Some(include_str!($i)),)*
                $(#[cfg(any(test, not(target_arch = "wasm32")))]
                $l => Some(include_str!($l)),)*
                _ => None,
            }
        }
    };
}

manifests! {
    // The default example's, so a first visit needs no extra request.
    inline: ["modern/web.yaml"],
    on_demand: [
        "modern/zookeeper.yaml",
        "modern/cassandra-statefulset.yaml",
        "modern/cassandra-daemonset.yaml",
        "modern/petset.yaml",
        "modern/petset-claim-pod.yaml",
        "original/web.yaml",
        "original/zookeeper.yaml",
        "original/cassandra-service.yaml",
        "original/cassandra-statefulset.yaml",
        "original/cassandra-controller.yaml",
        "original/cassandra-daemonset.yaml",
        "original/mysql-configmap.yaml",
        "original/mysql-services.yaml",
        "original/mysql-statefulset.yaml",
        "original/hazelcast-service.yaml",
        "original/hazelcast-controller.yaml",
        "original/petset.yaml",
        "original/petset-claim-pod.yaml",
        "upstream/web.yaml",
        "upstream/zookeeper.yaml",
    ],
}

type Texts = Mutex<BTreeMap<&'static str, &'static str>>;

/// Files handed over by the page, by path; examples joined from several.
/// Each is kept for the life of the program (a few dozen KB at most).
static LOADED: Texts = Mutex::new(BTreeMap::new());
static JOINED: Texts = Mutex::new(BTreeMap::new());

fn lock(m: &Texts) -> std::sync::MutexGuard<'_, BTreeMap<&'static str, &'static str>> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// A manifest file's text, if built in or handed over.
pub fn text(path: &str) -> Option<&'static str> {
    built_in(path).or_else(|| lock(&LOADED).get(path).copied())
}

/// Hands over a file the page fetched. `Err` when `path` is none of
/// [`FILES`] or the text is not a manifest (a server's HTML error page);
/// a file already at hand is kept as it is.
pub fn provide(path: &str, text_of_file: String) -> Result<(), String> {
    let Some(known) = FILES.iter().copied().find(|p| *p == path) else {
        return Err(format!("{path} is not a file of the built-in examples"));
    };
    let head = text_of_file.trim_start();
    if head.is_empty() || head.starts_with('<') {
        return Err(format!("{path} is not a manifest"));
    }
    if text(known).is_some() {
        return Ok(());
    }
    lock(&LOADED).insert(known, Box::leak(text_of_file.into_boxed_str()));
    Ok(())
}

const DOC_CASSANDRA: &str = "000_526b6a116acf31e8.txt";
const DOC_STATEFULSET: &str = "001_6fd185a5f4b52669.txt";
const DOC_PETSET: &str = "002_1e2c1628283d5dd3.txt";
const DOC_HAZELCAST: &str = "003_208bbe2605bf1e6a.txt";
const DOC_MYSQL: &str = "004_ad85ffb2b507430f.txt";

static EXAMPLES: &[Example] = &[
    Example {
        id: "web",
        title: "nginx web StatefulSet",
        title_zh: "nginx web 的 StatefulSet",
        description: "A headless Service `nginx` and a StatefulSet `web` with 2 replicas, each pod with its own 1Gi claim `www-web-N`.",
        description_zh: "一个 Headless Service `nginx` 和一个 2 副本的 StatefulSet `web`，每个 Pod 都有自己的 1Gi PVC `www-web-N`。",
        source_doc: DOC_STATEFULSET,
        parts: &["modern/web.yaml"],
        modern: true,
        note: "apps/v1 with spec.selector added (apps/v1beta1 defaulted it from the template's labels); the volume.alpha storage-class annotation, ignored today, is dropped so the claims use the default StorageClass.",
        note_zh: "改用 apps/v1 并加上 spec.selector（apps/v1beta1 会从模板的标签推导出它）；去掉了如今已被忽略的 volume.alpha 存储类注解，因此 PVC 使用默认的 StorageClass。",
    },
    Example {
        id: "web-original",
        title: "nginx web StatefulSet (as the doc wrote it)",
        title_zh: "nginx web 的 StatefulSet",
        description: "web.yaml as printed in the StatefulSet concepts doc: apps/v1beta1, no selector.",
        description_zh: "StatefulSet 概念文档中印出的 web.yaml：apps/v1beta1，没有 selector。",
        source_doc: DOC_STATEFULSET,
        parts: &["original/web.yaml"],
        modern: false,
        note: "apps/v1beta1 is unavailable since v1.16; converted to apps/v1 with what apps/v1beta1 defaulted (spec.selector from the template's labels, updateStrategy OnDelete), with warnings.",
        note_zh: "apps/v1beta1 自 v1.16 起已不可用；转换为 apps/v1，并保留 apps/v1beta1 的默认值（由模板标签得到 spec.selector，updateStrategy 为 OnDelete），同时给出警告。",
    },
    Example {
        id: "zookeeper",
        title: "ZooKeeper ensemble",
        title_zh: "ZooKeeper 集群",
        description: "Headless Service `zk-headless`, ConfigMap `zk-config`, PodDisruptionBudget `zk-budget` (minAvailable 2) and StatefulSet `zk` with required pod anti-affinity: one server per node.",
        description_zh: "Headless Service `zk-headless`、ConfigMap `zk-config`、PodDisruptionBudget `zk-budget`（minAvailable 2），以及带强制 Pod 反亲和性的 StatefulSet `zk`：每个节点一个服务器。",
        source_doc: DOC_STATEFULSET,
        parts: &["modern/zookeeper.yaml"],
        modern: true,
        note: "apps/v1 and policy/v1; the scheduler.alpha.kubernetes.io/affinity annotation (ignored since v1.6) becomes spec.affinity.podAntiAffinity, matching app=zk (the annotation named app=zk-headless, which no pod carries).",
        note_zh: "改用 apps/v1 和 policy/v1；scheduler.alpha.kubernetes.io/affinity 注解（自 v1.6 起被忽略）改写为 spec.affinity.podAntiAffinity，匹配 app=zk（原注解写的是 app=zk-headless，没有任何 Pod 带这个标签）。",
    },
    Example {
        id: "zookeeper-original",
        title: "ZooKeeper ensemble (as the doc wrote it)",
        title_zh: "ZooKeeper 集群",
        description: "zookeeper.yaml as printed in the StatefulSet concepts doc, with the alpha annotations of its time.",
        description_zh: "StatefulSet 概念文档中印出的 zookeeper.yaml，带着当时的 alpha 注解。",
        source_doc: DOC_STATEFULSET,
        parts: &["original/zookeeper.yaml"],
        modern: false,
        note: "policy/v1beta1 (gone in v1.25) and apps/v1beta1 (gone in v1.16) are converted; the StatefulSet keeps apps/v1beta1's defaults (selector from the template's labels, OnDelete updates); the ignored affinity annotation does not spread the pods. Spaces the page inserted (`gcr.io/ google_samples`, `volume.alpha.kubernetes.io/ storage-class`, `requiredDuringScheduling RequiredDuringExecution`) are removed.",
        note_zh: "policy/v1beta1（v1.25 起移除）和 apps/v1beta1（v1.16 起移除）会被转换；StatefulSet 保留 apps/v1beta1 的默认值（由模板标签得到 selector，按 OnDelete 更新）；被忽略的亲和性注解不会让 Pod 分散。网页插入的空格（`gcr.io/ google_samples`、`volume.alpha.kubernetes.io/ storage-class`、`requiredDuringScheduling RequiredDuringExecution`）已去掉。",
    },
    Example {
        id: "zookeeper-tutorial",
        title: "ZooKeeper (today's tutorial)",
        title_zh: "ZooKeeper（当前教程）",
        description: "The current kubernetes.io tutorial's zookeeper.yaml: Services `zk-hs` and `zk-cs`, PodDisruptionBudget `zk-pdb` (maxUnavailable 1), StatefulSet `zk`.",
        description_zh: "kubernetes.io 当前教程中的 zookeeper.yaml：Service `zk-hs` 和 `zk-cs`、PodDisruptionBudget `zk-pdb`（maxUnavailable 1）、StatefulSet `zk`。",
        source_doc: DOC_STATEFULSET,
        parts: &["upstream/zookeeper.yaml"],
        modern: true,
        note: "As published today. Its anti-affinity selects app=zk while the pods are labelled app.kubernetes.io/name=zk, so the rule matches no pod and does not spread them, here as on a real cluster.",
        note_zh: "与现在发布的版本一致。它的反亲和性选择 app=zk，而 Pod 的标签是 app.kubernetes.io/name=zk，所以这条规则匹配不到任何 Pod，也不会把它们分散到不同节点，这里和真实集群上都是如此。",
    },
    Example {
        id: "cassandra",
        title: "Cassandra StatefulSet with StorageClass `fast`",
        title_zh: "Cassandra 的 StatefulSet（StorageClass `fast`）",
        description: "Headless Service `cassandra`, StatefulSet `cassandra` (3 replicas, 1Gi claims from class `fast`) and the StorageClass.",
        description_zh: "Headless Service `cassandra`、StatefulSet `cassandra`（3 个副本，从存储类 `fast` 申领 1Gi 的 PVC）以及该 StorageClass。",
        source_doc: DOC_CASSANDRA,
        parts: &["original/cassandra-service.yaml", "modern/cassandra-statefulset.yaml"],
        modern: true,
        note: "apps/v1 with selector; storageClassName instead of the beta annotation; storage.k8s.io/v1; the class uses the playground's provisioner instead of GCE's kubernetes.io/gce-pd.",
        note_zh: "改用带 selector 的 apps/v1；用 storageClassName 代替 beta 注解；storage.k8s.io/v1；该存储类使用演练场的制备器，而不是 GCE 的 kubernetes.io/gce-pd。",
    },
    Example {
        id: "cassandra-original",
        title: "Cassandra StatefulSet (as the doc wrote it)",
        title_zh: "Cassandra 的 StatefulSet",
        description: "cassandra-service.yaml and cassandra-statefulset.yaml as printed: apps/v1beta1, storage.k8s.io/v1beta1, the beta storage-class annotation.",
        description_zh: "文档中印出的 cassandra-service.yaml 和 cassandra-statefulset.yaml：apps/v1beta1、storage.k8s.io/v1beta1 以及 beta 存储类注解。",
        source_doc: DOC_CASSANDRA,
        parts: &["original/cassandra-service.yaml", "original/cassandra-statefulset.yaml"],
        modern: false,
        note: "apps/v1beta1 (gone in v1.16) and storage.k8s.io/v1beta1 (gone in v1.22) are converted, keeping apps/v1beta1's defaults (selector from the template's labels, OnDelete updates). The page dropped lines the upstream file has (`add:` under capabilities, the volumeMount's `name: cassandra-data`); they are restored.",
        note_zh: "apps/v1beta1（v1.16 起移除）和 storage.k8s.io/v1beta1（v1.22 起移除）会被转换，并保留 apps/v1beta1 的默认值（由模板标签得到 selector，按 OnDelete 更新）。网页漏掉了上游文件中的几行（capabilities 下的 `add:`、volumeMount 的 `name: cassandra-data`），这里已补回。",
    },
    Example {
        id: "cassandra-rc",
        title: "Cassandra ReplicationController",
        title_zh: "Cassandra 的 ReplicationController",
        description: "The Service `cassandra` and a ReplicationController `cassandra` with 2 replicas; its selector defaults from the template's labels.",
        description_zh: "Service `cassandra` 和一个 2 副本的 ReplicationController `cassandra`；它的 selector 默认取自模板的标签。",
        source_doc: DOC_CASSANDRA,
        parts: &["original/cassandra-service.yaml", "original/cassandra-controller.yaml"],
        modern: true,
        note: "v1 ReplicationController is still served: the doc's manifest applies as written (the page lost the `- name: HEAP_NEWSIZE` line; restored).",
        note_zh: "v1 的 ReplicationController 仍然可用：文档中的清单可以原样应用（网页漏掉了 `- name: HEAP_NEWSIZE` 这一行，已补回）。",
    },
    Example {
        id: "cassandra-daemonset",
        title: "Cassandra DaemonSet",
        title_zh: "Cassandra 的 DaemonSet",
        description: "The Service `cassandra` and a DaemonSet `cassandra`: one pod per node.",
        description_zh: "Service `cassandra` 和一个 DaemonSet `cassandra`：每个节点一个 Pod。",
        source_doc: DOC_CASSANDRA,
        parts: &["original/cassandra-service.yaml", "modern/cassandra-daemonset.yaml"],
        modern: true,
        note: "apps/v1 with spec.selector (extensions/v1beta1 defaulted it from the template's labels).",
        note_zh: "改用带 spec.selector 的 apps/v1（extensions/v1beta1 会从模板的标签推导出它）。",
    },
    Example {
        id: "cassandra-daemonset-original",
        title: "Cassandra DaemonSet (as the doc wrote it)",
        title_zh: "Cassandra 的 DaemonSet",
        description: "cassandra-daemonset.yaml as printed: extensions/v1beta1, no selector.",
        description_zh: "文档中印出的 cassandra-daemonset.yaml：extensions/v1beta1，没有 selector。",
        source_doc: DOC_CASSANDRA,
        parts: &["original/cassandra-service.yaml", "original/cassandra-daemonset.yaml"],
        modern: false,
        note: "extensions/v1beta1 DaemonSet is unavailable since v1.16; converted to apps/v1 with what extensions/v1beta1 defaulted (spec.selector from the template's labels, updateStrategy OnDelete), with warnings.",
        note_zh: "extensions/v1beta1 的 DaemonSet 自 v1.16 起已不可用；转换为 apps/v1，并保留 extensions/v1beta1 的默认值（由模板标签得到 spec.selector，updateStrategy 为 OnDelete），同时给出警告。",
    },
    Example {
        id: "mysql",
        title: "MySQL primary and replicas",
        title_zh: "MySQL 一主多从",
        description: "ConfigMap `mysql`, Services `mysql` (headless) and `mysql-read`, StatefulSet `mysql` with init containers init-mysql and clone-mysql and the xtrabackup sidecar.",
        description_zh: "ConfigMap `mysql`、Service `mysql`（Headless）和 `mysql-read`，以及带初始化容器 init-mysql、clone-mysql 和 xtrabackup 边车容器的 StatefulSet `mysql`。",
        source_doc: DOC_MYSQL,
        parts: &["original/mysql-configmap.yaml", "original/mysql-services.yaml", "original/mysql-statefulset.yaml"],
        modern: true,
        note: "The tutorial's manifests are already apps/v1: as written.",
        note_zh: "教程的清单已经是 apps/v1：原样使用。",
    },
    Example {
        id: "hazelcast",
        title: "Hazelcast Service and ReplicationController",
        title_zh: "Hazelcast 的 Service 与 ReplicationController",
        description: "Service `hazelcast` and a one-replica ReplicationController `hazelcast` selecting name=hazelcast.",
        description_zh: "Service `hazelcast` 和一个单副本的 ReplicationController `hazelcast`，选择 name=hazelcast 的 Pod。",
        source_doc: DOC_HAZELCAST,
        parts: &["original/hazelcast-service.yaml", "original/hazelcast-controller.yaml"],
        modern: true,
        note: "v1 Service and ReplicationController: as written.",
        note_zh: "v1 的 Service 和 ReplicationController：原样使用。",
    },
    Example {
        id: "petset",
        title: "PetSet on static PersistentVolumes",
        title_zh: "基于静态持久卷的 PetSet",
        description: "Four pre-made 100Gi PersistentVolumes `pv-datera-0..3`, headless Service `test-service` and a StatefulSet `test-petset` whose claims `pv-claim-test-petset-N` bind to them.",
        description_zh: "四个预先创建的 100Gi 持久卷 `pv-datera-0..3`、Headless Service `test-service`，以及 StatefulSet `test-petset`，它的 PVC `pv-claim-test-petset-N` 绑定到这些卷。",
        source_doc: DOC_PETSET,
        parts: &["modern/petset.yaml"],
        modern: true,
        note: "PetSet became StatefulSet (apps/v1, with selector); the claims ask for storageClassName \"\" so they bind to the static volumes rather than the default class; the ignored alpha annotations are dropped.",
        note_zh: "PetSet 已更名为 StatefulSet（apps/v1，带 selector）；PVC 请求 storageClassName \"\"，因此绑定到静态卷，而不是由默认存储类制备；去掉了被忽略的 alpha 注解。",
    },
    Example {
        id: "petset-original",
        title: "PetSet on static PersistentVolumes (as the post wrote it)",
        title_zh: "基于静态持久卷的 PetSet",
        description: "The blog post's FlexVolume PersistentVolumes, Service and apps/v1alpha1 PetSet.",
        description_zh: "博客文章中的 FlexVolume 持久卷、Service 和 apps/v1alpha1 的 PetSet。",
        source_doc: DOC_PETSET,
        parts: &["original/petset.yaml"],
        modern: false,
        note: "apps/v1alpha1 PetSet is converted to an apps/v1 StatefulSet with what the PetSet defaulted (spec.selector and labels from the template's labels; OnDelete, as PetSets never replaced pods); the claims, without storageClassName, get the default StorageClass rather than the static volumes.",
        note_zh: "apps/v1alpha1 的 PetSet 会被转换为 apps/v1 的 StatefulSet，并保留 PetSet 的默认值（由模板标签得到 spec.selector 和标签；按 OnDelete 更新，因为 PetSet 从不替换 Pod）；申领未写 storageClassName，因此使用默认 StorageClass，而不是静态卷。",
    },
    Example {
        id: "petset-claim-pod",
        title: "A claim and a pod on a static volume",
        title_zh: "静态卷上的一个 PVC 和一个 Pod",
        description: "The post's PersistentVolumeClaim `pv-claim-test-petset-0` and pod `kube-pv-demo` mounting it at /data (apply after the PersistentVolumes).",
        description_zh: "文章中的持久卷申领 `pv-claim-test-petset-0` 和把它挂载到 /data 的 Pod `kube-pv-demo`（请在创建持久卷之后应用）。",
        source_doc: DOC_PETSET,
        parts: &["modern/petset-claim-pod.yaml"],
        modern: true,
        note: "storageClassName \"\" added: today the default StorageClass would otherwise provision a new volume instead of binding a static one.",
        note_zh: "添加了 storageClassName \"\"：否则如今默认的 StorageClass 会制备一个新卷，而不是绑定静态卷。",
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
/// The second of each pair is one of [`FILES`].
const URLS: &[(&str, &str)] = &[
    (
        "application/cassandra/cassandra-service.yaml",
        "original/cassandra-service.yaml",
    ),
    (
        "application/cassandra/cassandra-statefulset.yaml",
        "modern/cassandra-statefulset.yaml",
    ),
    (
        "cassandra/cassandra-service.yaml",
        "original/cassandra-service.yaml",
    ),
    (
        "cassandra/cassandra-controller.yaml",
        "original/cassandra-controller.yaml",
    ),
    (
        "cassandra/cassandra-daemonset.yaml",
        "modern/cassandra-daemonset.yaml",
    ),
    (
        "cassandra/cassandra-statefulset.yaml",
        "modern/cassandra-statefulset.yaml",
    ),
    // The docs' own files, as the seed pages name them (relative paths).
    ("web.yaml", "modern/web.yaml"),
    ("zookeeper.yaml", "modern/zookeeper.yaml"),
    // What k8s.io/examples serves today for URLs the seeds do not use.
    ("application/web/web.yaml", "upstream/web.yaml"),
    (
        "application/zookeeper/zookeeper.yaml",
        "upstream/zookeeper.yaml",
    ),
    (
        "hazelcast/hazelcast-service.yaml",
        "original/hazelcast-service.yaml",
    ),
    (
        "hazelcast/hazelcast-controller.yaml",
        "original/hazelcast-controller.yaml",
    ),
    (
        "application/mysql/mysql-configmap.yaml",
        "original/mysql-configmap.yaml",
    ),
    (
        "application/mysql/mysql-services.yaml",
        "original/mysql-services.yaml",
    ),
    (
        "application/mysql/mysql-statefulset.yaml",
        "original/mysql-statefulset.yaml",
    ),
];

/// The manifest text behind a URL or path from the docs
/// (`https://k8s.io/examples/application/mysql/mysql-statefulset.yaml`,
/// `cassandra/cassandra-controller.yaml`, `web.yaml`), if built in (and,
/// in the page, fetched: see [`url_file`]).
pub fn builtin_url(url: &str) -> Option<&'static str> {
    url_file(url).and_then(text)
}

/// Which of [`FILES`] a URL or path from the docs names, if any.
pub fn url_file(url: &str) -> Option<&'static str> {
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
    URLS.iter()
        .filter_map(|(p, file)| {
            let entry: Vec<&str> = p.split('/').collect();
            let hit = if is_url {
                // A bare file name is a relative path, never a URL's tail.
                entry.len() > 1 && ends_with(&segs, &entry)
            } else {
                ends_with(&segs, &entry) || ends_with(&entry, &segs)
            };
            hit.then_some(((entry == segs, entry.len()), *file))
        })
        .max_by_key(|(score, _)| *score)
        .map(|(_, file)| file)
}

/// The files of [`FILES`] that a text (a console line, a script, a lesson
/// file) names as docs URLs or paths, in order, each once. Every word that
/// ends in `.yaml` or `.yml` is tried, so a `-f` value is found however it
/// is written (`-f x`, `--filename=x`, `-f=x`, quoted).
pub fn named_files(text: &str) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    let words = text.split(|c: char| c.is_whitespace() || matches!(c, '=' | '"' | '\'' | '`'));
    for w in words {
        let w = w.trim_end_matches([',', ';', ')']);
        if !(w.ends_with(".yaml") || w.ends_with(".yml")) {
            continue;
        }
        if let Some(f) = url_file(w) {
            if !out.contains(&f) {
                out.push(f);
            }
        }
    }
    out
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

    /// The Chinese texts exist, are Chinese, and keep every name the
    /// English quotes (`web`, `www-web-N`): a translation may not rename
    /// an object the manifest creates.
    #[test]
    fn examples_carry_chinese_texts() {
        let cjk = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
        let quoted =
            |s: &'static str| -> Vec<&'static str> { s.split('`').skip(1).step_by(2).collect() };
        for e in all() {
            for (en, zh) in [
                (e.title, e.title_zh),
                (e.description, e.description_zh),
                (e.note, e.note_zh),
            ] {
                assert!(cjk(zh), "{}: {zh:?} is not Chinese", e.id);
                assert!(!cjk(en), "{}: {en:?}", e.id);
                assert!(
                    !zh.contains("有状态副本集"),
                    "{}: StatefulSet stays StatefulSet",
                    e.id
                );
                for name in quoted(en) {
                    assert!(
                        zh.contains(&format!("`{name}`")),
                        "{}: {zh:?} lost `{name}`",
                        e.id
                    );
                }
            }
        }
    }

    #[test]
    fn modern_examples_parse_cleanly() {
        for e in all().iter().filter(|e| e.modern) {
            let p = parse(e.yaml().unwrap());
            let bad: Vec<_> = p.diagnostics.iter().collect();
            assert!(bad.is_empty(), "{}: {:?}", e.id, bad);
        }
    }

    #[test]
    fn original_examples_parse_with_the_removal_warnings() {
        for e in all().iter().filter(|e| !e.modern) {
            let p = parse(e.yaml().unwrap());
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
            kinds_names(by_id("web").unwrap().yaml().unwrap()),
            vec![s(Service, "nginx"), s(StatefulSet, "web")]
        );
        assert_eq!(
            kinds_names(by_id("zookeeper").unwrap().yaml().unwrap()),
            vec![
                s(Service, "zk-headless"),
                s(ConfigMap, "zk-config"),
                s(PodDisruptionBudget, "zk-budget"),
                s(StatefulSet, "zk")
            ]
        );
        assert_eq!(
            kinds_names(by_id("cassandra").unwrap().yaml().unwrap()),
            vec![
                s(Service, "cassandra"),
                s(StatefulSet, "cassandra"),
                s(StorageClass, "fast")
            ]
        );
        assert_eq!(
            kinds_names(by_id("cassandra-rc").unwrap().yaml().unwrap()),
            vec![
                s(Service, "cassandra"),
                s(ReplicationController, "cassandra")
            ]
        );
        assert_eq!(
            kinds_names(by_id("cassandra-daemonset").unwrap().yaml().unwrap()),
            vec![s(Service, "cassandra"), s(DaemonSet, "cassandra")]
        );
        assert_eq!(
            kinds_names(by_id("mysql").unwrap().yaml().unwrap()),
            vec![
                s(ConfigMap, "mysql"),
                s(Service, "mysql"),
                s(Service, "mysql-read"),
                s(StatefulSet, "mysql")
            ]
        );
        assert_eq!(
            kinds_names(by_id("hazelcast").unwrap().yaml().unwrap()),
            vec![
                s(Service, "hazelcast"),
                s(ReplicationController, "hazelcast")
            ]
        );
        let petset = kinds_names(by_id("petset").unwrap().yaml().unwrap());
        assert_eq!(petset.len(), 6);
        assert_eq!(petset[3], s(PersistentVolume, "pv-datera-3"));
        assert_eq!(petset[5], s(StatefulSet, "test-petset"));
        assert_eq!(
            kinds_names(by_id("petset-claim-pod").unwrap().yaml().unwrap()),
            vec![
                s(PersistentVolumeClaim, "pv-claim-test-petset-0"),
                s(Pod, "kube-pv-demo")
            ]
        );
        // The originals carry the same objects, converted from their
        // removed API versions.
        let orig = kinds_names(by_id("web-original").unwrap().yaml().unwrap());
        assert_eq!(orig, vec![s(Service, "nginx"), s(StatefulSet, "web")]);
        assert!(by_id(DEFAULT_ID).is_some_and(|e| e.modern));
        let ids: std::collections::BTreeSet<_> = all().iter().map(|e| e.id).collect();
        assert_eq!(ids.len(), all().len(), "ids are unique");
    }

    #[test]
    fn example_details_follow_the_docs() {
        use crate::sim::object::ValueExt;
        let mysql = parse(by_id("mysql").unwrap().yaml().unwrap());
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
        let zk = parse(by_id("zookeeper").unwrap().yaml().unwrap());
        let zk_sts = &zk.objects[3].object;
        assert_eq!(
            zk_sts.spec().str_at("template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution.0.topologyKey"),
            Some("kubernetes.io/hostname")
        );
        assert_eq!(zk.objects[2].object.spec().i64_at("minAvailable"), Some(2));
        let web = parse(by_id("web").unwrap().yaml().unwrap());
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
            for o in parse(e.yaml().unwrap()).objects {
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
            url_file("https://k8s.io/examples/application/mysql/mysql-statefulset.yaml"),
            Some("original/mysql-statefulset.yaml")
        );
        // The doc's own file by its relative name; today's file by URL.
        assert_eq!(url_file("web.yaml"), Some("modern/web.yaml"));
        assert_eq!(url_file("zookeeper.yaml"), Some("modern/zookeeper.yaml"));
        assert_eq!(
            url_file("https://k8s.io/examples/application/web/web.yaml"),
            Some("upstream/web.yaml")
        );
        assert_eq!(
            url_file("https://k8s.io/examples/application/zookeeper/zookeeper.yaml"),
            Some("upstream/zookeeper.yaml")
        );
        assert_eq!(
            url_file("cassandra/cassandra-controller.yaml"),
            Some("original/cassandra-controller.yaml")
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

    /// Every example's files and every docs URL's file are known files,
    /// each built in natively; the default example's is built in even in
    /// the page, so a first visit fetches nothing.
    #[test]
    fn every_file_is_known_and_built_in() {
        for e in all() {
            assert!(!e.parts.is_empty(), "{}", e.id);
            for p in e.parts {
                assert!(FILES.contains(p), "{}: {p}", e.id);
            }
            assert!(e.missing().is_empty(), "{}", e.id);
        }
        for (_, f) in URLS {
            assert!(FILES.contains(f), "{f}");
        }
        for f in FILES {
            let on_disk = std::fs::read_to_string(format!(
                "{}/src/sim/examples/{f}",
                env!("CARGO_MANIFEST_DIR")
            ))
            .unwrap_or_else(|e| panic!("{f}: {e}"));
            assert_eq!(text(f), Some(on_disk.as_str()), "{f}");
        }
        let default = by_id(DEFAULT_ID).unwrap();
        assert_eq!(default.parts, &["modern/web.yaml"]);
        assert!(FILES[..1].contains(&default.parts[0]), "inline");
    }

    /// Several files are joined by `---` lines, in order.
    #[test]
    fn an_example_of_several_files_joins_them() {
        let mysql = by_id("mysql").unwrap();
        let want = [
            text("original/mysql-configmap.yaml").unwrap(),
            text("original/mysql-services.yaml").unwrap(),
            text("original/mysql-statefulset.yaml").unwrap(),
        ]
        .join("---\n");
        assert_eq!(mysql.yaml(), Some(want.as_str()));
        // The same text every time (joined once).
        assert!(std::ptr::eq(mysql.yaml().unwrap(), mysql.yaml().unwrap()));
    }

    #[test]
    fn provide_takes_only_known_files_that_are_manifests() {
        assert!(provide("original/nope.yaml", "kind: Pod\n".into()).is_err());
        assert!(provide("../Cargo.toml", "x: 1\n".into()).is_err());
        // A file already built in keeps its text.
        assert_eq!(provide("modern/web.yaml", "kind: Pod\n".into()), Ok(()));
        assert_ne!(text("modern/web.yaml"), Some("kind: Pod\n"));
        let err = provide("original/petset.yaml", "<!doctype html><p>404".into());
        assert!(err.is_err_and(|e| e.contains("not a manifest")));
    }

    #[test]
    fn named_files_finds_the_docs_files_in_commands_and_scripts() {
        assert_eq!(
            named_files(
                "kubectl apply -f https://k8s.io/examples/application/mysql/mysql-services.yaml"
            ),
            vec!["original/mysql-services.yaml"]
        );
        assert_eq!(
            named_files("create --filename=cassandra/cassandra-controller.yaml --validate=false"),
            vec!["original/cassandra-controller.yaml"]
        );
        let script = "kubectl apply -f 'web.yaml'\nkubectl get pods\n\
                      kubectl apply -f \"examples/hazelcast/hazelcast-service.yaml\"\n\
                      kubectl apply -f web.yaml";
        assert_eq!(
            named_files(script),
            vec!["modern/web.yaml", "original/hazelcast-service.yaml"]
        );
        // Files that are not the docs', and words that are not files.
        assert!(
            named_files("kubectl apply -f mine.yaml -f https://example.com/web.yaml").is_empty()
        );
        assert!(named_files("kubectl get pods -o yaml").is_empty());
    }
}
