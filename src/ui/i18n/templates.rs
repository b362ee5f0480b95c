//! The sentences other layers compose in English, and how the page finds
//! them in a text to translate it.

use super::{fill, Lang};

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
        "\"{0}\" beside \"{1}\" is not a check kind: a check's fields go in a mapping under its kind",
        "“{0}”与“{1}”并列，但它不是检查类型：检查的字段应写在其类型下的映射中",
    ),
    (
        "`order` needs \"entries\": a list like [pod/web-0 ready, pod/web-1 created]",
        "`order` 需要“entries”：一个列表，如 [pod/web-0 ready, pod/web-1 created]",
    ),
    (
        "unknown happening \"{0}\" (known: {1}); happenings are lower case: {2}",
        "未知的状态变化“{0}”（已知的有：{1}）；状态变化用小写：{2}",
    ),
    // A setup script's or a solution's line that `ordinal run` refuses.
    ("{0}, script line {1}: {2}", "{0}，脚本第 {1} 行：{2}"),
    (
        "unknown directive \"{0}\" (expected kubectl, sleep, fault or # comment)",
        "未知的指令“{0}”（应为 kubectl、sleep、fault 或 # 注释）",
    ),
    (
        "invalid duration \"{0}\" (use 500ms, 30s, 2m)",
        "无效的时长“{0}”（请写成 500ms、30s、2m 这样）",
    ),
    (
        "fault needs a target (e.g. fault pod web-1 delete)",
        "fault 需要一个目标（例如 fault pod web-1 delete）",
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
pub(super) fn pieces(template: &str) -> (Vec<&str>, Vec<usize>) {
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
pub(super) fn matches(template: &str, text: &str) -> Option<Vec<String>> {
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
