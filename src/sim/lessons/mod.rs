//! Lessons: classroom exercises that check themselves.
//!
//! A lesson is one YAML file (format in `README, "Lessons"`): metadata in
//! English and Chinese, the cluster to start, a setup, and ordered steps,
//! each with instructions, hints, a solution script and checks. Checks are
//! about the cluster's state and history (the store and `sim.log`), never
//! about which command was typed, so `kubectl patch` passes where the
//! lesson thought of `kubectl scale`.
//!
//! Evaluation (`Progress::update`) runs after every change: steps are done
//! in order, a step passes once all its checks hold, and a passed step
//! stays passed. The page and the CLI share all of it; they only render.

pub mod checks;
pub mod link;
pub mod markdown;
pub mod parse;
pub mod run;

/// The smallest lesson file that parses: one step, one check. The
/// parser's tests and the page's lesson-error messages (`src/ui/i18n/`,
/// tested natively too) edit it into each mistake.
pub const MINIMAL: &str = "id: t
title: {en: T, zh: T}
summary: {en: S, zh: S}
steps:
  - title: {en: One, zh: 一}
    text: {en: Do it, zh: 做}
    solution: kubectl get pods
    checks:
      - exists: service/nginx
";

use super::engine::{Config, Sim};
use super::object::Kind;
use super::selector::Selector;
use serde::{Deserialize, Serialize};

pub use parse::{parse, LessonError};

/// A text in both languages the lessons are written in.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Text {
    pub en: String,
    pub zh: String,
}

/// The language to show a lesson in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Lang {
    En,
    Zh,
}

impl Lang {
    pub fn parse(s: &str) -> Option<Lang> {
        match s {
            "en" => Some(Lang::En),
            "zh" => Some(Lang::Zh),
            _ => None,
        }
    }
}

impl Text {
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::Zh => &self.zh,
        }
    }
}

/// One lesson, parsed and checked.
#[derive(Clone, Debug, PartialEq)]
pub struct Lesson {
    pub id: String,
    pub title: Text,
    pub summary: Text,
    /// The seed document the lesson follows (`/work/shared/seeds/...`), if any.
    pub source: Option<String>,
    pub cluster: Cluster,
    pub setup: Setup,
    pub steps: Vec<Step>,
}

/// The cluster a lesson starts: nodes, seed and timings.
#[derive(Clone, Debug, PartialEq)]
pub struct Cluster {
    pub seed: u64,
    pub config: Config,
}

impl Default for Cluster {
    fn default() -> Cluster {
        Cluster {
            seed: 1,
            config: Config::default(),
        }
    }
}

/// What is done before the student starts, in this order: manifests
/// applied, script lines run, faults injected. `editor` is only shown.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Setup {
    /// Manifest text put into the page's editor (not applied).
    pub editor: Option<String>,
    /// Manifest texts applied as the editor's Apply does.
    pub apply: Vec<String>,
    /// Script lines as `ordinal run` takes them.
    pub script: String,
    /// Fault specs (`pod web-1 unready`, `node node-2 fail`).
    pub faults: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub title: Text,
    /// Instructions in the Markdown subset of [`markdown`].
    pub text: Text,
    pub hints: Vec<Text>,
    /// Script lines as `ordinal run` takes them.
    pub solution: String,
    pub checks: Vec<Check>,
}

/// An object named by a check: kind, namespace and name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectRef {
    pub kind: Kind,
    pub namespace: String,
    pub name: String,
}

/// What happened to an object, for ordering checks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Happening {
    /// The object was created (entered the store).
    Created,
    /// A pod's (or node's) Ready condition turned True.
    Ready,
    /// A pod's (or node's) Ready condition turned False; cordoning is not.
    Unready,
    /// Deletion began (graceful) or the object went at once.
    Terminating,
    /// The object left the store.
    Deleted,
    /// A claim or volume reached phase Bound.
    Bound,
    /// A volume reached phase Released.
    Released,
    /// A Kubernetes Event with this reason (and text in its message).
    Event {
        reason: String,
        message_contains: Option<String>,
    },
}

/// One entry of an `order` check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Moment {
    pub object: ObjectRef,
    pub what: Happening,
}

/// How a query's output is compared.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expect {
    Equals(String),
    Contains(String),
    /// A glob over the whole (trimmed) output: `*` any text, `?` one character.
    Matches(String),
}

/// The check vocabulary. Every kind reads the simulation only.
#[derive(Clone, Debug, PartialEq)]
pub enum Check {
    Exists(ObjectRef),
    Gone(ObjectRef),
    /// A pod in a phase, optionally Ready (or not) and on a node.
    Pod {
        namespace: String,
        name: String,
        phase: Option<String>,
        ready: Option<bool>,
        node: Option<String>,
    },
    /// `count` Ready pods match the selector, each on a different node.
    Spread {
        namespace: String,
        selector: Selector,
        selector_text: String,
        count: usize,
    },
    /// A StatefulSet, ReplicationController, ReplicaSet, Deployment or
    /// DaemonSet reports exactly `count` ready replicas.
    ReadyReplicas {
        object: ObjectRef,
        count: i64,
    },
    ClaimBound {
        namespace: String,
        name: String,
        volume: Option<String>,
        class: Option<String>,
    },
    PvPhase {
        name: String,
        phase: String,
    },
    /// `name` resolves from a pod in `from` (to `to_pod`'s IP, if given).
    Resolves {
        from: String,
        name: String,
        to_pod: Option<String>,
    },
    DoesNotResolve {
        from: String,
        name: String,
    },
    Event {
        object: ObjectRef,
        reason: String,
        message_contains: Option<String>,
    },
    /// Each moment's last occurrence comes after the previous one's.
    Order(Vec<Moment>),
    /// The pod was deleted and created again (same name, new uid), is
    /// Running and Ready, and mounts `claim`.
    Replaced {
        namespace: String,
        pod: String,
        claim: Option<String>,
    },
    /// A Service's ready endpoint addresses.
    Endpoints {
        namespace: String,
        service: String,
        ready: Option<usize>,
        includes: Vec<String>,
        excludes: Vec<String>,
        /// The ready addresses are exactly the Ready pods it selects.
        selector: Option<(Selector, String)>,
    },
    /// A kubectl command (typically `get ... -o jsonpath=...`) run on a
    /// copy of the simulation, its output compared.
    Query {
        command: String,
        expect: Expect,
        count: Option<usize>,
    },
}

/// A bundled lesson as the lesson list shows it before its file is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Listed {
    pub id: &'static str,
    /// Its path, relative to the page (`lessons/web.yaml`).
    pub file: &'static str,
    pub title_en: &'static str,
    pub title_zh: &'static str,
    pub steps: usize,
}

impl Listed {
    pub fn title(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.title_en,
            Lang::Zh => self.title_zh,
        }
    }
}

/// The lessons shipped with Ordinal, in the order they are listed. Their
/// files are static files of the page (`public/lessons/`, copied to
/// `dist/lessons/`), which the page fetches when a lesson is opened; the
/// CLI and the tests have them built in ([`BUNDLED`]). A test checks that
/// this list agrees with the files.
pub const INDEX: &[Listed] = &[
    Listed {
        id: "web",
        file: "lessons/web.yaml",
        title_en: "StatefulSet basics: nginx web",
        title_zh: "StatefulSet 基础:nginx web",
        steps: 7,
    },
    Listed {
        id: "zookeeper",
        file: "lessons/zookeeper.yaml",
        title_en: "ZooKeeper: anti-affinity and a disruption budget",
        title_zh: "ZooKeeper:反亲和性与 PodDisruptionBudget",
        steps: 3,
    },
    Listed {
        id: "cassandra",
        file: "lessons/cassandra.yaml",
        title_en: "Cassandra: a StatefulSet with its own StorageClass",
        title_zh: "Cassandra:使用自己 StorageClass 的 StatefulSet",
        steps: 6,
    },
    Listed {
        id: "petset",
        file: "lessons/petset.yaml",
        title_en: "Pet Sets: static PersistentVolumes",
        title_zh: "Pet Sets:静态 PersistentVolume",
        steps: 3,
    },
    Listed {
        id: "mysql",
        file: "lessons/mysql.yaml",
        title_en: "MySQL: a replicated stateful application",
        title_zh: "MySQL:运行一个主从复制的有状态应用",
        steps: 4,
    },
    Listed {
        id: "hazelcast",
        file: "lessons/hazelcast.yaml",
        title_en: "Hazelcast: endpoints follow the pods",
        title_zh: "Hazelcast:端点跟随 Pod 变化",
        steps: 3,
    },
];

/// A bundled lesson's entry of [`INDEX`].
pub fn listed(id: &str) -> Option<&'static Listed> {
    INDEX.iter().find(|l| l.id == id)
}

/// The bundled lessons' files, built in: `(id, file name, YAML)`, in
/// [`INDEX`]'s order. The page never names these (it fetches the files),
/// so the linker leaves them out of its wasm.
pub const BUNDLED: &[(&str, &str, &str)] = &[
    (
        "web",
        "lessons/web.yaml",
        include_str!("../../../public/lessons/web.yaml"),
    ),
    (
        "zookeeper",
        "lessons/zookeeper.yaml",
        include_str!("../../../public/lessons/zookeeper.yaml"),
    ),
    (
        "cassandra",
        "lessons/cassandra.yaml",
        include_str!("../../../public/lessons/cassandra.yaml"),
    ),
    (
        "petset",
        "lessons/petset.yaml",
        include_str!("../../../public/lessons/petset.yaml"),
    ),
    (
        "mysql",
        "lessons/mysql.yaml",
        include_str!("../../../public/lessons/mysql.yaml"),
    ),
    (
        "hazelcast",
        "lessons/hazelcast.yaml",
        include_str!("../../../public/lessons/hazelcast.yaml"),
    ),
];

/// A bundled lesson by id, parsed.
pub fn bundled(id: &str) -> Option<Result<Lesson, LessonError>> {
    BUNDLED
        .iter()
        .find(|(i, _, _)| *i == id)
        .map(|(_, file, text)| parse(file, text))
}

/// Every bundled lesson, parsed (a broken one is a bug the tests catch).
pub fn all_bundled() -> Vec<Result<Lesson, LessonError>> {
    BUNDLED.iter().map(|(_, f, t)| parse(f, t)).collect()
}

/// What a lesson needs beyond its own file: the built-in examples' files
/// its setup puts in the editor (`editor: web`) and the docs files its
/// setup script, steps, hints and solutions name (`kubectl apply -f
/// https://k8s.io/...`). The page fetches those not at hand before it
/// starts the lesson.
pub fn needed_files(lesson: &Lesson) -> Vec<&'static str> {
    let mut texts: Vec<&str> = vec![&lesson.setup.script];
    for s in &lesson.steps {
        texts.extend([s.solution.as_str(), &s.text.en, &s.text.zh]);
        for h in &s.hints {
            texts.extend([h.en.as_str(), &h.zh]);
        }
    }
    let mut out = Vec::new();
    let editor = lesson
        .setup
        .editor
        .as_deref()
        .and_then(super::examples::by_id);
    let files = texts
        .iter()
        .flat_map(|t| super::examples::named_files(t))
        .chain(editor.into_iter().flat_map(|e| e.parts.iter().copied()));
    for f in files {
        if !out.contains(&f) {
            out.push(f);
        }
    }
    out
}

/// A check's result: `Err` carries the reason, in a student's words.
pub type Outcome = Result<(), String>;

/// How far a student is in one lesson. Saved by the page, versioned.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    pub version: u32,
    pub lesson: String,
    /// Per step: passed (and stays passed).
    pub passed: Vec<bool>,
}

/// The version of [`Progress`]'s saved shape.
pub const PROGRESS_VERSION: u32 = 1;

impl Progress {
    pub fn new(lesson: &Lesson) -> Progress {
        Progress {
            version: PROGRESS_VERSION,
            lesson: lesson.id.clone(),
            passed: vec![false; lesson.steps.len()],
        }
    }

    /// Whether saved progress fits this lesson (same id, version and step
    /// count); the page starts afresh otherwise.
    pub fn fits(&self, lesson: &Lesson) -> bool {
        self.version == PROGRESS_VERSION
            && self.lesson == lesson.id
            && self.passed.len() == lesson.steps.len()
    }

    /// The first step not passed yet.
    pub fn current(&self) -> Option<usize> {
        self.passed.iter().position(|p| !p)
    }

    pub fn done(&self) -> bool {
        self.current().is_none()
    }

    /// Evaluates the current step, and the ones after it while they pass.
    /// Returns the steps that passed now.
    pub fn update(&mut self, lesson: &Lesson, sim: &Sim) -> Vec<usize> {
        let mut newly = Vec::new();
        if self.passed.len() != lesson.steps.len() {
            self.passed.resize(lesson.steps.len(), false);
        }
        while let Some(i) = self.current() {
            let ok = lesson.steps[i]
                .checks
                .iter()
                .all(|c| checks::evaluate(c, sim).is_ok());
            if !ok {
                break;
            }
            self.passed[i] = true;
            newly.push(i);
        }
        newly
    }
}

/// Every check of a step with its outcome, for display.
pub fn step_outcomes(step: &Step, sim: &Sim) -> Vec<(String, Outcome)> {
    step_outcomes_in(step, sim, Lang::En)
}

/// [`step_outcomes`] in the student's language.
pub fn step_outcomes_in(step: &Step, sim: &Sim, lang: Lang) -> Vec<(String, Outcome)> {
    step.checks
        .iter()
        .map(|c| {
            (
                checks::describe_in(c, lang),
                checks::evaluate_in(c, sim, lang),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests;
