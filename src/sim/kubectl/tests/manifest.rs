//! `kubectl apply -f` and `create -f` (upstream cli-runtime's builder:
//! `StreamVisitor`, `ValidateSchema`, the mapper's `infoForData`).

use super::*;

/// cli-runtime's StreamVisitor and mapper name the file: a kind the API
/// does not serve, and a missing apiVersion or kind (client-side, with
/// stopValidateMessage, unless --validate=false).
#[test]
fn manifest_builder_errors_name_the_file() {
    let mut sim = Sim::new(1);
    let e = kf(
        &mut sim,
        "apply -f bad.yaml",
        &[(
            "bad.yaml",
            "apiVersion: apps/v1\nkind: Statefulset\nmetadata:\n  name: web3\n",
        )],
    )
    .unwrap_err();
    assert!(
        e.starts_with(
            "error: resource mapping not found for name: \"web3\" namespace: \"\" from \"bad.yaml\": \
             no matches for kind \"Statefulset\" in version \"apps/v1\"\nensure CRDs are installed first"
        ),
        "{e}"
    );
    let e = kf(
        &mut sim,
        "create -f svc.yaml",
        &[("svc.yaml", "kind: Service\nmetadata:\n  name: x\n")],
    )
    .unwrap_err();
    assert!(
        e.starts_with(
            "error: error validating \"svc.yaml\": error validating data: apiVersion not set; \
             if you choose to ignore these errors, turn validation off with --validate=false"
        ),
        "{e}"
    );
    let both = &[("x.yaml", "metadata:\n  name: x\n")];
    let e = kf(&mut sim, "apply -f x.yaml", both).unwrap_err();
    assert!(
        e.starts_with(
            "error: error validating \"x.yaml\": error validating data: [apiVersion not set, kind not set]; "
        ),
        "{e}"
    );
    let e = kf(&mut sim, "apply -f x.yaml --validate=false", both).unwrap_err();
    assert_eq!(
        e,
        "error: unable to decode \"x.yaml\": Object 'Kind' is missing in '{\"metadata\":{\"name\":\"x\"}}'"
    );
}

#[test]
fn manifest_errors_are_worded_as_kubectl() {
    assert_eq!(
        manifest_error(
            "web.yaml",
            "error converting YAML to JSON: yaml: line 3: bad"
        ),
        "error: error parsing web.yaml: error converting YAML to JSON: yaml: line 3: bad"
    );
    assert_eq!(
        manifest_error(
            "web.yaml",
            "The StatefulSet \"web\" is invalid: spec.selector: Required value"
        ),
        "The StatefulSet \"web\" is invalid: spec.selector: Required value"
    );
    assert!(manifest_error("STDIN", "Pod in version \"v1\" cannot be handled as a Pod: strict decoding error: unknown field \"spec.foo\"")
        .starts_with("Error from server (BadRequest): error when creating \"STDIN\": Pod in version"));
    let mut sim = Sim::new(1);
    let e = kf(&mut sim, "apply -f bad.yaml", &[("bad.yaml", "a: [")]).unwrap_err();
    assert!(e.starts_with("error: error parsing bad.yaml: "), "{e}");
}
