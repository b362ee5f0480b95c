//! Whole-session properties: any line answers with text, and blocking
//! commands replay exactly from the journal.

use super::*;

/// Random command lines from kubectl's vocabulary: every answer is text,
/// never a panic.
#[test]
fn random_lines_never_panic() {
    let words = [
        "get",
        "describe",
        "delete",
        "apply",
        "create",
        "scale",
        "patch",
        "label",
        "annotate",
        "rollout",
        "status",
        "history",
        "undo",
        "restart",
        "cordon",
        "uncordon",
        "drain",
        "exec",
        "run",
        "logs",
        "wait",
        "version",
        "explain",
        "config",
        "view",
        "api-resources",
        "edit",
        "pods",
        "po",
        "sts",
        "svc",
        "pvc",
        "pv",
        "no",
        "ns",
        "ev",
        "all",
        "web",
        "web-0",
        "lone",
        "node-1",
        "pod/lone",
        "sts/web",
        "sts,po",
        "-n",
        "default",
        "-A",
        "-o",
        "wide",
        "yaml",
        "json",
        "name",
        "-ojsonpath={.items[*].metadata.name}",
        "-o=jsonpath={.spec}",
        "custom-columns=N:.metadata.name",
        "-l",
        "app=nginx",
        "-lapp!=x",
        "--show-labels",
        "-w",
        "--replicas=2",
        "--replicas",
        "-p",
        "{\"spec\":{\"replicas\":1}}",
        "[]",
        "--type=json",
        "--type=merge",
        "a=b",
        "a-",
        "--overwrite",
        "--force",
        "--grace-period=0",
        "--now",
        "--cascade=orphan",
        "--all",
        "-f",
        "web.yaml",
        "--",
        "ls",
        "hostname",
        "-it",
        "-c",
        "x",
        "--image=busybox",
        "--rm",
        "-i",
        "--restart=Never",
        "--for=delete",
        "--timeout=1s",
        "--for=condition=Ready",
        "--ignore-daemonsets",
        "--delete-emptydir-data",
        "'",
        "\"",
        "\\",
        "--tail=1",
        "-L",
        "app",
        "--sort-by=.metadata.name",
        "--template={{.metadata.name}}",
    ];
    let mut sim = Sim::new(3);
    kf(&mut sim, "apply -f web.yaml", &[("web.yaml", WEB)]).unwrap();
    kf(&mut sim, "create -f pod.yaml", &[("pod.yaml", POD)]).unwrap();
    let mut seed: u64 = 12345;
    let mut next = |n: usize| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((seed >> 33) as usize) % n
    };
    for _ in 0..1500 {
        let len = 1 + next(6);
        let line: Vec<&str> = (0..len).map(|_| words[next(words.len())]).collect();
        let line = line.join(" ");
        let files = [("web.yaml", WEB)];
        match kf(&mut sim, &line, &files) {
            Ok(s) | Err(s) => {
                let _ = s;
            }
        }
        let _ = complete(&sim, &line);
        let _ = watch_request(&sim, &line);
        let _ = edit_target(&sim, &line);
    }
}

/// Blocking commands run the clock inside their input; a replay of the
/// journal rebuilds exactly the same cluster and log.
#[test]
fn blocking_commands_replay_exactly() {
    let mut sim = Journaled::new(9);
    for line in [
        "apply -f web.yaml",
        "rollout status sts/web --timeout=2m",
        "delete pod web-0",
        "wait --for=condition=Ready pod/web-0 --timeout=1m",
        "scale sts web --replicas=3",
        "drain node-1 --ignore-daemonsets --delete-emptydir-data --timeout=1m",
        "uncordon node-1",
        "run t --image=busybox -i --rm --restart=Never -- hostname",
    ] {
        let _ = sim.input(Input::Kubectl {
            line: line.to_string(),
            files: vec![("web.yaml".to_string(), WEB.to_string())],
        });
        sim.advance(1_000);
    }
    let again = Journaled::replay(9, sim.config.clone(), sim.journal(), None);
    assert_eq!(again.now, sim.now);
    assert_eq!(again.log, sim.log);
    assert!(again.store == sim.store);
}
