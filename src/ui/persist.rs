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

/// Why nothing can be saved in this browser: local storage is switched
/// off or refused (a private window, a sandboxed frame: reading
/// `window.localStorage` throws or gives null), or a write failed (full:
/// `QuotaExceededError`). The page keeps working either way.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Trouble {
    Disabled,
    Full,
}

type Listener = Box<dyn Fn(Trouble)>;

thread_local! {
    static TROUBLE: std::cell::Cell<Option<Trouble>> = const { std::cell::Cell::new(None) };
    static ON_TROUBLE: std::cell::RefCell<Option<Listener>> = const { std::cell::RefCell::new(None) };
}

/// The first trouble met, if any.
pub fn trouble() -> Option<Trouble> {
    TROUBLE.with(|t| t.get())
}

/// Calls `f` when trouble is first met (after the page started).
pub fn on_trouble(f: impl Fn(Trouble) + 'static) {
    ON_TROUBLE.with(|c| *c.borrow_mut() = Some(Box::new(f)));
}

fn report(t: Trouble) {
    if TROUBLE.with(|c| c.replace(Some(t))).is_some() {
        return;
    }
    ON_TROUBLE.with(|c| {
        if let Some(f) = c.borrow().as_ref() {
            f(t)
        }
    });
}

/// The one way to local storage: every read and write of the page passes
/// here, so trouble is noticed wherever it happens.
fn storage() -> Option<web_sys::Storage> {
    match web_sys::window()?.local_storage() {
        Ok(Some(s)) => Some(s),
        _ => {
            report(Trouble::Disabled);
            None
        }
    }
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
        if s.set_item(key, value).is_err() {
            report(Trouble::Full);
        }
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
