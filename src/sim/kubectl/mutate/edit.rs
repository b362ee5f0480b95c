//! `kubectl edit` (upstream `pkg/cmd/edit`): the editor's target and its save.

use super::*;

/// Saves an edited object (`kubectl edit` after the editor closed): the
/// text replaces the object; kubectl's words for the outcome.
pub fn edit_save(sim: &mut Sim, args: &Args, text: &str) -> Result<String, String> {
    let ns = namespace(args);
    let key = one_target(args, &args.positional, &ns)?;
    let Some(old) = sim.store.get_key(&key).cloned() else {
        return Err(ApiError::not_found(key.kind, &key.name).to_string());
    };
    let parsed = crate::sim::manifest::parse_gated(
        text,
        crate::sim::manifest::FieldValidation::Strict,
        &sim.config.feature_gates,
    );
    let errors = parsed.kubectl_errors();
    if !errors.is_empty() {
        return Err(format!(
            "error: {}\nerror: Edit cancelled, no valid changes were saved.",
            errors.join("\n")
        ));
    }
    let Some(new) = parsed.objects.into_iter().next().map(|p| p.object) else {
        return Ok("Edit cancelled, no changes made.\n".into());
    };
    if new.kind != old.kind || new.meta.name != old.meta.name {
        return Err("error: At least one of apiVersion, kind and name was changed\nerror: Edit cancelled, no valid changes were saved.".to_string());
    }
    match update_object(sim, &old, new) {
        Ok(true) => Ok(format!("{} edited\n", ref_name(&key))),
        Ok(false) => Ok("Edit cancelled, no changes made.\n".into()),
        Err(e) => Err(format!(
            "{e}\nerror: Edit cancelled, no valid changes were saved."
        )),
    }
}

/// What `kubectl edit ARGS` would open: the object's key and its YAML.
/// The browser shows it in its editor and applies the saved text.
pub fn edit_target(sim: &Sim, args: &str) -> Result<(Key, String), String> {
    let mut words = crate::sim::kubectl::command_words(args).map_err(|e| format!("error: {e}"))?;
    if words.first().map(String::as_str) == Some("edit") {
        words.remove(0);
    }
    let a = crate::sim::kubectl::parse::parse_args(&words, "edit", "edit")?;
    let ns = namespace(&a);
    let key = one_target(&a, &a.positional, &ns)?;
    let o = sim
        .store
        .get_key(&key)
        .ok_or_else(|| ApiError::not_found(key.kind, &key.name).to_string())?;
    Ok((key, crate::sim::kubectl::yaml::to_yaml(&o.to_value())))
}

/// Kind word for messages about a kind without an object.
pub fn kind_label(kind: Kind) -> String {
    kind_word(kind)
}
