//! The chart as SVG: one string, byte for byte the same for the same
//! chart and options (fixed-precision numbers, no clock, no randomness).
//!
//! Each phase has a colour and a fill pattern (hatching, dots, lines) and
//! its name is written in the bar where it fits, so it reads in print and
//! without colour; the legend names both. Spans and marks carry `<title>`
//! tooltips; marks are focusable (`tabindex`) and carry `data-seq`, the
//! event index a face scrubs to.

use super::{fill, fmt_time, Chart, ChartWords, Mark, MarkKind, Phase, Row};
use crate::sim::sort;
use std::fmt::Write;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Theme {
    #[default]
    Light,
    Dark,
}

impl Theme {
    pub fn parse(s: &str) -> Option<Theme> {
        match s {
            "light" => Some(Theme::Light),
            "dark" => Some(Theme::Dark),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct SvgOptions {
    pub theme: Theme,
    /// Total width in pixels (at least [`SvgOptions::MIN_WIDTH`]).
    pub width: u32,
    /// A vertical line at this virtual time (the scrub position).
    pub cursor: Option<u64>,
    /// Prefix of the ids inside the SVG, so two charts can share a page.
    pub id_prefix: String,
    /// The chart's words (English by default, as the CLI writes them).
    pub words: ChartWords,
}

impl SvgOptions {
    pub const MIN_WIDTH: u32 = 480;
    pub const DEFAULT_WIDTH: u32 = 960;
}

impl Default for SvgOptions {
    fn default() -> SvgOptions {
        SvgOptions {
            theme: Theme::Light,
            width: SvgOptions::DEFAULT_WIDTH,
            cursor: None,
            id_prefix: "oc".into(),
            words: ChartWords::default(),
        }
    }
}

const LABEL_W: f64 = 170.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 48.0;
const ROW_H: f64 = 18.0;
const BAR_H: f64 = 12.0;
const GROUP_H: f64 = 20.0;
const CHAR_W: f64 = 6.2;
/// The width of a wide (CJK) character at the chart's font size.
const WIDE_W: f64 = 11.0;

/// About how wide `s` is drawn: CJK characters take a full em.
fn text_w(s: &str) -> f64 {
    s.chars()
        .map(|c| if is_wide(c) { WIDE_W } else { CHAR_W })
        .sum()
}

fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6)
}

/// Where virtual time falls across the plot, for a chart drawn `width`
/// pixels wide: what a face needs to turn a click into a time.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Geometry {
    pub x0: f64,
    pub x1: f64,
    pub end: u64,
}

impl Geometry {
    pub fn new(chart: &Chart, width: u32) -> Geometry {
        let w = f64::from(width.max(SvgOptions::MIN_WIDTH));
        Geometry {
            x0: LABEL_W,
            x1: w - RIGHT,
            end: chart.end.max(1),
        }
    }

    pub fn x(&self, t: u64) -> f64 {
        self.x0 + (self.x1 - self.x0) * (t.min(self.end) as f64 / self.end as f64)
    }

    /// The virtual time at `x` (clamped to the plot).
    pub fn time_at(&self, x: f64) -> u64 {
        let f = ((x - self.x0) / (self.x1 - self.x0)).clamp(0.0, 1.0);
        (f * self.end as f64).round() as u64
    }
}

#[derive(Clone, Copy)]
enum Fill {
    Solid,
    Diagonal,
    BackDiagonal,
    Dots,
    Horizontal,
    Vertical,
    Cross,
}

/// Colour, ink (pattern strokes) and fill pattern of a phase. Patterns are
/// distinct among pod phases and among claim phases.
fn style(p: Phase, theme: Theme) -> (&'static str, &'static str, Fill) {
    let dark = theme == Theme::Dark;
    let (light_c, dark_c, fill) = match p {
        Phase::Pending => (
            ("#f5d77a", "#8a6500"),
            ("#6b5300", "#e3b341"),
            Fill::Diagonal,
        ),
        Phase::Creating => (("#b6d4fe", "#0550ae"), ("#1c3f73", "#79b8ff"), Fill::Dots),
        Phase::Running => (
            ("#b7e8c4", "#1a7f37"),
            ("#1f4d2c", "#56d364"),
            Fill::Horizontal,
        ),
        Phase::Ready => (("#2da44e", "#2da44e"), ("#2ea043", "#2ea043"), Fill::Solid),
        Phase::Terminating => (("#ffc1c0", "#a40e26"), ("#6e1d21", "#ff7b72"), Fill::Cross),
        Phase::Succeeded => (
            ("#d0d7de", "#57606a"),
            ("#373e47", "#adbac7"),
            Fill::Vertical,
        ),
        Phase::Failed => (
            ("#ff8182", "#82071e"),
            ("#8e1519", "#ffa198"),
            Fill::BackDiagonal,
        ),
        Phase::Available => (
            ("#e2d4ff", "#6639ba"),
            ("#3c2a6e", "#d2a8ff"),
            Fill::Vertical,
        ),
        Phase::Bound => (("#8250df", "#8250df"), ("#8957e5", "#8957e5"), Fill::Solid),
        Phase::Released => (
            ("#eddcff", "#6639ba"),
            ("#3c2a6e", "#d2a8ff"),
            Fill::Horizontal,
        ),
        Phase::Lost => (
            ("#ff8182", "#82071e"),
            ("#8e1519", "#ffa198"),
            Fill::BackDiagonal,
        ),
    };
    let (c, ink) = if dark { dark_c } else { light_c };
    (c, ink, fill)
}

struct Palette {
    bg: &'static str,
    fg: &'static str,
    muted: &'static str,
    grid: &'static str,
    fault: &'static str,
    wait: &'static str,
    cursor: &'static str,
}

fn palette(theme: Theme) -> Palette {
    match theme {
        Theme::Light => Palette {
            bg: "#ffffff",
            fg: "#1f2328",
            muted: "#59636e",
            grid: "#d8dee4",
            fault: "#cf222e",
            wait: "#9a6700",
            cursor: "#0969da",
        },
        Theme::Dark => Palette {
            bg: "#0d1117",
            fg: "#e6edf3",
            muted: "#9198a1",
            grid: "#30363d",
            fault: "#ff7b72",
            wait: "#e3b341",
            cursor: "#58a6ff",
        },
    }
}

fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c if (c as u32) < 0x20 && c != '\n' && c != '\t' => o.push(' '),
            c => o.push(c),
        }
    }
    o
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let t: String = s.chars().take(max.saturating_sub(1)).collect();
        format!("{t}…")
    }
}

/// A tick step giving labels at least ~70 px apart.
fn tick_step(g: &Geometry) -> u64 {
    const STEPS: [u64; 17] = [
        100, 200, 500, 1_000, 2_000, 5_000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000,
        600_000, 900_000, 1_800_000, 3_600_000, 7_200_000,
    ];
    let px_per_ms = (g.x1 - g.x0) / g.end as f64;
    STEPS
        .iter()
        .copied()
        .find(|s| *s as f64 * px_per_ms >= 70.0)
        .unwrap_or(g.end)
}

fn tick_label(ms: u64) -> String {
    let s = fmt_time(ms);
    match s.strip_suffix("m00s") {
        Some(m) => format!("{m}m"),
        None => s,
    }
}

fn pattern(out: &mut String, id: &str, color: &str, ink: &str, fill: Fill) {
    let _ = write!(
        out,
        r#"<pattern id="{id}" width="6" height="6" patternUnits="userSpaceOnUse"{}><rect width="6" height="6" fill="{color}"/>"#,
        match fill {
            Fill::Diagonal | Fill::Cross => r#" patternTransform="rotate(45)""#,
            Fill::BackDiagonal => r#" patternTransform="rotate(-45)""#,
            _ => "",
        }
    );
    let body = match fill {
        Fill::Solid => String::new(),
        Fill::Diagonal | Fill::BackDiagonal | Fill::Vertical => {
            format!(r#"<line x1="3" y1="0" x2="3" y2="6" stroke="{ink}" stroke-width="1.5"/>"#)
        }
        Fill::Horizontal => {
            format!(r#"<line x1="0" y1="3" x2="6" y2="3" stroke="{ink}" stroke-width="1.5"/>"#)
        }
        Fill::Cross => format!(
            r#"<line x1="3" y1="0" x2="3" y2="6" stroke="{ink}" stroke-width="1.2"/><line x1="0" y1="3" x2="6" y2="3" stroke="{ink}" stroke-width="1.2"/>"#
        ),
        Fill::Dots => format!(r#"<circle cx="3" cy="3" r="1.3" fill="{ink}"/>"#),
    };
    out.push_str(&body);
    out.push_str("</pattern>");
}

/// The phases and mark kinds the chart uses, for the legend.
fn used(chart: &Chart) -> (Vec<Phase>, Vec<MarkKind>) {
    let mut phases = [false; Phase::ALL.len()];
    let mut marks: Vec<MarkKind> = chart.inputs.iter().map(|m| m.kind).collect();
    for g in &chart.groups {
        for r in &g.rows {
            for seg in &r.segments {
                for s in &seg.spans {
                    phases[s.phase.index()] = true;
                }
            }
            marks.extend(r.marks.iter().map(|m| m.kind));
        }
    }
    sort::sort(&mut marks);
    marks.dedup();
    let phases = Phase::ALL
        .iter()
        .zip(phases)
        .filter(|(_, u)| *u)
        .map(|(p, _)| *p)
        .collect();
    (phases, marks)
}

fn mark_shape(out: &mut String, kind: MarkKind, x: f64, y: f64) {
    let _ = match kind {
        MarkKind::Input => write!(
            out,
            r#"<path class="m-input" d="M{:.1} {:.1}h8l-4 7z"/>"#,
            x - 4.0,
            y - 4.0
        ),
        MarkKind::Fault => write!(
            out,
            r#"<path class="m-fault" d="M{:.1} {:.1}l8 8M{:.1} {:.1}l-8 8"/>"#,
            x - 4.0,
            y - 4.0,
            x + 4.0,
            y - 4.0
        ),
        MarkKind::Wait => write!(
            out,
            r#"<path class="m-wait" d="M{:.1} {:.1}h7l-7 8h7z"/>"#,
            x - 3.5,
            y - 4.0
        ),
        MarkKind::EvictionRefused => write!(
            out,
            r#"<rect class="m-refused" x="{:.1}" y="{:.1}" width="7" height="7" transform="rotate(45 {:.1} {:.1})"/>"#,
            x - 3.5,
            y - 3.5,
            x,
            y
        ),
    };
}

fn mark(out: &mut String, m: &Mark, who: &str, g: &Geometry, y: f64, w: &ChartWords) {
    let x = g.x(m.time);
    let mut title = fill(&w.mark, &[w.mark_kind(m.kind), &fmt_time(m.time), &m.text]);
    if !who.is_empty() {
        title = format!("{who}: {title}");
    }
    if let Some(e) = m.end {
        title.push_str(&fill(
            &w.mark_until,
            &[&fmt_time(e), &fmt_time(e.saturating_sub(m.time))],
        ));
    }
    let _ = write!(
        out,
        r#"<g class="mark {}" tabindex="0" data-seq="{}" data-t="{}"><title>{}</title>"#,
        m.kind.id(),
        m.seq,
        m.time,
        esc(&title)
    );
    if m.kind == MarkKind::Wait {
        let x2 = g.x(m.end.unwrap_or(g.end));
        if x2 > x {
            let _ = write!(
                out,
                r#"<line class="waitline" x1="{x:.1}" y1="{:.1}" x2="{x2:.1}" y2="{:.1}"/>"#,
                y + BAR_H / 2.0 + 1.5,
                y + BAR_H / 2.0 + 1.5
            );
        }
    }
    mark_shape(out, m.kind, x, y);
    out.push_str("</g>");
}

fn row(out: &mut String, r: &Row, p: &str, g: &Geometry, y: f64, w: &ChartWords) {
    let label = r.label();
    let _ = write!(
        out,
        r#"<g class="row" data-object="{}"><text class="name" x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
        esc(&format!("{}/{}", r.key.kind, r.key.name)),
        LABEL_W - 8.0,
        y + 4.0,
        esc(&truncate(&label, 26))
    );
    let top = y - BAR_H / 2.0;
    for (n, seg) in r.segments.iter().enumerate() {
        let replaced = n > 0 && r.count == 1;
        for s in &seg.spans {
            let mut x1 = g.x(s.start);
            let x2 = g.x(s.end);
            if replaced && s.start == seg.start {
                x1 += 2.0;
            }
            if x2 - x1 < 0.5 {
                continue;
            }
            let until = if seg.open && s.end == seg.end {
                w.now.clone()
            } else {
                fmt_time(s.end)
            };
            let name = w.phase(s.phase);
            // The label is the cluster's word: compared with the English name.
            let what = if s.label.is_empty() || s.phase.name().contains(s.label.as_str()) {
                name.to_string()
            } else {
                format!("{name} ({})", s.label)
            };
            let tip = fill(
                &w.span,
                &[
                    &label,
                    &what,
                    &fmt_time(s.start),
                    &until,
                    &fmt_time(s.end - s.start),
                ],
            );
            let _ = write!(
                out,
                r#"<rect class="span {}" x="{x1:.1}" y="{top:.1}" width="{:.1}" height="{BAR_H}" fill="url(#{p}-{})" data-t="{}"><title>{}</title></rect>"#,
                s.phase.id(),
                x2 - x1,
                s.phase.id(),
                s.start,
                esc(&tip),
            );
            let text = if r.count > 1 { name } else { s.label.as_str() };
            let text = if text_w(text) + 6.0 <= x2 - x1 {
                Some(text)
            } else if text_w(name) + 6.0 <= x2 - x1 {
                Some(name)
            } else {
                None
            };
            if let Some(t) = text {
                let _ = write!(
                    out,
                    r#"<text class="lbl" x="{:.1}" y="{:.1}">{}</text>"#,
                    x1 + 3.0,
                    y + 3.5,
                    esc(t)
                );
            }
        }
        if replaced {
            let x = g.x(seg.start);
            let _ = write!(
                out,
                r#"<line class="break" x1="{x:.1}" y1="{:.1}" x2="{x:.1}" y2="{:.1}"><title>{}</title></line>"#,
                y - ROW_H / 2.0 + 1.0,
                y + ROW_H / 2.0 - 1.0,
                esc(&fill(&w.replaced, &[&label, &fmt_time(seg.start)])),
            );
        }
    }
    for m in &r.marks {
        mark(out, m, &label, g, y, w);
    }
    out.push_str("</g>");
}

/// Draws the chart.
pub fn render(chart: &Chart, opts: &SvgOptions) -> String {
    let width = opts.width.max(SvgOptions::MIN_WIDTH);
    let g = Geometry::new(chart, width);
    let pal = palette(opts.theme);
    let p = esc(&opts.id_prefix);
    let w = &opts.words;
    let (phases, mark_kinds) = used(chart);
    // Legend: items laid out left to right, wrapping.
    let mut lx = 8.0;
    let mut ly = 0.0;
    let items: Vec<(Option<Phase>, Option<MarkKind>, &str)> = phases
        .iter()
        .map(|ph| (Some(*ph), None, w.phase(*ph)))
        .chain(mark_kinds.iter().map(|m| (None, Some(*m), w.mark_kind(*m))))
        .collect();
    let mut legend_items = Vec::new();
    for (ph, mk, name) in &items {
        let iw = 22.0 + text_w(name) + 14.0;
        if lx + iw > f64::from(width) - 8.0 && lx > 8.0 {
            lx = 8.0;
            ly += 18.0;
        }
        legend_items.push((lx, ly, *ph, *mk, *name));
        lx += iw;
    }
    let rows: usize = chart.groups.iter().map(|gr| gr.rows.len()).sum();
    let plot_h = ROW_H + chart.groups.len() as f64 * GROUP_H + rows as f64 * ROW_H;
    let legend_top = TOP + plot_h + 14.0;
    let height = legend_top + ly + 26.0;

    let mut out = String::with_capacity(4096 + rows * 600);
    let objects: usize = chart.groups.iter().map(|gr| gr.size).sum();
    let title = fill(&w.title, &[&objects.to_string(), &fmt_time(chart.end)]);
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="ordinal-chart" width="{width}" height="{height:.0}" viewBox="0 0 {width} {height:.0}" role="img" aria-labelledby="{p}-title {p}-desc">"#
    );
    let _ = write!(
        out,
        r#"<title id="{p}-title">{}</title><desc id="{p}-desc">{}</desc>"#,
        esc(&title),
        esc(&w.desc)
    );
    let _ = write!(
        out,
        "<style>.ordinal-chart{{font-family:ui-sans-serif,system-ui,-apple-system,'Segoe UI',sans-serif;font-size:11px}}\
.ordinal-chart text{{fill:{fg}}}.ordinal-chart .muted,.ordinal-chart .tick{{fill:{muted}}}\
.ordinal-chart .grid{{stroke:{grid};stroke-width:1}}.ordinal-chart .guide{{stroke:{muted};stroke-width:1;stroke-dasharray:2 3;opacity:.6}}\
.ordinal-chart .group{{font-weight:600}}.ordinal-chart .span{{stroke:{bg};stroke-width:.5}}\
.ordinal-chart .lbl{{font-size:10px;paint-order:stroke;stroke:{bg};stroke-width:3px;stroke-linejoin:round}}\
.ordinal-chart .break{{stroke:{fg};stroke-width:2}}.ordinal-chart .m-input{{fill:{fg}}}\
.ordinal-chart .m-fault{{stroke:{fault};stroke-width:2.2;fill:none}}.ordinal-chart .m-wait{{fill:{wait};stroke:{bg};stroke-width:.8}}\
.ordinal-chart .waitline{{stroke:{wait};stroke-width:2;stroke-dasharray:3 2}}.ordinal-chart .m-refused{{fill:{fault};stroke:{bg};stroke-width:.8}}\
.ordinal-chart .cursor{{stroke:{cursor};stroke-width:2}}.ordinal-chart .mark:focus{{outline:2px solid {cursor}}}</style>",
        fg = pal.fg,
        muted = pal.muted,
        grid = pal.grid,
        bg = pal.bg,
        fault = pal.fault,
        wait = pal.wait,
        cursor = pal.cursor,
    );
    out.push_str("<defs>");
    for ph in Phase::ALL {
        let (c, ink, fill) = style(ph, opts.theme);
        pattern(&mut out, &format!("{p}-{}", ph.id()), c, ink, fill);
    }
    out.push_str("</defs>");
    let _ = write!(
        out,
        r#"<rect width="{width}" height="{height:.0}" fill="{}"/>"#,
        pal.bg
    );
    let _ = write!(
        out,
        r#"<text class="heading" x="8" y="16" font-weight="600">{}</text>"#,
        esc(&title)
    );
    // Axis: ticks and grid lines down the plot.
    let step = tick_step(&g);
    let plot_bottom = TOP + plot_h;
    out.push_str(r#"<g class="axis">"#);
    let mut t = 0;
    while t <= g.end {
        let x = g.x(t);
        let anchor = if x > g.x1 - 16.0 { "end" } else { "middle" };
        let _ = write!(
            out,
            r#"<line class="grid" x1="{x:.1}" y1="{:.1}" x2="{x:.1}" y2="{plot_bottom:.1}"/><text class="tick" x="{x:.1}" y="{:.1}" text-anchor="{anchor}">{}</text>"#,
            TOP - 12.0,
            TOP - 16.0,
            tick_label(t)
        );
        t += step;
    }
    out.push_str("</g>");
    // Commands: a row of their own, with a guide line down the plot.
    let mut y = TOP + ROW_H / 2.0;
    let _ = write!(
        out,
        r#"<g class="row inputs"><text class="name muted" x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
        LABEL_W - 8.0,
        y + 4.0,
        esc(&w.commands)
    );
    for m in &chart.inputs {
        if m.kind == MarkKind::Input {
            let x = g.x(m.time);
            let _ = write!(
                out,
                r#"<line class="guide" x1="{x:.1}" y1="{:.1}" x2="{x:.1}" y2="{plot_bottom:.1}"/>"#,
                y + 4.0
            );
        }
        mark(&mut out, m, "", &g, y, w);
    }
    out.push_str("</g>");
    y += ROW_H / 2.0;
    for gr in &chart.groups {
        let mut label = gr.label.clone();
        if gr.collapsed {
            label = fill(&w.collapsed, &[&label, &gr.size.to_string()]);
        }
        let _ = write!(
            out,
            r#"<g class="group-rows" data-group="{}"><text class="group" x="8" y="{:.1}">{}</text>"#,
            esc(&gr.id),
            y + GROUP_H - 6.0,
            esc(&truncate(&label, 60))
        );
        y += GROUP_H;
        for r in &gr.rows {
            row(&mut out, r, &p, &g, y + ROW_H / 2.0, w);
            y += ROW_H;
        }
        out.push_str("</g>");
    }
    if let Some(c) = opts.cursor {
        let x = g.x(c);
        let _ = write!(
            out,
            r#"<line class="cursor" x1="{x:.1}" y1="{:.1}" x2="{x:.1}" y2="{plot_bottom:.1}"><title>{}</title></line>"#,
            TOP - 12.0,
            fmt_time(c)
        );
    }
    // Legend.
    out.push_str(r#"<g class="legend">"#);
    for (x, ly, ph, mk, name) in legend_items {
        let yy = legend_top + ly;
        match (ph, mk) {
            (Some(ph), _) => {
                let _ = write!(
                    out,
                    r#"<rect x="{x:.1}" y="{:.1}" width="18" height="{BAR_H}" fill="url(#{p}-{})" stroke="{}" stroke-width=".5"/>"#,
                    yy - BAR_H / 2.0,
                    ph.id(),
                    pal.muted
                );
            }
            (None, Some(k)) => mark_shape(&mut out, k, x + 9.0, yy),
            _ => {}
        }
        let _ = write!(
            out,
            r#"<text x="{:.1}" y="{:.1}">{}</text>"#,
            x + 22.0,
            yy + 4.0,
            esc(name)
        );
    }
    out.push_str("</g></svg>\n");
    out
}
