//! `kubectl set image` (upstream `set_image.go` and its tests).

use super::*;

fn images(sim: &Sim) -> Vec<String> {
    let o = sim.store.get(Kind::StatefulSet, "default", "web").unwrap();
    o.spec()
        .array_at("template.spec.containers")
        .iter()
        .map(|c| c.str_at("image").unwrap_or("").to_string())
        .collect()
}

/// The set's template takes the image (the controller rolls it out); the
/// same image again is no patch and prints nothing; dry runs keep it.
#[test]
fn set_image_updates_the_template() {
    let mut sim = Sim::new(1);
    kf(&mut sim, "apply -f web.yaml", &[("web.yaml", WEB)]).unwrap();
    let set = "set image statefulset/web nginx=registry.k8s.io/nginx-slim:0.24";
    assert_eq!(
        k(&mut sim, set).unwrap(),
        "statefulset.apps/web image updated\n"
    );
    assert_eq!(images(&sim), ["registry.k8s.io/nginx-slim:0.24"]);
    assert_eq!(k(&mut sim, set).unwrap(), "");
    for (flag, want) in [
        (
            "--dry-run=client",
            "statefulset.apps/web image updated (dry run)\n",
        ),
        (
            "--dry-run=server",
            "statefulset.apps/web image updated (server dry run)\n",
        ),
    ] {
        let line = format!("set image sts web nginx=nginx:1.27 {flag}");
        assert_eq!(k(&mut sim, &line).unwrap(), want);
        assert_eq!(images(&sim), ["registry.k8s.io/nginx-slim:0.24"]);
    }
    // `*` names every container; -o prints the patched object.
    assert_eq!(
        k(
            &mut sim,
            "set image sts/web *=nginx:1.27 -o jsonpath={.spec.template.spec.containers[0].image}"
        )
        .unwrap(),
        "nginx:1.27"
    );
    assert_eq!(images(&sim), ["nginx:1.27"]);
}

#[test]
fn set_image_errors_use_kubectls_words() {
    let mut sim = Sim::new(1);
    kf(&mut sim, "apply -f web.yaml", &[("web.yaml", WEB)]).unwrap();
    for (line, want) in [
        (
            "set image sts/web php=php:8",
            "error: unable to find container named \"php\"",
        ),
        (
            "set image sts/web",
            "error: at least one image update is required",
        ),
        (
            "set image sts/web nginx=a web",
            "error: all resources must be specified before image changes: web",
        ),
        (
            "set image sts/web *=a nginx=b",
            "error: all containers are already specified by *, but saw more than one container_name=container_image pairs",
        ),
        (
            "set image sts/nope nginx=a",
            "Error from server (NotFound): statefulsets.apps \"nope\" not found",
        ),
        (
            "set image svc/nginx nginx=a",
            "error: services/nginx the object is not a pod or does not have a pod template: *v1.Service",
        ),
        (
            "set image sts nginx=a",
            "error: resource(s) were provided, but no name was specified",
        ),
        (
            "set image sts/web nginx=a --local",
            "error: you must specify resources by --filename when --local is set.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'",
        ),
        (
            "set env sts/web A=b",
            "error: \"kubectl set env\" is not simulated in Ordinal (an Ordinal limit): use kubectl edit, kubectl patch, or the page's editor",
        ),
        (
            "set imag sts/web",
            "error: unknown command \"imag sts/web\"\nSee 'kubectl set -h' for help and examples",
        ),
    ] {
        assert_eq!(k(&mut sim, line).unwrap_err(), want, "{line}");
    }
    assert_eq!(images(&sim), ["registry.k8s.io/nginx-slim:0.8"]);
}

/// `-f` names the objects (the face reads the file first); `--local`
/// prints the changed object and writes nothing. The manifest's Service
/// has no pod template: an error after the rest.
#[test]
fn set_image_reads_objects_from_files() {
    let mut sim = Sim::new(1);
    kf(&mut sim, "apply -f web.yaml", &[("web.yaml", WEB)]).unwrap();
    let not_a_template =
        "error: services/nginx the object is not a pod or does not have a pod template: *v1.Service";
    let line = "set image -f web.yaml nginx=nginx:1.27 --local -o name";
    assert_eq!(file_args(line), ["web.yaml"]);
    assert_eq!(
        kf(&mut sim, line, &[("web.yaml", WEB)]).unwrap_err(),
        format!("statefulset.apps/web\n{not_a_template}")
    );
    assert_eq!(images(&sim), ["registry.k8s.io/nginx-slim:0.8"]);
    let line = "set image -f web.yaml nginx=nginx:1.27";
    assert_eq!(
        kf(&mut sim, line, &[("web.yaml", WEB)]).unwrap_err(),
        format!("statefulset.apps/web image updated\n{not_a_template}")
    );
    assert_eq!(images(&sim), ["nginx:1.27"]);
}
