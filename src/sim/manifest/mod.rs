//! Manifests: multi-document YAML (or JSON) in, today's typed objects out,
//! with diagnostics that name the document, line and column.
//!
//! The pipeline per document follows what `kubectl apply` and the API
//! server do: decode (serde_yaml, with go-yaml v2's YAML 1.1 booleans and
//! octals), map `apiVersion`/`kind` to a resource (old versions are
//! converted, with the API server's deprecation warning), check field
//! types and unknown fields (kubectl's `--validate`), then default and
//! validate as the API server would. Pastes from web pages (lost
//! indentation, copied line numbers, Markdown links, typographic quotes)
//! get an error on the first line that cannot be right.
//!
//! For the faces: `parse`/`parse_with` for buffers and `-f` files
//! (`Parsed::kubectl_errors` prints errors as kubectl does; warnings print
//! as `Warning: <message>`); `validate_update` before replacing a stored
//! object; `validate_object` when something other than a manifest creates
//! an object (its `Err` is the API server's text, as FailedCreate events
//! quote it; `kubectl_invalid` turns it into kubectl's form).

mod convert;
pub mod positions;
pub mod quantity;
pub mod schema;
pub mod validate;

use super::features::FeatureGates;
use super::object::Object;
use crate::sim::sort;
use positions::{path_string, Positions, Seg};
use serde::Serialize;
use serde_json::Value;

pub use quantity::parse_quantity;
pub use validate::{before_create, validate_object, validate_update, FieldError};
pub use validate::{kubectl_invalid, kubectl_message, label_value_errors, status_message};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Severity {
    Error,
    Warning,
}

/// One message about the input, placed on a line the editor can mark.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Index of the YAML document in the text, from 0.
    pub document: usize,
    /// 1-based line in the whole text.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    pub severity: Severity,
    pub message: String,
    /// The order it was found in (the diagnostics are listed in reading
    /// order; kubectl lists one object's causes in validation order).
    #[serde(skip)]
    pub seq: usize,
}

/// An object read from the text, converted to today's API version.
#[derive(Clone, Debug, PartialEq)]
pub struct ParsedObject {
    pub object: Object,
    pub document: usize,
    /// First line of its document (1-based).
    pub line: usize,
    /// The apiVersion as written (`apps/v1beta1`), before conversion.
    pub source_api_version: String,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Parsed {
    /// Documents that parsed and validated; documents with errors are left out.
    pub objects: Vec<ParsedObject>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Parsed {
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }

    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
    }

    /// The errors as kubectl prints them: several invalid fields of one
    /// object become one message with a `* ` line per field, as kubectl
    /// shows a StatusError with several causes.
    pub fn kubectl_errors(&self) -> Vec<String> {
        let mut out: Vec<(usize, String, Vec<String>)> = Vec::new();
        // One object's causes in the order validation found them (the API
        // server's order), not the editor's reading order.
        let mut errors: Vec<&Diagnostic> = self.errors().collect();
        sort::sort_by_key(&mut errors, |d| (d.document, d.seq));
        for d in errors {
            let split = d
                .message
                .find(" is invalid: ")
                .filter(|_| d.message.starts_with("The "))
                .map(|i| i + " is invalid: ".len());
            match split {
                Some(i) => {
                    let (head, field) = d.message.split_at(i);
                    match out.last_mut() {
                        Some((doc, h, fields)) if *doc == d.document && h == head => {
                            fields.push(field.to_string())
                        }
                        _ => out.push((d.document, head.to_string(), vec![field.to_string()])),
                    }
                }
                None => out.push((d.document, d.message.clone(), vec![])),
            }
        }
        out.into_iter()
            .map(|(_, head, fields)| match fields.len() {
                0 => head,
                1 => format!("{head}{}", fields[0]),
                _ => format!(
                    "{}\n{}",
                    head,
                    fields
                        .iter()
                        .map(|f| format!("* {f}"))
                        .collect::<Vec<_>>()
                        .join("\n")
                ),
            })
            .collect()
    }

    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Warning)
    }
}

/// One document of the buffer: its lines and where it starts.
struct Doc<'a> {
    index: usize,
    first_line: usize,
    lines: Vec<&'a str>,
}

fn flush<'a>(cur: &mut Vec<&'a str>, first: usize, docs: &mut Vec<Doc<'a>>) {
    if cur
        .iter()
        .any(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
    {
        let index = docs.len();
        docs.push(Doc {
            index,
            first_line: first,
            lines: std::mem::take(cur),
        });
    }
    cur.clear();
}

/// Splits on `---` lines (and `...` document ends), skipping documents
/// holding nothing but blanks and comments, as kubectl does.
fn split_documents(text: &str) -> Vec<Doc<'_>> {
    let mut docs = Vec::new();
    let mut cur: Vec<&str> = Vec::new();
    let mut first = 1;
    for (i, raw) in text.split('\n').enumerate() {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let is_sep = line == "---" || line.starts_with("--- ") || line.starts_with("---\t");
        let is_end = line == "...";
        if is_sep || is_end {
            flush(&mut cur, first, &mut docs);
            first = i + 2;
            // `--- key: v` carries content on the separator line; rare, kept.
            if let Some(rest) = line.strip_prefix("--- ") {
                if !rest.trim().is_empty() && !rest.trim_start().starts_with('#') {
                    first = i + 1;
                    cur.push(rest);
                }
            }
            continue;
        }
        if cur.is_empty() {
            first = i + 1;
        }
        cur.push(line);
    }
    flush(&mut cur, first, &mut docs);
    docs
}

/// kubectl's `--validate`: what to do with fields the schema does not know.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FieldValidation {
    /// `--validate=false|ignore`: drop them silently.
    Ignore,
    /// `--validate=warn`: `Warning: unknown field "spec.foo"`.
    #[default]
    Warn,
    /// `--validate=strict|true`: the request fails with the API server's
    /// `strict decoding error: unknown field "spec.foo"`.
    Strict,
}

struct Ctx<'a> {
    doc: usize,
    pos: &'a Positions,
    diags: &'a mut Vec<Diagnostic>,
    validation: FieldValidation,
    /// The cluster's gates: a disabled gate's field is dropped before validation.
    gates: &'a FeatureGates,
    /// Unknown fields met in strict mode: (where, path as printed).
    unknown: Vec<(Vec<Seg>, String)>,
}

impl Ctx<'_> {
    fn at(&mut self, path: &[Seg], severity: Severity, message: String) {
        let (line, column) = self.pos.locate(path);
        self.line(line, column, severity, message);
    }
    fn line(&mut self, line: usize, column: usize, severity: Severity, message: String) {
        let seq = self.diags.len();
        self.diags.push(Diagnostic {
            document: self.doc,
            line,
            column,
            severity,
            message,
            seq,
        });
    }
}

/// Parses a buffer of one or more YAML (or JSON) documents, warning about
/// unknown fields. Never panics.
pub fn parse(text: &str) -> Parsed {
    parse_with(text, FieldValidation::Warn)
}

/// `parse` with kubectl's `--validate` choice for unknown fields.
pub fn parse_with(text: &str, validation: FieldValidation) -> Parsed {
    parse_gated(text, validation, &FeatureGates::default())
}

/// `parse_with` for a cluster with these feature gates: the API server
/// validates what is left after it dropped the fields of disabled gates.
pub fn parse_gated(text: &str, validation: FieldValidation, gates: &FeatureGates) -> Parsed {
    let mut out = Parsed::default();
    // YAML breaks lines at \r\n, \r and \n alike; so do editors.
    let text = if text.contains('\r') {
        std::borrow::Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        std::borrow::Cow::Borrowed(text)
    };
    for doc in split_documents(&text) {
        parse_document(&doc, &mut out, validation, gates);
    }
    // In reading order, as an editor lists them (stable: a hint stays
    // after the error it explains).
    sort::sort_by_key(&mut out.diagnostics, |d| (d.line, d.column));
    out
}

/// `1. apiVersion: v1`: a line number copied from a web page.
fn copied_line_number(line: &str) -> Option<usize> {
    let t = line.trim_start();
    let digits = t.chars().take_while(|c| c.is_ascii_digit()).count();
    if digits == 0 || digits > 4 {
        return None;
    }
    let rest = &t[digits..];
    if rest.starts_with(". ") || rest == "." {
        Some(line.len() - t.len())
    } else {
        None
    }
}

fn parse_document(
    doc: &Doc<'_>,
    out: &mut Parsed,
    validation: FieldValidation,
    gates: &FeatureGates,
) {
    let pos = positions::scan(&doc.lines, doc.first_line);
    let mut ctx = Ctx {
        doc: doc.index,
        pos: &pos,
        diags: &mut out.diagnostics,
        validation,
        gates,
        unknown: Vec::new(),
    };
    // Line numbers pasted from a docs page.
    let content: Vec<(usize, &str)> = doc
        .lines
        .iter()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .map(|(i, l)| (doc.first_line + i, *l))
        .collect();
    let numbered = content
        .iter()
        .filter(|(_, l)| copied_line_number(l).is_some())
        .count();
    // The first line too: a block scalar holding a numbered list is fine.
    let first_numbered = content
        .first()
        .is_some_and(|(_, l)| copied_line_number(l).is_some());
    if first_numbered && numbered * 2 >= content.len() {
        let (line, text) = content
            .iter()
            .find(|(_, l)| copied_line_number(l).is_some())
            .copied()
            .unwrap_or((doc.first_line, ""));
        let col = copied_line_number(text).unwrap_or(0) + 1;
        let shown: String = text.trim().chars().take(40).collect();
        ctx.line(
            line,
            col,
            Severity::Error,
            format!(
                "line {line}: \"{shown}\" starts with a line number copied from a web page; \
                 remove the numbers at the start of each line (and restore the indentation they \
                 hid) so that the line begins with a YAML key such as \"apiVersion:\""
            ),
        );
        return;
    }
    let text = doc.lines.join("\n");
    let value: Value = match serde_yaml::from_str::<Value>(&text) {
        Ok(v) => v,
        Err(e) => {
            if lost_indentation(&mut ctx, None) {
                return;
            }
            let (line, column) = e
                .location()
                .map(|l| (l.line() + doc.first_line - 1, l.column()))
                .unwrap_or((doc.first_line, 1));
            // At the end of the stream libyaml points past the last line.
            let last = doc.first_line + doc.lines.len().saturating_sub(1);
            let (line, column) = if line > last {
                let len = doc.lines.last().map(|l| l.chars().count()).unwrap_or(0);
                (last, len + 1)
            } else {
                (line, column.max(1))
            };
            let msg = e.to_string();
            // serde_yaml appends a position relative to the document; ours is global.
            let msg = match msg.find(" at line ") {
                Some(i) => msg[..i].to_string(),
                None => msg,
            };
            // Web-page debris (a Markdown link, typographic quotes) is the
            // usual cause in a paste; point at it rather than where YAML gave up.
            if let Some((l, c, what)) = paste_debris(doc, line) {
                ctx.line(
                    l,
                    c,
                    Severity::Error,
                    format!(
                        "error converting YAML to JSON: yaml: line {line}: {msg}; line {l} \
                         holds {what}"
                    ),
                );
                return;
            }
            let hint = yaml_hint(&msg, doc.lines.get(line.saturating_sub(doc.first_line)));
            ctx.line(
                line,
                column,
                Severity::Error,
                format!("error converting YAML to JSON: yaml: line {line}: {msg}{hint}"),
            );
            return;
        }
    };
    let mut value = value;
    yaml11_scalars(&mut value, &pos);
    match value {
        Value::Null => {}
        Value::Object(ref m) if m.get("kind").and_then(Value::as_str) == Some("List") => {
            let items = m.get("items").and_then(Value::as_array).cloned();
            match items {
                Some(items) => {
                    for (i, item) in items.iter().enumerate() {
                        let prefix = vec![Seg::Key("items".into()), Seg::Index(i)];
                        process_object(&mut ctx, item, &prefix, doc, &mut out.objects);
                    }
                }
                None => ctx.at(
                    &[Seg::Key("items".into())],
                    Severity::Error,
                    "a List needs \"items\": a list of objects".into(),
                ),
            }
        }
        Value::Object(_) => process_object(&mut ctx, &value, &[], doc, &mut out.objects),
        other => {
            let what = json_type(&other);
            let (line, col) = content
                .first()
                .map(|(l, t)| (*l, t.len() - t.trim_start().len() + 1))
                .unwrap_or((doc.first_line, 1));
            ctx.line(
                line,
                col,
                Severity::Error,
                format!(
                    "error unmarshaling JSON: json: cannot unmarshal {what} into Go value of type \
                     struct {{ APIVersion string; Kind string }}: expected a mapping with \
                     apiVersion, kind, metadata and spec"
                ),
            );
        }
    }
}

/// The first line up to `until` carrying text a web page adds to a
/// manifest: `(line, column, what it is)`.
fn paste_debris(doc: &Doc<'_>, until: usize) -> Option<(usize, usize, String)> {
    for (i, text) in doc.lines.iter().enumerate() {
        let line = doc.first_line + i;
        if line > until {
            break;
        }
        if text.trim_start().starts_with('#') {
            continue;
        }
        if let Some(b) = text.find("](http") {
            if let Some(a) = text[..b].rfind('[') {
                let inner = &text[a + 1..b];
                return Some((
                    line,
                    text[..a].chars().count() + 1,
                    format!(
                        "a Markdown link copied from a web page: replace \"{}\" with \"{inner}\"",
                        &text[a..text[b..].find(')').map(|e| b + e + 1).unwrap_or(text.len())]
                    ),
                ));
            }
        }
        if let Some((c, q)) = text
            .char_indices()
            .find(|(_, ch)| matches!(ch, '\u{201C}' | '\u{201D}' | '\u{2018}' | '\u{2019}'))
        {
            return Some((
                line,
                text[..c].chars().count() + 1,
                format!(
                    "the typographic quote {q} from a web page; YAML quotes strings with \" or '"
                ),
            ));
        }
    }
    None
}

fn yaml_hint(msg: &str, line: Option<&&str>) -> String {
    let line = line.copied().unwrap_or("");
    if line.contains('\t') || msg.contains("cannot start any token") && line.contains('\t') {
        return " (YAML does not allow tabs for indentation; use spaces)".into();
    }
    if msg.contains("duplicate entry") {
        return " (a key appears twice in one mapping; was the indentation lost?)".into();
    }
    if msg.contains("mapping values are not allowed") {
        return " (a \"key: value\" where a plain value was expected: check the indentation, \
                 or quote a value that contains \": \")"
            .into();
    }
    if msg.contains("did not find expected") {
        return " (the indentation of this line does not fit the lines above it)".into();
    }
    String::new()
}

/// kubectl reads YAML with go-yaml v2 (YAML 1.1): unquoted `yes`, `no`,
/// `on`, `off`, `y`, `n` are booleans and `0644` is octal, where
/// serde_yaml (YAML 1.2) sees strings and decimals. Redo those scalars as
/// kubectl would, so `value: yes` fails here as it fails there.
fn yaml11_scalars(value: &mut Value, pos: &Positions) {
    let bool_word = |raw: &str| match raw {
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" => Some(true),
        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" => Some(false),
        _ => None,
    };
    let octal = |raw: &str| {
        let digits = raw.trim_start_matches(['+', '-']);
        digits.len() > 1
            && digits.starts_with('0')
            && digits.bytes().all(|c| (b'0'..=b'7').contains(&c))
    };
    // Only the scalars YAML 1.1 reads differently: their paths are built
    // on demand.
    for (path, raw) in pos.plain_scalars(|raw| bool_word(raw).is_some() || octal(raw)) {
        let Some(slot) = value_at_mut(value, &path) else {
            continue;
        };
        let b = bool_word(raw);
        if let (Some(b), Value::String(s)) = (b, &*slot) {
            if s == raw {
                *slot = Value::Bool(b);
            }
            continue;
        }
        let digits = raw.trim_start_matches(['+', '-']);
        if octal(raw) {
            // serde_yaml gives a string (or a decimal) for `0644`.
            let same = match &*slot {
                Value::String(s) => s == raw,
                Value::Number(_) => true,
                _ => false,
            };
            if let (Ok(oct), true) = (i64::from_str_radix(digits, 8), same) {
                let oct = if raw.starts_with('-') { -oct } else { oct };
                *slot = Value::from(oct);
            }
        }
    }
}

fn value_at_mut<'v>(v: &'v mut Value, path: &[Seg]) -> Option<&'v mut Value> {
    let mut cur = v;
    for seg in path {
        cur = match (seg, cur) {
            (Seg::Key(k), Value::Object(m)) => m.get_mut(k)?,
            (Seg::Index(i), Value::Array(a)) => a.get_mut(*i)?,
            _ => return None,
        };
    }
    Some(cur)
}

/// Go's name for a JSON value's type, as `json: cannot unmarshal X` says.
pub(crate) fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Top-level fields every kind may carry.
const TOP_ALWAYS: [&str; 3] = ["apiVersion", "kind", "metadata"];

/// The tell-tale of a paste whose indentation was lost: a column-1 key
/// that is no top-level field of the kind, after a column-1 key whose
/// value came out empty (`metadata:` followed by `name: web` at column 1).
/// Reports it and returns true when found.
fn lost_indentation(ctx: &mut Ctx<'_>, kind_struct: Option<&str>) -> bool {
    let top = ctx.pos.top_level();
    let kind = kind_struct.map(str::to_string).or_else(|| {
        ctx.pos
            .top_value("kind")
            .and_then(|k| convert::today_for(&k))
            .map(|k| k.as_str().to_string())
    });
    let allowed = |k: &str| -> bool {
        if TOP_ALWAYS.contains(&k) {
            return true;
        }
        match &kind {
            Some(s) => schema::field(s, k).is_some(),
            None => matches!(
                k,
                "spec"
                    | "status"
                    | "data"
                    | "stringData"
                    | "binaryData"
                    | "type"
                    | "immutable"
                    | "provisioner"
                    | "parameters"
                    | "reclaimPolicy"
                    | "volumeBindingMode"
                    | "allowVolumeExpansion"
                    | "mountOptions"
                    | "allowedTopologies"
                    | "items"
                    | "subsets"
                    | "revision"
            ),
        }
    };
    let mut last_empty: Option<(usize, String)> = None;
    for (line, key, empty) in top {
        if !allowed(key) {
            if let Some((l, parent)) = &last_empty {
                let msg = format!(
                    "line {line}: \"{key}\" is not a top-level field{}; the indentation looks \
                     lost: \"{parent}:\" on line {l} has nothing indented under it, so \"{key}\" \
                     and the lines after it should be indented under \"{parent}:\" (YAML nests \
                     by indentation)",
                    kind.as_deref()
                        .map(|k| format!(" of a {k}"))
                        .unwrap_or_default()
                );
                ctx.line(*line, 1, Severity::Error, msg);
                return true;
            }
            return false;
        }
        last_empty = if *empty {
            Some((*line, key.clone()))
        } else {
            None
        };
    }
    false
}

/// cli-runtime's stopValidateMessage, after a client-side validation error.
const STOP_VALIDATE: &str =
    "if you choose to ignore these errors, turn validation off with --validate=false";

fn process_object(
    ctx: &mut Ctx<'_>,
    value: &Value,
    prefix: &[Seg],
    doc: &Doc<'_>,
    objects: &mut Vec<ParsedObject>,
) {
    let p = |rest: &[&str]| -> Vec<Seg> {
        let mut v = prefix.to_vec();
        v.extend(rest.iter().map(|s| Seg::Key((*s).to_string())));
        v
    };
    let Some(map) = value.as_object() else {
        ctx.at(
            prefix,
            Severity::Error,
            format!(
                "json: cannot unmarshal {} into an object: expected a mapping with apiVersion and kind",
                json_type(value)
            ),
        );
        return;
    };
    let api_version = map.get("apiVersion").and_then(Value::as_str).unwrap_or("");
    let kind = map.get("kind").and_then(Value::as_str).unwrap_or("");
    let name = value
        .get("metadata")
        .and_then(|m| m.get("name"))
        .and_then(Value::as_str)
        .unwrap_or("");
    let namespace = value
        .get("metadata")
        .and_then(|m| m.get("namespace"))
        .and_then(Value::as_str)
        .unwrap_or("");
    if kind.is_empty() && lost_indentation(ctx, None) {
        return;
    }
    // kubectl checks apiVersion and kind before anything else (cli-runtime's
    // ValidateSchema through the openapi validation's GetObjectKind), both
    // at once, unless --validate=false skips it; then the decoder finds
    // the kind missing and a missing apiVersion maps to no resource below.
    // The hint after upstream's words is Ordinal's.
    if ctx.validation != FieldValidation::Ignore && (kind.is_empty() || api_version.is_empty()) {
        let unset = match (api_version.is_empty(), kind.is_empty()) {
            (true, true) => "[apiVersion not set, kind not set]",
            (true, false) => "apiVersion not set",
            _ => "kind not set",
        };
        let hint = if kind.is_empty() {
            " (every object needs \"kind:\", e.g. kind: StatefulSet)".to_string()
        } else {
            convert::today_for(kind)
                .map(|k| format!(" (a {kind} needs apiVersion: {})", k.api_version()))
                .unwrap_or_default()
        };
        ctx.at(
            &p(&["kind"]),
            Severity::Error,
            format!("error validating data: {unset}; {STOP_VALIDATE}{hint}"),
        );
        return;
    }
    if kind.is_empty() {
        ctx.at(
            &p(&["kind"]),
            Severity::Error,
            format!(
                "unable to decode \"manifest\": Object 'Kind' is missing in '{}'",
                crate::sim::object::json_text(value)
            ),
        );
        return;
    }
    let Some(target) = convert::resolve(api_version, kind) else {
        let hint = convert::today_for(kind)
            .map(|k| format!(" ({kind} is served as apiVersion: {})", k.api_version()))
            .unwrap_or_default();
        ctx.at(
            &p(&["kind"]),
            Severity::Error,
            format!(
                "resource mapping not found for name: \"{name}\" namespace: \"{namespace}\" from \
                 \"manifest\": no matches for kind \"{kind}\" in version \"{api_version}\"\n\
                 ensure CRDs are installed first{hint}"
            ),
        );
        return;
    };
    let struct_name = target.kind.as_str();
    if lost_indentation(ctx, Some(struct_name)) {
        return;
    }
    // Field types and unknown fields, against today's schema.
    let before = ctx.diags.len();
    ctx.unknown.clear();
    let mut type_error = false;
    check_struct(
        ctx,
        value,
        struct_name,
        prefix,
        &mut Vec::new(),
        &mut type_error,
    );
    if type_error {
        // kubectl's decoding error wraps the JSON one.
        let version = struct_version(target.kind);
        for d in ctx.diags[before..].iter_mut() {
            if d.severity == Severity::Error {
                d.message = format!(
                    "{struct_name} in version \"{version}\" cannot be handled as a {struct_name}: {}",
                    d.message
                );
            }
        }
        return;
    }
    if let Some((first, _)) = ctx.unknown.first().cloned() {
        let version = struct_version(target.kind);
        let fields: Vec<String> = ctx
            .unknown
            .iter()
            .map(|(_, p)| format!("unknown field \"{p}\""))
            .collect();
        ctx.at(
            &first,
            Severity::Error,
            format!(
                "{struct_name} in version \"{version}\" cannot be handled as a {struct_name}: \
                 strict decoding error: {}",
                fields.join(", ")
            ),
        );
        return;
    }
    let mut v = value.clone();
    if let Some(m) = v.as_object_mut() {
        m.insert("apiVersion".into(), target.kind.api_version().into());
        m.insert("kind".into(), struct_name.into());
    }
    convert::convert(ctx, &target, api_version, kind, &mut v, prefix);
    let object = match Object::from_value(&v) {
        Ok(o) => o,
        Err(e) => {
            ctx.at(prefix, Severity::Error, e);
            return;
        }
    };
    let errs = validate::validate_object_fields(&object, ctx.gates, None);
    if !errs.is_empty() {
        for e in &errs {
            let mut path = prefix.to_vec();
            path.extend(e.location().iter().cloned());
            ctx.at(
                &path,
                Severity::Error,
                format!(
                    "The {} \"{}\" is invalid: {}",
                    struct_name,
                    object.meta.name,
                    e.message()
                ),
            );
        }
        return;
    }
    objects.push(ParsedObject {
        object,
        document: doc.index,
        line: doc.first_line,
        source_api_version: api_version.to_string(),
    });
}

/// The version part of a kind's apiVersion (`apps/v1` → `v1`).
fn struct_version(k: super::object::Kind) -> &'static str {
    let v = k.api_version();
    v.rsplit('/').next().unwrap_or(v)
}

/// Walks a value against a struct of the schema: unknown fields are
/// warnings, wrong types are errors (`json: cannot unmarshal ...`).
fn check_struct(
    ctx: &mut Ctx<'_>,
    value: &Value,
    struct_name: &'static str,
    prefix: &[Seg],
    path: &mut Vec<Seg>,
    type_error: &mut bool,
) {
    let Some(map) = value.as_object() else {
        return;
    };
    let Some(fields) = schema::fields(struct_name) else {
        return;
    };
    for (k, v) in map {
        path.push(Seg::Key(k.clone()));
        match fields.iter().find(|(n, _)| n == k) {
            Some((_, ty)) => check_value(ctx, v, ty, struct_name, prefix, path, type_error, false),
            None => {
                let full: Vec<Seg> = prefix.iter().chain(path.iter()).cloned().collect();
                match ctx.validation {
                    FieldValidation::Ignore => {}
                    FieldValidation::Warn => ctx.at(
                        &full,
                        Severity::Warning,
                        format!("unknown field \"{}\"", path_string(path)),
                    ),
                    FieldValidation::Strict => ctx.unknown.push((full, path_string(path))),
                }
            }
        }
        path.pop();
    }
}

fn go_field_path(path: &[Seg]) -> String {
    path.iter()
        .filter_map(|s| match s {
            Seg::Key(k) => Some(k.as_str()),
            Seg::Index(_) => None,
        })
        .collect::<Vec<_>>()
        .join(".")
}

#[allow(clippy::too_many_arguments)]
fn check_value(
    ctx: &mut Ctx<'_>,
    v: &Value,
    ty: &schema::Ty,
    owner: &'static str,
    prefix: &[Seg],
    path: &mut Vec<Seg>,
    type_error: &mut bool,
    map_value: bool,
) {
    use schema::Ty;
    if v.is_null() {
        return;
    }
    let mismatch = |ctx: &mut Ctx<'_>, path: &[Seg], what: String, type_error: &mut bool| {
        let full: Vec<Seg> = prefix.iter().chain(path.iter()).cloned().collect();
        ctx.at(
            &full,
            Severity::Error,
            format!(
                "json: cannot unmarshal {what} into Go struct field {owner}.{} of type {}",
                // Go names a map value by the map's field.
                go_field_path(if map_value {
                    &path[..path.len() - 1]
                } else {
                    path
                }),
                ty.go_name()
            ),
        );
        *type_error = true;
    };
    match ty {
        Ty::Any => {}
        Ty::String => {
            if !v.is_string() {
                mismatch(ctx, path, json_type(v).into(), type_error);
            }
        }
        Ty::Bool => {
            if !v.is_boolean() {
                mismatch(ctx, path, json_type(v).into(), type_error);
            }
        }
        Ty::Int32 | Ty::Int64 => match v {
            Value::Number(n) => {
                let ok = match n.as_i64() {
                    Some(i) => *ty == Ty::Int64 || i32::try_from(i).is_ok(),
                    None => false,
                };
                if !ok {
                    mismatch(ctx, path, format!("number {n}"), type_error);
                }
            }
            other => mismatch(ctx, path, json_type(other).into(), type_error),
        },
        Ty::IntOrString => {
            if !(v.is_string() || v.as_i64().is_some()) {
                mismatch(ctx, path, json_type(v).into(), type_error);
            }
        }
        Ty::Quantity => {
            let text = match v {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            };
            if text.as_deref().and_then(parse_quantity).is_none() {
                let full: Vec<Seg> = prefix.iter().chain(path.iter()).cloned().collect();
                ctx.at(&full, Severity::Error, quantity::QUANTITY_ERROR.to_string());
                *type_error = true;
            }
        }
        Ty::List(inner) => match v {
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    path.push(Seg::Index(i));
                    check_value(ctx, item, inner, owner, prefix, path, type_error, false);
                    path.pop();
                }
            }
            other => mismatch(ctx, path, json_type(other).into(), type_error),
        },
        Ty::Map(inner) => match v {
            Value::Object(m) => {
                for (k, item) in m {
                    path.push(Seg::Key(k.clone()));
                    check_value(ctx, item, inner, owner, prefix, path, type_error, true);
                    path.pop();
                }
            }
            other => mismatch(ctx, path, json_type(other).into(), type_error),
        },
        Ty::Struct(s) => match v {
            Value::Object(_) => check_struct(ctx, v, s, prefix, path, type_error),
            other => mismatch(ctx, path, json_type(other).into(), type_error),
        },
    }
}

#[cfg(test)]
mod tests;
