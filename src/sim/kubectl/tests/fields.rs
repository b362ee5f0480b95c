//! `--field-selector` for `get` and `delete`, as the API server lists:
//! the fields each kind offers, `=`, `==`, `!=`, the 400 for a field a kind
//! does not offer (kubectl's `EnhanceListError` words), and names with a
//! selector refused by the builder.

use super::*;

fn running_pods() -> Sim {
    let mut sim = Sim::new(3);
    kf(&mut sim, "apply -f web.yaml", &[("web.yaml", WEB)]).unwrap();
    for _ in 0..400 {
        sim.step();
    }
    sim
}

#[test]
fn get_lists_what_the_fields_select() {
    let mut sim = running_pods();
    let names = |sim: &mut Sim, sel: &str| {
        k(sim, &format!("get pods -o name --field-selector {sel}")).unwrap()
    };
    let all = names(&mut sim, "status.phase=Running");
    assert!(
        all.contains("pod/web-0\n") && all.contains("pod/web-1\n"),
        "{all}"
    );
    assert_eq!(names(&mut sim, "status.phase==Running"), all);
    assert_eq!(names(&mut sim, "metadata.name=web-1"), "pod/web-1\n");
    assert_eq!(
        names(&mut sim, "metadata.name!=web-1,status.phase=Running"),
        "pod/web-0\n"
    );
    let node = sim
        .store
        .get(Kind::Pod, "default", "web-0")
        .unwrap()
        .spec()
        .str_at("nodeName")
        .unwrap()
        .to_string();
    assert!(names(&mut sim, &format!("spec.nodeName={node}")).contains("pod/web-0\n"));
    assert_eq!(
        k(&mut sim, "get pods --field-selector status.phase=Failed").unwrap(),
        "No resources found in default namespace.\n"
    );
    // Events by the object they are about.
    let ev = k(
        &mut sim,
        "get events --field-selector involvedObject.name=web-1",
    )
    .unwrap();
    assert!(ev.lines().skip(1).all(|l| l.contains("web-1")), "{ev}");
    assert!(ev.lines().count() > 2, "{ev}");
}

#[test]
fn fields_a_kind_does_not_offer_are_refused() {
    let mut sim = running_pods();
    assert_eq!(
        k(&mut sim, "get pods --field-selector spec.foo=bar").unwrap_err(),
        "Error from server (BadRequest): Unable to find \"/v1, Resource=pods\" that match label selector \"\", field selector \"spec.foo=bar\": field label not supported: spec.foo"
    );
    assert_eq!(
        k(&mut sim, "get sts -l app=nginx --field-selector spec.replicas=2").unwrap_err(),
        "Error from server (BadRequest): Unable to find \"apps/v1, Resource=statefulsets\" that match label selector \"app=nginx\", field selector \"spec.replicas=2\": \"spec.replicas\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\""
    );
    assert_eq!(
        k(
            &mut sim,
            "get pods web-0 --field-selector status.phase=Running"
        )
        .unwrap_err(),
        "error: name cannot be provided when a selector is specified"
    );
    let e = k(&mut sim, "get pods --field-selector status.phase").unwrap_err();
    assert!(
        e.ends_with("invalid selector: 'status.phase'; can't understand 'status.phase'"),
        "{e}"
    );
}

#[test]
fn delete_takes_only_what_the_fields_select() {
    let mut sim = running_pods();
    // Nothing has failed: nothing is deleted (the flag used to be ignored).
    assert_eq!(
        k(&mut sim, "delete pods --field-selector status.phase=Failed").unwrap(),
        "No resources found\n"
    );
    assert_eq!(
        sim.store
            .list(Kind::Pod)
            .filter(|p| p.meta.deletion_timestamp.is_none())
            .count(),
        2
    );
    assert_eq!(
        k(
            &mut sim,
            "delete pods --field-selector metadata.name=web-1 --wait=false"
        )
        .unwrap(),
        "pod \"web-1\" deleted\n"
    );
    let web0 = sim.store.get(Kind::Pod, "default", "web-0").unwrap();
    assert!(web0.meta.deletion_timestamp.is_none());
}

#[test]
fn names_with_a_label_selector_are_refused_by_the_builder() {
    let mut sim = running_pods();
    let refused = "error: name cannot be provided when a selector is specified";
    for line in [
        "get pods web-0 -l app=nginx",
        "get pods web-0 --selector=app=nginx",
        "describe pods web-0 -l app=nginx",
        "delete pod web-1 -l app=nginx",
        "label pods web-0 -l app=nginx tier=web",
    ] {
        assert_eq!(k(&mut sim, line).unwrap_err(), refused, "{line}");
    }
    // Nothing was deleted or labelled.
    assert!(sim.store.get(Kind::Pod, "default", "web-1").is_some());
    assert_eq!(
        k(&mut sim, "get pods -l tier=web -o name").unwrap(),
        "No resources found in default namespace.\n"
    );
    // A blank selector is no selector, as LabelSelectorParam trims it.
    assert_eq!(
        k(&mut sim, "get pods web-0 -l '' -o name").unwrap(),
        "pod/web-0\n"
    );
    // Without names the selector lists.
    assert!(k(&mut sim, "get pods -l app=nginx -o name")
        .unwrap()
        .contains("pod/web-0\n"));
}
