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
        ["'self'", "'wasm-unsafe-eval'"],
        "no inline script, no eval: only the module and its wasm"
    );
    assert_eq!(sources(&ds, "connect-src"), ["'self'"]);
    assert_eq!(sources(&ds, "style-src"), ["'self'"], "no inline styles");
    assert_eq!(sources(&ds, "object-src"), ["'none'"]);
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

/// The pages have no inline script, handler or style attribute.
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
                assert!(tag.contains(" src="), "{file}: inline <{tag}>");
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
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/ui");
    for entry in fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let text = fs::read_to_string(&path).unwrap();
        for (i, line) in text.lines().enumerate() {
            if let Some(at) = line.find(" style=") {
                let value = &line[at + " style=".len()..];
                assert!(
                    value.starts_with('('),
                    "{}:{}: a style attribute: {}",
                    path.display(),
                    i + 1,
                    line.trim()
                );
            }
        }
    }
}
