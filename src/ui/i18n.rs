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

/// Sentences the page shows that other layers compose in English: the
/// StatefulSet controller's "waiting for ..." reasons (see
/// `crate::sim::controllers::statefulset`) and the saved-state banners
/// (`ui::persist`). `{0}`.. stand for the parts that vary; a part is
/// translated too when it is itself one of these sentences.
pub const TEMPLATES: &[(&str, &str)] = &[
    ("waiting for {0} to terminate", "等待 {0} 终止"),
    (
        "waiting for the stale claims of {0} to be deleted",
        "等待 {0} 的过期 PVC 被删除",
    ),
    (
        "waiting for {0} to be Running and Ready",
        "等待 {0} 进入 Running 并就绪",
    ),
    (
        "waiting for {0} to be available for {1}s (minReadySeconds)",
        "等待 {0} 持续可用 {1} 秒（minReadySeconds）",
    ),
    (
        "waiting for {0} to terminate before scaling down",
        "等待 {0} 终止后再缩容",
    ),
    (
        "waiting for {0} to be Running and Ready before scaling down {1}",
        "等待 {0} 进入 Running 并就绪后再缩容 {1}",
    ),
    (
        "waiting for {0} to be available before scaling down {1}",
        "等待 {0} 可用后再缩容 {1}",
    ),
    ("waiting for {0} to update", "等待 {0} 更新"),
    (
        "waiting for unavailable pods ({0}) to be at most maxUnavailable ({1})",
        "等待不可用的 Pod 数（{0}）降到 maxUnavailable（{1}）以内",
    ),
    (
        "Saved state \"{0}\" could not be used ({1}); it was kept aside as \"{2}\" and a fresh session started.",
        "保存的状态“{0}”无法使用（{1}）；它已另存为“{2}”，并开始了新的会话。",
    ),
    ("it was saved by another version", "它由另一个版本保存"),
    ("version {0} instead of {1}", "版本为 {0}，而不是 {1}"),
    ("unreadable: {0}", "无法读取：{0}"),
    (
        "This link's session could not be opened: {0}. The default example was opened instead; nothing saved in this browser was changed.",
        "无法打开此链接中的会话：{0}。已改为打开默认示例；此浏览器中保存的内容没有改动。",
    ),
    // Why a link or file did not open (`crate::sim::session::saved::OpenError`).
    ("this is not an Ordinal session ({0})", "这不是 Ordinal 的会话（{0}）"),
    ("the link has no session in it", "链接中没有会话"),
    ("no format version", "没有格式版本号"),
    (
        "the session was saved by a newer Ordinal (format {0}; this one reads up to {1})",
        "该会话由更新版本的 Ordinal 保存（格式 {0}；此版本最多能读取格式 {1}）",
    ),
    (
        "the link is damaged: an invalid character at position {0} of its data",
        "链接已损坏：其数据的第 {0} 个位置有无效字符",
    ),
    (
        "the link is damaged or cut short: its data does not unpack ({0})",
        "链接已损坏或被截断：其数据无法解压（{0}）",
    ),
    ("the session inside is damaged: {0}", "其中的会话已损坏：{0}"),
    (
        "the session uses an example this Ordinal does not have: {0}",
        "该会话使用了此 Ordinal 没有的示例：{0}",
    ),
    // Session files (`ui::share`) and lessons (`ui::lessons`).
    ("{0} could not be opened: {1}.", "无法打开 {0}：{1}。"),
    ("{0} could not be read.", "无法读取 {0}。"),
    ("There is no bundled lesson \"{0}\".", "没有名为“{0}”的内置课程。"),
    ("Lesson not opened: {0}", "课程未打开：{0}"),
    // Files the first load leaves out (`ui::lazy`) that could not be fetched.
    (
        "Not loaded: {0}. This page was opened from a file or served without its files; serve the whole dist/ folder over HTTP to use it.",
        "未能加载：{0}。此页面是从本地文件打开的，或部署时缺少这些文件；请通过 HTTP 提供整个 dist/ 目录后再使用。",
    ),
    // A teacher's own lesson file that could not be used (`ui::lessons`).
    (
        "{0}: the id \"{1}\" is a bundled lesson's; choose another",
        "{0}：id“{1}”已被内置课程使用，请换一个",
    ),
    ("{0}: could not be read as text", "{0}：无法作为文本读取"),
    ("{0}: could not be read", "{0}：无法读取"),
    ("{0}: cannot be requested", "{0}：无法发出请求"),
    ("{0}: empty answer", "{0}：返回内容为空"),
    ("{0}: the server answered {1}", "{0}：服务器返回了 {1}"),
    (
        "lesson-url \"{0}\": only a relative path on this site is allowed (like lessons/x.yaml)",
        "lesson-url“{0}”：只允许本站点上的相对路径（如 lessons/x.yaml）",
    ),
    // Why a lesson link did not open (`crate::sim::lessons::link`).
    ("lesson link: {0}", "课程链接：{0}"),
    ("the link has no lesson in it", "链接中没有课程"),
    (
        "the lesson link was made by another Ordinal (format l{0}; this one reads l1)",
        "该课程链接由另一个版本的 Ordinal 生成（格式 l{0}；此版本读取 l1）",
    ),
    (
        "the lesson link is damaged: an invalid character at position {0} of its data",
        "课程链接已损坏：其数据的第 {0} 个位置有无效字符",
    ),
    (
        "the lesson link is damaged or cut short: its data does not unpack ({0})",
        "课程链接已损坏或被截断：其数据无法解压（{0}）",
    ),
    // A lesson file's problems (`crate::sim::lessons::parse`), after the
    // `file:line:col: ` that `translate` keeps as it is. YAML keys, kinds
    // and the teacher's values stay as written.
    ("not valid YAML: {0}", "不是有效的 YAML：{0}"),
    ("the lesson", "课程"),
    ("the lesson has no steps", "课程没有步骤"),
    ("{0} must be a mapping ({1})", "{0} 必须是映射（{1}）"),
    (
        "unknown field \"{0}\" in {1} (expected one of: {2})",
        "{1} 中有未知字段“{0}”（应为以下之一：{2}）",
    ),
    ("{0} must be a string", "{0} 必须是字符串"),
    ("{0} must be a whole number", "{0} 必须是非负整数"),
    ("{0} must be a list", "{0} 必须是列表"),
    ("{0} must be true or false", "{0} 必须是 true 或 false"),
    ("{0} needs \"{1}\"", "{0} 需要“{1}”"),
    ("missing translation: {0} is empty", "缺少翻译：{0} 为空"),
    (
        "missing translation: {0} has no \"{1}\"",
        "缺少翻译：{0} 没有“{1}”",
    ),
    (
        "id \"\" must be lower-case letters, digits and -",
        "id 不能为空：只能由小写字母、数字和 - 组成",
    ),
    (
        "id \"{0}\" must be lower-case letters, digits and -",
        "id“{0}”只能由小写字母、数字和 - 组成",
    ),
    (
        "\"{0}\" must be KIND/NAME (like statefulset/web)",
        "“{0}”必须是 KIND/NAME 形式（如 statefulset/web）",
    ),
    ("\"{0}\" has no name after the /", "“{0}”的 / 之后没有名称"),
    (
        "unknown object kind \"{0}\" (Ordinal simulates {1})",
        "未知的对象类别“{0}”（Ordinal 模拟的类别有：{1}）",
    ),
    ("bad label selector \"{0}\": {1}", "标签选择算符“{0}”无效：{1}"),
    (
        "{0} (Ordinal models: {1})",
        "{0}（Ordinal 模拟的特性门控有：{1}）",
    ),
    ("unrecognized feature gate: {0}", "无法识别的特性门控：{0}"),
    (
        "cannot set feature gate {0} to {1}, feature is locked to {2}",
        "无法将特性门控 {0} 设为 {1}：该特性已锁定为 {2}",
    ),
    (
        "step {0} has no checks: every step needs at least one",
        "第 {0} 步没有检查：每个步骤至少需要一项检查",
    ),
    ("an empty check", "空的检查"),
    (
        "unknown check kind \"{0}\" (known: {1})",
        "未知的检查类型“{0}”（已知的有：{1}）",
    ),
    (
        "a check has one kind; \"{0}\" goes in its own list item",
        "一项检查只有一种类型；“{0}”应放在单独的列表项中",
    ),
    ("`ready` is true or false", "`ready` 必须是 true 或 false"),
    (
        "unknown pod phase \"{0}\" (Pending, Running, Succeeded, Failed, Unknown)",
        "未知的 Pod 阶段“{0}”（Pending、Running、Succeeded、Failed、Unknown）",
    ),
    (
        "a {0} has no ready replicas to count",
        "{0} 没有可统计的就绪副本",
    ),
    (
        "unknown volume phase \"{0}\" (Pending, Available, Bound, Released, Failed)",
        "未知的持久卷阶段“{0}”（Pending、Available、Bound、Released、Failed）",
    ),
    (
        "`order` is a list: [pod/web-0 ready, pod/web-1 created]",
        "`order` 是一个列表：[pod/web-0 ready, pod/web-1 created]",
    ),
    ("`order` needs at least two entries", "`order` 至少需要两个条目"),
    (
        "a query needs exactly one of equals, contains, matches",
        "query 需要 equals、contains、matches 中的恰好一个",
    ),
    (
        "`count` goes with `contains` (how many times the text appears)",
        "`count` 只能与 `contains` 一起使用（表示文本出现的次数）",
    ),
    (
        "\"{0}\" must be KIND/NAME HAPPENING (like pod/web-0 ready)",
        "“{0}”必须是 KIND/NAME HAPPENING 形式（如 pod/web-0 ready）",
    ),
    (
        "unknown happening \"{0}\" (known: {1})",
        "未知的状态变化“{0}”（已知的有：{1}）",
    ),
    // What a mapping should hold (the part in brackets above).
    (
        "a lesson: id, title, summary, steps, ...",
        "课程：id、title、summary、steps 等",
    ),
    (
        "a text in English and Chinese: en: ..., zh: ...",
        "英文和中文的文本：en: ...，zh: ...",
    ),
    ("timing names in milliseconds", "各项时长的名称，以毫秒为单位"),
    ("gate names, each true or false", "特性门控名称，各为 true 或 false"),
    (
        "a step: title, text, hints, solution, checks",
        "步骤：title、text、hints、solution、checks",
    ),
    (
        "a check such as `exists: service/nginx`",
        "一项检查，如 `exists: service/nginx`",
    ),
    ("\"{0}\" takes a string or a mapping", "“{0}”接受字符串或映射"),
    ("selector and count", "selector 和 count"),
    ("object and count", "object 和 count"),
    ("name and phase", "name 和 phase"),
    (
        "kubectl and equals, contains or matches",
        "kubectl，以及 equals、contains 或 matches 之一",
    ),
];

/// Splits a template into its literal pieces and placeholder numbers:
/// `"a {0} b {1}"` gives `["a ", " b ", ""]` and `[0, 1]`.
fn pieces(template: &str) -> (Vec<&str>, Vec<usize>) {
    let mut lits = Vec::new();
    let mut slots = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        let Ok(n) = rest[open + 1..open + close].parse::<usize>() else {
            break;
        };
        lits.push(&rest[..open]);
        slots.push(n);
        rest = &rest[open + close + 1..];
    }
    lits.push(rest);
    (lits, slots)
}

/// The parts of `text` that fill `template`'s placeholders, by number, if
/// `text` is that sentence.
fn matches(template: &str, text: &str) -> Option<Vec<String>> {
    let (lits, slots) = pieces(template);
    let mut rest = text.strip_prefix(lits[0])?;
    let mut found = vec![String::new(); slots.iter().max().map_or(0, |m| m + 1)];
    for (i, slot) in slots.iter().enumerate() {
        let next = lits[i + 1];
        let end = if i + 1 == slots.len() {
            // The last part runs to the final literal, which ends the text.
            rest.strip_suffix(next)?.len()
        } else {
            rest.find(next)?
        };
        if end == 0 {
            return None;
        }
        found[*slot] = rest[..end].to_string();
        rest = &rest[end + next.len()..];
    }
    rest.is_empty().then_some(found)
}

/// `text` (a sentence from `TEMPLATES`) in `lang`; text no template
/// matches is returned as it is.
pub fn translate(lang: Lang, text: &str) -> String {
    if lang == Lang::En {
        return text.to_string();
    }
    for (en, zh) in TEMPLATES {
        if let Some(parts) = matches(en, text) {
            let parts: Vec<String> = parts.iter().map(|p| translate(lang, p)).collect();
            let refs: Vec<&str> = parts.iter().map(String::as_str).collect();
            return fill(zh, &refs);
        }
    }
    match located(text) {
        Some((place, problem)) => format!("{place}{}", translate(lang, problem)),
        None => text.to_string(),
    }
}

/// A lesson file's error, `file:line:col: problem`, split after the
/// place (which stays as it is; the problem is a template's sentence).
fn located(text: &str) -> Option<(&str, &str)> {
    text.match_indices(':').find_map(|(i, _)| {
        let digits = |s: &str| -> Option<usize> {
            let n = s.bytes().take_while(u8::is_ascii_digit).count();
            (n > 0).then_some(n)
        };
        let rest = &text[i + 1..];
        let line = digits(rest)?;
        let rest = rest[line..].strip_prefix(':')?;
        let col = digits(rest)?;
        rest[col..].strip_prefix(": ")?;
        let at = text.len() - rest.len() + col + 2;
        (i > 0).then(|| text.split_at(at))
    })
}

/// Whether `s` holds a CJK ideograph.
#[cfg(test)]
pub fn has_cjk(s: &str) -> bool {
    s.chars()
        .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c) || ('\u{3400}'..='\u{4dbf}').contains(&c))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::sort;
    use std::collections::BTreeSet;

    fn placeholders(s: &str) -> BTreeSet<usize> {
        pieces(s).1.into_iter().collect()
    }

    #[test]
    fn every_key_has_both_languages() {
        assert!(Key::ALL.len() > 50);
        for &k in Key::ALL {
            let (en, zh) = (t(Lang::En, k), t(Lang::Zh, k));
            assert!(!en.trim().is_empty(), "{k:?}: English is empty");
            assert!(!zh.trim().is_empty(), "{k:?}: Chinese is empty");
            assert_eq!(
                placeholders(en),
                placeholders(zh),
                "{k:?}: placeholders differ"
            );
            if SAME_IN_BOTH.contains(&k) {
                assert_eq!(en, zh, "{k:?} is listed as the same in both");
            } else {
                assert_ne!(en, zh, "{k:?}: Chinese is a copy of the English");
                assert!(has_cjk(zh), "{k:?}: no Chinese in {zh:?}");
                assert!(!has_cjk(en), "{k:?}: Chinese in the English {en:?}");
            }
        }
    }

    #[test]
    fn terms_follow_the_chinese_documents() {
        let all_zh: Vec<&str> = Key::ALL.iter().map(|&k| t(Lang::Zh, k)).collect();
        let templates_zh = TEMPLATES.iter().map(|(_, zh)| *zh);
        for zh in all_zh.iter().copied().chain(templates_zh) {
            // StatefulSet stays StatefulSet, as the Chinese docs write it.
            assert!(!zh.contains("有状态副本集"), "{zh}");
            assert!(!zh.contains("豆荚") && !zh.contains("容器组"), "{zh}");
        }
        assert_eq!(t(Lang::Zh, Key::Volumes), "持久卷（PV）");
        assert!(t(Lang::Zh, Key::Claims).contains("持久卷申领"));
        assert!(t(Lang::Zh, Key::StorageClasses).contains("存储类"));
    }

    #[test]
    fn choosing_the_language() {
        assert_eq!(choose(Some("zh"), Some("en"), Some("en-US")), Lang::Zh);
        assert_eq!(choose(Some("en"), Some("zh"), Some("zh-CN")), Lang::En);
        // A query that names no language of the page does not count.
        assert_eq!(choose(Some("fr"), Some("zh"), None), Lang::Zh);
        assert_eq!(choose(None, Some("zh"), Some("en-US")), Lang::Zh);
        assert_eq!(choose(None, Some("en"), Some("zh-CN")), Lang::En);
        for nav in ["zh", "zh-CN", "zh-TW", "zh-Hant-HK", "ZH_cn"] {
            assert_eq!(choose(None, None, Some(nav)), Lang::Zh, "{nav}");
        }
        for nav in ["en-GB", "de-DE", "ja", ""] {
            assert_eq!(choose(None, None, Some(nav)), Lang::En, "{nav}");
        }
        assert_eq!(choose(None, None, None), Lang::En);
        for l in Lang::ALL {
            assert_eq!(Lang::parse(l.code()), Some(l));
            assert_eq!(Lang::parse(l.html_lang()), Some(l));
        }
        assert_eq!(Lang::Zh.html_lang(), "zh-CN");
    }

    /// Every console note of the core's, in both languages: the English is
    /// the core's own (what the CLI prints), the Chinese keeps what varies.
    #[test]
    fn console_notes_in_both_languages() {
        use crate::sim::session::Note;
        let all = [
            Note::EditorBuffer { delete: false },
            Note::EditorBuffer { delete: true },
            Note::ApplyExample("web".into()),
            Note::ApplyFromHost,
            Note::SessionReset,
            Note::ReplayedTo(42),
            Note::Opened("mine.ordinal.json".into()),
            Note::LessonStarted("web".into()),
            Note::LessonOnCurrent("web".into()),
            Note::GateChanged("MaxUnavailableStatefulSet=true".into()),
            Note::Watching,
        ];
        for n in &all {
            // A new variant must be listed above (this match has no `_`).
            let arg = match n {
                Note::EditorBuffer { .. }
                | Note::ApplyFromHost
                | Note::SessionReset
                | Note::Watching => None,
                Note::GateChanged(g) => Some(g.as_str()),
                Note::ReplayedTo(_) => Some("42"),
                Note::Opened(name) => Some(name.as_str()),
                Note::ApplyExample(id) | Note::LessonStarted(id) | Note::LessonOnCurrent(id) => {
                    Some(id.as_str())
                }
            };
            assert_eq!(note(Lang::En, n), n.to_string(), "{n:?}");
            let zh = note(Lang::Zh, n);
            assert!(has_cjk(&zh), "{n:?}: {zh}");
            // A comment line in English is one in Chinese.
            assert_eq!(
                zh.starts_with("# "),
                n.to_string().starts_with("# "),
                "{n:?}: {zh}"
            );
            if let Some(a) = arg {
                assert!(zh.contains(a), "{n:?} lost {a}: {zh}");
            }
        }
        assert_eq!(
            note(Lang::Zh, &Note::ReplayedTo(7)),
            "# 时间线：会话已重放到第 7 个事件"
        );
    }

    #[test]
    fn tf_fills_placeholders_in_each_languages_order() {
        assert_eq!(
            tf(Lang::En, Key::WaitingOn, &["web-1", "why"]),
            "waiting on web-1: why"
        );
        assert_eq!(
            tf(Lang::Zh, Key::Counts, &["3", "2", "1"]),
            "期望 3 · 当前 2 · 就绪 1"
        );
    }

    #[test]
    fn templates_translate_and_keep_what_varies() {
        assert_eq!(
            translate(Lang::Zh, "waiting for web-0 to be Running and Ready"),
            "等待 web-0 进入 Running 并就绪"
        );
        assert_eq!(
            translate(
                Lang::Zh,
                "waiting for web-3 to terminate before scaling down"
            ),
            "等待 web-3 终止后再缩容"
        );
        assert_eq!(
            translate(Lang::Zh, "waiting for web-2 to terminate"),
            "等待 web-2 终止"
        );
        assert_eq!(
            translate(
                Lang::Zh,
                "waiting for web-1 to be Running and Ready before scaling down web-4"
            ),
            "等待 web-1 进入 Running 并就绪后再缩容 web-4"
        );
        // Nested: the reason inside a banner is translated too.
        assert_eq!(
            translate(
                Lang::Zh,
                "Saved state \"ordinal.v1.session\" could not be used (version 0 instead of 1); \
                 it was kept aside as \"ordinal.aside.v1.session\" and a fresh session started."
            ),
            "保存的状态“ordinal.v1.session”无法使用（版本为 0，而不是 1）；\
             它已另存为“ordinal.aside.v1.session”，并开始了新的会话。"
        );
        // A bad link's banner: the reason inside is worded too.
        assert_eq!(
            translate(
                Lang::Zh,
                "This link's session could not be opened: the link is damaged: an invalid \
                 character at position 7 of its data. The default example was opened instead; \
                 nothing saved in this browser was changed."
            ),
            "无法打开此链接中的会话：链接已损坏：其数据的第 7 个位置有无效字符。\
             已改为打开默认示例；此浏览器中保存的内容没有改动。"
        );
        let plain = "waiting for Godot";
        assert_eq!(translate(Lang::Zh, plain), plain);
        assert_eq!(
            translate(Lang::En, "waiting for web-0 to terminate"),
            "waiting for web-0 to terminate"
        );
        for (en, zh) in TEMPLATES {
            assert_eq!(placeholders(en), placeholders(zh), "{en}");
            assert!(has_cjk(zh), "{zh}");
        }
    }

    /// Every problem a lesson file can have, one broken file per message:
    /// the English is the core's (what `ordinal lesson` prints); the page
    /// words the problem in Chinese and keeps `file:line:col: `, the YAML
    /// keys and the teacher's quoted values as they are.
    #[test]
    fn lesson_file_errors_have_templates() {
        use crate::sim::lessons::parse::parse;
        use crate::sim::lessons::MINIMAL as GOOD;
        let top = |from: &str, to: &str| {
            assert!(GOOD.contains(from), "{from}");
            GOOD.replacen(from, to, 1)
        };
        let cluster = |c: &str| top("steps:", &format!("cluster:\n{c}\nsteps:"));
        let gates = |g: &str| cluster(&format!("  featureGates:\n    {g}"));
        let check = |c: &str| top("exists: service/nginx", c);
        let no_steps = GOOD.split("steps:").next().unwrap_or_default().to_string();
        let cases: Vec<String> = vec![
            "id: [unclosed\n".into(),
            "- a\n- b\n".into(),
            format!("{GOOD}titel: x\n"),
            top("id: t", "id: [a, b]"),
            top("id: t\n", ""),
            top("id: t", "id: Web_1"),
            top("id: t", "id: \"\""),
            top("title: {en: T, zh: T}", "title: T"),
            top("title: {en: T, zh: T}", "title: {en: T, zh: \" \"}"),
            top("title: {en: T, zh: T}", "title: {en: T}"),
            top("title: {en: T, zh: T}", "title: {en: T, zh: T, fr: T}"),
            no_steps.clone(),
            format!("{no_steps}steps: []\n"),
            format!("{no_steps}steps: x\n"),
            cluster("  nodes: many"),
            top("steps:", "cluster: 3\nsteps:"),
            cluster("  timings: 5"),
            cluster("  timings:\n    nap_ms: 1"),
            cluster("  featureGates: x"),
            gates("PodIndexLabel: \"true\""),
            gates("NoSuchGate: true"),
            gates("StatefulSetStartOrdinal: false"),
            top("steps:", "setup: x\nsteps:"),
            top("steps:", "setup:\n  apply: {a: b}\nsteps:"),
            format!("{no_steps}steps: [x]\n"),
            top("    solution:", "    hints: x\n    solution:"),
            top("    solution:", "    hints: [x]\n    solution:"),
            top("    solution: kubectl get pods\n", ""),
            top(
                "    checks:\n      - exists: service/nginx\n",
                "    checks: []\n",
            ),
            top(
                "    checks:\n      - exists: service/nginx\n",
                "    checks: x\n",
            ),
            check("x"),
            top("      - exists: service/nginx", "      - {}"),
            check("exist: service/nginx"),
            check("{exists: service/nginx, gone: pod/web-0}"),
            check("exists: nginx"),
            check("exists: service/"),
            check("exists: widget/nginx"),
            check("exists: [service/nginx]"),
            check("exists: {object: service/nginx, colour: red}"),
            check("pod: {name: web-0, ready: 1}"),
            check("pod: {name: web-0, phase: Up}"),
            check("spread: x"),
            check("spread: {selector: 'app in web', count: 3}"),
            check("spread: {selector: app=web}"),
            check("ready_replicas: x"),
            check("ready_replicas: {object: service/nginx, count: 1}"),
            check("pv_phase: x"),
            check("pv_phase: {name: pv-1, phase: Gone}"),
            check("order: x"),
            check("order: [pod/web-0 ready]"),
            check("order: [pod/web-0, pod/web-1 ready]"),
            check("order: [pod/web-0 born, pod/web-1 ready]"),
            check("event: x"),
            check("query: x"),
            check("query: {kubectl: get pods}"),
            check("query: {kubectl: get pods, equals: x, count: 2}"),
            check("endpoints: {service: web, ready: x}"),
            check("endpoints: {service: web, includes: [{a: b}]}"),
        ];
        // The templates `translate` uses for `text`, the nested ones too.
        fn uses(text: &str, used: &mut BTreeSet<&'static str>) -> bool {
            let found = TEMPLATES
                .iter()
                .find_map(|(en, _)| matches(en, text).map(|parts| (*en, parts)));
            let Some((en, parts)) = found else {
                return false;
            };
            used.insert(en);
            for part in parts {
                uses(&part, used);
            }
            true
        }
        let mut used = BTreeSet::new();
        for text in &cases {
            let e = parse("lessons/bad.yaml", text).expect_err(text);
            let en = e.to_string();
            assert!(
                uses(&e.message, &mut used),
                "no template for {:?}",
                e.message
            );
            // The core and the English page say it as the CLI does.
            assert_eq!(translate(Lang::En, &en), en);
            let zh = translate(Lang::Zh, &en);
            let place = format!("lessons/bad.yaml:{}:{}: ", e.line, e.column);
            let problem = zh
                .strip_prefix(&place)
                .unwrap_or_else(|| panic!("{en}: the place changed: {zh}"));
            assert!(has_cjk(problem), "{en}: {zh}");
            // Keys, paths and the teacher's values stay as written.
            for mark in ['"', '`'] {
                for kept in e.message.split(mark).skip(1).step_by(2) {
                    assert!(problem.contains(kept), "{en} lost {kept:?}: {zh}");
                }
            }
            // The banners that carry it: the problem is worded inside.
            assert_eq!(
                translate(Lang::Zh, &format!("Lesson not opened: {en}")),
                format!("课程未打开：{zh}")
            );
        }
        // A lesson link that does not open says why, in words of its own.
        for link in ["#l7.abc", "#o1.abc", "#l1.a*c", "#l1.AAAA"] {
            let e = crate::sim::lessons::link::open_link(link).expect_err(link);
            assert!(uses(&e, &mut used), "no template for {e:?}");
            let zh = translate(Lang::Zh, &e);
            assert!(zh.starts_with("课程链接："), "{e}: {zh}");
            assert!(has_cjk(&zh["课程链接：".len()..]), "{e}: {zh}");
        }
        // One broken file or link per template: none is left untried.
        let first = TEMPLATES
            .iter()
            .position(|(en, _)| *en == "lesson link: {0}")
            .expect("the lesson templates");
        for (en, _) in &TEMPLATES[first..] {
            assert!(used.contains(en), "no broken lesson here says {en:?}");
        }
        // A new error in parse.rs needs a broken file here (and a template).
        let root = env!("CARGO_MANIFEST_DIR");
        let parse_rs = std::fs::read_to_string(format!("{root}/src/sim/lessons/parse.rs"))
            .unwrap_or_else(|e| panic!("parse.rs: {e}"));
        assert_eq!(
            parse_rs.matches(".err(").count(),
            36,
            "parse.rs's error sites changed: add a broken lesson above for each new message"
        );
        // A link's and a pasted lesson's file names are kept too.
        assert_eq!(
            translate(Lang::Zh, "lesson link:4:9: an empty check"),
            "lesson link:4:9: 空的检查"
        );
        assert_eq!(
            translate(Lang::Zh, "your lesson:1:1: the lesson has no steps"),
            "your lesson:1:1: 课程没有步骤"
        );
        assert_eq!(
            translate(Lang::Zh, "lesson link: the link has no lesson in it"),
            "课程链接：链接中没有课程"
        );
    }

    /// The string literals in `source` that start with `start`, with
    /// Rust's `\"` unescaped and every `{...}` made a numbered placeholder.
    fn literals(source: &str, start: &str) -> Vec<String> {
        let needle = format!("\"{start}");
        let mut out = Vec::new();
        for (i, _) in source.match_indices(&needle) {
            let line_start = source[..i].rfind('\n').map_or(0, |n| n + 1);
            if source[line_start..i].trim_start().starts_with("//") {
                continue;
            }
            let body = &source[i + 1..];
            let mut lit = String::new();
            let mut chars = body.chars();
            while let Some(c) = chars.next() {
                match c {
                    '\\' => match chars.next() {
                        Some('"') => lit.push('"'),
                        Some('\\') => lit.push('\\'),
                        Some('\n') => {
                            // A continued line: skip the next line's indent.
                            let rest: String = chars.clone().collect();
                            let trimmed = rest.trim_start();
                            let skip = rest.chars().count() - trimmed.chars().count();
                            for _ in 0..skip {
                                chars.next();
                            }
                        }
                        Some(o) => lit.push(o),
                        None => break,
                    },
                    '"' => break,
                    c => lit.push(c),
                }
            }
            // Named and positional arguments alike become {0}, {1}, ...
            let mut numbered = String::new();
            let mut n = 0;
            let mut rest = lit.as_str();
            while let Some(open) = rest.find('{') {
                let close = rest[open..]
                    .find('}')
                    .map(|c| open + c)
                    .unwrap_or(rest.len());
                numbered.push_str(&rest[..open]);
                numbered.push_str(&format!("{{{n}}}"));
                n += 1;
                rest = &rest[(close + 1).min(rest.len())..];
            }
            numbered.push_str(rest);
            out.push(numbered);
        }
        out
    }

    /// Every sentence those layers can compose has a template: a new
    /// reason or banner in English only fails here, not silently.
    #[test]
    fn every_composed_sentence_has_a_template() {
        let root = env!("CARGO_MANIFEST_DIR");
        let read = |p: &str| {
            std::fs::read_to_string(format!("{root}/{p}")).unwrap_or_else(|e| panic!("{p}: {e}"))
        };
        // The StatefulSet controller's sources (a folder, split as upstream splits it).
        let dir = format!("{root}/src/sim/controllers/statefulset");
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{dir}: {e}"))
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "rs"))
            .collect();
        sort::sort(&mut files);
        let sts: String = files
            .iter()
            .map(|p| std::fs::read_to_string(p).unwrap_or_default())
            .collect();
        let persist = read("src/ui/persist.rs");
        let saved = read("src/sim/session/saved.rs");
        let share = read("src/ui/share.rs");
        let lessons = read("src/ui/lessons.rs");
        let lazy = read("src/ui/lazy.rs");
        let mut sentences = literals(&sts, "waiting for ");
        assert!(sentences.len() >= 9, "{sentences:?}");
        for start in [
            "Saved state",
            "it was saved by",
            "version {} instead",
            "unreadable: ",
        ] {
            let found = literals(&persist, start);
            assert!(!found.is_empty(), "persist.rs no longer says {start:?}");
            sentences.extend(found);
        }
        // Banners the page composes from other sources, by file.
        for (file, source, starts) in [
            (
                "saved.rs",
                &saved,
                &[
                    "this is not an Ordinal",
                    "the link has no session",
                    "no format version",
                    "the session was saved by",
                    "the link is damaged",
                    "the session inside",
                    "the session uses an example",
                ][..],
            ),
            ("share.rs", &share, &["{name} could not be"][..]),
            ("lazy.rs", &lazy, &["Not loaded: "][..]),
            (
                "lessons.rs",
                &lessons,
                &[
                    "There is no bundled lesson",
                    "Lesson not opened: ",
                    "{file}: the id",
                    "{name}: could not be read",
                    "{}: could not be read",
                    "{path}: ",
                    "lesson-url ",
                ][..],
            ),
        ] {
            for start in starts {
                let found = literals(source, start);
                assert!(!found.is_empty(), "{file} no longer says {start:?}");
                sentences.extend(found);
            }
        }
        for s in sentences {
            // Fill each placeholder with a distinct sample; the Chinese
            // must be a template's and keep every sample.
            let samples: Vec<String> = (0..placeholders(&s).len())
                .map(|i| format!("x{i}y"))
                .collect();
            let refs: Vec<&str> = samples.iter().map(String::as_str).collect();
            let text = fill(&s, &refs);
            let zh = translate(Lang::Zh, &text);
            assert!(has_cjk(&zh), "no template for {s:?}");
            for sample in &samples {
                assert!(zh.contains(sample.as_str()), "{s:?} lost {sample}: {zh}");
            }
        }
    }
}
