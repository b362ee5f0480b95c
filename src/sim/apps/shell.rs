//! A small POSIX-ish shell: enough for the one-liners the docs run through
//! `sh -c` / `bash -c`: `;`, `&&`, `||`, pipes, `>`/`>>`/`<`, `2>&1`,
//! quoting, `$VAR`, `$(...)`, backticks, `$((...))`, `for`, `while`,
//! `until`, `if`. Words are kept raw by the parser and expanded when run,
//! so loop variables work.

#[derive(Clone, Debug, PartialEq)]
pub enum Tok {
    Word(String),
    Op(&'static str),
}

// `flush!` resets `in_word` even where nothing reads it afterwards.
#[allow(unused_assignments)]
pub fn lex(src: &str) -> Result<Vec<Tok>, String> {
    let c: Vec<char> = src.chars().collect();
    let mut toks = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut i = 0;
    macro_rules! flush {
        () => {
            if in_word {
                toks.push(Tok::Word(std::mem::take(&mut word)));
                in_word = false;
            }
        };
    }
    while i < c.len() {
        let ch = c[i];
        match ch {
            ' ' | '\t' | '\r' => {
                flush!();
                i += 1;
            }
            '\\' if c.get(i + 1) == Some(&'\n') => i += 2,
            '\n' | ';' => {
                flush!();
                toks.push(Tok::Op(";"));
                i += 1;
            }
            '#' if !in_word => {
                while i < c.len() && c[i] != '\n' {
                    i += 1;
                }
            }
            '&' => {
                flush!();
                if c.get(i + 1) == Some(&'&') {
                    toks.push(Tok::Op("&&"));
                    i += 2;
                } else {
                    toks.push(Tok::Op("&"));
                    i += 1;
                }
            }
            '|' => {
                flush!();
                if c.get(i + 1) == Some(&'|') {
                    toks.push(Tok::Op("||"));
                    i += 2;
                } else {
                    toks.push(Tok::Op("|"));
                    i += 1;
                }
            }
            '>' | '<' => {
                // `2>` and `2>&1` when the word so far is just the fd.
                let fd2 = in_word && word == "2";
                if fd2 {
                    word.clear();
                } else {
                    flush!();
                }
                in_word = false;
                let rest: String = c[i..c.len().min(i + 4)].iter().collect();
                let (op, n): (&'static str, usize) = if ch == '<' {
                    ("<", 1)
                } else if fd2 && rest.starts_with(">&1") {
                    ("2>&1", 3)
                } else if fd2 && rest.starts_with(">>") {
                    ("2>>", 2)
                } else if fd2 {
                    ("2>", 1)
                } else if rest.starts_with(">&2") {
                    (">&2", 3)
                } else if rest.starts_with(">>") {
                    (">>", 2)
                } else {
                    (">", 1)
                };
                toks.push(Tok::Op(op));
                i += n;
            }
            '(' if !in_word => {
                toks.push(Tok::Op("("));
                i += 1;
            }
            ')' => {
                flush!();
                toks.push(Tok::Op(")"));
                i += 1;
            }
            _ => {
                in_word = true;
                let start = i;
                i = skip_unit(&c, i, 0)?;
                word.extend(&c[start..i]);
            }
        }
    }
    flush!();
    Ok(toks)
}

/// How deep quotes, substitutions, groups and compound commands may nest
/// in a script. Running stops at 64 levels anyway ("recursion too deep");
/// the limit keeps the parser, which recurses, within a page's stack.
/// Ordinal's limit: busybox and dash recurse until they crash.
const MAX_NESTING: usize = 200;

const TOO_DEEP: &str = "syntax error: nested too deeply";

/// Skips one quoted/escaped/substituted unit or plain character.
fn skip_unit(c: &[char], i: usize, depth: usize) -> Result<usize, String> {
    if depth > MAX_NESTING {
        return Err(TOO_DEEP.into());
    }
    match c[i] {
        '\'' => {
            let end = c[i + 1..]
                .iter()
                .position(|&x| x == '\'')
                .ok_or("unterminated quoted string")?;
            Ok(i + end + 2)
        }
        '"' => {
            let mut j = i + 1;
            while j < c.len() {
                match c[j] {
                    '\\' => j += 2,
                    '"' => return Ok(j + 1),
                    '$' if c.get(j + 1) == Some(&'(') => j = skip_parens(c, j + 1, depth + 1)?,
                    '`' => j = skip_backtick(c, j)?,
                    _ => j += 1,
                }
            }
            Err("unterminated quoted string".into())
        }
        '\\' => Ok((i + 2).min(c.len())),
        '$' if c.get(i + 1) == Some(&'(') => skip_parens(c, i + 1, depth + 1),
        '$' if c.get(i + 1) == Some(&'{') => {
            let end = c[i..]
                .iter()
                .position(|&x| x == '}')
                .ok_or("bad substitution")?;
            Ok(i + end + 1)
        }
        '`' => skip_backtick(c, i),
        _ => Ok(i + 1),
    }
}

fn skip_backtick(c: &[char], i: usize) -> Result<usize, String> {
    let end = c[i + 1..]
        .iter()
        .position(|&x| x == '`')
        .ok_or("unexpected EOF while looking for matching ``'")?;
    Ok(i + end + 2)
}

/// From an opening `(`, past its matching `)`, minding quotes.
fn skip_parens(c: &[char], open: usize, nest: usize) -> Result<usize, String> {
    let mut depth = 0;
    let mut j = open;
    while j < c.len() {
        match c[j] {
            '(' => {
                depth += 1;
                j += 1;
            }
            ')' => {
                depth -= 1;
                j += 1;
                if depth == 0 {
                    return Ok(j);
                }
            }
            '\'' | '"' | '\\' | '`' => j = skip_unit(c, j, nest + 1)?,
            _ => j += 1,
        }
    }
    Err("unexpected EOF while looking for matching `)'".into())
}

#[derive(Clone, Debug, PartialEq)]
pub struct Redir {
    pub op: &'static str,
    pub target: String,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Cmd {
    Simple {
        words: Vec<String>,
        redirs: Vec<Redir>,
    },
    For {
        var: String,
        items: Vec<String>,
        body: List,
    },
    While {
        cond: List,
        body: List,
        until: bool,
    },
    If {
        cond: List,
        then: List,
        els: Option<List>,
    },
    Group(List),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Pipeline {
    pub negate: bool,
    pub cmds: Vec<Cmd>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct AndOr {
    pub first: Pipeline,
    /// `(true, p)` for `&& p`, `(false, p)` for `|| p`.
    pub rest: Vec<(bool, Pipeline)>,
}

pub type List = Vec<AndOr>;

pub fn parse(src: &str) -> Result<List, String> {
    let toks = lex(src)?;
    let mut p = Parser {
        toks,
        pos: 0,
        depth: 0,
    };
    let list = p.list(&[])?;
    if p.pos < p.toks.len() {
        return Err(format!(
            "syntax error near unexpected token `{}'",
            p.show(p.pos)
        ));
    }
    Ok(list)
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
    /// Lists and `elif`s open (see `MAX_NESTING`).
    depth: usize,
}

impl Parser {
    fn show(&self, i: usize) -> String {
        match self.toks.get(i) {
            Some(Tok::Word(w)) => w.clone(),
            Some(Tok::Op(o)) => o.to_string(),
            None => "newline".into(),
        }
    }

    fn peek_word(&self) -> Option<&str> {
        match self.toks.get(self.pos) {
            Some(Tok::Word(w)) => Some(w),
            _ => None,
        }
    }

    fn peek_op(&self) -> Option<&'static str> {
        match self.toks.get(self.pos) {
            Some(Tok::Op(o)) => Some(o),
            _ => None,
        }
    }

    fn skip_seps(&mut self) {
        while matches!(self.peek_op(), Some(";") | Some("&")) {
            self.pos += 1;
        }
    }

    fn expect_word(&mut self, w: &str) -> Result<(), String> {
        self.skip_seps();
        if self.peek_word() == Some(w) {
            self.pos += 1;
            Ok(())
        } else {
            Err(format!(
                "syntax error near unexpected token `{}'",
                self.show(self.pos)
            ))
        }
    }

    /// A compound command's list, which bash refuses empty: `while do`,
    /// `do done`, `then fi`, `else fi`, `( )` are syntax errors naming the
    /// token met where a command should be (end of input: "unexpected end
    /// of file").
    fn body(&mut self, stops: &[&str]) -> Result<List, String> {
        let list = self.list(stops)?;
        if list.is_empty() {
            return Err(match self.toks.get(self.pos) {
                None => "syntax error: unexpected end of file".into(),
                Some(_) => format!(
                    "syntax error near unexpected token `{}'",
                    self.show(self.pos)
                ),
            });
        }
        Ok(list)
    }

    /// A list up to (not consuming) one of the reserved `stops` or `)`.
    fn list(&mut self, stops: &[&str]) -> Result<List, String> {
        self.depth += 1;
        let out = self.list_inner(stops);
        self.depth -= 1;
        out
    }

    fn list_inner(&mut self, stops: &[&str]) -> Result<List, String> {
        if self.depth > MAX_NESTING {
            return Err(TOO_DEEP.into());
        }
        let mut out = Vec::new();
        loop {
            self.skip_seps();
            match self.toks.get(self.pos) {
                None => break,
                Some(Tok::Op(")")) => break,
                Some(Tok::Word(w)) if stops.contains(&w.as_str()) => break,
                _ => {}
            }
            out.push(self.and_or(stops)?);
        }
        Ok(out)
    }

    fn and_or(&mut self, stops: &[&str]) -> Result<AndOr, String> {
        let first = self.pipeline(stops)?;
        let mut rest = Vec::new();
        while let Some(op @ ("&&" | "||")) = self.peek_op() {
            self.pos += 1;
            while self.peek_op() == Some(";") {
                self.pos += 1;
            }
            rest.push((op == "&&", self.pipeline(stops)?));
        }
        Ok(AndOr { first, rest })
    }

    fn pipeline(&mut self, stops: &[&str]) -> Result<Pipeline, String> {
        let mut negate = false;
        if self.peek_word() == Some("!") {
            negate = true;
            self.pos += 1;
        }
        let mut cmds = vec![self.command(stops)?];
        while self.peek_op() == Some("|") {
            self.pos += 1;
            cmds.push(self.command(stops)?);
        }
        Ok(Pipeline { negate, cmds })
    }

    fn command(&mut self, stops: &[&str]) -> Result<Cmd, String> {
        match self.peek_word() {
            Some("for") => {
                self.pos += 1;
                let var = self
                    .peek_word()
                    .ok_or("syntax error: bad for loop")?
                    .to_string();
                self.pos += 1;
                let mut items = Vec::new();
                if self.peek_word() == Some("in") {
                    self.pos += 1;
                    while let Some(w) = self.peek_word() {
                        items.push(w.to_string());
                        self.pos += 1;
                    }
                }
                self.expect_word("do")?;
                let body = self.body(&["done"])?;
                self.expect_word("done")?;
                Ok(Cmd::For { var, items, body })
            }
            Some(kw @ ("while" | "until")) => {
                let until = kw == "until";
                self.pos += 1;
                let cond = self.body(&["do"])?;
                self.expect_word("do")?;
                let body = self.body(&["done"])?;
                self.expect_word("done")?;
                Ok(Cmd::While { cond, body, until })
            }
            Some("if") => {
                self.pos += 1;
                self.if_rest()
            }
            _ if self.peek_op() == Some("(") => {
                self.pos += 1;
                let l = self.body(&[])?;
                if self.peek_op() != Some(")") {
                    return Err("syntax error: unexpected end of file".into());
                }
                self.pos += 1;
                Ok(Cmd::Group(l))
            }
            _ => {
                let mut words = Vec::new();
                let mut redirs = Vec::new();
                loop {
                    match self.toks.get(self.pos) {
                        Some(Tok::Word(w)) => {
                            if words.is_empty() && stops.contains(&w.as_str()) {
                                break;
                            }
                            words.push(w.clone());
                            self.pos += 1;
                        }
                        Some(Tok::Op(op @ ("2>&1" | ">&2"))) => {
                            redirs.push(Redir {
                                op,
                                target: String::new(),
                            });
                            self.pos += 1;
                        }
                        Some(Tok::Op(op @ (">" | ">>" | "<" | "2>" | "2>>"))) => {
                            let op = *op;
                            self.pos += 1;
                            let Some(Tok::Word(t)) = self.toks.get(self.pos) else {
                                return Err(format!(
                                    "syntax error near unexpected token `{}'",
                                    self.show(self.pos)
                                ));
                            };
                            redirs.push(Redir {
                                op,
                                target: t.clone(),
                            });
                            self.pos += 1;
                        }
                        _ => break,
                    }
                }
                if words.is_empty() && redirs.is_empty() {
                    return Err(format!(
                        "syntax error near unexpected token `{}'",
                        self.show(self.pos)
                    ));
                }
                Ok(Cmd::Simple { words, redirs })
            }
        }
    }

    fn if_rest(&mut self) -> Result<Cmd, String> {
        let cond = self.body(&["then"])?;
        self.expect_word("then")?;
        let then = self.body(&["elif", "else", "fi"])?;
        self.skip_seps();
        let els = match self.peek_word() {
            Some("elif") => {
                self.pos += 1;
                self.depth += 1;
                if self.depth > MAX_NESTING {
                    return Err(TOO_DEEP.into());
                }
                let inner = self.if_rest();
                self.depth -= 1;
                Some(vec![AndOr {
                    first: Pipeline {
                        negate: false,
                        cmds: vec![inner?],
                    },
                    rest: Vec::new(),
                }])
            }
            Some("else") => {
                self.pos += 1;
                let l = self.body(&["fi"])?;
                self.expect_word("fi")?;
                Some(l)
            }
            _ => {
                self.expect_word("fi")?;
                None
            }
        };
        Ok(Cmd::If { cond, then, els })
    }
}

/// Integer arithmetic for `$((...))`: + - * / % and parentheses, on
/// 64-bit integers that wrap as bash's do.
pub fn arith(expr: &str) -> Result<i64, String> {
    let toks: Vec<char> = expr.chars().filter(|c| !c.is_whitespace()).collect();
    let mut pos = 0;
    let v = arith_sum(&toks, &mut pos, 0)?;
    if pos != toks.len() {
        return Err(format!("{expr}: syntax error in expression"));
    }
    Ok(v)
}

/// How deep parentheses and signs may nest (bash also stops at 1024).
const ARITH_MAX_DEPTH: usize = 1024;

fn arith_sum(t: &[char], pos: &mut usize, depth: usize) -> Result<i64, String> {
    let mut v = arith_prod(t, pos, depth)?;
    while let Some(&op @ ('+' | '-')) = t.get(*pos) {
        *pos += 1;
        let r = arith_prod(t, pos, depth)?;
        v = if op == '+' {
            v.wrapping_add(r)
        } else {
            v.wrapping_sub(r)
        };
    }
    Ok(v)
}

fn arith_prod(t: &[char], pos: &mut usize, depth: usize) -> Result<i64, String> {
    let mut v = arith_atom(t, pos, depth)?;
    while let Some(&op @ ('*' | '/' | '%')) = t.get(*pos) {
        *pos += 1;
        let r = arith_atom(t, pos, depth)?;
        v = match op {
            '*' => v.wrapping_mul(r),
            _ if r == 0 => return Err("division by 0".into()),
            // i64::MIN / -1: bash gives i64::MIN, and 0 for the remainder.
            '/' => v.wrapping_div(r),
            _ => v.wrapping_rem(r),
        };
    }
    Ok(v)
}

fn arith_atom(t: &[char], pos: &mut usize, depth: usize) -> Result<i64, String> {
    if depth > ARITH_MAX_DEPTH {
        return Err("expression recursion level exceeded".into());
    }
    match t.get(*pos) {
        Some('(') => {
            *pos += 1;
            let v = arith_sum(t, pos, depth + 1)?;
            if t.get(*pos) != Some(&')') {
                return Err("missing `)'".into());
            }
            *pos += 1;
            Ok(v)
        }
        Some('-') => {
            *pos += 1;
            Ok(arith_atom(t, pos, depth + 1)?.wrapping_neg())
        }
        Some(c) if c.is_ascii_digit() => {
            let start = *pos;
            while t.get(*pos).is_some_and(|c| c.is_ascii_digit()) {
                *pos += 1;
            }
            let s: String = t[start..*pos].iter().collect();
            s.parse()
                .map_err(|_| "value too great for base".to_string())
        }
        Some(_) if *pos < t.len() => {
            // An unset variable name counts as 0, as in bash.
            while t
                .get(*pos)
                .is_some_and(|c| c.is_ascii_alphanumeric() || *c == '_')
            {
                *pos += 1;
            }
            Ok(0)
        }
        _ => Err("syntax error: operand expected".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lexes_operators_and_keeps_quoted_words_raw() {
        let t = lex("echo 'a;b' \"$(hostname)\" > /x 2>&1 && ls || true").unwrap();
        assert_eq!(t[0], Tok::Word("echo".into()));
        assert_eq!(t[1], Tok::Word("'a;b'".into()));
        assert_eq!(t[2], Tok::Word("\"$(hostname)\"".into()));
        assert_eq!(t[3], Tok::Op(">"));
        assert_eq!(t[5], Tok::Op("2>&1"));
        assert_eq!(t[6], Tok::Op("&&"));
        assert_eq!(t[8], Tok::Op("||"));
    }

    #[test]
    fn parses_loops_and_conditionals() {
        let l =
            parse("for i in 0 1; do echo $i; done; if true; then echo y; else echo n; fi").unwrap();
        assert_eq!(l.len(), 2);
        assert!(
            matches!(&l[0].first.cmds[0], Cmd::For { var, items, .. } if var == "i" && items.len() == 2)
        );
        assert!(matches!(&l[1].first.cmds[0], Cmd::If { els: Some(_), .. }));
        assert!(parse("for i in 1; do echo").is_err());
    }

    /// bash refuses a compound command whose list is empty, naming the
    /// token found where a command should start (the fuzzer's `while  do
    /// …; done` looped on an empty condition, which bash never runs).
    #[test]
    fn empty_compound_lists_are_syntax_errors_as_in_bash() {
        let near = |t: &str| Err(format!("syntax error near unexpected token `{t}'"));
        for (src, want) in [
            ("while do echo x; done", near("do")),
            ("until do echo x; done", near("do")),
            ("while true; do done", near("done")),
            ("for i in a b; do done", near("done")),
            ("for i; do done", near("done")),
            ("if then echo; fi", near("then")),
            ("if true; then fi", near("fi")),
            ("if true; then else echo; fi", near("else")),
            ("if true; then elif true; then :; fi", near("elif")),
            ("if true; then :; elif then :; fi", near("then")),
            ("if true; then :; elif true; then fi", near("fi")),
            ("if true; then :; else fi", near("fi")),
            ("( )", near(")")),
            ("echo a; ( ) && echo b", near(")")),
            ("while", Err("syntax error: unexpected end of file".into())),
            (
                "while true; do",
                Err("syntax error: unexpected end of file".into()),
            ),
            (
                "if true; then",
                Err("syntax error: unexpected end of file".into()),
            ),
            ("(", Err("syntax error: unexpected end of file".into())),
        ] {
            assert_eq!(parse(src).map(|_| ()), want, "{src}");
        }
        // Not empty: each of these still parses.
        for src in [
            "while false; do :; done",
            "until true; do echo x; done",
            "for i in; do echo $i; done",
            "if true; then :; elif false; then :; else :; fi",
            "(true)",
            "echo $()",
            "",
        ] {
            assert!(parse(src).is_ok(), "{src}");
        }
    }

    /// The parser recurses once per nested group, compound command,
    /// `elif` and quoted substitution: 1,000 `(` overflowed a test thread's
    /// stack (and a page's, whose is smaller). Past `MAX_NESTING` it is a
    /// syntax error; up to it, scripts parse as before.
    #[test]
    fn deep_nesting_is_a_syntax_error_not_a_stack_overflow() {
        let n = 20_000;
        for src in [
            format!("{}true{}", "(".repeat(n), ")".repeat(n)),
            format!("{}true{}", "if true; then ".repeat(n), "; fi".repeat(n)),
            format!("{}true{}", "while true; do ".repeat(n), "; done".repeat(n)),
            format!("if false; then :; {}fi", "elif false; then :; ".repeat(n)),
            format!("echo {}", "\"$(".repeat(n)),
            format!("echo {}", "`\"$(".repeat(n)),
        ] {
            let r = parse(&src).map(|_| ());
            assert!(r == Err(TOO_DEEP.to_string()), "{}: {r:?}", &src[..40]);
        }
        // Unquoted `$(` nest without recursion (a count of parentheses);
        // running them stops at 64 levels.
        let flat = format!("echo {}x{}", "$(echo ".repeat(n), ")".repeat(n));
        assert!(parse(&flat).is_ok());
        let ok = format!("{}true{}", "(".repeat(150), ")".repeat(150));
        assert!(parse(&ok).is_ok());
        let ok = format!("echo {}x{}", "\"$(echo ".repeat(60), ")\"".repeat(60));
        assert!(parse(&ok).is_ok());
    }

    #[test]
    fn arithmetic() {
        assert_eq!(arith("100 + 2").unwrap(), 102);
        assert_eq!(arith("(3-1)*4 % 5").unwrap(), 3);
        assert!(arith("1/0").is_err());
    }

    /// Found by probing the fuzz targets: `$((9223372036854775807+1))`
    /// overflowed (a panic in a debug build); bash wraps.
    #[test]
    fn arithmetic_wraps_as_bash_does() {
        assert_eq!(arith("9223372036854775807+1"), Ok(i64::MIN));
        assert_eq!(arith("(-9223372036854775807-1)/-1"), Ok(i64::MIN));
        assert_eq!(arith("(-9223372036854775807-1)%-1"), Ok(0));
        assert_eq!(arith("-(-9223372036854775807-1)"), Ok(i64::MIN));
        assert_eq!(arith("4611686018427387904*4"), Ok(0));
        assert!(arith("1/0").is_err());
        let deep = format!("{}1{}", "(".repeat(5000), ")".repeat(5000));
        assert_eq!(
            arith(&deep),
            Err("expression recursion level exceeded".into())
        );
        assert_eq!(arith(&"-".repeat(5000)).map(|_| ()).ok(), None);
    }
}
