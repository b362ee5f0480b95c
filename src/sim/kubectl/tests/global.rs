//! Global flags before the command (`kubectl -n shop get pods`), which
//! cobra accepts: every reader of a line finds the command after them.

use super::*;

#[test]
fn global_flags_before_the_command_are_the_commands() {
    let w = |l: &str| command_words(l).unwrap().join(" ");
    assert_eq!(w("kubectl -n shop get pods"), "get pods -n shop");
    assert_eq!(w("--namespace=shop get pods"), "get pods --namespace=shop");
    assert_eq!(
        w("-nshop --context x rollout status sts/db"),
        "rollout status sts/db -nshop --context x"
    );
    assert_eq!(
        w("-n shop exec db-0 -- ls -n"),
        "exec db-0 -n shop -- ls -n"
    );
    // Not a global flag, or no command after it: left as typed.
    assert_eq!(w("-A get pods"), "-A get pods");
    assert_eq!(w("-n shop"), "-n shop");

    let mut sim = Sim::new(1);
    k(&mut sim, "create namespace shop").unwrap();
    kf(&mut sim, "-n shop apply -f web.yaml", &[("web.yaml", WEB)]).unwrap();
    assert!(sim.store.get(Kind::StatefulSet, "shop", "web").is_some());
    assert_eq!(
        k(&mut sim, "-n shop scale sts web --replicas=1").unwrap(),
        "statefulset.apps/web scaled\n"
    );
    let o = sim.store.get(Kind::StatefulSet, "shop", "web").unwrap();
    assert_eq!(o.spec().i64_at("replicas"), Some(1));
    assert_eq!(file_args("kubectl -n shop apply -f a.yaml"), ["a.yaml"]);
    assert!(watch_request(&sim, "kubectl -n shop get pods -w").is_some());
    let (key, _) = edit_target(&sim, "kubectl -n shop edit sts web").unwrap();
    assert_eq!(key.namespace, "shop");
}
