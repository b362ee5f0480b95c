//! A session at rest: what local storage, share links and `.ordinal.json`
//! files hold, and how a share link packs it. `(seed, config, journal)`
//! reproduces the trace exactly; the rest (example, editor, scrub position)
//! restores what the person was looking at.
//!
//! A share link's fragment is `#o1.` + base64url (no padding) of the raw
//! DEFLATE of the session's JSON. An editor buffer or applied manifest that
//! is one of the built-in examples word for word is written as a reference
//! to it (`@example:web`), which keeps the links of the tutorials short.

use crate::sim::engine::Config;
use crate::sim::session::{Input, JournalEntry};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Bumped when the shape or the core's meaning of a journal changes.
pub const VERSION: u32 = 1;

/// What stands before a share link's data: the format's version.
pub const LINK_PREFIX: &str = "o1.";

/// Links longer than this are offered as a file instead: some chat tools,
/// mail clients and servers cut URLs past about 2,000 characters.
pub const LINK_LIMIT: usize = 8_000;

/// Refuse to inflate more than this: a link is untrusted input.
const MAX_JSON: usize = 16 << 20;

const EXAMPLE_REF: &str = "@example:";

/// The most nodes a saved session may ask for.
pub const MAX_NODES: usize = 1_000;

/// The latest virtual time a saved session may reach: Go's longest
/// duration, 2^63-1 ns, in milliseconds.
pub const MAX_TIME_MS: u64 = 9_223_372_036_854;

/// The most controller steps a saved session may replay: far more than
/// hours of a busy page, far less than a frozen one.
pub const MAX_STEPS: u64 = 20_000_000;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Saved {
    pub version: u32,
    pub seed: u64,
    #[serde(default)]
    pub config: Config,
    pub journal: Vec<JournalEntry>,
    #[serde(default)]
    pub example: String,
    /// The editor's text, when it is saved with the session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub editor: Option<String>,
    /// Where the timeline was scrubbed to (an event count), if not at the end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<usize>,
}

/// Why a saved session or a link could not be opened.
#[derive(Clone, Debug, PartialEq)]
pub enum OpenError {
    /// Not a session of Ordinal's at all.
    NotASession(String),
    /// Written by a newer Ordinal.
    FutureVersion(u32),
    /// The link's text is not base64url (a character at this offset).
    BadEncoding(usize),
    /// The compressed data is cut short or damaged.
    Corrupt(String),
    /// It unpacked, but is not a session (the JSON error, with its place).
    BadJson(String),
    /// It names a built-in example this build does not have (or, in the
    /// page, has not fetched yet: the page fetches its files and tries again).
    UnknownExample(String),
}

impl fmt::Display for OpenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OpenError::NotASession(why) => write!(f, "this is not an Ordinal session ({why})"),
            OpenError::FutureVersion(v) => write!(
                f,
                "the session was saved by a newer Ordinal (format {v}; this one reads up to {VERSION})"
            ),
            OpenError::BadEncoding(at) => write!(
                f,
                "the link is damaged: an invalid character at position {at} of its data"
            ),
            OpenError::Corrupt(why) => write!(
                f,
                "the link is damaged or cut short: its data does not unpack ({why})"
            ),
            OpenError::BadJson(why) => write!(f, "the session inside is damaged: {why}"),
            OpenError::UnknownExample(id) => {
                write!(f, "the session uses an example this Ordinal does not have: {id}")
            }
        }
    }
}

/// Collapses clock moves between inputs: replay only needs the last one
/// before each input or step run, which keeps a saved journal small.
pub fn compact(journal: &[JournalEntry]) -> Vec<JournalEntry> {
    let mut out: Vec<JournalEntry> = Vec::with_capacity(journal.len());
    for e in journal {
        match (out.last_mut(), e) {
            (Some(JournalEntry::AdvanceTo(t)), JournalEntry::AdvanceTo(u)) => *t = (*t).max(*u),
            (Some(JournalEntry::Steps(n)), JournalEntry::Steps(m)) => *n += m,
            _ => out.push(e.clone()),
        }
    }
    out
}

impl Saved {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads a saved session (local storage or a `.ordinal.json` file).
    pub fn from_json(json: &str) -> Result<Saved, OpenError> {
        let v: serde_json::Value = serde_json::from_str(json)
            .map_err(|e| OpenError::NotASession(format!("not JSON: {e}")))?;
        let version = v
            .get("version")
            .and_then(|v| v.as_u64())
            .ok_or_else(|| OpenError::NotASession("no format version".into()))?;
        if version > u64::from(VERSION) {
            return Err(OpenError::FutureVersion(
                version.min(u64::from(u32::MAX)) as u32
            ));
        }
        let saved: Saved =
            serde_json::from_value(v).map_err(|e| OpenError::BadJson(e.to_string()))?;
        saved.check_size()?;
        Ok(saved)
    }

    /// Controller steps the journal runs when replayed.
    pub fn replay_steps(&self) -> u64 {
        self.journal
            .iter()
            .map(|e| match e {
                JournalEntry::Steps(n) => *n,
                _ => 0,
            })
            .fold(0, u64::saturating_add)
    }

    /// A session is untrusted input: refuse one that would take the page
    /// minutes or gigabytes to rebuild, or a cluster config no cluster has.
    fn check_size(&self) -> Result<(), OpenError> {
        // Gates as `--feature-gates` would have set them, nothing else.
        self.config
            .feature_gates
            .check()
            .map_err(|e| OpenError::BadJson(format!("its cluster config: {e}")))?;
        if self.config.nodes > MAX_NODES {
            return Err(OpenError::BadJson(format!(
                "{} nodes (this Ordinal opens at most {MAX_NODES})",
                self.config.nodes
            )));
        }
        // Go's durations end at about 292 years; so does a session's clock
        // (beyond it, time arithmetic in the core would overflow).
        let latest = self.journal.iter().fold(0, |m, e| match e {
            JournalEntry::AdvanceTo(t) => m.max(*t),
            _ => m,
        });
        if latest > MAX_TIME_MS {
            return Err(OpenError::BadJson(format!(
                "its clock reaches {latest} ms (this Ordinal opens at most {MAX_TIME_MS})"
            )));
        }
        let steps = self.replay_steps();
        if steps > MAX_STEPS {
            return Err(OpenError::BadJson(format!(
                "{steps} controller steps to replay (this Ordinal opens at most {MAX_STEPS})"
            )));
        }
        Ok(())
    }

    /// The share link's fragment (without `#`).
    pub fn to_link(&self) -> String {
        let mut s = self.clone();
        s.editor = s.editor.map(|t| to_ref(&t));
        for e in &mut s.journal {
            if let JournalEntry::Input(Input::Manifest { text, .. }) = e {
                *text = to_ref(text);
            }
        }
        format!("{LINK_PREFIX}{}", pack(s.to_json().as_bytes()))
    }

    /// Reads a share link: the fragment, with or without `#`, or a whole
    /// URL that holds one.
    pub fn from_link(link: &str) -> Result<Saved, OpenError> {
        let frag = link.rsplit_once('#').map_or(link, |(_, f)| f).trim();
        let data = frag.strip_prefix(LINK_PREFIX).ok_or_else(|| {
            match frag
                .strip_prefix('o')
                .and_then(|r| r.split_once('.'))
                .and_then(|(v, _)| v.parse::<u32>().ok())
            {
                Some(v) if v > VERSION => OpenError::FutureVersion(v),
                _ => OpenError::NotASession("the link has no session in it".into()),
            }
        })?;
        let json = unpack(data)?;
        let mut s = Saved::from_json(&json)?;
        if let Some(t) = &s.editor {
            s.editor = Some(from_ref(t)?);
        }
        for e in &mut s.journal {
            if let JournalEntry::Input(Input::Manifest { text, .. }) = e {
                *text = from_ref(text)?;
            }
        }
        Ok(s)
    }

    /// Reads any of the forms a session travels in: a link or fragment, or
    /// the JSON of local storage and `.ordinal.json` files.
    pub fn open(text: &str) -> Result<Saved, OpenError> {
        if text.trim_start().starts_with('{') {
            Saved::from_json(text)
        } else {
            Saved::from_link(text)
        }
    }
}

/// A link's data: base64url (no padding) of the raw DEFLATE of `bytes`.
/// Shared by session links and lesson links (`sim::lessons::link`).
pub fn pack(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(miniz_oxide::deflate::compress_to_vec(bytes, 9))
}

/// Reads what [`pack`] wrote back to its text: untrusted input, so a bad
/// character, damaged data or more than 16 MiB unpacked is an error.
pub fn unpack(data: &str) -> Result<String, OpenError> {
    if let Some(at) = data
        .bytes()
        .position(|b| !(b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
    {
        return Err(OpenError::BadEncoding(at));
    }
    let packed = URL_SAFE_NO_PAD
        .decode(data)
        .map_err(|e| OpenError::Corrupt(e.to_string()))?;
    let bytes = miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_JSON)
        .map_err(|e| OpenError::Corrupt(format!("{:?}", e.status)))?;
    String::from_utf8(bytes).map_err(|e| OpenError::Corrupt(e.to_string()))
}

fn to_ref(text: &str) -> String {
    // Only an example at hand can match (in the page, one fetched already).
    match crate::sim::examples::all()
        .iter()
        .find(|e| e.yaml() == Some(text))
    {
        Some(e) => format!("{EXAMPLE_REF}{}", e.id),
        None => text.to_string(),
    }
}

fn from_ref(text: &str) -> Result<String, OpenError> {
    match text.strip_prefix(EXAMPLE_REF) {
        Some(id) => crate::sim::examples::by_id(id)
            .and_then(|e| e.yaml())
            .map(str::to_string)
            .ok_or_else(|| OpenError::UnknownExample(id.to_string())),
        None => Ok(text.to_string()),
    }
}
