//! The page's words in English and Simplified Chinese.
//!
//! A compile-time table: every `Key` is declared with both languages in one
//! `keys!` line, so a key cannot exist with one language missing (the macro
//! does not parse without both), and `t` is an exhaustive `match`. The tests
//! (run natively by `tests/i18n.rs`, which includes this file: it names no
//! web crate) check that no string is empty, that the Chinese differs from
//! the English and contains Chinese except where a term stays as it is
//! (`IP`, `DNS`), and that both sides use the same `{0}` placeholders.
//!
//! What the cluster and kubectl print stays in English, as a real cluster
//! prints it; only the reasons the page shows beside a card (the
//! StatefulSet controller's "waiting for ...") and the page's own banners
//! are translated, by `translate` and its templates.
//!
//! Terms follow the Chinese Kubernetes documents the playground was made
//! from: kinds keep their English names (StatefulSet, Pod, PVC,
//! StorageClass, Headless Service), PersistentVolume is 持久卷,
//! PersistentVolumeClaim 持久卷申领, StorageClass 存储类, ordinal 序号,
//! Ready 就绪, node 节点, provisioner 制备器.

use crate::sim::chart::fill;

/// A language of the page.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    #[default]
    En,
    Zh,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Zh];

    /// The code used in `?lang=` and in local storage.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh",
        }
    }

    /// The value of `<html lang>`.
    pub fn html_lang(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh => "zh-CN",
        }
    }

    /// The language's own name, as the switch offers it.
    pub fn name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Zh => "中文",
        }
    }

    /// `en`, `en-GB`, `zh`, `zh-CN`, `zh-Hant-TW`, ... (case-insensitive);
    /// anything else is no language of the page.
    pub fn parse(s: &str) -> Option<Lang> {
        let s = s.trim().to_ascii_lowercase();
        let primary = s.split(['-', '_']).next().unwrap_or("");
        match primary {
            "zh" => Some(Lang::Zh),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
}

/// The language to show: `?lang=` wins, then the saved choice, then the
/// browser's language (any `zh*` means Chinese), then English.
pub fn choose(query: Option<&str>, saved: Option<&str>, navigator: Option<&str>) -> Lang {
    query
        .and_then(Lang::parse)
        .or_else(|| saved.and_then(Lang::parse))
        .or_else(|| navigator.and_then(Lang::parse))
        .unwrap_or_default()
}

macro_rules! keys {
    ($($key:ident => $en:literal, $zh:literal;)*) => {
        /// A string the page shows. Declared with both languages.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Key { $($key),* }

        impl Key {
            pub const ALL: &'static [Key] = &[$(Key::$key),*];
        }

        /// The text of `key` in `lang`.
        pub fn t(lang: Lang, key: Key) -> &'static str {
            match key {
                $(Key::$key => match lang {
                    Lang::En => $en,
                    Lang::Zh => $zh,
                }),*
            }
        }
    };
}

keys! {
    // ---- header and time bar
    PageTitle => "Ordinal: StatefulSet playground", "Ordinal：StatefulSet 演练场";
    Language => "Language", "语言";
    TimeControls => "Time controls", "时间控制";
    Play => "▶ Play", "▶ 运行";
    Pause => "❚❚ Pause", "❚❚ 暂停";
    Step => "Step", "单步";
    StepTitle => "Run the next controller sync", "运行下一次控制器同步";
    AdvanceTitle => "Advance one virtual second", "虚拟时间前进一秒";
    Speed => "Speed", "速度";
    VirtualClock => "Virtual clock", "虚拟时钟";
    Slowed => "slowed", "已减速";
    SlowedTitle => "The simulation cannot keep up with this speed; virtual time runs slower",
        "模拟跟不上这个速度，虚拟时间走得比设定的慢";
    Timeline => "Timeline", "时间线";
    TimelineAria => "Timeline: event index (replays the session to that point)",
        "时间线：事件序号（把会话重放到该处）";
    LatestEvent => "Latest event", "最新事件";
    Reset => "Reset", "重置";
    ResetTitle => "Start over with the same seed", "用同一个随机种子从头开始";
    ThemeAria => "Colour theme", "配色主题";
    Theme => "Theme: {0}", "主题：{0}";
    ThemeAuto => "auto", "自动";
    ThemeDark => "dark", "深色";
    ThemeLight => "light", "浅色";
    Scrubbed => "Viewing the past: play, step or act here to continue from this point (later history is dropped), or drag the timeline to the end.",
        "正在查看过去：在此运行、单步或执行任何操作，都会从这一点继续（之后的历史将被丢弃）；也可以把时间线拖到末尾。";
    Dismiss => "Dismiss", "关闭";
    StorageOff => "This browser does not let the page use local storage (a private window or a locked-down frame): everything works, but nothing will be saved. Use Save file to keep your session.",
        "此浏览器不允许页面使用本地存储（隐私窗口或受限的框架）：一切照常工作，但不会保存任何内容。请用“保存文件”保留你的会话。";
    StorageFull => "Local storage is full: everything works, but nothing more will be saved. Use Save file to keep your session.",
        "本地存储已满：一切照常工作，但不会再保存任何内容。请用“保存文件”保留你的会话。";
    // ---- share links, files and embed mode
    Share => "Share", "分享";
    ShareTitle => "Copy a link that reopens this session exactly", "复制一个能原样重开此会话的链接";
    SaveFile => "Save file", "保存文件";
    SaveFileTitle => "Save this session as an .ordinal.json file (ordinal replay reads it)",
        "把此会话保存为 .ordinal.json 文件（ordinal replay 可以读取）";
    OpenFile => "Open file", "打开文件";
    OpenFileTitle => "Open an .ordinal.json session (or drop it on the page)",
        "打开 .ordinal.json 会话文件（或把它拖放到页面上）";
    LinkCopied => "Link copied ({0} characters).", "链接已复制（{0} 个字符）。";
    LinkInAddress => "The address bar holds the link ({0} characters): copy it from there.",
        "地址栏中就是链接（{0} 个字符）：请从那里复制。";
    TooLongForLink => "Too long for a link ({0} characters): save it as a file.",
        "会话太长，无法放进链接（{0} 个字符）：请保存为文件。";
    OpenInOrdinal => "Open in Ordinal ↗", "在 Ordinal 中打开 ↗";
    Panels => "Panels", "面板";
    Chart => "Chart", "图表";
    Lessons => "Lessons", "课程";
    ChartSub => "pods and claims in time; click to scrub", "Pod 与申领随时间的变化；点击即可跳转";
    ChartSave => "Save as SVG", "保存为 SVG";
    ChartShowTable => "Show as table", "以表格显示";
    ChartHideTable => "Hide table", "隐藏表格";
    ChartAria => "Lifecycle chart. Click a point to scrub the session there; or use the arrow keys, Home and End to move the cursor and Enter to scrub. Tab reaches each mark.",
        "生命周期图表。点击某一点即可把会话跳转到那里；也可用方向键、Home 和 End 移动光标，按 Enter 跳转。Tab 键可逐个到达各标记。";
    ChartCaption => "The lifecycle chart as a table", "以表格呈现的生命周期图表";
    ChartObject => "Object", "对象";
    ChartFrom => "From", "开始";
    ChartTo => "To", "结束";
    ChartState => "State", "状态";
    ChartDetail => "Detail", "详情";
    ChartExpand => "Expand {0} ({1})", "展开 {0}（{1}）";
    ChartCollapse => "Collapse {0}", "收起 {0}";
    ChartCursor => "cursor at {0}: Enter scrubs there", "光标位于 {0}：按 Enter 跳转到这里";
    // ---- the chart's picture (`crate::sim::chart::ChartWords`); the English
    // is exactly the core's, as the CLI writes it. Phase names keep the
    // Kubernetes phase value and add the Chinese docs' word for it; Ready is 就绪.
    ChartTitle => "Lifecycle chart: {0} objects over {1} of virtual time",
        "生命周期图表：{0} 个对象，虚拟时间共 {1}";
    ChartDesc => "One row per pod and per claim, in ordinal order within each owner; x is virtual time. Each phase has a colour, a fill pattern and its name in the bar where it fits. Marks: user commands (triangles), faults (crosses), controller waits (hourglasses, with a line for how long), refused evictions (diamonds). A table of the same data goes with it.",
        "每个 Pod 和每个持久卷申领各占一行，同一属主下按序号排列；横轴是虚拟时间。每个阶段有自己的颜色和填充图案，放得下时条中写有阶段名称。标记：用户命令（三角形）、故障（叉号）、控制器等待（沙漏，并用一条线表示等待多久）、被拒绝的驱逐（菱形）。另附一张内容相同的表格。";
    ChartCommands => "commands", "命令";
    ChartMarkTip => "{0} at {1}: {2}", "{1} 时的{0}：{2}";
    ChartMarkUntil => " (until {0}, {1})", "（直到 {0}，共 {1}）";
    ChartSpanTip => "{0}: {1} from {2} to {3} ({4})", "{0}：{1}，从 {2} 到 {3}（{4}）";
    ChartNow => "now", "现在";
    ChartReplaced => "{0}: replaced at {1} (a new pod, a new uid)", "{0}：在 {1} 被替换（新的 Pod，新的 uid）";
    ChartCollapsed => "▸ {0} ({1} objects, collapsed)", "▸ {0}（{1} 个对象，已收起）";
    PhasePending => "Pending", "Pending（悬决）";
    PhaseCreating => "Creating", "创建中";
    PhaseRunning => "Running, not Ready", "Running，未就绪";
    PhaseReady => "Ready", "就绪";
    PhaseTerminating => "Terminating", "Terminating（终止中）";
    PhaseSucceeded => "Succeeded", "Succeeded（成功）";
    PhaseFailed => "Failed", "Failed（失败）";
    PhaseAvailable => "Available", "Available（可用）";
    PhaseBound => "Bound", "Bound（已绑定）";
    PhaseReleased => "Released", "Released（已释放）";
    PhaseLost => "Lost", "Lost（丢失）";
    MarkCommand => "Command", "命令";
    MarkFault => "Fault", "故障";
    MarkWait => "Controller waits", "控制器等待";
    MarkRefused => "Eviction refused", "驱逐被拒绝";
    // ---- cluster settings: feature gates
    FeatureGates => "Feature gates", "特性门控";
    GatesDefaults => "All gates at v1.31's defaults.", "所有门控均为 v1.31 的默认值。";
    GatesAway => "Away from v1.31's defaults: {0}", "与 v1.31 默认值不同：{0}";
    GatesChange => "Change feature gates", "更改特性门控";
    GatesNote => "A cluster setting, kept in share links: changing a gate restarts the cluster with it and replays this session's history on it.",
        "这是集群设置，会保存在分享链接中：更改门控会让集群按新设置重启，并在其上重放本会话的历史。";
    GateDefault => "{0}, default {1}", "{0}，默认{1}";
    GateOn => "on", "开启";
    GateOff => "off", "关闭";
    GateLocked => "locked", "已锁定";
    GateChanged => "# feature gate {0}: the cluster restarted with it and the session was replayed",
        "# 特性门控 {0}：集群已按此设置重启，会话已重放";
    // ---- examples
    Examples => "Examples", "示例";
    Original => " (original)", "（原文）";
    // ---- editor
    Manifests => "Manifests", "清单";
    ObjectsOne => "{0} object", "{0} 个对象";
    ObjectsMany => "{0} objects", "{0} 个对象";
    Apply => "Apply", "应用";
    ApplyTitle => "Apply (Ctrl/Cmd+Enter)", "应用（Ctrl/Cmd+Enter）";
    Delete => "Delete", "删除";
    DeleteTitle => "Delete what the editor holds", "删除编辑器中的对象";
    EditorAria => "Manifest YAML editor; Ctrl+Enter applies", "清单 YAML 编辑器；Ctrl+Enter 应用";
    GoToLine => "Go to line {0}", "转到第 {0} 行";
    LineCol => "line {0}:{1}", "第 {0} 行第 {1} 列";
    SevError => "error", "错误";
    SevWarning => "warning", "警告";
    DocsKeys => "Several documents per buffer, separated by ---. Ctrl/Cmd+Enter applies.",
        "一个编辑区可以放多个文档，用 --- 分隔。Ctrl/Cmd+Enter 应用。";
    // ---- console
    Console => "Console", "控制台";
    StopWatch => "Stop watch", "停止监视";
    Clear => "Clear", "清空";
    ConsoleOutput => "Console output", "控制台输出";
    NoCompletions => "no completions", "没有可补全的内容";
    ConsoleHint => "Also: fault pod|node|pv|storageclass NAME ACTION, sleep 10s. Tab completes; ↑/↓ history.",
        "也可输入：fault pod|node|pv|storageclass 名称 动作，sleep 10s。Tab 补全；↑/↓ 翻看历史。";
    EnglishOutput => "kubectl output, events and API errors stay in English, as a real cluster prints them.",
        "kubectl 输出、事件和 API 错误保持英文，与真实集群的输出一致。";
    Watching => "(watching: Ctrl+C or the Stop button ends it)",
        "（监视中：按 Ctrl+C 或“停止监视”按钮结束）";
    // ---- cluster
    Cluster => "Cluster", "集群";
    PodsCount => "{0} pods", "{0} 个 Pod";
    CountsTitle => "desired / current / ready", "期望 / 当前 / 就绪";
    Counts => "desired {0} · current {1} · ready {2}", "期望 {0} · 当前 {1} · 就绪 {2}";
    WaitingOn => "waiting on {0}: {1}", "等待 {0}：{1}";
    PodAria => "Pod {0} {1} ready {2}", "Pod {0} {1} 就绪 {2}";
    OrdinalTitle => "ordinal", "序号";
    PodFaults => "Faults for pod {0}", "Pod {0} 的故障注入";
    ReadyContainers => "ready containers", "就绪容器数";
    Restarts => "restarts", "重启次数";
    Ip => "IP", "IP";
    Pvc => "PVC", "PVC";
    FaultDelete => "Delete", "删除";
    FaultForceDelete => "Force delete", "强制删除";
    FaultUnready => "Fail readiness", "使就绪探针失败";
    FaultReady => "Heal readiness", "恢复就绪";
    FaultCrash => "Crash container", "使容器崩溃";
    BarePods => "bare pods", "没有控制器的 Pod";
    NotScheduled => "Not scheduled", "未调度";
    NodeAria => "Node {0}", "节点 {0}";
    NodeActions => "Actions for node {0}", "节点 {0} 的操作";
    NodeFailed => "(failed)", "（故障）";
    Cordon => "Cordon", "封锁";
    Uncordon => "Uncordon", "解除封锁";
    Drain => "Drain", "清空";
    FailNode => "Fail node", "使节点故障";
    RecoverNode => "Recover node", "恢复节点";
    // ---- storage
    Storage => "Storage", "存储";
    StorageClasses => "StorageClasses", "存储类（StorageClass）";
    DefaultTag => "default", "默认";
    Fix => "Fix", "修复";
    Break => "Break", "破坏";
    FixAria => "Fix the provisioner of {0}", "修复 {0} 的制备器";
    BreakAria => "Break the provisioner of {0}", "破坏 {0} 的制备器";
    Claims => "PersistentVolumeClaims", "持久卷申领（PVC）";
    NoClass => "(no class)", "（无存储类）";
    Volumes => "PersistentVolumes", "持久卷（PV）";
    Lose => "Lose", "丢失";
    LoseAria => "Lose volume {0}", "丢失 卷 {0}";
    // ---- network
    Network => "Network", "网络";
    ServicesEndpoints => "Services and endpoints", "Service 与端点";
    ColName => "NAME", "名称";
    ColClusterIp => "CLUSTER-IP", "集群 IP";
    ColPorts => "PORTS", "端口";
    ColReady => "READY", "就绪";
    ColNotReady => "NOT READY", "未就绪";
    ColType => "TYPE", "类型";
    ColData => "DATA", "数据";
    Dns => "DNS", "DNS";
    DnsRecords => "DNS records", "DNS 记录";
    DnsShown => "{0} of {1} records shown.", "显示 {1} 条记录中的 {0} 条。";
    DnsShowAll => "Show all", "全部显示";
    DnsShowFirst => "Show the first {0} only", "只显示前 {0} 条";
    NameToLookUp => "Name to look up", "要查询的名称";
    RecordType => "Record type", "记录类型";
    LookUp => "Look up from a pod in default", "从 default 命名空间的 Pod 中查询";
    // ---- events
    Events => "Events", "事件";
    NewestFirst => "newest first", "最新的在前";
    ColLastSeen => "LAST SEEN", "最近出现";
    ColReason => "REASON", "原因";
    ColObject => "OBJECT", "对象";
    ColMessage => "MESSAGE", "消息";
    // ---- the console's own notes (`crate::sim::session::Note`); the
    // English is exactly the core's, as the CLI prints it
    NoteApplyEditor => "# apply editor buffer", "# 应用编辑器中的清单";
    NoteDeleteEditor => "# delete editor buffer", "# 删除编辑器中的对象";
    NoteApplyExample => "# apply example {0}", "# 应用示例 {0}";
    NoteApplyFromHost => "# apply (from the host page)", "# 应用（来自嵌入它的页面）";
    NoteSessionReset => "# session reset", "# 会话已重置";
    NoteReplayedTo => "# timeline: session replayed to event {0}", "# 时间线：会话已重放到第 {0} 个事件";
    NoteOpened => "# opened {0}", "# 已打开 {0}";
    NoteOutputDropped => "# {0} earlier lines of output dropped: the console keeps its last {1} entries ({2} KB)", "# 已丢弃较早的 {0} 行输出：控制台只保留最近 {1} 条记录（{2} KB）";
    NoteOutputCut => "[… {0} KB of this output dropped: the console keeps the last {1} KB of one output]", "[… 已丢弃本次输出的 {0} KB：控制台对单次输出只保留最后 {1} KB]";
    NoteLessonStarted => "# lesson \"{0}\" started", "# 课程“{0}”已开始";
    Loading => "Loading {0}…", "正在加载 {0}…";
    // What a page action waits for while the split's rest arrives (`later.rs`).
    RestOfCode => "the rest of the code (what you asked for runs once it is here)", "其余代码（你的操作会在加载完成后执行）";
    NoteLessonOnCurrent => "# lesson \"{0}\" opened on the current session (Reset lesson starts its own cluster)",
        "# 课程“{0}”已在当前会话上打开（“重置课程”会为它启动自己的集群）";
}

/// A console note of the session's in `lang`: the core says what happened,
/// the page words it (what kubectl and the cluster print is not a note).
pub fn note(lang: Lang, note: &crate::sim::session::Note) -> String {
    use crate::sim::session::Note as N;
    let n;
    let (key, arg): (Key, &str) = match note {
        N::EditorBuffer { delete: false } => (Key::NoteApplyEditor, ""),
        N::EditorBuffer { delete: true } => (Key::NoteDeleteEditor, ""),
        N::ApplyExample(id) => (Key::NoteApplyExample, id),
        N::ApplyFromHost => (Key::NoteApplyFromHost, ""),
        N::SessionReset => (Key::NoteSessionReset, ""),
        N::ReplayedTo(at) => {
            n = at.to_string();
            (Key::NoteReplayedTo, &n)
        }
        N::Opened(name) => (Key::NoteOpened, name),
        N::LessonStarted(id) => (Key::NoteLessonStarted, id),
        N::LessonOnCurrent(id) => (Key::NoteLessonOnCurrent, id),
        N::GateChanged(gate) => (Key::GateChanged, gate),
        N::Watching => (Key::Watching, ""),
    };
    tf(lang, key, &[arg])
}

/// Keys whose text is the same in both languages (terms kept as they are).
#[cfg(test)]
pub const SAME_IN_BOTH: &[Key] = &[Key::Ip, Key::Pvc, Key::Dns];

/// `t` with `{0}`, `{1}`, ... replaced by `args` (in one pass, the
/// chart's filler: an argument's own text is never filled again).
pub fn tf(lang: Lang, key: Key, args: &[&str]) -> String {
    fill(t(lang, key), args)
}

/// Whether `s` holds a CJK ideograph.
#[cfg(test)]
pub fn has_cjk(s: &str) -> bool {
    s.chars()
        .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c) || ('\u{3400}'..='\u{4dbf}').contains(&c))
}

mod templates;
pub use templates::translate;
#[cfg(test)]
use templates::{matches, pieces, TEMPLATES};

#[cfg(test)]
mod tests;
