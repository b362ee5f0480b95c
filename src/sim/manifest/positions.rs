//! Where keys are in a YAML document: a light scan of block-style lines
//! that maps field paths (`spec.template.spec.containers[0].image`) to
//! their line and column, so semantic errors can point at the offending
//! key. serde_yaml parses; this only locates.

use crate::sim::sort;
use std::cell::OnceCell;
use std::collections::BTreeMap;

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
    /// The frame's path, as a node of `Positions::nodes`.
    node: usize,
    seq: bool,
    count: usize,
    /// The node of the last key met in this (mapping) frame.
    last_key: Option<usize>,
    /// A sequence item whose mapping starts on a later line (`-` alone).
    floating: bool,
}

/// One located path: a trie node, so that a path costs one step per
/// segment, however deep the document nests (a path per line would make
/// the scan quadratic in the depth).
#[derive(Debug)]
struct Node {
    parent: usize,
    seg: Option<Seg>,
    at: (usize, usize),
    keys: BTreeMap<String, usize>,
    /// Items are numbered from 0 in order, so a list of their nodes.
    items: Vec<usize>,
}

/// Key positions of one document. Lines are 1-based in the whole text.
#[derive(Debug)]
pub struct Positions {
    /// Node 0 is the document root (the empty path, never located).
    nodes: Vec<Node>,
    /// The document's lines joined by `\n` (for fallbacks), and where
    /// each starts in it.
    text: String,
    starts: Vec<usize>,
    pub first_line: usize,
    /// Unquoted scalar values on their key's (or item's) line, raw.
    plain: Vec<(usize, String)>,
    /// `top_level`, computed once (each object of a `List` asks).
    top: OnceCell<Vec<(usize, String, bool)>>,
    /// `top_value("kind")`, computed once.
    kind: OnceCell<Option<String>>,
    /// Every text between two consecutive `"` of `text`, as the offsets of
    /// its two quotes, sorted by the text (the same text in order of
    /// offset): where a quoted key can be.
    quoted: OnceCell<Vec<(usize, usize)>>,
}

impl Default for Positions {
    fn default() -> Self {
        Positions {
            nodes: vec![Node {
                parent: 0,
                seg: None,
                at: (0, 0),
                keys: BTreeMap::new(),
                items: Vec::new(),
            }],
            text: String::new(),
            starts: Vec::new(),
            first_line: 0,
            plain: Vec::new(),
            top: OnceCell::new(),
            kind: OnceCell::new(),
            quoted: OnceCell::new(),
        }
    }
}

impl Positions {
    /// The node of `parent`'s key `key`, made at `at` the first time.
    fn key(&mut self, parent: usize, key: &str, at: (usize, usize)) -> usize {
        if let Some(&id) = self.nodes[parent].keys.get(key) {
            return id;
        }
        let id = self.push(parent, Seg::Key(key.to_string()), at);
        self.nodes[parent].keys.insert(key.to_string(), id);
        id
    }

    /// The node of `parent`'s item `index`, made at `at` the first time.
    fn item(&mut self, parent: usize, index: usize, at: (usize, usize)) -> usize {
        if let Some(&id) = self.nodes[parent].items.get(index) {
            return id;
        }
        // Items are recorded in order: a sequence counts from 0 and
        // the first to reach `index` recorded every item before it.
        debug_assert_eq!(self.nodes[parent].items.len(), index);
        let id = self.push(parent, Seg::Index(index), at);
        self.nodes[parent].items.push(id);
        id
    }

    fn push(&mut self, parent: usize, seg: Seg, at: (usize, usize)) -> usize {
        self.nodes.push(Node {
            parent,
            seg: Some(seg),
            at,
            keys: BTreeMap::new(),
            items: Vec::new(),
        });
        self.nodes.len() - 1
    }

    fn child(&self, node: usize, seg: &Seg) -> Option<usize> {
        let n = &self.nodes[node];
        match seg {
            Seg::Key(k) => n.keys.get(k.as_str()).copied(),
            Seg::Index(i) => n.items.get(*i).copied(),
        }
    }

    /// The path of a node, from the root.
    fn path(&self, mut node: usize) -> Vec<Seg> {
        let mut out = Vec::new();
        while let Some(seg) = &self.nodes[node].seg {
            out.push(seg.clone());
            node = self.nodes[node].parent;
        }
        out.reverse();
        out
    }

    /// How many leading segments of `path` are located, and the position
    /// of the longest such prefix (every located path's prefixes are
    /// located too).
    fn deepest(&self, path: &[Seg]) -> (usize, Option<(usize, usize)>) {
        let mut node = 0;
        let mut at = None;
        for (depth, seg) in path.iter().enumerate() {
            match self.child(node, seg) {
                Some(c) => {
                    node = c;
                    at = Some(self.nodes[c].at);
                }
                None => return (depth, at),
            }
        }
        (path.len(), at)
    }

    /// The position of `path`, or of its nearest located ancestor, or the
    /// document's first line.
    pub fn locate(&self, path: &[Seg]) -> (usize, usize) {
        let (depth, at) = self.deepest(path);
        if depth == path.len() {
            if let Some(p) = at {
                return p;
            }
        } else if let Some(Seg::Key(k)) = path.last() {
            // JSON or flow style: look for the quoted key text after the
            // nearest located ancestor.
            let after = at.map_or(self.first_line, |p| p.0);
            if let Some(found) = self.find_quoted(after, k) {
                return found;
            }
        }
        at.unwrap_or((self.first_line, 1))
    }

    /// The lines with their global numbers.
    fn lines(&self) -> impl Iterator<Item = (usize, &str)> {
        let n = self.first_line;
        self.text
            .split('\n')
            .take(self.starts.len())
            .enumerate()
            .map(move |(i, t)| (n + i, t))
    }

    /// The first `"key"` within a line, from line `after` on: (line,
    /// 1-based byte column). A key without quotes or line breaks is looked
    /// up among the texts between consecutive quotes, indexed once: a
    /// document with many misplaced keys costs no search per key.
    fn find_quoted(&self, after: usize, key: &str) -> Option<(usize, usize)> {
        if key.contains('\n') {
            return None;
        }
        let from = *self.starts.get(after.checked_sub(self.first_line)?)?;
        let at = if key.contains('"') {
            from + self.text[from..].find(&format!("\"{key}\""))?
        } else {
            let between = |&(open, close): &(usize, usize)| &self.text[open + 1..close];
            let quoted = self.quoted.get_or_init(|| {
                let quotes: Vec<usize> = self.text.match_indices('"').map(|(i, _)| i).collect();
                let mut spans: Vec<(usize, usize)> =
                    quotes.windows(2).map(|w| (w[0], w[1])).collect();
                sort::sort_by(&mut spans, |a, b| between(a).cmp(between(b)));
                spans
            });
            let same = &quoted[quoted.partition_point(|s| between(s) < key)..];
            let same = &same[..same.partition_point(|s| between(s) == key)];
            same.get(same.partition_point(|s| s.0 < from))?.0
        };
        let i = self.starts.partition_point(|s| *s <= at) - 1;
        Some((self.first_line + i, at - self.starts[i] + 1))
    }

    /// Unquoted one-line scalars whose raw text `keep` accepts, with their
    /// paths (`spec.replicas` → `3`), in the document's order.
    pub fn plain_scalars(&self, keep: impl Fn(&str) -> bool) -> Vec<(Vec<Seg>, &str)> {
        self.plain
            .iter()
            .filter(|(_, raw)| keep(raw))
            .map(|(node, raw)| (self.path(*node), raw.as_str()))
            .collect()
    }

    /// The plain value of a column-1 key (`kind: Service` → `Service`),
    /// read from the lines, for documents YAML could not parse.
    pub fn top_value(&self, key: &str) -> Option<String> {
        if key == "kind" {
            return self.kind.get_or_init(|| self.find_top_value(key)).clone();
        }
        self.find_top_value(key)
    }

    fn find_top_value(&self, key: &str) -> Option<String> {
        self.lines().find_map(|(_, t)| {
            if t.starts_with(' ') {
                return None;
            }
            let (k, v) = split_key(t.trim_end())?;
            (k == key && !v.is_empty())
                .then(|| strip_comment(v).trim_matches(['"', '\'']).to_string())
        })
    }

    /// The key lines at column 1, in order: `(line, key, value is empty)`.
    pub fn top_level(&self) -> &[(usize, String, bool)] {
        self.top.get_or_init(|| self.find_top_level())
    }

    fn find_top_level(&self) -> Vec<(usize, String, bool)> {
        let mut out = Vec::new();
        let mut in_block = false;
        for (l, text) in self.lines() {
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
                out.push((l, k, v.is_empty()));
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

fn record_plain(out: &mut Vec<(usize, String)>, node: usize, value: &str) {
    let v = strip_comment(value).trim();
    let special = [
        '"', '\'', '[', '{', '|', '>', '&', '*', '!', '%', '@', '`', '#',
    ];
    if !v.is_empty() && !v.starts_with(special) {
        out.push((node, v.to_string()));
    }
}

/// Scans one document's lines (`first_line` is the global number of the first).
pub fn scan(lines: &[&str], first_line: usize) -> Positions {
    let mut starts = Vec::with_capacity(lines.len());
    let mut start = 0;
    for l in lines {
        starts.push(start);
        start += l.len() + 1;
    }
    let mut pos = Positions {
        first_line,
        text: lines.join("\n"),
        starts,
        ..Positions::default()
    };
    let mut stack = vec![Frame {
        indent: 0,
        node: 0,
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
        let mut last_item: Option<usize> = None;
        // Sequence items, possibly nested on one line (`- - a`).
        loop {
            if rest == "-" || rest.starts_with("- ") {
                while stack.len() > 1 && stack.last().is_some_and(|f| f.indent > i) {
                    stack.pop();
                }
                let top = stack.last_mut().expect("root frame stays");
                if !(top.seq && top.indent == i) {
                    let node = match (top.seq, top.last_key) {
                        (false, Some(k)) => k,
                        _ => top.node,
                    };
                    stack.push(Frame {
                        indent: i,
                        node,
                        seq: true,
                        count: 0,
                        last_key: None,
                        floating: false,
                    });
                }
                let seq = stack.last_mut().expect("just pushed");
                let (parent, index) = (seq.node, seq.count);
                seq.count += 1;
                let item = pos.item(parent, index, (line_no, i + 1));
                last_item = Some(item);
                let after = &rest[1..];
                let extra = after.len() - after.trim_start().len();
                rest = after.trim_start();
                let j = i + 1 + extra;
                if rest.is_empty() {
                    stack.push(Frame {
                        indent: i + 1,
                        node: item,
                        seq: false,
                        count: 0,
                        last_key: None,
                        floating: true,
                    });
                    break;
                }
                if rest == "-" || rest.starts_with("- ") {
                    // The nested item is the first of the new sequence:
                    // re-enter the loop at the nested dash with i = j.
                    stack.push(Frame {
                        indent: j,
                        node: item,
                        seq: true,
                        count: 0,
                        last_key: None,
                        floating: false,
                    });
                    i = j;
                    continue;
                }
                stack.push(Frame {
                    indent: j,
                    node: item,
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
            let node = top.last_key.unwrap_or(top.node);
            stack.push(Frame {
                indent: i,
                node,
                seq: false,
                count: 0,
                last_key: None,
                floating: false,
            });
        }
        let top = stack.last_mut().expect("frame");
        let node = pos.key(top.node, &key, (line_no, i + 1));
        record_plain(&mut pos.plain, node, value);
        top.last_key = Some(node);
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
    fn json_keys_are_found_quoted_after_their_located_ancestor() {
        let text = "spec:\n  a: {\"x\": 1}\n  b: {\"y\": \"x\", \"x\": 2, \"q\\\"\": 3}\n";
        let lines: Vec<&str> = text.lines().collect();
        let p = scan(&lines, 5);
        // Flow mappings are not scanned: the key is searched from its
        // nearest located ancestor on, at its first quoted occurrence.
        assert_eq!(p.locate(&seg("spec.a.x")), (6, 7));
        // The value "x" comes first: a quirk kept (the key is rarely a value).
        assert_eq!(p.locate(&seg("spec.b.x")), (7, 12));
        assert_eq!(p.locate(&seg("spec.b.y")), (7, 7));
        assert_eq!(p.locate(&seg("spec.b.q\\\"")), (7, 25));
        // Not found: the nearest ancestor.
        assert_eq!(p.locate(&seg("spec.b.z")), (7, 3));
        assert_eq!(p.locate(&seg("nope")), (5, 1));
        let deep: String = (0..300).map(|i| format!("{:1$}k{i}:\n", "", i)).collect();
        let lines: Vec<&str> = deep.lines().collect();
        let p = scan(&lines, 1);
        assert_eq!(p.locate(&seg("k0.k1.k2")), (3, 3));
        let path: Vec<Seg> = (0..300).map(|i| Seg::Key(format!("k{i}"))).collect();
        assert_eq!(p.locate(&path), (300, 300));
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
