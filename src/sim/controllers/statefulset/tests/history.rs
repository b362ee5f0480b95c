//! The revision history (`history.rs`, upstream `pkg/controller/history`
//! and the revision half of `stateful_set_control.go`): revisions recorded,
//! truncated, reused on rollback, named deterministically.

use super::*;

#[test]
fn revisions_are_recorded_and_history_is_truncated() {
    let mut sim = Sim::new(7);
    apply(&mut sim, web(1, json!({"revisionHistoryLimit": 1})));
    ready_all(&mut sim);
    for img in ["nginx:1.26", "nginx:1.27", "nginx:1.28"] {
        set_image(&mut sim, img);
        run(&mut sim);
        finish_termination(&mut sim, "web-0");
        ready_all(&mut sim);
    }
    let s = set(&sim);
    let hist = revision_history(&sim.store, &s);
    // Live (current = update) plus one historic.
    assert_eq!(hist.len(), 2, "{hist:?}");
    assert_eq!(hist.last().unwrap().0, 4);
    assert_eq!(
        hist.last().unwrap().2.str_at("spec.containers.0.image"),
        Some("nginx:1.28")
    );
    let cr = sim
        .store
        .get(Kind::ControllerRevision, "default", &hist[1].1)
        .unwrap();
    assert!(cr.meta.is_owned_by(&s.meta.uid));
    assert_eq!(cr.field("revision").as_i64(), Some(4));
    assert_eq!(
        cr.field("data").str_at("spec.template.$patch"),
        Some("replace")
    );
    // The hash part uses the API server's safe alphabet.
    let hash = hist[1].1.strip_prefix("web-").unwrap();
    assert!(!hash.is_empty() && hash.len() <= 10);
    assert!(hash
        .chars()
        .all(|c| "bcdfghjklmnpqrstvwxz2456789".contains(c)));
}

#[test]
fn rollback_reuses_the_old_revision_with_a_new_number() {
    let mut sim = Sim::new(7);
    apply(&mut sim, web(1, json!({})));
    ready_all(&mut sim);
    set_image(&mut sim, "nginx:1.26");
    run(&mut sim);
    finish_termination(&mut sim, "web-0");
    ready_all(&mut sim);
    let s = set(&sim);
    assert!(rollback_template(&sim.store, &s, Some(9)).is_err());
    let t = rollback_template(&sim.store, &s, None).unwrap();
    assert_eq!(t.str_at("spec.containers.0.image"), Some("nginx:1.25"));
    let mut s2 = s.clone();
    set_at(s2.spec_mut(), "template", t);
    api::update(&mut sim, s2, "kubectl").unwrap();
    run(&mut sim);
    let hist = revision_history(&sim.store, &set(&sim));
    assert_eq!(hist.len(), 2, "no new revision: {hist:?}");
    assert_eq!(hist[1].0, 3);
    assert_eq!(
        hist[1].2.str_at("spec.containers.0.image"),
        Some("nginx:1.25")
    );
    finish_termination(&mut sim, "web-0");
    ready_all(&mut sim);
    assert_eq!(image_of(&sim, "web-0"), "nginx:1.25");
    assert!(rollback_template(
        &sim.store,
        &Object::new(Kind::StatefulSet, "default", "x"),
        None
    )
    .is_err());
}

#[test]
fn revision_names_are_deterministic() {
    let update_revision = |seed: u64| {
        let mut sim = Sim::new(seed);
        apply(&mut sim, web(1, json!({})));
        run(&mut sim);
        set(&sim)
            .status()
            .str_at("updateRevision")
            .unwrap()
            .to_string()
    };
    assert_eq!(update_revision(1), update_revision(99));
    assert_eq!(safe_encode_string("0123456789"), "456789bcdf");
}
