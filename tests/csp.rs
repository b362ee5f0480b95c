//! The page's Content-Security-Policy (docs/robust2.md) has one wording:
//! Trunk.toml's `[serve.headers]` (what `trunk serve` sends, and what the
//! e2e harness sends) and the `<meta http-equiv>` of index.html and
//! public/demo.html must agree, and the policy must stay strict. The
//! sources the page is built from must not need more than it allows.

use std::fs;
use std::path::Path;

fn read(p: &str) -> String {
    let root = env!("CARGO_MANIFEST_DIR");
    fs::read_to_string(Path::new(root).join(p)).unwrap_or_else(|e| panic!("{p}: {e}"))
}

fn toml_policy() -> String {
    let toml = read("Trunk.toml");
    let line = toml
        .lines()
        .find_map(|l| l.strip_prefix("Content-Security-Policy = \""))
        .expect("Trunk.toml: Content-Security-Policy in [serve.headers]");
    line.strip_suffix('"').expect("one-line string").to_string()
}

fn meta_policy(file: &str) -> String {
    let html = read(file);
    let at = html
        .find("<meta http-equiv=\"Content-Security-Policy\" content=\"")
        .unwrap_or_else(|| panic!("{file}: no CSP <meta>"));
    let rest = &html[at..];
    let start = rest.find("content=\"").unwrap() + "content=\"".len();
    let end = start + rest[start..].find('"').unwrap();
    rest[start..end].to_string()
}

/// `directive -> sources`.
fn directives(policy: &str) -> Vec<(String, Vec<String>)> {
    policy
        .split(';')
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(|d| {
            let mut words = d.split_whitespace().map(String::from);
            let name = words.next().unwrap();
            (name, words.collect())
        })
        .collect()
}

fn sources<'a>(ds: &'a [(String, Vec<String>)], name: &str) -> &'a [String] {
    ds.iter()
        .find(|(n, _)| n == name)
        .map(|(_, s)| s.as_slice())
        .unwrap_or_else(|| panic!("no {name} directive"))
}

#[test]
fn header_and_meta_policies_are_one_string() {
    let policy = toml_policy();
    assert_eq!(meta_policy("index.html"), policy, "index.html");
    assert_eq!(meta_policy("public/demo.html"), policy, "public/demo.html");
}

#[test]
fn the_policy_is_strict() {
    let ds = directives(&toml_policy());
    assert_eq!(sources(&ds, "default-src"), ["'self'"]);
    assert_eq!(
        sources(&ds, "script-src"),
        ["'self'", "'wasm-unsafe-eval'", &early_script_source()],
        "no eval and no inline script but index.html's early one, by its hash"
    );
    assert_eq!(sources(&ds, "connect-src"), ["'self'"]);
    assert_eq!(sources(&ds, "style-src"), ["'self'"], "no inline styles");
    assert_eq!(sources(&ds, "object-src"), ["'none'"]);
    assert_eq!(
        sources(&ds, "require-trusted-types-for"),
        ["'script'"],
        "no string reaches an injection sink (innerHTML, eval, script src)"
    );
    assert_eq!(
        sources(&ds, "trusted-types"),
        ["'none'"],
        "no Trusted Types policy may be created: nothing needs one"
    );
    for (name, srcs) in &ds {
        for s in srcs {
            let keyword = s.starts_with('\'') && s.ends_with('\'');
            assert!(
                keyword && !s.contains("unsafe-inline") && !s.contains("unsafe-eval")
                    || s == "'wasm-unsafe-eval'",
                "{name} {s}: only keywords, no third-party origin, no 'unsafe-inline'"
            );
        }
    }
    // A <meta> policy cannot carry these; the same string is the header.
    for name in ["frame-ancestors", "report-uri", "report-to", "sandbox"] {
        assert!(
            !ds.iter().any(|(n, _)| n == name),
            "{name} in a <meta> policy"
        );
    }
}

/// index.html's one inline script (it starts fetching the .wasm a round
/// trip before boot.js could), as the policy's hash source names it:
/// `'sha256-…'` of its exact text.
fn early_script_source() -> String {
    use base64::Engine as _;
    use sha2::Digest as _;
    let html = read("index.html");
    let open = "<script data-ordinal-early>";
    let at = html.find(open).expect("index.html: the early script") + open.len();
    let text = &html[at..at + html[at..].find("</script>").unwrap()];
    assert!(
        text.contains("\"ctl\")!==\"1\"") && text.contains("fetch("),
        "the early script fetches the .wasm, except for ?ctl=1: {text}"
    );
    assert!(
        text.contains("location.protocol===\"file:\"") && text.contains("[data-ordinal-file]"),
        "the early script shows the file:// message there, and removes it elsewhere: {text}"
    );
    let digest = sha2::Sha256::digest(text.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// The pages have no inline script but index.html's early one, and no
/// handler or style attribute.
#[test]
fn the_pages_need_no_inline_code() {
    for file in ["index.html", "public/demo.html"] {
        let html = read(file);
        for tag in html
            .split('<')
            .skip(1)
            .map(|t| t.split('>').next().unwrap_or(""))
        {
            let name = tag.split_whitespace().next().unwrap_or("");
            if name == "script" {
                let early = file == "index.html" && tag == "script data-ordinal-early";
                assert!(tag.contains(" src=") || early, "{file}: inline <{tag}>");
            }
            assert_ne!(name, "style", "{file}: a <style> element");
            for word in tag.split_whitespace().skip(1) {
                let attr = word.split('=').next().unwrap_or("").to_ascii_lowercase();
                assert!(
                    !(attr.starts_with("on") && word.contains('=')) && attr != "style",
                    "{file}: <{name} {attr}=…> is inline code or style"
                );
            }
        }
    }
}

/// Leptos sets `style=` attributes with setAttribute, which `style-src
/// 'self'` refuses; the views set single properties through CSSOM
/// (`style=("width", …)`) instead.
#[test]
fn the_views_set_no_style_attribute() {
    for (path, text) in ui_files() {
        for (i, line) in text.lines().enumerate() {
            if let Some(at) = line.find(" style=") {
                let value = &line[at + " style=".len()..];
                assert!(
                    value.starts_with('('),
                    "{}:{}: a style attribute: {}",
                    path,
                    i + 1,
                    line.trim()
                );
            }
        }
    }
}

/// Every `.rs` file under `src/ui/` (folders too: `i18n/`), with its text.
fn ui_files() -> Vec<(String, String)> {
    fn walk(dir: &Path, out: &mut Vec<(String, String)>) {
        for e in fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push((p.display().to_string(), fs::read_to_string(&p).unwrap()));
            }
        }
    }
    let mut out = Vec::new();
    walk(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src/ui"),
        &mut out,
    );
    assert!(out.len() > 20 && out.iter().any(|(p, _)| p.ends_with("i18n/mod.rs")));
    out
}

/// Under `require-trusted-types-for 'script'` with no policy, assigning a
/// string to `innerHTML` throws: the views build markup node by node
/// (`robust::set_markup`), never with `inner_html`.
#[test]
fn the_views_use_no_inner_html() {
    for (path, text) in ui_files() {
        for (i, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            assert!(
                !code.contains("inner_html") && !code.contains("set_inner_html"),
                "{path}:{}: innerHTML is a Trusted Types sink: {}",
                i + 1,
                line.trim()
            );
        }
    }
}

/// Leptos's `view!` turns an element whose attributes and children are
/// all literals into "inert HTML", created through a `<template>`'s
/// `innerHTML`: a Trusted Types sink the page's policy refuses. A block
/// (`{"text"}`, `class={"x"}`) keeps the element ordinary. This finds the
/// one-line form (a static subtree over several lines would be missed;
/// the e2e tests, which fail on any violation, catch the rest).
#[test]
fn the_views_make_no_inert_html() {
    fn inert(line: &str) -> bool {
        let t = line.trim();
        if !t.starts_with('<') || t.starts_with("</") || t.contains(['{', '(']) {
            return false;
        }
        let name: String = t[1..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        if !name.starts_with(|c: char| c.is_ascii_lowercase()) {
            return false;
        }
        let open_tag = t.split('>').next().unwrap_or("");
        let closed = t.ends_with(&format!("</{name}>")) || t.ends_with("/>");
        let bare = [
            format!("<{name}/>"),
            format!("<{name} />"),
            format!("<{name}></{name}>"),
        ];
        let literal = t
            .match_indices('=')
            .all(|(i, _)| t[i + 1..].starts_with('"'));
        closed && !open_tag.contains(':') && !bare.contains(&t.to_string()) && literal
    }
    assert!(inert(r#"<span class="muted">"kubectl"</span>"#));
    assert!(inert(r#"<div class="spacer"></div>"#));
    assert!(!inert(r#"<span class="muted">{"kubectl"}</span>"#));
    assert!(!inert(r#"<div class={"spacer"}></div>"#));
    assert!(!inert("<br/>"));
    for (path, text) in ui_files() {
        for (i, line) in text.lines().enumerate() {
            assert!(
                !inert(line),
                "{path}:{}: inert HTML (innerHTML under the hood): {}",
                i + 1,
                line.trim()
            );
        }
    }
}
