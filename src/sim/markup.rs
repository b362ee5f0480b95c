//! The markup Ordinal itself writes (the chart's SVG, the editor's
//! highlighted lines), read back as tokens. The page builds DOM nodes from
//! them one by one (`createElement`, `setAttribute`, text nodes) instead of
//! handing a string to the browser's HTML parser (`innerHTML`), which the
//! page's Trusted Types policy forbids (docs/robust15.md).
//!
//! This is not an HTML parser: it reads the well-formed subset those
//! writers produce (elements, double- or single-quoted attributes, text,
//! the five escapes and numeric character references, comments) and
//! refuses anything else with the byte offset where it stopped. Text and
//! attribute values come out unescaped: the page sets them as text, so
//! whatever they hold stays text.

/// One piece of markup.
#[derive(Clone, Debug, PartialEq)]
pub enum Token<'a> {
    /// `<name a="v">`, or `<name a="v"/>` when `empty`.
    Open {
        name: &'a str,
        attrs: Vec<(&'a str, String)>,
        empty: bool,
    },
    /// `</name>`.
    Close(&'a str),
    /// Text between tags, unescaped.
    Text(String),
}

/// The tokens of `markup`, or the byte offset of the first thing it does
/// not read.
pub fn tokens(markup: &str) -> Result<Vec<Token<'_>>, usize> {
    let b = markup.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'<' {
            let end = markup[i..].find('<').map_or(b.len(), |n| i + n);
            out.push(Token::Text(unescape(&markup[i..end])));
            i = end;
            continue;
        }
        let rest = &markup[i..];
        if let Some(body) = rest.strip_prefix("<!--") {
            let end = body.find("-->").ok_or(i)?;
            i += 4 + end + 3;
        } else if let Some(body) = rest.strip_prefix("</") {
            let n = name_len(body.as_bytes());
            let after = body[n..].trim_start();
            if n == 0 || !after.starts_with('>') {
                return Err(i);
            }
            out.push(Token::Close(&body[..n]));
            i = b.len() - after.len() + 1;
        } else {
            let body = &rest[1..];
            let n = name_len(body.as_bytes());
            if n == 0 || !body.as_bytes()[0].is_ascii_alphabetic() {
                return Err(i);
            }
            let name = &body[..n];
            let mut at = i + 1 + n;
            let mut attrs = Vec::new();
            let empty = loop {
                let s = &markup[at..];
                let t = s.trim_start();
                at += s.len() - t.len();
                if t.starts_with("/>") {
                    at += 2;
                    break true;
                }
                if t.starts_with('>') {
                    at += 1;
                    break false;
                }
                // An attribute needs a space before it.
                if t.len() == s.len() {
                    return Err(at);
                }
                let k = name_len(t.as_bytes());
                if k == 0 {
                    return Err(at);
                }
                let key = &t[..k];
                at += k;
                let t = &t[k..];
                let Some(v) = t.strip_prefix('=') else {
                    attrs.push((key, String::new()));
                    continue;
                };
                let quote = match v.chars().next() {
                    Some(q @ ('"' | '\'')) => q,
                    _ => return Err(at),
                };
                let end = v[1..].find(quote).ok_or(at)?;
                attrs.push((key, unescape(&v[1..1 + end])));
                at += 1 + 1 + end + 1;
            };
            out.push(Token::Open { name, attrs, empty });
            i = at;
        }
    }
    Ok(out)
}

/// Letters, digits, `-`, `_`, `:` and `.`: element and attribute names.
fn name_len(b: &[u8]) -> usize {
    b.iter()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b':' | b'.'))
        .count()
}

/// `&amp;`, `&lt;`, `&gt;`, `&quot;`, `&apos;` and `&#…;` references
/// decoded; anything else after `&` stays as written.
fn unescape(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let semi = rest[..rest.len().min(12)].find(';');
        let decoded = semi.and_then(|end| {
            let name = &rest[1..end];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                _ => name.strip_prefix('#').and_then(|num| {
                    let code = match num.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok(),
                        None => num.parse().ok(),
                    };
                    code.and_then(char::from_u32)
                }),
            };
            c.map(|c| (c, end + 1))
        });
        match decoded {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn escape(s: &str) -> String {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    }

    /// The tokens written back as markup (attributes double-quoted).
    fn write(tokens: &[Token]) -> String {
        let mut out = String::new();
        for t in tokens {
            match t {
                Token::Open { name, attrs, empty } => {
                    out.push('<');
                    out.push_str(name);
                    for (k, v) in attrs {
                        out.push_str(&format!(" {k}=\"{}\"", escape(v)));
                    }
                    out.push_str(if *empty { "/>" } else { ">" });
                }
                Token::Close(name) => out.push_str(&format!("</{name}>")),
                Token::Text(t) => out.push_str(&escape(t)),
            }
        }
        out
    }

    #[test]
    fn reads_elements_attributes_and_text() {
        let t =
            tokens(r#"<div class="ln err"><span class="k">a&amp;b</span>: <br/>x</div>"#).unwrap();
        assert_eq!(
            t,
            vec![
                Token::Open {
                    name: "div",
                    attrs: vec![("class", "ln err".into())],
                    empty: false
                },
                Token::Open {
                    name: "span",
                    attrs: vec![("class", "k".into())],
                    empty: false
                },
                Token::Text("a&b".into()),
                Token::Close("span"),
                Token::Text(": ".into()),
                Token::Open {
                    name: "br",
                    attrs: vec![],
                    empty: true
                },
                Token::Text("x".into()),
                Token::Close("div"),
            ]
        );
    }

    #[test]
    fn escaped_markup_stays_text() {
        let evil =
            r#"<img src=x onerror=window.__pwned=1> "><svg onload=alert(1)> &#60;script&#x3e;"#;
        let markup = format!(
            "<title data-x=\"{}\">{}</title>",
            escape(evil),
            escape(evil)
        );
        let t = tokens(&markup).unwrap();
        assert_eq!(t.len(), 3, "{t:?}");
        match &t[0] {
            Token::Open { attrs, .. } => assert_eq!(attrs[0].1, evil),
            other => panic!("{other:?}"),
        }
        assert_eq!(t[1], Token::Text(evil.to_string()));
        // Numeric references decode to the characters, as text.
        assert_eq!(
            tokens("&#60;script&#x3e;").unwrap(),
            vec![Token::Text("<script>".into())]
        );
    }

    #[test]
    fn odd_escapes_and_single_quotes() {
        let t = tokens("<a b='x\"y' c>&unknown; &amp &#xZZ; &#0; &#128512;</a>").unwrap();
        assert_eq!(
            t[0],
            Token::Open {
                name: "a",
                attrs: vec![("b", "x\"y".into()), ("c", String::new())],
                empty: false
            }
        );
        assert_eq!(t[1], Token::Text("&unknown; &amp &#xZZ; \0 😀".into()));
        // Comments are skipped.
        assert_eq!(
            tokens("a<!-- <b> -->c").unwrap(),
            vec![Token::Text("a".into()), Token::Text("c".into())]
        );
    }

    #[test]
    fn refuses_what_it_does_not_read_without_panicking() {
        for (bad, at) in [
            ("x<", 1),
            ("<", 0),
            ("< a>", 0),
            ("<1>", 0),
            ("</>", 0),
            ("</a", 0),
            ("<a b=c>", 4),
            ("<a b=\"c>", 4),
            ("<a b=\"c\"d>", 8),
            ("<a !>", 3),
            ("<!-- x", 0),
            ("ok<a", 4),
            ("<a\u{e9}>", 2),
        ] {
            assert_eq!(tokens(bad), Err(at), "{bad}");
        }
        // Every prefix of good markup either reads or stops, never panics,
        // and multi-byte text is cut only where it reads.
        let good = "<g class=\"é\" x='1'><text>日本 &lt;é&gt;</text><!--c--></g>";
        for end in (0..=good.len()).filter(|&e| good.is_char_boundary(e)) {
            let _ = tokens(&good[..end]);
        }
    }

    #[test]
    fn the_charts_svg_reads_back_to_itself() {
        use crate::sim::chart::{build, render, Options, SvgOptions};
        use crate::sim::engine::Sim;
        use crate::sim::session::Input;
        let mut sim = Sim::new(7);
        for line in [
            "kubectl apply -f web.yaml",
            "kubectl annotate pod web-0 x=\"<b>&'\"",
        ] {
            let _ = sim.input(Input::Kubectl {
                line: line.to_string(),
                files: Vec::new(),
            });
            sim.advance(30_000);
        }
        let chart = build(&sim, &Options::default());
        let svg = render(&chart, &SvgOptions::default());
        let t = tokens(&svg).expect("the chart's SVG reads");
        assert!(t.len() > 50, "{}", t.len());
        assert_eq!(write(&t), svg.replace("&#39;", "'"));
    }
}
