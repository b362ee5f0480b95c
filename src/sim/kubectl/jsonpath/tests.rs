//! Cases paraphrased from client-go's `util/jsonpath` tests
//! (`jsonpath_test.go`: TestTypesInput, TestStructInput, TestJSONInput,
//! TestKubernetes, TestEmptyRange, TestNestedRanges,
//! TestFilterPartialMatchesSometimesMissingAnnotations, TestNegativeIndex,
//! TestRunningPodsJSONPathOutput, TestStep; `parser_test.go`: the parse
//! error texts), on data of our own.

use super::*;
use serde_json::json;

fn ok(t: &str, v: &Value) -> String {
    match render(t, v) {
        Ok(s) => s,
        Err(e) => panic!("{t}: {e}"),
    }
}

/// The bare engine error (what follows "Error executing template: ").
fn exec_err(t: &str, v: &Value, allow_missing: bool) -> String {
    let e = render_opts(t, v, allow_missing).expect_err(t);
    let rest = e
        .split_once("Error executing template: ")
        .unwrap_or_else(|| panic!("{t}: not an execution error: {e}"))
        .1;
    rest.split_once(". Printing more information")
        .unwrap()
        .0
        .to_string()
}

fn parse_err(t: &str) -> String {
    let e = render(t, &json!({})).expect_err(t);
    e.strip_prefix(&format!("error: error parsing jsonpath {t}, "))
        .unwrap_or_else(|| panic!("{t}: not a parse error: {e}"))
        .to_string()
}

fn nodes() -> Value {
    json!({"kind": "List", "items": [
        {"kind": "Node", "metadata": {"name": "alpha", "labels": {"topology.kubernetes.io/zone": "z1"}},
         "status": {"capacity": {"cpu": "2"}, "conditions": [{"type": "Ready", "status": "True"}],
                    "addresses": [{"type": "InternalIP", "address": "10.0.0.1"}]}},
        {"kind": "Node", "metadata": {"name": "beta", "labels": {"topology.kubernetes.io/zone": "z2"}},
         "status": {"capacity": {"cpu": "16"}, "conditions": [{"type": "Ready", "status": "False"}],
                    "addresses": [{"type": "InternalIP", "address": "10.0.0.2"},
                                  {"type": "Hostname", "address": "beta.local"}]}}],
        "clusters": [{"name": "prod", "user": {"token": "t-prod"}},
                     {"name": "dev", "user": {"token": "t-dev"}}]})
}

#[test]
fn slices_indices_and_steps_over_every_element_type() {
    let v = json!({"flags": [false, true, true, false, true],
                   "ports": [80, 443, 8080, 9090],
                   "ratios": [0.5, 2, 1.25],
                   "words": ["a", "b", "c", "d", "e"],
                   "mixed": [true, "x", 3, 4.5]});
    assert_eq!(ok("{ .flags }", &v), "[false,true,true,false,true]");
    assert_eq!(ok("{ .flags[-1] }", &v), "true");
    assert_eq!(ok("{ .ports[1:3] }", &v), "443 8080");
    assert_eq!(ok("{ .ports[:2] }", &v), "80 443");
    assert_eq!(ok("{ .ports[::3] }", &v), "80 9090");
    assert_eq!(ok("{ .words[1::2] }", &v), "b d");
    assert_eq!(ok("{ .words[-2:] }", &v), "d e");
    assert_eq!(ok("{ .ratios }", &v), "[0.5,2,1.25]");
    assert_eq!(ok("{ .ratios[-3] }", &v), "0.5");
    assert_eq!(ok("{ .mixed[:4:3] }", &v), "true 4.5");
    assert_eq!(ok("{ .mixed }", &v), r#"[true,"x",3,4.5]"#);
    assert_eq!(ok("{.words[0,2,4]}", &v), "a c e");
}

#[test]
fn negative_and_out_of_range_indices() {
    let pod = json!({"spec": {"containers": [
        {"name": "c0"}, {"name": "c1"}, {"name": "c2"}]}});
    let names = |t: &str| ok(t, &pod);
    assert_eq!(names("{.spec.containers[0:0].name}"), "");
    assert_eq!(names("{.spec.containers[0:-1].name}"), "c0 c1");
    assert_eq!(names("{.spec.containers[-1].name}"), "c2");
    assert_eq!(names("{.spec.containers[-3:].name}"), "c0 c1 c2");
    assert_eq!(names("{.spec.containers[4:4].name}"), "");
    assert_eq!(names("{.spec.containers[-4:-4].name}"), "");
    assert_eq!(
        exec_err("{.spec.containers[-4].name}", &pod, true),
        "array index out of bounds: index -1, length 3"
    );
    assert_eq!(
        exec_err("{.spec.containers[3].name}", &pod, true),
        "array index out of bounds: index 3, length 3"
    );
    assert_eq!(
        exec_err("{.spec.containers[2:1].name}", &pod, true),
        "starting index 2 is greater than ending index 1"
    );
    assert_eq!(
        exec_err("{.spec.containers[-1:-2].name}", &pod, true),
        "starting index 2 is greater than ending index 1"
    );
    assert_eq!(
        exec_err("{.spec.containers[-1:0].name}", &pod, true),
        "starting index 2 is greater than ending index 0"
    );
    assert_eq!(
        exec_err("{.spec.containers[0:3:0].name}", &pod, true),
        "step must be > 0"
    );
    assert_eq!(
        exec_err("{.spec.containers[0:3:-2].name}", &pod, true),
        "step must be > 0"
    );
}

#[test]
fn kubernetes_lists_ranges_filters_and_escaped_keys() {
    let l = nodes();
    assert_eq!(
        ok("{range .items[*]}{.metadata.name}; {end}{.kind}", &l),
        "alpha; beta; List"
    );
    assert_eq!(
        ok(r#"{range .items[*]}{.metadata.name}{"\t"}{end}"#, &l),
        "alpha\tbeta\t"
    );
    assert_eq!(
        ok("{.items[*].status.addresses[*].address}", &l),
        "10.0.0.1 10.0.0.2 beta.local"
    );
    assert_eq!(
        ok(
            "{range .items[*]}{range .status.addresses[*]}{.address}, {end}{end}",
            &l
        ),
        "10.0.0.1, 10.0.0.2, beta.local, "
    );
    assert_eq!(
        ok("{.items[*]['metadata.name', 'status.capacity']}", &l),
        r#"alpha beta {"cpu":"2"} {"cpu":"16"}"#
    );
    assert_eq!(ok("{.items[*]['metadata.name']}", &l), "alpha beta");
    assert_eq!(
        ok(
            "{range .items[*]}<{.metadata.name}|{.status.capacity}> {end}",
            &l
        ),
        r#"<alpha|{"cpu":"2"}> <beta|{"cpu":"16"}> "#
    );
    assert_eq!(
        ok(r#"{.clusters[?(@.name=="dev")].user.token}"#, &l),
        "t-dev"
    );
    assert_eq!(
        ok(
            r"{.items[1].metadata.labels.topology\.kubernetes\.io/zone}",
            &l
        ),
        "z2"
    );
    assert_eq!(
        ok(
            r#"{.items[?(@.metadata.labels.topology\.kubernetes\.io/zone=="z1")].metadata.name}"#,
            &l
        ),
        "alpha"
    );
    assert_eq!(ok(r#"{.items[?(@..cpu=="2")].metadata.name}"#, &l), "alpha");
    assert_eq!(ok("{..name}", &l), "prod dev alpha beta");
    // `range` over a list without `[*]` visits the list once, as a whole.
    assert_eq!(ok("{range .items}{.metadata.name}{end}", &l), "");
}

#[test]
fn filters_compare_like_go_templates() {
    let pts = json!([
        {"id": "p1", "x": 4, "w": 1.5}, {"id": "p2", "x": -2, "z": 1},
        {"id": "p3", "x": 9, "w": 0.5}, {"id": "p4", "n": null, "z": 0}]);
    assert_eq!(ok("{[?(@.z)].id}", &pts), "p2 p4");
    assert_eq!(ok("{[0]['id']}", &pts), "p1");
    assert_eq!(ok("{[-1]['n']}", &pts), "null");
    assert_eq!(ok("{[?(@.x>3)].id}", &pts), "p1 p3");
    assert_eq!(ok("{[?(@.x<=4)].id}", &pts), "p1 p2");
    assert_eq!(ok("{[?(@.x!=4)].id}", &pts), "p2 p3");
    assert_eq!(ok("{[?(@.w>=1.0)].id}", &pts), "p1");
    assert_eq!(ok("{[?(@.id=='p3')].x}", &pts), "9");
    // An int field against a float literal does not compare.
    assert_eq!(
        exec_err("{[?(@.w>1)].id}", &pts, true),
        "incompatible types for comparison"
    );
    assert_eq!(
        exec_err("{[?(@.x==4)].id}", &json!([{"x": null}]), true),
        "invalid type for comparison"
    );
    assert_eq!(
        exec_err("{[?(@.x<>4)].id}", &pts, true),
        "unrecognized filter operator <>"
    );
    let ints = json!([3, 8, 1, 12]);
    assert_eq!(ok("{[?(@<5)]}", &ints), "3 1");
    assert_eq!(
        exec_err("{.a[?(@.x)]}", &json!({"a": {"x": 1}}), true),
        "map[x:1] is not array or slice and cannot be filtered"
    );
}

#[test]
fn struct_like_documents() {
    let shop = json!({"name": "depot",
        "labels": {"web/html": 15, "k8s-app": 20},
        "staff": {"ann": "manager", "bo": "clerk"},
        "books": [
            {"category": "reference", "author": "Ada", "price": 8.5},
            {"category": "fiction", "author": "Ben", "price": 12.25},
            {"category": "fiction", "author": "Cy", "price": 9}],
        "bikes": [{"color": "red", "price": 19.5, "new": true},
                  {"color": "blue", "price": 21, "new": false}]});
    assert_eq!(ok("plain text", &shop), "plain text");
    assert_eq!(ok("{..}", &json!([1, 2])), "[1,2]");
    assert_eq!(ok(r#"{"{"}"#, &shop), "{");
    assert_eq!(ok("shop {.name}", &shop), "shop depot");
    assert_eq!(ok("{$.labels.web/html}", &shop), "15");
    assert_eq!(ok("{.labels.k8s-app}", &shop), "20");
    assert_eq!(ok("{$.staff.bo}", &shop), "clerk");
    assert_eq!(ok("{.bikes[*].color}", &shop), "red blue");
    assert_eq!(
        ok(r#"{range .bikes[*]}{ "(" }{ @.* }{ ") " }{end}"#, &shop),
        "(red true 19.5) (blue false 21) "
    );
    assert_eq!(ok("{..price}", &shop), "19.5 21 8.5 12.25 9");
    assert_eq!(ok("{...price}", &shop), "19.5 21 8.5 12.25 9");
    assert_eq!(ok("{.books[-1:].author}", &shop), "Cy");
    assert_eq!(ok("{..books[1].author}", &shop), "Ben");
    assert_eq!(
        ok("{.bikes[?(@.new==true)]}", &shop),
        r#"{"color":"red","new":true,"price":19.5}"#
    );
    assert_eq!(ok("{.nothing}", &shop), "");
    assert_eq!(ok("before-{.nothing}after", &shop), "before-after");
    // With --allow-missing-template-keys=false:
    assert_eq!(exec_err("{.nothing}", &shop, false), "nothing is not found");
    assert_eq!(
        exec_err("{nothing}", &shop, true),
        "unrecognized identifier nothing"
    );
    assert_eq!(
        exec_err("{.labels[0]}", &shop, true),
        "map[string]interface {} is not array or slice"
    );
    assert_eq!(
        exec_err("{range .staff.*}{@}{end}{end}", &shop, true),
        "not in range, nothing to end"
    );
    assert_eq!(ok("{range .staff.*}{@},{end}", &shop), "manager,clerk,");
}

#[test]
fn missing_keys_in_filters_and_empty_ranges() {
    let l = json!({"items": [
        {"metadata": {"name": "a", "annotations": {"tier": "gold"}}},
        {"metadata": {"name": "b"}},
        {"metadata": {"name": "c", "annotations": {"tier": "gold"}}}]});
    let t = r#"{.items[?(@.metadata.annotations.tier=="gold")].metadata.name}"#;
    assert_eq!(ok(t, &l), "a c");
    assert_eq!(exec_err(t, &l, false), "annotations is not found");
    let empty = json!({"items": []});
    assert_eq!(ok("{range .items[*]}{.metadata.name}{end}", &empty), "");
    assert_eq!(
        ok(
            r#"{range .items[*]}{.metadata.name}{":"}{range @.spec.containers[*]}{.name}{","}{end}{"+"}{end}"#,
            &empty
        ),
        ""
    );
}

#[test]
fn nested_ranges_keep_their_place() {
    let l = json!({"items": [
        {"metadata": {"name": "p1"}, "spec": {"containers": [{"name": "a", "ports": [{"p": 1}, {"p": 2}]}, {"name": "b"}]}},
        {"metadata": {"name": "p2"}, "spec": {"containers": [{"name": "c", "ports": [{"p": 3}]}]}}]});
    let t = r#"{range .items[*]}{.metadata.name}{":"}{range .spec.containers[*]}{.name}{"("}{range .ports[*]}{.p}{end}{")"}{end}{"\n"}{end}done"#;
    assert_eq!(ok(t, &l), "p1:a(12)b()\np2:c(3)\ndone");
}

#[test]
fn running_pods_with_a_relative_filter() {
    let l = json!({"items": [
        {"metadata": {"name": "w-0"}, "status": {"phase": "Running"}},
        {"metadata": {"name": "w-1"}, "status": {"phase": "Pending"}},
        {"metadata": {"name": "w-2"}, "status": {"phase": "Running"}}]});
    assert_eq!(
        ok(
            r#"{range .items[?(.status.phase=="Running")]}{.metadata.name}{" runs\n"}{end}"#,
            &l
        ),
        "w-0 runs\nw-2 runs\n"
    );
}

#[test]
fn parse_errors_carry_client_go_texts() {
    assert_eq!(parse_err("{.hello"), "unclosed action");
    assert_eq!(
        parse_err("{*}"),
        "unrecognized character in action: U+002A '*'"
    );
    assert_eq!(parse_err("{+12.3.0}"), "cannot parse number +12.3.0");
    assert_eq!(parse_err("{[1}"), "unterminated array");
    assert_eq!(parse_err("{[?(.price]}"), "unterminated filter");
    assert_eq!(
        parse_err("{........}"),
        "invalid multiple recursive descent"
    );
    assert_eq!(parse_err("{.a[x]}"), "invalid array index x");
    assert_eq!(parse_err("{\"abc}"), "unterminated quoted string");
    // Quotes inside filters may hold parentheses and braces.
    let v = json!([{"os": "a(b)"}, {"os": "{[()]}"}, {"os": "x"}]);
    assert_eq!(ok(r#"{[?(@.os == "a(b)")].os}"#, &v), "a(b)");
    assert_eq!(ok(r#"{[?(@.os == '{[()]}')].os}"#, &v), "{[()]}");
}

#[test]
fn execution_errors_print_kubectls_debugging_text() {
    let e = render("{.a[2]}", &json!({"a": [1, "x"]})).unwrap_err();
    assert_eq!(
        e,
        "error: error executing jsonpath \"{.a[2]}\": Error executing template: array index out of bounds: index 2, length 2. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{.a[2]}\n\tobject given to jsonpath engine was:\n\t\tmap[string]interface {}{\"a\":[]interface {}{1, \"x\"}}\n\n\n"
    );
}

#[test]
fn custom_columns_and_relaxed_paths() {
    let items = vec![
        json!({"metadata": {"name": "web-0", "labels": {"a": "1"}}, "spec": {"grace": 10},
               "ports": [80, 443]}),
        json!({"metadata": {"name": "web-1"}, "spec": {}}),
    ];
    let rows = custom_columns(
        "NAME:.metadata.name,GRACE:spec.grace,LABELS:{.metadata.labels},PORTS:{.ports[*]}",
        &items,
    )
    .unwrap();
    assert_eq!(rows[0], vec!["NAME", "GRACE", "LABELS", "PORTS"]);
    assert_eq!(rows[1], vec!["web-0", "10", "map[a:1]", "80,443"]);
    assert_eq!(rows[2], vec!["web-1", "<none>", "<none>", "<none>"]);
    assert!(custom_columns("NAME", &items).is_err());
    assert!(custom_columns("NAME:.a,", &items).is_err());
    assert_eq!(relaxed("metadata.name").unwrap(), "{.metadata.name}");
    assert_eq!(relaxed("{.metadata.name}").unwrap(), "{.metadata.name}");
    assert!(relaxed("{.a}{.b}").is_err());
    assert_eq!(sort_key(".spec.grace", &items[0]).unwrap(), "10");
    assert_eq!(sort_key("spec.grace", &items[1]).unwrap(), "");
}

/// Found by the fuzzer: nested ranges over `..` grow exponentially. The
/// walk stops at Ordinal's work limit with an error instead of freezing.
#[test]
fn nested_ranges_over_recursive_descent_stop_at_the_work_limit() {
    let mut doc = serde_json::json!({"a": 1});
    for _ in 0..6 {
        doc = serde_json::json!({"x": doc.clone(), "y": doc.clone(), "z": [doc.clone(), doc]});
    }
    let t = "{range ..}{range ..}{range ..}{range ..}{.a}{end}{end}{end}{end}";
    let err = super::render(t, &doc).unwrap_err();
    assert!(err.contains("more than 1000000 values"), "{err}");
    // An ordinary range over `..` is untouched.
    let ok = super::render("{range ..}{.a} {end}", &serde_json::json!({"b": {"a": 1}})).unwrap();
    assert_eq!(ok, " 1 ");
}

/// Found by the fuzzer (`fuzz/regressions/jsonpath/timeout-bde82bc9…`):
/// ranges over `..` of a pod print every subtree as JSON, many times.
#[test]
fn fuzz_nested_range_over_a_pod_is_cheap() {
    let data = include_bytes!(
        "../../../../fuzz/regressions/jsonpath/timeout-bde82bc9a47e493e1abf6a17c67d65d262890e90"
    );
    let t = String::from_utf8_lossy(data);
    let (template, _) = t.split_once('\n').unwrap_or((&t, ""));
    let pod = crate::sim::fuzzing::base_pod_value();
    let start = std::time::Instant::now();
    let out = render(template, &pod).unwrap();
    // 5.5 MB of JSON (every subtree of the pod, many times over), within the
    // work limit: printed, not refused.
    assert!(out.len() > 5_000_000, "{}", out.len());
    assert!(out.starts_with('z'), "{}", &out[..40]);
    assert!(start.elapsed() < std::time::Duration::from_secs(10));
    // Keys in sorted order, strings escaped as encoding/json does.
    let v = json!({"b": "<a&\"\n\u{1}é>", "a": [1]});
    assert_eq!(
        ok("{range ..}{@}{end}", &json!({"x": v})),
        r#"{"x":{"a":[1],"b":"\u003ca\u0026\"\n\u0001é\u003e"}}{"a":[1],"b":"\u003ca\u0026\"\n\u0001é\u003e"}[1]"#.to_string() + "<a&\"\n\u{1}é>"
    );
}

/// Found by the fuzzer (`fuzz/regressions/jsonpath/timeout-959f9b85…`):
/// nested ranges that print whole subtrees as JSON, within the work limit
/// but hundreds of megabytes of output (6.4 s of CPU in a release build).
/// Printing stops at Ordinal's output limit with an error.
#[test]
fn fuzz_output_past_the_limit_is_an_error() {
    let data = include_bytes!(
        "../../../../fuzz/regressions/jsonpath/timeout-959f9b856f170e2a68bd0aa8eee5d395d2234292"
    );
    let t = String::from_utf8_lossy(data);
    let (template, _) = t.split_once('\n').unwrap_or((&t, ""));
    let pod = crate::sim::fuzzing::base_pod_value();
    let err = render(template, &pod).unwrap_err();
    assert!(
        err.contains(
            "template prints more than 8388608 bytes (an Ordinal limit; kubectl has none)"
        ),
        "{}",
        &err[..err.len().min(300)]
    );
    // Just under the limit is printed in full.
    let big = "x".repeat(1 << 20);
    let doc = json!({"a": vec![big; 7]});
    assert_eq!(ok("{range .a[*]}{@}{end}", &doc).len(), 7 << 20);
    let doc = json!({"a": vec!["x".repeat(1 << 20); 9]});
    assert!(render("{range .a[*]}{@}{end}", &doc)
        .unwrap_err()
        .contains("more than 8388608 bytes"));
}
