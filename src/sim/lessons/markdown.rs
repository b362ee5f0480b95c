//! The Markdown subset of lesson texts, parsed into blocks the faces render
//! as text (never as HTML): paragraphs, bullet and numbered lists, fenced
//! code blocks, and inside them `code`, *emphasis* and **strong**. Anything
//! else, raw HTML included, stays literal text.

/// A run of text inside a paragraph or list item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Inline {
    Text(String),
    Code(String),
    Emphasis(String),
    Strong(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Block {
    Paragraph(Vec<Inline>),
    List {
        ordered: bool,
        items: Vec<Vec<Inline>>,
    },
    Code(String),
}

fn list_item(line: &str) -> Option<(bool, &str)> {
    let t = line.trim_start();
    if let Some(rest) = t.strip_prefix("- ").or_else(|| t.strip_prefix("* ")) {
        return Some((false, rest));
    }
    let digits = t.chars().take_while(|c| c.is_ascii_digit()).count();
    if digits > 0 {
        if let Some(rest) = t[digits..].strip_prefix(". ") {
            return Some((true, rest));
        }
    }
    None
}

/// Wide (CJK) characters, between which a line break is no space.
fn wide(c: char) -> bool {
    matches!(c, '\u{2E80}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{FF00}'..='\u{FFEF}')
}

/// Joins a paragraph's lines as a browser would lay them out: a space
/// between words, none where a Chinese line breaks.
fn join_lines(lines: &[String]) -> String {
    let mut out = String::new();
    for l in lines {
        join_onto(&mut out, l.trim());
    }
    out
}

/// Appends a trimmed line to joined text, as `join_lines` joins them.
fn join_onto(out: &mut String, l: &str) {
    let gap = match (out.chars().last(), l.chars().next()) {
        (Some(a), Some(b)) => !(wide(a) || wide(b)),
        _ => false,
    };
    if gap {
        out.push(' ');
    }
    out.push_str(l);
}

/// Parses the subset into blocks.
pub fn parse(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut para: Vec<String> = Vec::new();
    let mut list: Option<(bool, Vec<String>)> = None;
    let mut lines = text.lines();
    fn flush(
        blocks: &mut Vec<Block>,
        para: &mut Vec<String>,
        list: &mut Option<(bool, Vec<String>)>,
    ) {
        if !para.is_empty() {
            blocks.push(Block::Paragraph(inlines(&join_lines(para))));
            para.clear();
        }
        if let Some((ordered, items)) = list.take() {
            blocks.push(Block::List {
                ordered,
                items: items.iter().map(|i| inlines(i)).collect(),
            });
        }
    }
    while let Some(line) = lines.next() {
        let t = line.trim();
        if t.starts_with("```") {
            flush(&mut blocks, &mut para, &mut list);
            let mut code = Vec::new();
            for l in lines.by_ref() {
                if l.trim_start().starts_with("```") {
                    break;
                }
                code.push(l);
            }
            blocks.push(Block::Code(code.join("\n")));
            continue;
        }
        if t.is_empty() {
            flush(&mut blocks, &mut para, &mut list);
            continue;
        }
        if let Some((ordered, rest)) = list_item(line) {
            if !para.is_empty() || list.as_ref().is_some_and(|(o, _)| *o != ordered) {
                flush(&mut blocks, &mut para, &mut list);
            }
            list.get_or_insert_with(|| (ordered, Vec::new()))
                .1
                .push(rest.trim().to_string());
            continue;
        }
        match list.as_mut() {
            // An indented line continues the last item.
            // (Items are stored trimmed: appending in place joins as
            // `join_lines` would, without copying the item per line.)
            Some((_, items)) if line.starts_with(' ') => {
                if let Some(last) = items.last_mut() {
                    join_onto(last, t);
                }
            }
            _ => {
                if list.is_some() {
                    flush(&mut blocks, &mut para, &mut list);
                }
                para.push(t.to_string());
            }
        }
    }
    flush(&mut blocks, &mut para, &mut list);
    blocks
}

/// Inline code, strong and emphasis; an unclosed marker is literal.
pub fn inlines(text: &str) -> Vec<Inline> {
    let mut out: Vec<Inline> = Vec::new();
    let mut plain = String::new();
    let mut rest = text;
    let push_plain = |out: &mut Vec<Inline>, plain: &mut String| {
        if !plain.is_empty() {
            out.push(Inline::Text(std::mem::take(plain)));
        }
    };
    while let Some(c) = rest.chars().next() {
        let (marker, make): (&str, fn(String) -> Inline) = match c {
            '`' => ("`", Inline::Code),
            '*' if rest.starts_with("**") => ("**", Inline::Strong),
            '*' | '_' => (if c == '*' { "*" } else { "_" }, Inline::Emphasis),
            _ => {
                // The plain run up to the next marker, at once.
                let end = rest.find(['`', '*', '_']).unwrap_or(rest.len());
                plain.push_str(&rest[..end]);
                rest = &rest[end..];
                continue;
            }
        };
        let body = &rest[marker.len()..];
        match body.find(marker) {
            // `_` inside words (snake_case) stays literal.
            Some(end) if end > 0 && !(marker == "_" && plain.ends_with(char::is_alphanumeric)) => {
                push_plain(&mut out, &mut plain);
                out.push(make(body[..end].to_string()));
                rest = &body[end + marker.len()..];
            }
            _ => {
                plain.push_str(marker);
                rest = body;
            }
        }
    }
    push_plain(&mut out, &mut plain);
    out
}

/// Blocks as plain terminal text: code indented four spaces, list items
/// with `-` or their number, inline code in backquotes.
pub fn to_plain(blocks: &[Block]) -> String {
    let line = |inl: &[Inline]| -> String {
        inl.iter()
            .map(|i| match i {
                Inline::Text(t) | Inline::Emphasis(t) | Inline::Strong(t) => t.clone(),
                Inline::Code(c) => format!("`{c}`"),
            })
            .collect()
    };
    let mut parts = Vec::new();
    for b in blocks {
        parts.push(match b {
            Block::Paragraph(i) => line(i),
            Block::List { ordered, items } => items
                .iter()
                .enumerate()
                .map(|(n, i)| {
                    if *ordered {
                        format!("{}. {}", n + 1, line(i))
                    } else {
                        format!("- {}", line(i))
                    }
                })
                .collect::<Vec<_>>()
                .join("\n"),
            Block::Code(c) => c
                .lines()
                .map(|l| format!("    {l}"))
                .collect::<Vec<_>>()
                .join("\n"),
        });
    }
    parts.join("\n\n")
}
