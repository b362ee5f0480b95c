//! The chart's own words (title, description, row label, tooltips, legend
//! names), so a face can draw it in its reader's language. The default is
//! English, the words the CLI writes; what the cluster says (event texts,
//! kubectl's STATUS details, object names) is not a word of the chart and
//! stays as the cluster wrote it.
//!
//! Templates carry `{0}`, `{1}`, ... placeholders, filled by [`fill`].

use super::{MarkKind, Phase};

#[derive(Clone, Debug, PartialEq)]
pub struct ChartWords {
    /// `{0}` objects, `{1}` the chart's length.
    pub title: String,
    /// The `<desc>` sentence.
    pub desc: String,
    /// The label of the user commands' row (also in the table).
    pub commands: String,
    /// A mark's tooltip: `{0}` kind, `{1}` time, `{2}` the event's text.
    pub mark: String,
    /// Appended to a wait's tooltip: `{0}` its end, `{1}` how long.
    pub mark_until: String,
    /// A span's tooltip: `{0}` row, `{1}` phase, `{2}` start, `{3}` end,
    /// `{4}` how long.
    pub span: String,
    /// The end of a span that goes on.
    pub now: String,
    /// A replaced pod's break: `{0}` row, `{1}` time.
    pub replaced: String,
    /// A collapsed group's heading: `{0}` label, `{1}` objects.
    pub collapsed: String,
    /// Phase names, in [`Phase::ALL`] order.
    pub phases: [String; Phase::ALL.len()],
    /// Mark kind names, in [`MarkKind::ALL`] order.
    pub marks: [String; MarkKind::ALL.len()],
}

impl ChartWords {
    pub fn phase(&self, p: Phase) -> &str {
        &self.phases[p.index()]
    }

    pub fn mark_kind(&self, k: MarkKind) -> &str {
        &self.marks[k.index()]
    }
}

impl Default for ChartWords {
    fn default() -> ChartWords {
        ChartWords {
            title: "Lifecycle chart: {0} objects over {1} of virtual time".into(),
            desc: "One row per pod and per claim, in ordinal order within each owner; x is virtual time. Each phase has a colour, a fill pattern and its name in the bar where it fits. Marks: user commands (triangles), faults (crosses), controller waits (hourglasses, with a line for how long), refused evictions (diamonds). A table of the same data goes with it.".into(),
            commands: "commands".into(),
            mark: "{0} at {1}: {2}".into(),
            mark_until: " (until {0}, {1})".into(),
            span: "{0}: {1} from {2} to {3} ({4})".into(),
            now: "now".into(),
            replaced: "{0}: replaced at {1} (a new pod, a new uid)".into(),
            collapsed: "▸ {0} ({1} objects, collapsed)".into(),
            phases: Phase::ALL.map(|p| p.name().to_string()),
            marks: MarkKind::ALL.map(|k| k.name().to_string()),
        }
    }
}

/// `template` with `{0}`, `{1}`, ... replaced by `args`, in one pass (an
/// argument holding `{1}` stays as it is).
pub fn fill(template: &str, args: &[&str]) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let tail = &rest[i + 1..];
        let arg = tail.find('}').and_then(|j| {
            let n: usize = tail[..j].parse().ok()?;
            Some((args.get(n)?, j))
        });
        match arg {
            Some((a, j)) => {
                out.push_str(a);
                rest = &tail[j + 1..];
            }
            None => {
                out.push('{');
                rest = tail;
            }
        }
    }
    out.push_str(rest);
    out
}
