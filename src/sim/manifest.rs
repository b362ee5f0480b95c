//! Manifests: multi-document YAML in, today's typed objects out, with
//! diagnostics that name the document, line and column.
//!
//! (Placeholder implementation: parses with serde_yaml and does no
//! conversion or validation yet. The signatures are the contract.)

use super::object::Object;
use serde::Serialize;

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
}

/// Parses a buffer of one or more YAML (or JSON) documents.
pub fn parse(text: &str) -> Parsed {
    use serde::Deserialize;
    let mut out = Parsed::default();
    for (i, doc) in serde_yaml::Deserializer::from_str(text).enumerate() {
        match serde_json::Value::deserialize(doc) {
            Ok(serde_json::Value::Null) => {}
            Ok(v) => match Object::from_value(&v) {
                Ok(object) => out.objects.push(ParsedObject {
                    object,
                    document: i,
                    line: 1,
                    source_api_version: v["apiVersion"].as_str().unwrap_or("").to_string(),
                }),
                Err(message) => out.diagnostics.push(Diagnostic {
                    document: i,
                    line: 1,
                    column: 1,
                    severity: Severity::Error,
                    message,
                }),
            },
            Err(e) => {
                let (line, column) = e
                    .location()
                    .map(|l| (l.line(), l.column()))
                    .unwrap_or((1, 1));
                out.diagnostics.push(Diagnostic {
                    document: i,
                    line,
                    column,
                    severity: Severity::Error,
                    message: e.to_string(),
                });
                break;
            }
        }
    }
    out
}

/// API-server validation of an update (immutable fields). `Err` holds the
/// API server's message.
pub fn validate_update(_old: &Object, _new: &Object) -> Result<(), String> {
    Ok(())
}
