//! The core functions the page calls beyond `Sim` itself, in one place:
//! examples, console
//! completion and live watches. Owned types for the views.

use crate::sim::Sim;

use super::i18n::Lang;

/// One loadable example (from `crate::sim::examples`).
#[derive(Clone, Debug, PartialEq)]
pub struct ExampleInfo {
    pub id: String,
    pub title: String,
    pub title_zh: String,
    pub description: String,
    pub description_zh: String,
    pub source_doc: String,
    pub modern: bool,
    pub note: String,
    pub note_zh: String,
}

impl ExampleInfo {
    pub fn title_in(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.title,
            Lang::Zh => &self.title_zh,
        }
    }

    pub fn description_in(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.description,
            Lang::Zh => &self.description_zh,
        }
    }

    pub fn note_in(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.note,
            Lang::Zh => &self.note_zh,
        }
    }
}

pub fn examples() -> Vec<ExampleInfo> {
    crate::sim::examples::all()
        .iter()
        .map(|e| ExampleInfo {
            id: e.id.into(),
            title: e.title.into(),
            title_zh: e.title_zh.into(),
            description: e.description.into(),
            description_zh: e.description_zh.into(),
            source_doc: e.source_doc.into(),
            modern: e.modern,
            note: e.note.into(),
            note_zh: e.note_zh.into(),
        })
        .collect()
}

/// An example's manifests, if at hand (the page fetches the others'
/// files when first chosen: `super::lazy`).
pub fn example_yaml(id: &str) -> Option<String> {
    crate::sim::examples::by_id(id)
        .and_then(|e| e.yaml())
        .map(str::to_string)
}

/// The files an example still needs fetched.
pub fn example_missing(id: &str) -> Vec<&'static str> {
    crate::sim::examples::by_id(id).map_or_else(Vec::new, |e| e.missing())
}

/// The example a first visit opens.
pub const DEFAULT_EXAMPLE: &str = crate::sim::examples::DEFAULT_ID;

pub fn complete(sim: &Sim, partial: &str) -> Vec<String> {
    crate::sim::kubectl::complete(sim, partial)
}
