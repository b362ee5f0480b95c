//! `pkg/apis/storage/validation`: StorageClasses.

use super::*;

pub(super) fn validate_storage_class(e: &mut Errs, o: &Object) {
    let p = P::root();
    if o.field("provisioner").as_str().unwrap_or("").is_empty() {
        e.required(&p.k("provisioner"), "");
    }
    if let Some(r) = o.field("reclaimPolicy").as_str() {
        if !matches!(r, "Delete" | "Retain") {
            e.unsupported(&p.k("reclaimPolicy"), r, &["Delete", "Retain"]);
        }
    }
    if let Some(m) = o.field("volumeBindingMode").as_str() {
        if !matches!(m, "Immediate" | "WaitForFirstConsumer") {
            e.unsupported(
                &p.k("volumeBindingMode"),
                m,
                &["Immediate", "WaitForFirstConsumer"],
            );
        }
    }
}

/// `ValidateStorageClassUpdate`: provisioner, parameters, reclaim policy
/// and binding mode are immutable.
pub(super) fn validate_storage_class_update(
    errs: &mut Vec<FieldError>,
    old: &Object,
    new: &Object,
) {
    for f in [
        "provisioner",
        "parameters",
        "reclaimPolicy",
        "volumeBindingMode",
    ] {
        if old.field(f) != new.field(f) {
            let p = P::root().k(f);
            if f == "volumeBindingMode" {
                errs.push(immutable(&p, quote(new.field(f).as_str().unwrap_or(""))));
            } else {
                errs.push(forbidden(&p, &format!("updates to {f} are forbidden.")));
            }
        }
    }
}
