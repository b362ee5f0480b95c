//! A lesson in a URL fragment, the way a share link carries a session: a
//! teacher sends `https://…/ordinal/#l1.…` and the page opens the lesson
//! without any server. The fragment is `l1.` + base64url (no padding) of
//! the raw DEFLATE of the lesson's YAML, packed as session links are
//! (`sim::session::saved::pack`); `o1.` stays a session's.

use super::{parse, Lesson};
use crate::sim::session::saved::{self, OpenError};

/// What stands before a lesson link's data: the format's version.
pub const LINK_PREFIX: &str = "l1.";

/// How a lesson from a link is named in its errors.
pub const LINK_FILE: &str = "lesson link";

/// The fragment (without `#`) that carries this lesson file.
pub fn to_link(yaml: &str) -> String {
    format!("{LINK_PREFIX}{}", saved::pack(yaml.as_bytes()))
}

/// Whether a fragment (with or without `#`) is meant as a lesson link,
/// of this version or another: `l<digits>.`.
pub fn is_link(fragment: &str) -> bool {
    let frag = fragment.trim().trim_start_matches('#');
    frag.strip_prefix('l')
        .and_then(|r| r.split_once('.'))
        .is_some_and(|(v, _)| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
}

/// The lesson file's text in a link: the fragment, with or without `#`,
/// or a whole URL that holds one. The error says what is wrong in words.
pub fn from_link(link: &str) -> Result<String, String> {
    let frag = link.rsplit_once('#').map_or(link, |(_, f)| f).trim();
    let data = frag.strip_prefix(LINK_PREFIX).ok_or_else(|| {
        match frag
            .strip_prefix('l')
            .and_then(|r| r.split_once('.'))
            .and_then(|(v, _)| v.parse::<u32>().ok())
        {
            Some(v) => format!(
                "the lesson link was made by another Ordinal (format l{v}; this one reads l1)"
            ),
            None => "the link has no lesson in it".to_string(),
        }
    })?;
    saved::unpack(data).map_err(|e| match e {
        OpenError::BadEncoding(at) => {
            format!("the lesson link is damaged: an invalid character at position {at} of its data")
        }
        OpenError::Corrupt(why) => {
            format!("the lesson link is damaged or cut short: its data does not unpack ({why})")
        }
        e => e.to_string(),
    })
}

/// A lesson from a link, parsed: the text (kept by the page, like a pasted
/// lesson) and the lesson, or an error that names the link, line and problem.
pub fn open_link(link: &str) -> Result<(String, Lesson), String> {
    let text = from_link(link).map_err(|e| format!("{LINK_FILE}: {e}"))?;
    let lesson = parse(LINK_FILE, &text).map_err(|e| e.to_string())?;
    Ok((text, lesson))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::lessons::BUNDLED;

    #[test]
    fn every_bundled_lesson_survives_a_link() {
        for (id, _, text) in BUNDLED {
            let link = to_link(text);
            assert!(link.starts_with("l1."), "{id}");
            assert!(
                link[3..]
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
                "{id}: only base64url in the fragment"
            );
            assert!(is_link(&link) && is_link(&format!("#{link}")));
            assert_eq!(from_link(&link).as_deref(), Ok(*text), "{id}");
            let url = format!("https://example.org/docs/ordinal/?x=1#{link}");
            let (back, lesson) = open_link(&url).unwrap();
            assert_eq!(back, *text);
            assert_eq!(lesson.id, *id);
            // Compressed: a link is shorter than the file it carries.
            assert!(
                link.len() < text.len(),
                "{id}: {} ≥ {}",
                link.len(),
                text.len()
            );
        }
    }

    #[test]
    fn a_session_link_is_not_a_lesson() {
        assert!(!is_link("o1.abc"));
        assert!(!is_link("#lesson"));
        assert!(!is_link("l.abc"));
        assert!(is_link("#l2.abc"));
        assert_eq!(
            from_link("#o1.abc").unwrap_err(),
            "the link has no lesson in it"
        );
    }

    #[test]
    fn another_format_version_is_named() {
        let err = from_link("#l7.AAAA").unwrap_err();
        assert!(err.contains("format l7"), "{err}");
    }

    #[test]
    fn a_damaged_link_says_where_or_how() {
        let link = to_link(BUNDLED[0].2);
        let mut bad = link.clone();
        bad.insert(10, '*');
        let err = from_link(&bad).unwrap_err();
        assert!(err.contains("position 7"), "{err}");
        let cut = &link[..link.len() / 2];
        let err = from_link(cut).unwrap_err();
        assert!(err.contains("cut short"), "{err}");
    }

    #[test]
    fn a_bad_lesson_in_a_link_is_a_positioned_error() {
        let yaml = "id: x\ntitle: {en: A, zh: 甲}\nsummary: {en: A, zh: 甲}\n\
                    cluster: {nodes: 1}\nsteps:\n  - title: {en: S, zh: 乙}\n    \
                    text: {en: T, zh: 丙}\n    solution: get pods\n    \
                    checks:\n      - wibble: x\n";
        let err = open_link(&to_link(yaml)).unwrap_err();
        assert!(err.starts_with("lesson link:"), "{err}");
        assert!(err.contains("wibble"), "{err}");
        assert!(err.contains(":10:"), "the line of the bad check: {err}");
    }
}
