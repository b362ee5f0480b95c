//! The template parser of client-go's `util/jsonpath` (`parser.go`),
//! rule for rule: text outside `{}`; inside an action, `..` recursive
//! descent, `[?(...)]` filters, `[...]` indices, slices, unions and
//! `'quoted'` keys, `"literals"`, `.fields` (a backslash escapes the next
//! character, so `{.a\.b}` names the key `a.b`), numbers, and the
//! identifiers `range`, `end`, `true`, `false`. Errors carry client-go's
//! texts.

/// One parsed node (client-go's `Node` kinds).
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Node {
    /// Literal text: outside actions, or a quoted string inside one.
    Text(String),
    /// A `{...}` action or a sub-expression (filter side, union member).
    List(Vec<Node>),
    Field(String),
    /// `[start:end:step]`; an index `[i]` is the slice `[i:i+1]`.
    Array([Param; 3]),
    Filter {
        left: Vec<Node>,
        right: Vec<Node>,
        op: String,
    },
    Int(i64),
    Float(f64),
    Bool(bool),
    Wildcard,
    Recursive,
    Union(Vec<Vec<Node>>),
    Identifier(String),
}

/// A slice bound: `known` when given; `derived` marks the end of `[i]`.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(super) struct Param {
    pub value: i64,
    pub known: bool,
    pub derived: bool,
}

struct Parser {
    input: Vec<char>,
    pos: usize,
    start: usize,
    root: Vec<Node>,
}

/// Parses a whole template into its top-level nodes (texts and lists).
pub(super) fn parse(text: &str) -> Result<Vec<Node>, String> {
    let mut p = Parser {
        input: text.chars().collect(),
        pos: 0,
        start: 0,
        root: Vec::new(),
    };
    p.parse_text()?;
    Ok(p.root)
}

/// `parseAction`: the nodes of `{text}`'s single action.
fn parse_action(text: &str) -> Result<Vec<Node>, String> {
    let mut nodes = parse(&format!("{{{text}}}"))?;
    match nodes.first_mut() {
        Some(Node::List(l)) => Ok(std::mem::take(l)),
        _ => Ok(Vec::new()),
    }
}

const EOF: char = '\u{0}';

fn is_terminator(r: char) -> bool {
    matches!(
        r,
        ' ' | '\t' | '\r' | '\n' | EOF | '.' | ',' | '[' | ']' | '$' | '@' | '{' | '}'
    )
}

fn is_alphanumeric(r: char) -> bool {
    r == '_' || r.is_alphabetic() || r.is_numeric()
}

/// Go's `%#U`: `U+002A '*'`.
fn go_unicode(r: char) -> String {
    if r.is_control() {
        format!("U+{:04X}", r as u32)
    } else {
        format!("U+{:04X} '{r}'", r as u32)
    }
}

impl Parser {
    fn rest_starts_with(&self, s: &str) -> bool {
        (self.pos..)
            .zip(s.chars())
            .all(|(i, c)| self.input.get(i) == Some(&c))
    }

    fn next(&mut self) -> char {
        match self.input.get(self.pos) {
            Some(&c) => {
                self.pos += 1;
                c
            }
            None => {
                // Past the end: remember that nothing was read, so that
                // `backup` does not step back.
                self.pos = self.input.len() + 1;
                EOF
            }
        }
    }

    fn backup(&mut self) {
        self.pos -= 1;
    }

    fn peek(&mut self) -> char {
        let r = self.next();
        self.backup();
        r
    }

    fn consume(&mut self) -> String {
        let end = self.pos.min(self.input.len());
        let s: String = self.input[self.start.min(end)..end].iter().collect();
        self.start = self.pos;
        s
    }

    fn before(&self, back: usize) -> Option<char> {
        self.pos
            .checked_sub(back)
            .and_then(|i| self.input.get(i))
            .copied()
    }

    fn parse_text(&mut self) -> Result<(), String> {
        loop {
            if self.rest_starts_with("{") {
                if self.pos > self.start {
                    let t = self.consume();
                    self.root.push(Node::Text(t));
                }
                self.pos += 1;
                self.consume();
                let mut cur = Vec::new();
                self.parse_inside_action(&mut cur)?;
                self.root.push(Node::List(cur));
                continue;
            }
            if self.pos >= self.input.len() {
                break;
            }
            self.pos += 1;
        }
        if self.pos > self.start {
            let t = self.consume();
            self.root.push(Node::Text(t));
        }
        Ok(())
    }

    /// Scans one action up to its `}` (consumed).
    fn parse_inside_action(&mut self, cur: &mut Vec<Node>) -> Result<(), String> {
        loop {
            if self.rest_starts_with("}") {
                self.pos += 1;
                self.consume();
                return Ok(());
            }
            if self.rest_starts_with("[?(") {
                self.parse_filter(cur)?;
                continue;
            }
            if self.rest_starts_with("..") {
                self.parse_recursive(cur)?;
                continue;
            }
            let r = self.next();
            match r {
                EOF | '\r' | '\n' => return Err("unclosed action".into()),
                ' ' | '@' | '$' => {
                    self.consume();
                }
                '[' => self.parse_array(cur)?,
                '"' | '\'' => self.parse_quote(cur, r)?,
                '.' => self.parse_field(cur)?,
                '+' | '-' => {
                    self.backup();
                    self.parse_number(cur)?;
                }
                c if c.is_ascii_digit() => {
                    self.backup();
                    self.parse_number(cur)?;
                }
                c if is_alphanumeric(c) => {
                    self.backup();
                    self.parse_identifier(cur);
                }
                c => {
                    return Err(format!(
                        "unrecognized character in action: {}",
                        go_unicode(c)
                    ))
                }
            }
        }
    }

    fn parse_identifier(&mut self, cur: &mut Vec<Node>) {
        loop {
            let r = self.next();
            if is_terminator(r) {
                self.backup();
                break;
            }
        }
        let v = self.consume();
        match v.as_str() {
            "true" => cur.push(Node::Bool(true)),
            "false" => cur.push(Node::Bool(false)),
            _ => cur.push(Node::Identifier(v)),
        }
    }

    fn parse_recursive(&mut self, cur: &mut Vec<Node>) -> Result<(), String> {
        if cur.last() == Some(&Node::Recursive) {
            return Err("invalid multiple recursive descent".into());
        }
        self.pos += 2;
        self.consume();
        cur.push(Node::Recursive);
        if is_alphanumeric(self.peek()) {
            self.parse_field(cur)?;
        }
        Ok(())
    }

    fn parse_number(&mut self, cur: &mut Vec<Node>) -> Result<(), String> {
        let r = self.peek();
        if r == '+' || r == '-' {
            self.next();
        }
        loop {
            let r = self.next();
            if r != '.' && !r.is_ascii_digit() {
                self.backup();
                break;
            }
        }
        let v = self.consume();
        if let Ok(i) = v.parse::<i64>() {
            cur.push(Node::Int(i));
        } else if let Ok(f) = v.parse::<f64>() {
            cur.push(Node::Float(f));
        } else {
            return Err(format!("cannot parse number {v}"));
        }
        Ok(())
    }

    fn parse_array(&mut self, cur: &mut Vec<Node>) -> Result<(), String> {
        loop {
            match self.next() {
                EOF | '\n' => return Err("unterminated array".into()),
                ']' => break,
                _ => {}
            }
        }
        let text = self.consume();
        let mut text = text[1..text.len() - 1].to_string();
        if text == "*" {
            text = ":".into();
        }
        // Union.
        let parts: Vec<&str> = text.split(',').collect();
        if parts.len() > 1 {
            let mut union = Vec::new();
            for p in parts {
                union.push(parse_action(&format!("[{}]", p.trim_matches(' ')))?);
            }
            cur.push(Node::Union(union));
            return Ok(());
        }
        // A quoted key: `['a.b']` means the path `.a.b`.
        if text.len() >= 2
            && text.starts_with('\'')
            && text.ends_with('\'')
            && !text[1..text.len() - 1].contains('\'')
        {
            cur.extend(parse_action(&format!(".{}", &text[1..text.len() - 1]))?);
            return Ok(());
        }
        cur.push(Node::Array(slice_params(&text)?));
        Ok(())
    }

    fn parse_filter(&mut self, cur: &mut Vec<Node>) -> Result<(), String> {
        self.pos += 3;
        self.consume();
        let mut begin = false;
        let mut end = false;
        let mut pair = EOF;
        loop {
            let r = self.next();
            match r {
                EOF | '\n' => return Err("unterminated filter".into()),
                '"' | '\'' => {
                    if !begin {
                        begin = true;
                        pair = r;
                        continue;
                    }
                    if self.before(2) != Some('\\') && r == pair {
                        end = true;
                    }
                }
                ')' if begin == end => break,
                _ => {}
            }
        }
        if self.next() != ']' {
            return Err("unclosed array expect ]".into());
        }
        let text = self.consume();
        let chars: Vec<char> = text.chars().collect();
        let text: String = chars[..chars.len() - 2].iter().collect();
        match split_comparison(&text) {
            None => cur.push(Node::Filter {
                left: parse_action(&text)?,
                right: Vec::new(),
                op: "exists".into(),
            }),
            Some((l, op, r)) => cur.push(Node::Filter {
                left: parse_action(l)?,
                right: parse_action(r)?,
                op: op.to_string(),
            }),
        }
        Ok(())
    }

    fn parse_quote(&mut self, cur: &mut Vec<Node>, end: char) -> Result<(), String> {
        loop {
            match self.next() {
                EOF | '\n' => return Err("unterminated quoted string".into()),
                c if c == end && self.before(2) != Some('\\') => break,
                _ => {}
            }
        }
        let v = self.consume();
        let s = unquote_extend(&v).map_err(|e| format!("unquote string {v} error {e}"))?;
        cur.push(Node::Text(s));
        Ok(())
    }

    fn parse_field(&mut self, cur: &mut Vec<Node>) -> Result<(), String> {
        self.consume();
        // `advance`: a backslash takes the next character with it.
        loop {
            let r = self.next();
            if r == '\\' {
                self.next();
            } else if is_terminator(r) {
                self.backup();
                break;
            }
        }
        let v = self.consume();
        if v == "*" {
            cur.push(Node::Wildcard);
        } else {
            cur.push(Node::Field(v.replace('\\', "")));
        }
        Ok(())
    }
}

/// The filter's `^([^!<>=]+)([!<>=]+)(.+?)$`.
fn split_comparison(text: &str) -> Option<(&str, &str, &str)> {
    let is_op = |c: char| matches!(c, '!' | '<' | '>' | '=');
    let i = text.find(is_op)?;
    if i == 0 {
        return None;
    }
    let j = text[i..]
        .find(|c: char| !is_op(c))
        .map(|j| i + j)
        .unwrap_or(text.len());
    let right = &text[j..];
    if right.is_empty() || right.contains('\n') || text[..i].contains('\n') {
        return None;
    }
    Some((&text[..i], &text[i..j], right))
}

/// The slice operator `^(-?\d*)(:-?\d*)?(:-?\d*)?$` into three params.
fn slice_params(text: &str) -> Result<[Param; 3], String> {
    let invalid = || format!("invalid array index {text}");
    let parts: Vec<&str> = text.split(':').collect();
    if parts.len() > 3 {
        return Err(invalid());
    }
    for p in &parts {
        let digits = p.strip_prefix('-').unwrap_or(p);
        if !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(invalid());
        }
    }
    let mut params = [Param::default(); 3];
    for i in 0..3 {
        match parts.get(i) {
            Some(p) if i == 0 && p.is_empty() => {}
            Some(p) if i > 0 && p.is_empty() => {}
            Some(p) => {
                params[i].known = true;
                params[i].value = p
                    .parse::<i64>()
                    .map_err(|_| format!("array index {p} is not a number"))?;
            }
            None if i == 1 => {
                params[1] = Param {
                    value: params[0].value + 1,
                    known: true,
                    derived: true,
                };
            }
            None => {}
        }
    }
    Ok(params)
}

/// `UnquoteExtend`: Go's unquoting, for single quotes too.
fn unquote_extend(s: &str) -> Result<String, String> {
    const SYNTAX: &str = "invalid syntax";
    let chars: Vec<char> = s.chars().collect();
    let n = chars.len();
    if n < 2 || chars[0] != chars[n - 1] || !matches!(chars[0], '"' | '\'') {
        return Err(SYNTAX.into());
    }
    let quote = chars[0];
    let body = &chars[1..n - 1];
    let mut out = String::new();
    let mut i = 0;
    while i < body.len() {
        let c = body[i];
        if c == quote {
            return Err(SYNTAX.into());
        }
        if c != '\\' {
            out.push(c);
            i += 1;
            continue;
        }
        let e = *body.get(i + 1).ok_or(SYNTAX)?;
        i += 2;
        let hex = |len: usize, i: &mut usize| -> Result<char, String> {
            let h: String = body.get(*i..*i + len).ok_or(SYNTAX)?.iter().collect();
            *i += len;
            u32::from_str_radix(&h, 16)
                .ok()
                .and_then(char::from_u32)
                .ok_or_else(|| SYNTAX.to_string())
        };
        match e {
            'a' => out.push('\u{7}'),
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            'v' => out.push('\u{b}'),
            '\\' => out.push('\\'),
            'x' => out.push(hex(2, &mut i)?),
            'u' => out.push(hex(4, &mut i)?),
            'U' => out.push(hex(8, &mut i)?),
            '0'..='7' => {
                let o: String = body.get(i - 1..i + 2).ok_or(SYNTAX)?.iter().collect();
                i += 2;
                let v = u32::from_str_radix(&o, 8).map_err(|_| SYNTAX.to_string())?;
                if v > 255 {
                    return Err(SYNTAX.into());
                }
                out.push(char::from_u32(v).ok_or(SYNTAX)?);
            }
            c if c == quote => out.push(c),
            _ => return Err(SYNTAX.into()),
        }
    }
    Ok(out)
}
