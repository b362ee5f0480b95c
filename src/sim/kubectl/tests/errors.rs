//! The errors kubectl prints: unknown words and flags, what Ordinal leaves
//! out, and a missing name among several.

use super::*;

#[test]
fn errors_use_kubectls_words() {
    let mut sim = Sim::new(1);
    assert_eq!(
        k(&mut sim, "get foo").unwrap_err(),
        "error: the server doesn't have a resource type \"foo\""
    );
    assert_eq!(
        k(&mut sim, "get pods x").unwrap_err(),
        "Error from server (NotFound): pods \"x\" not found"
    );
    assert_eq!(
        k(&mut sim, "get sts web").unwrap_err(),
        "Error from server (NotFound): statefulsets.apps \"web\" not found"
    );
    assert_eq!(
        k(&mut sim, "get pods --foo").unwrap_err(),
        "error: unknown flag: --foo\nSee 'kubectl get --help' for usage."
    );
    let e = k(&mut sim, "foo").unwrap_err();
    assert!(
        e.starts_with("error: unknown command \"foo\" for \"kubectl\""),
        "{e}"
    );
    assert!(e.ends_with("Run 'kubectl --help' for usage."));
    let e = k(&mut sim, "log web-0").unwrap_err();
    assert!(e.contains("Did you mean this?\n\tlogs"), "{e}");
    let e = k(&mut sim, "replac -f web.yaml").unwrap_err();
    assert!(e.contains("Did you mean this?\n\treplace"), "{e}");
    // kubectl's own commands that Ordinal leaves out say so, with what to
    // use instead; a word rollout has no subcommand for is refused whole,
    // as kubectl's DefaultSubCommandRun does.
    for (cmd, hint) in [
        ("expose sts web --port 80", "apply"),
        ("debug web-0 -it --image=busybox", "exec"),
        ("port-forward web-0 8080:80", "exec"),
        ("autoscale sts web --max 5", "scale"),
    ] {
        let word = cmd.split(' ').next().unwrap();
        let e = k(&mut sim, cmd).unwrap_err();
        assert!(
            e.starts_with(&format!(
                "error: \"kubectl {word}\" is not simulated in Ordinal (an Ordinal limit): "
            )),
            "{e}"
        );
        assert!(e.contains(hint), "{e}");
    }
    let e = k(&mut sim, "rollout set web").unwrap_err();
    assert!(
        e == "error: unknown command \"set web\"\nSee 'kubectl rollout -h' for help and examples",
        "{e}"
    );
    let e = k(&mut sim, "describe petset test-petset").unwrap_err();
    assert_eq!(
        e,
        "error: the server doesn't have a resource type \"petset\""
    );
    let e = k(&mut sim, "edit sts web").unwrap_err();
    assert!(e.contains("interactive"));
    let e = kf(&mut sim, "apply -f https://example.com/x.yaml", &[]).unwrap_err();
    assert!(e.contains("no network in the playground"), "{e}");
    assert!(k(&mut sim, "get pods -o bogus")
        .unwrap_err()
        .contains("unable to match a printer"));
    // Never a panic, whatever comes in.
    for line in [
        "",
        "kubectl",
        "get",
        "get 'x",
        "delete",
        "scale",
        "patch",
        "exec",
        "run",
        "logs",
        "wait",
        "rollout",
        "rollout status",
        "drain",
        "label",
        "annotate pods",
        "explain",
        "config",
        "top",
        "get pods -o jsonpath={.a",
    ] {
        let _ = k(&mut sim, line);
    }
}

/// Commands over several names print a name that is not found in its
/// place among the others, go on with the rest, and fail as a whole.
#[test]
fn a_missing_name_is_reported_in_place_and_the_rest_goes_on() {
    let mut sim = Sim::new(4);
    k(&mut sim, "kubectl create deployment a --image=nginx").unwrap();
    k(&mut sim, "kubectl create deployment b --image=nginx").unwrap();
    let e = k(&mut sim, "kubectl scale deployment a nope b --replicas=2").unwrap_err();
    assert_eq!(
        e,
        "deployment.apps/a scaled\n\
         Error from server (NotFound): deployments.apps \"nope\" not found\n\
         deployment.apps/b scaled"
    );
    let e = k(&mut sim, "kubectl label deployment nope a x=y").unwrap_err();
    assert_eq!(
        e,
        "Error from server (NotFound): deployments.apps \"nope\" not found\n\
         deployment.apps/a labeled"
    );
    let e = k(&mut sim, "kubectl rollout pause deployment a nope").unwrap_err();
    assert_eq!(
        e,
        "deployment.apps/a paused\n\
         Error from server (NotFound): deployments.apps \"nope\" not found"
    );
    // Both found ones were acted on.
    for n in ["a", "b"] {
        let d = sim.store.get(Kind::Deployment, "default", n).unwrap();
        assert_eq!(d.spec().i64_at("replicas"), Some(2));
    }
    let e = k(&mut sim, "kubectl scale service nope --replicas=1").unwrap_err();
    assert!(e.contains("services \"nope\" not found"), "{e}");
    // A kind the command does not handle is reported in its place too.
    let e = k(
        &mut sim,
        "kubectl scale service/kubernetes deployment/a --replicas=3",
    )
    .unwrap_err();
    assert_eq!(
        e,
        "error: no scaler has been implemented for {\"\" \"Service\"}\n\
         deployment.apps/a scaled"
    );
    let e = k(
        &mut sim,
        "kubectl rollout undo deployment/b service/kubernetes",
    )
    .unwrap_err();
    assert!(
        e.ends_with("\nerror: no rollbacker has been implemented for {\"\" \"Service\"}"),
        "{e}"
    );
}
