//! What survives a reload: the editor's text and the session (seed and
//! journal), in local storage under versioned keys. An entry that does not
//! read back, or one from another version, is moved aside under
//! `ordinal.aside.*` and reported; it never stops the page.

use crate::sim::session::saved::{OpenError, Saved};

const PREFIX: &str = "ordinal.";
pub const EDITOR_KEY: &str = "ordinal.v1.editor";
pub const SESSION_KEY: &str = "ordinal.v1.session";
pub const THEME_KEY: &str = "ordinal.v1.theme";
/// Lesson progress: a map from lesson id to `sim::lessons::Progress`.
pub const LESSONS_KEY: &str = "ordinal.v1.lessons";
/// A teacher's own lessons: their YAML texts.
pub const OWN_LESSONS_KEY: &str = "ordinal.v1.own-lessons";
/// The language the user chose with the header's switch (`en`, `zh`).
pub const LANG_KEY: &str = "ordinal.v1.lang";
const ASIDE: &str = "ordinal.aside.";

/// Whether the page may write local storage. A page opened from a link
/// (a session, `?example=`, or a link that failed) leaves what this browser
/// saved alone until the person acts; an embed never writes it (an iframe
/// shares the full page's storage).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Hold {
    Free,
    UntilActs,
    Never,
}

thread_local! {
    static HOLD: std::cell::Cell<Hold> = const { std::cell::Cell::new(Hold::Free) };
}

pub fn hold(h: Hold) {
    HOLD.with(|c| {
        if c.get() != Hold::Never {
            c.set(h)
        }
    });
}

/// Writes come from what the person did (saving after an input, typing in
/// the editor): the first one ends an `UntilActs` hold.
fn may_write() -> bool {
    HOLD.with(|c| match c.get() {
        Hold::Never => false,
        Hold::UntilActs => {
            c.set(Hold::Free);
            true
        }
        Hold::Free => true,
    })
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

pub fn get(key: &str) -> Option<String> {
    storage()?.get_item(key).ok().flatten()
}

/// Writes quietly: a full or disabled storage loses the save, not the page.
pub fn set(key: &str, value: &str) {
    if !may_write() {
        return;
    }
    write(key, value);
}

/// A preference (the theme): written unless the page never writes, and
/// not an act that ends a hold.
pub fn set_pref(key: &str, value: &str) {
    if HOLD.with(|c| c.get()) != Hold::Never {
        write(key, value);
    }
}

fn write(key: &str, value: &str) {
    if let Some(s) = storage() {
        let _ = s.set_item(key, value);
    }
}

fn set_aside(key: &str, value: &str, why: &str, problems: &mut Vec<String>) {
    let aside = format!("{ASIDE}{}", key.trim_start_matches(PREFIX));
    write(&aside, value);
    if let Some(s) = storage() {
        let _ = s.remove_item(key);
    }
    problems.push(format!(
        "Saved state \"{key}\" could not be used ({why}); it was kept aside as \"{aside}\" and a fresh session started."
    ));
}

/// What a load found: the editor text, the session, and what was set aside.
pub struct Loaded {
    pub editor: Option<String>,
    pub session: Option<Saved>,
    pub problems: Vec<String>,
}

pub fn load() -> Loaded {
    let mut problems = Vec::new();
    // Keys of other versions (ordinal.v0.*, unknown names) are set aside.
    if let Some(s) = storage() {
        let n = s.length().unwrap_or(0);
        let keys: Vec<String> = (0..n).filter_map(|i| s.key(i).ok().flatten()).collect();
        for k in keys {
            let known = [
                EDITOR_KEY,
                SESSION_KEY,
                THEME_KEY,
                LESSONS_KEY,
                OWN_LESSONS_KEY,
                LANG_KEY,
            ]
            .contains(&k.as_str());
            if k.starts_with(PREFIX) && !k.starts_with(ASIDE) && !known {
                let v = get(&k).unwrap_or_default();
                set_aside(&k, &v, "it was saved by another version", &mut problems);
            }
        }
    }
    let editor = get(EDITOR_KEY);
    let session = match get(SESSION_KEY) {
        None => None,
        Some(raw) => match Saved::from_json(&raw) {
            Ok(s) => Some(s),
            Err(e) => {
                let why = match e {
                    OpenError::FutureVersion(v) => {
                        format!(
                            "version {} instead of {}",
                            v,
                            crate::sim::session::saved::VERSION
                        )
                    }
                    e => format!("unreadable: {e}"),
                };
                set_aside(SESSION_KEY, &raw, &why, &mut problems);
                None
            }
        },
    };
    Loaded {
        editor,
        session,
        problems,
    }
}

pub fn save_session(session: &Saved) {
    set(SESSION_KEY, &session.to_json());
}
