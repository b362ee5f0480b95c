//! Where keys are in a YAML document: a light scan of block-style lines
//! that maps field paths (`spec.template.spec.containers[0].image`) to
//! their line and column, so semantic errors can point at the offending
//! key. serde_yaml parses; this only locates.

use std::collections::HashMap;

/// One step of a field path.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// Prints a path the way kubectl and the API server do: `a.b[0].c`.
pub fn path_string(path: &[Seg]) -> String {
    let mut s = String::new();
    for seg in path {
        match seg {
            Seg::Key(k) => {
                if !s.is_empty() {
                    s.push('.');
                }
                s.push_str(k);
            }
            Seg::Index(i) => {
                s.push_str(&format!("[{i}]"));
            }
        }
    }
    s
}

struct Frame {
    indent: usize,
    path: Vec<Seg>,
    seq: bool,
    count: usize,
    last_key: Option<String>,
    /// A sequence item whose mapping starts on a later line (`-` alone).
    floating: bool,
}

/// Key positions of one document. Lines are 1-based in the whole text.
#[derive(Default, Debug)]
pub struct Positions {
    map: HashMap<Vec<Seg>, (usize, usize)>,
    /// The document's lines with their global line numbers (for fallbacks).
    lines: Vec<(usize, String)>,
    pub first_line: usize,
    /// Unquoted scalar values on their key's (or item's) line, raw.
    plain: Vec<(Vec<Seg>, String)>,
}

impl Positions {
    /// The position of `path`, or of its nearest located ancestor, or the
    /// document's first line.
    pub fn locate(&self, path: &[Seg]) -> (usize, usize) {
        for n in (1..=path.len()).rev() {
            if let Some(p) = self.map.get(&path[..n]) {
                return *p;
            }
            // JSON or flow style: look for the quoted key text.
            if n == path.len() {
                if let Some(Seg::Key(k)) = path.last() {
                    let needle = format!("\"{k}\"");
                    let after = self.locate_prefix(&path[..n - 1]).0;
                    if let Some((l, c)) = self
                        .lines
                        .iter()
                        .filter(|(l, _)| *l >= after)
                        .find_map(|(l, t)| t.find(&needle).map(|c| (*l, c + 1)))
                    {
                        return (l, c);
                    }
                }
            }
        }
        (self.first_line, 1)
    }

    fn locate_prefix(&self, path: &[Seg]) -> (usize, usize) {
        for n in (1..=path.len()).rev() {
            if let Some(p) = self.map.get(&path[..n]) {
                return *p;
            }
        }
        (self.first_line, 1)
    }

    /// Unquoted one-line scalars with their paths (`spec.replicas` → `3`).
    pub fn plain_scalars(&self) -> &[(Vec<Seg>, String)] {
        &self.plain
    }

    /// The plain value of a column-1 key (`kind: Service` → `Service`),
    /// read from the lines, for documents YAML could not parse.
    pub fn top_value(&self, key: &str) -> Option<String> {
        self.lines.iter().find_map(|(_, t)| {
            if t.starts_with(' ') {
                return None;
            }
            let (k, v) = split_key(t.trim_end())?;
            (k == key && !v.is_empty())
                .then(|| strip_comment(v).trim_matches(['"', '\'']).to_string())
        })
    }

    /// The key lines at column 1, in order: `(line, key, value is empty)`.
    pub fn top_level(&self) -> Vec<(usize, String, bool)> {
        let mut out = Vec::new();
        let mut in_block = false;
        for (l, text) in &self.lines {
            let indent = text.len() - text.trim_start_matches(' ').len();
            let t = text.trim();
            if t.is_empty() || t.starts_with('#') {
                continue;
            }
            if indent > 0 {
                continue;
            }
            if in_block {
                in_block = false;
            }
            if let Some((k, v)) = split_key(t) {
                let v = strip_comment(v);
                if v.starts_with('|') || v.starts_with('>') {
                    in_block = true;
                }
                out.push((*l, k, v.is_empty()));
            }
        }
        out
    }
}

/// Splits `key: value` (or `key:`) outside quotes; `None` when the line is
/// not a mapping entry.
pub fn split_key(t: &str) -> Option<(String, &str)> {
    if t.starts_with('{') || t.starts_with('[') || t.starts_with('#') {
        return None;
    }
    let (key, rest) = if let Some(q) = t.chars().next().filter(|c| *c == '"' || *c == '\'') {
        let end = t[1..].find(q)? + 1;
        (t[1..end].to_string(), &t[end + 1..])
    } else {
        let mut idx = None;
        let bytes = t.as_bytes();
        for i in 0..bytes.len() {
            if bytes[i] == b':' && (i + 1 == bytes.len() || bytes[i + 1] == b' ') {
                idx = Some(i);
                break;
            }
            if bytes[i] == b' ' && i + 1 < bytes.len() && bytes[i + 1] == b'#' {
                return None;
            }
        }
        let i = idx?;
        (t[..i].trim_end().to_string(), &t[i..])
    };
    let rest = rest.trim_start();
    let rest = rest.strip_prefix(':')?;
    if !rest.is_empty() && !rest.starts_with(' ') {
        return None;
    }
    Some((key, rest.trim()))
}

fn strip_comment(v: &str) -> &str {
    if v.starts_with('#') {
        return "";
    }
    match v.find(" #") {
        Some(i) if !v.starts_with('"') && !v.starts_with('\'') => v[..i].trim_end(),
        _ => v,
    }
}

fn record_plain(out: &mut Vec<(Vec<Seg>, String)>, path: Vec<Seg>, value: &str) {
    let v = strip_comment(value).trim();
    let special = [
        '"', '\'', '[', '{', '|', '>', '&', '*', '!', '%', '@', '`', '#',
    ];
    if !v.is_empty() && !v.starts_with(special) {
        out.push((path, v.to_string()));
    }
}

/// Scans one document's lines (`first_line` is the global number of the first).
pub fn scan(lines: &[&str], first_line: usize) -> Positions {
    let mut pos = Positions {
        first_line,
        lines: lines
            .iter()
            .enumerate()
            .map(|(i, l)| (first_line + i, l.to_string()))
            .collect(),
        ..Positions::default()
    };
    let mut stack = vec![Frame {
        indent: 0,
        path: vec![],
        seq: false,
        count: 0,
        last_key: None,
        floating: false,
    }];
    // Lines deeper than this belong to a block scalar.
    let mut block_scalar: Option<usize> = None;
    for (n, raw) in lines.iter().enumerate() {
        let line_no = first_line + n;
        let indent = raw.len() - raw.trim_start_matches(' ').len();
        let t = raw.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        if let Some(b) = block_scalar {
            if indent > b {
                continue;
            }
            block_scalar = None;
        }
        let mut i = indent;
        let mut rest = t;
        let mut last_item: Option<Vec<Seg>> = None;
        // Sequence items, possibly nested on one line (`- - a`).
        loop {
            if rest == "-" || rest.starts_with("- ") {
                while stack.len() > 1 && stack.last().is_some_and(|f| f.indent > i) {
                    stack.pop();
                }
                let top = stack.last_mut().expect("root frame stays");
                if !(top.seq && top.indent == i) {
                    let mut path = top.path.clone();
                    if !top.seq {
                        if let Some(k) = &top.last_key {
                            path.push(Seg::Key(k.clone()));
                        }
                    }
                    stack.push(Frame {
                        indent: i,
                        path,
                        seq: true,
                        count: 0,
                        last_key: None,
                        floating: false,
                    });
                }
                let seq = stack.last_mut().expect("just pushed");
                let mut item = seq.path.clone();
                item.push(Seg::Index(seq.count));
                seq.count += 1;
                pos.map.entry(item.clone()).or_insert((line_no, i + 1));
                last_item = Some(item.clone());
                let after = &rest[1..];
                let extra = after.len() - after.trim_start().len();
                rest = after.trim_start();
                let j = i + 1 + extra;
                if rest.is_empty() {
                    stack.push(Frame {
                        indent: i + 1,
                        path: item,
                        seq: false,
                        count: 0,
                        last_key: None,
                        floating: true,
                    });
                    break;
                }
                if rest == "-" || rest.starts_with("- ") {
                    stack.push(Frame {
                        indent: j,
                        path: item,
                        seq: true,
                        count: 0,
                        last_key: None,
                        floating: false,
                    });
                    // The nested item is the first of the new sequence.
                    let f = stack.last_mut().expect("pushed");
                    f.count = 0;
                    // Re-enter the loop at the nested dash without
                    // re-pushing: mark by continuing with i = j.
                    i = j;
                    continue;
                }
                stack.push(Frame {
                    indent: j,
                    path: item,
                    seq: false,
                    count: 0,
                    last_key: None,
                    floating: false,
                });
                i = j;
            }
            break;
        }
        if rest.is_empty() {
            continue;
        }
        let Some((key, value)) = split_key(rest) else {
            if let Some(item) = last_item {
                record_plain(&mut pos.plain, item, rest);
            }
            continue;
        };
        while stack.len() > 1
            && stack
                .last()
                .is_some_and(|f| f.indent > i && !f.floating || (f.indent == i && f.seq))
        {
            stack.pop();
        }
        let top = stack.last_mut().expect("root frame stays");
        if top.floating && top.last_key.is_none() {
            top.indent = i;
            top.floating = false;
        }
        if top.indent < i {
            let mut path = top.path.clone();
            if let Some(k) = &top.last_key {
                path.push(Seg::Key(k.clone()));
            }
            stack.push(Frame {
                indent: i,
                path,
                seq: false,
                count: 0,
                last_key: None,
                floating: false,
            });
        }
        let top = stack.last_mut().expect("frame");
        let mut p = top.path.clone();
        p.push(Seg::Key(key.clone()));
        pos.map.entry(p.clone()).or_insert((line_no, i + 1));
        record_plain(&mut pos.plain, p, value);
        top.last_key = Some(key);
        let v = strip_comment(value);
        if v.starts_with('|') || v.starts_with('>') {
            block_scalar = Some(i);
        }
    }
    pos
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(p: &str) -> Vec<Seg> {
        let mut out = vec![];
        for part in p.split('.') {
            if let Some((k, rest)) = part.split_once('[') {
                out.push(Seg::Key(k.into()));
                out.push(Seg::Index(rest.trim_end_matches(']').parse().unwrap()));
            } else {
                out.push(Seg::Key(part.into()));
            }
        }
        out
    }

    #[test]
    fn locates_nested_keys_and_items() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\nspec:\n  containers:\n  - name: a\n    image: b\n    args: |\n      image: no\n  - name: c\n    ports:\n      - containerPort: 80\n        name: web\n";
        let lines: Vec<&str> = text.lines().collect();
        let p = scan(&lines, 10);
        assert_eq!(p.locate(&seg("metadata.name")), (13, 3));
        assert_eq!(p.locate(&seg("spec.containers[0].image")), (17, 5));
        assert_eq!(p.locate(&seg("spec.containers[1].name")), (20, 5));
        assert_eq!(p.locate(&seg("spec.containers[1].ports[0].name")), (23, 9));
        // Unknown paths fall back to the nearest ancestor.
        assert_eq!(p.locate(&seg("spec.containers[1].nope")), (20, 3));
        assert_eq!(
            path_string(&seg("spec.containers[1].ports[0].name")),
            "spec.containers[1].ports[0].name"
        );
    }

    #[test]
    fn sequences_at_the_parent_indent() {
        let text = "spec:\n  ports:\n  - port: 80\n    name: web\n  clusterIP: None\n";
        let lines: Vec<&str> = text.lines().collect();
        let p = scan(&lines, 1);
        assert_eq!(p.locate(&seg("spec.ports[0].name")), (4, 5));
        assert_eq!(p.locate(&seg("spec.clusterIP")), (5, 3));
    }
}
