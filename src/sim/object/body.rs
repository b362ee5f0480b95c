//! An object's body: its top-level fields, each shared copy-on-write,
//! some held as typed views (split from `object` along that line).

use super::{Shared, NULL};
use serde_json::{Map, Value};
use std::fmt;
use std::sync::Arc;

/// An object's top-level body fields (`spec`, `status`, `data`, ...), in
/// key order as in a JSON map, each shared ([`Shared`]). A copy of an
/// object shares them and a write copies only the field it changes
/// ([`Object::field_mut`]), so a controller that copies a pod to write its
/// status leaves the spec shared with the stored pod, and a shared field
/// compares by pointer before content. A sorted `Vec`,
/// not a B-tree: a body has a handful of fields, and the wasm then carries
/// no B-tree code for this map type.
///
/// A field may also be held as a typed view ([`FieldView`]) that builds
/// its JSON only when something reads it as JSON. The Endpoints
/// controller writes `subsets` so: rebuilding hundreds of addresses as
/// JSON on every readiness change was a third of an OrderedReady rollout,
/// and its readers on the hot path (the controller itself, DNS) read the
/// view. Everything else sees the same JSON as before.
#[derive(Clone, Default, PartialEq)]
pub struct Body(Vec<(String, Field)>);

/// One body field: JSON, or a typed view with its JSON made on first read.
#[derive(Clone)]
enum Field {
    Json(Shared<Value>),
    View(Arc<Viewed>),
}

struct Viewed {
    view: Box<dyn FieldView>,
    json: std::sync::OnceLock<Value>,
}

/// A body field kept typed (see [`Body`]). `to_value` must be a pure
/// function of the view, and two views are equal exactly when their JSON
/// is: equality, the store's no-op check and the debug shadow syncs
/// compare views with `same`, never their JSON.
pub trait FieldView: std::any::Any + Send + Sync {
    fn to_value(&self) -> Value;
    /// Equal to `other`, a view of the same type (views of different
    /// types are compared by their JSON).
    fn same(&self, other: &dyn FieldView) -> bool;
    fn as_any(&self) -> &dyn std::any::Any;
    /// Bytes the view owns on the heap (an upper estimate).
    fn heap(&self) -> usize;
}

impl Field {
    fn json(&self) -> &Value {
        match self {
            Field::Json(v) => v,
            Field::View(v) => v.json.get_or_init(|| v.view.to_value()),
        }
    }
    /// The JSON to write, copied first when shared (a view becomes JSON).
    fn json_mut(&mut self) -> &mut Value {
        if let Field::View(v) = self {
            *self = Field::Json(
                v.json
                    .get()
                    .cloned()
                    .unwrap_or_else(|| v.view.to_value())
                    .into(),
            );
        }
        match self {
            Field::Json(v) => v,
            Field::View(_) => unreachable!("made JSON above"),
        }
    }
    fn is_null(&self) -> bool {
        matches!(self, Field::Json(v) if v.is_null())
    }
}

impl PartialEq for Field {
    fn eq(&self, other: &Field) -> bool {
        match (self, other) {
            (Field::Json(a), Field::Json(b)) => a == b,
            (Field::View(a), Field::View(b))
                if a.view.as_any().type_id() == b.view.as_any().type_id() =>
            {
                Arc::ptr_eq(a, b) || a.view.same(&*b.view)
            }
            // A view against JSON, or views of two types: by their JSON.
            _ => self.json() == other.json(),
        }
    }
}

/// A body field as the snapshot estimate counts it (`heap::body_heap`).
pub(crate) enum FieldRef<'a> {
    Json(&'a Value),
    /// The view, its JSON when that was made, and the bytes of the
    /// `Arc`'s target that holds both.
    View(&'a dyn FieldView, Option<&'a Value>, usize),
}

impl Body {
    /// Where `name` is, or where it would go.
    fn find(&self, name: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| k.as_str().cmp(name))
    }
    fn slot(&self, name: &str) -> Option<&Field> {
        self.find(name).ok().map(|i| &self.0[i].1)
    }
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.slot(name).map(Field::json)
    }
    /// The field's typed view, when it is held as one of type `T` (else
    /// read its JSON).
    pub fn view<T: FieldView>(&self, name: &str) -> Option<&T> {
        match self.slot(name)? {
            Field::View(v) => v.view.as_any().downcast_ref(),
            Field::Json(_) => None,
        }
    }
    /// The field to write, copied first when shared; `None` when absent.
    pub fn get_mut(&mut self, name: &str) -> Option<&mut Value> {
        let i = self.find(name).ok()?;
        Some(self.0[i].1.json_mut())
    }
    /// The field to write, made an empty map when absent or null.
    pub(super) fn get_or_empty(&mut self, name: &str) -> &mut Value {
        let empty = || Field::Json(Value::Object(Map::new()).into());
        let i = match self.find(name) {
            Ok(i) => {
                if self.0[i].1.is_null() {
                    self.0[i].1 = empty();
                }
                i
            }
            Err(i) => {
                self.0.insert(i, (name.to_string(), empty()));
                i
            }
        };
        self.0[i].1.json_mut()
    }
    pub fn insert(&mut self, name: String, value: Value) {
        self.put(name, Field::Json(value.into()));
    }
    /// Sets the field to a typed view (see [`Body`]).
    pub fn insert_view(&mut self, name: String, view: impl FieldView) {
        let viewed = Viewed {
            view: Box::new(view),
            json: std::sync::OnceLock::new(),
        };
        self.put(name, Field::View(Arc::new(viewed)));
    }
    fn put(&mut self, name: String, field: Field) {
        match self.find(&name) {
            Ok(i) => self.0[i].1 = field,
            Err(i) => self.0.insert(i, (name, field)),
        }
    }
    /// Whether there was such a field.
    pub fn remove(&mut self, name: &str) -> bool {
        match self.find(name) {
            Ok(i) => {
                self.0.remove(i);
                true
            }
            Err(_) => false,
        }
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    /// The vector's bytes (the snapshot estimate's).
    pub(crate) fn vec_bytes(&self) -> usize {
        self.0.capacity() * std::mem::size_of::<(String, Field)>()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn iter(&self) -> impl Iterator<Item = (&String, &Value)> {
        self.0.iter().map(|(k, v)| (k, v.json()))
    }
    /// The fields as held, views unbuilt (for the snapshot estimate).
    pub(crate) fn fields(&self) -> impl Iterator<Item = (&String, FieldRef<'_>)> {
        self.0.iter().map(|(k, f)| {
            let r = match f {
                Field::Json(v) => FieldRef::Json(v),
                Field::View(v) => {
                    FieldRef::View(&*v.view, v.json.get(), std::mem::size_of::<Viewed>())
                }
            };
            (k, r)
        })
    }
    /// A JSON field as shared between the copies of the object (`None` for
    /// a typed view or a missing field): with [`Shared::same`], a reader
    /// knows the field unchanged since it last saw it.
    pub fn shared(&self, name: &str) -> Option<&Shared<Value>> {
        match self.slot(name)? {
            Field::Json(v) => Some(v),
            Field::View(_) => None,
        }
    }
    /// The field and whether `other` holds the very same value (shared,
    /// not copied), so an unchanged field is known without comparing it.
    pub fn same_field(&self, other: &Body, name: &str) -> bool {
        match (self.slot(name), other.slot(name)) {
            (Some(a), Some(b)) => a == b,
            (None, None) => true,
            _ => false,
        }
    }
    /// The same fields, but for `skip`, each shared or equal.
    pub fn same_but(&self, other: &Body, skip: &str) -> bool {
        self.0.len() == other.0.len()
            && self
                .0
                .iter()
                .zip(&other.0)
                .all(|((ka, va), (kb, vb))| ka == kb && (ka == skip || va == vb))
    }
}

/// As the `serde_json::Map` it replaced printed.
impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl std::ops::Index<&str> for Body {
    type Output = Value;
    /// `Null` when absent.
    fn index(&self, name: &str) -> &Value {
        self.get(name).unwrap_or(&NULL)
    }
}

impl Extend<(String, Value)> for Body {
    fn extend<I: IntoIterator<Item = (String, Value)>>(&mut self, iter: I) {
        for (k, v) in iter {
            self.insert(k, v);
        }
    }
}

impl FromIterator<(String, Value)> for Body {
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(iter: I) -> Body {
        let mut b = Body::default();
        b.extend(iter);
        b
    }
}
