//! `kubectl describe` (upstream `pkg/describe`): fields and events.

use super::*;

#[test]
fn describe_shows_fields_and_events() {
    let mut sim = Sim::new(1);
    kf(&mut sim, "apply -f web.yaml", &[("web.yaml", WEB)]).unwrap();
    kf(&mut sim, "create -f pod.yaml", &[("pod.yaml", POD)]).unwrap();
    let key = crate::sim::Key::new(Kind::Pod, "default", "lone");
    sim.record_event(
        &key,
        true,
        "FailedScheduling",
        "0/3 nodes are available".into(),
        "default-scheduler",
    );
    let out = k(&mut sim, "describe pod lone").unwrap();
    assert!(
        out.starts_with("Name:             lone\nNamespace:        default\n"),
        "{out}"
    );
    assert!(out.contains("Events:\n  Type     Reason            Age   From               Message\n  ----     ------            ----  ----               -------\n  Warning  FailedScheduling  0s    default-scheduler  0/3 nodes are available"), "{out}");
    let out = k(&mut sim, "describe sts web").unwrap();
    assert!(
        out.contains("Replicas:")
            && out.contains("Pod Template:")
            && out.contains("Events:            <none>")
            || out.contains("Events:"),
        "{out}"
    );
    let out = k(&mut sim, "describe svc nginx").unwrap();
    assert!(
        out.lines()
            .any(|l| l.starts_with("IP: ") && l.ends_with(" None")),
        "{out}"
    );
    assert!(!out.contains("last-applied"), "{out}");
    for what in ["node node-1", "sc standard", "ns default", "pvc", "ep"] {
        let _ = k(&mut sim, &format!("describe {what}"));
    }
    let out = k(&mut sim, "get events").unwrap();
    assert!(
        out.starts_with("LAST SEEN   TYPE      REASON             OBJECT     MESSAGE\n"),
        "{out}"
    );
    assert!(out.contains("pod/lone"), "{out}");
}
