//! The Cassandra seed's `nodetool` and `cqlsh`.

use super::*;

pub(super) fn cassandra(sim: &mut Sim, ready: &[bool]) -> Object {
    let set = create(
        sim,
        Kind::StatefulSet,
        "cassandra",
        json!({"spec": {"replicas": ready.len(), "serviceName": "cassandra"}}),
    );
    for (n, r) in ready.iter().enumerate() {
        let name = format!("cassandra-{n}");
        let claim_name = format!("cassandra-data-{name}");
        claim(sim, &claim_name);
        PodSpec {
                name: &name,
                labels: json!({"app": "cassandra"}),
                containers: json!([{"name": "cassandra", "image": "gcr.io/google-samples/cassandra:v13",
                    "env": [{"name": "CASSANDRA_DC", "value": "DC1-K8Demo"}, {"name": "CASSANDRA_RACK", "value": "Rack1-K8Demo"}],
                    "volumeMounts": [{"name": "cassandra-data", "mountPath": "/cassandra_data"}]}]),
                volumes: json!([{"name": "cassandra-data", "persistentVolumeClaim": {"claimName": claim_name}}]),
                ip: &format!("10.4.{n}.4"),
                ready: *r,
                subdomain: Some("cassandra"),
                owner: Some(&set),
                init: json!([]),
            }.create(sim);
    }
    set
}

#[test]
fn nodetool_status_shows_the_ring() {
    let mut sim = Sim::new(9);
    let set = cassandra(&mut sim, &[true, true, false]);
    let r = run(&mut sim, "cassandra-0", "nodetool status");
    let lines: Vec<&str> = r.output.lines().collect();
    assert_eq!(lines[0], "Datacenter: DC1-K8Demo");
    assert_eq!(lines[1], "======================");
    assert_eq!(lines[2], "Status=Up/Down");
    assert_eq!(lines[3], "|/ State=Normal/Leaving/Joining/Moving");
    assert!(lines[4].starts_with("--  Address   Load       Tokens       Owns (effective)  Host ID"));
    let un: Vec<&&str> = lines.iter().filter(|l| l.starts_with("UN  ")).collect();
    assert_eq!(un.len(), 2);
    assert!(un[0].starts_with("UN  10.4.0.4  ") && un[0].ends_with("  Rack1-K8Demo"));
    assert!(lines.iter().any(|l| l.starts_with("UJ  10.4.2.4  ")));
    // Host IDs are kept on the volume: a recreated pod keeps its id.
    let id_of = |out: &str, ip: &str| -> String {
        let l = out.lines().find(|l| l.contains(ip)).unwrap().to_string();
        l.split_whitespace().rev().nth(1).unwrap().to_string()
    };
    let before = id_of(&r.output, "10.4.1.4");
    delete_pod(&mut sim, "cassandra-1");
    // Gossip remembers the node: down until it comes back.
    let gone = run(&mut sim, "cassandra-0", "nodetool status").output;
    let line = gone.lines().find(|l| l.contains("10.4.1.4")).unwrap();
    assert!(line.starts_with("DN  10.4.1.4  "), "{gone}");
    assert_eq!(id_of(&gone, "10.4.1.4"), before);
    PodSpec {
            name: "cassandra-1",
            labels: json!({"app": "cassandra"}),
            containers: json!([{"name": "cassandra", "image": "gcr.io/google-samples/cassandra:v13",
                "volumeMounts": [{"name": "cassandra-data", "mountPath": "/cassandra_data"}]}]),
            volumes: json!([{"name": "cassandra-data", "persistentVolumeClaim": {"claimName": "cassandra-data-cassandra-1"}}]),
            ip: "10.4.7.7",
            ready: true,
            subdomain: Some("cassandra"),
            owner: Some(&set),
            init: json!([]),
        }.create(&mut sim);
    let r2 = run(&mut sim, "cassandra-0", "nodetool status");
    assert_eq!(id_of(&r2.output, "10.4.7.7"), before);
    assert!(!r2.output.contains("10.4.1.4"));
    // A member removed for good (scaled away without decommission) stays
    // down in the ring until removenode.
    let r = run(&mut sim, "cassandra-0", "nodetool status");
    let gone_id = id_of(&r.output, "10.4.2.4");
    delete_pod(&mut sim, "cassandra-2");
    let r = run(&mut sim, "cassandra-1", "nodetool status");
    assert!(
        r.output.lines().any(|l| l.starts_with("DN  10.4.2.4  ")),
        "{}",
        r.output
    );
    let live_id = id_of(&r.output, "10.4.0.4");
    let refused = run(
        &mut sim,
        "cassandra-1",
        &format!("nodetool removenode {live_id}"),
    );
    assert_eq!(refused.exit_code, 2);
    assert_eq!(
        run(
            &mut sim,
            "cassandra-1",
            &format!("nodetool removenode {gone_id}")
        )
        .exit_code,
        0
    );
    let r = run(&mut sim, "cassandra-0", "nodetool status");
    assert!(!r.output.contains("10.4.2.4"), "{}", r.output);
    assert_eq!(
        r.output.lines().filter(|l| l.starts_with("UN  ")).count(),
        2
    );

    let r = run(&mut sim, "cassandra-0", "cqlsh -e 'desc keyspaces'");
    assert_eq!(
        r.output,
        "\nsystem_traces  system_schema  system_auth  system  system_distributed\n\n"
    );
    run(&mut sim, "cassandra-0", "cqlsh -e \"CREATE KEYSPACE demo WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 2};\"");
    assert!(
        run(&mut sim, "cassandra-1", "cqlsh -e 'DESCRIBE KEYSPACES'")
            .output
            .contains("  demo\n")
    );
}

#[test]
fn cqlsh_keeps_tables_on_the_volume() {
    let mut sim = Sim::new(9);
    let set = cassandra(&mut sim, &[true, true]);
    let cql = |sim: &mut Sim, pod: &str, q: &str| run(sim, pod, &format!("cqlsh -e \"{q}\""));
    cql(&mut sim, "cassandra-0", "CREATE KEYSPACE shop WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 2};");
    let r = cql(
        &mut sim,
        "cassandra-0",
        "CREATE TABLE shop.items (id int PRIMARY KEY, name text, price int);",
    );
    assert_eq!((r.output.as_str(), r.exit_code), ("", 0));
    let r = cql(&mut sim, "cassandra-0", "USE shop; INSERT INTO items (id, name, price) VALUES (1, 'apple', 3); INSERT INTO items (id, name) VALUES (2, 'pear');");
    assert_eq!((r.output.as_str(), r.exit_code), ("", 0));
    // Read through another member; cqlsh 3.11's print_result layout, and
    // `*` puts the key first and the other columns by name.
    let r = cql(
        &mut sim,
        "cassandra-1",
        "SELECT * FROM shop.items WHERE id = 1;",
    );
    assert_eq!(
        r.output,
        "\n id | name  | price\n----+-------+-------\n  1 | apple |     3\n\n(1 rows)\n"
    );
    let r = cql(
        &mut sim,
        "cassandra-1",
        "SELECT name FROM shop.items WHERE id = 9;",
    );
    assert_eq!(r.output, "\n name\n------\n\n(0 rows)\n");
    assert!(cql(&mut sim, "cassandra-1", "SELECT * FROM shop.items;")
        .output
        .ends_with(" null\n\n(2 rows)\n"));
    // The data lives on the claim: a recreated pod still has it.
    delete_pod(&mut sim, "cassandra-0");
    delete_pod(&mut sim, "cassandra-1");
    for n in 0..2 {
        let claim_name = format!("cassandra-data-cassandra-{n}");
        PodSpec {
            name: &format!("cassandra-{n}"),
            labels: json!({"app": "cassandra"}),
            containers: json!([{"name": "cassandra", "image": "gcr.io/google-samples/cassandra:v13",
                "volumeMounts": [{"name": "cassandra-data", "mountPath": "/cassandra_data"}]}]),
            volumes: json!([{"name": "cassandra-data", "persistentVolumeClaim": {"claimName": claim_name}}]),
            ip: &format!("10.4.{n}.9"),
            ready: true,
            subdomain: Some("cassandra"),
            owner: Some(&set),
            init: json!([]),
        }
        .create(&mut sim);
    }
    let r = cql(
        &mut sim,
        "cassandra-1",
        "SELECT name FROM shop.items WHERE id = 2;",
    );
    assert!(r.output.contains(" pear\n"), "{}", r.output);
    // The server's refusals as cqlsh prints them.
    for (q, e) in [
        ("SELECT * FROM items;", "<stdin>:1:InvalidRequest: Error from server: code=2200 [Invalid query] message=\"No keyspace has been specified. USE a keyspace, or explicitly specify keyspace.tablename\"\n"),
        ("SELECT * FROM shop.nope;", "<stdin>:1:InvalidRequest: Error from server: code=2200 [Invalid query] message=\"unconfigured table nope\"\n"),
        ("INSERT INTO shop.items (name) VALUES ('x');", "<stdin>:1:InvalidRequest: Error from server: code=2200 [Invalid query] message=\"Some partition key parts are missing: id\"\n"),
        ("CREATE TABLE shop.items (id int PRIMARY KEY);", "<stdin>:1:AlreadyExists: Table 'shop.items' already exists\n"),
        ("USE nope;", "<stdin>:1:InvalidRequest: Error from server: code=2200 [Invalid query] message=\"Keyspace 'nope' does not exist\"\n"),
    ] {
        let r = cql(&mut sim, "cassandra-0", q);
        assert_eq!((r.output.as_str(), r.exit_code), (e, 2), "{q}");
    }
}

fn set_unready(sim: &mut Sim, name: &str) {
    let mut p = sim.store.get(Kind::Pod, "default", name).unwrap().clone();
    p.status_mut()["conditions"] = json!([{"type": "Ready", "status": "False"}]);
    api::update(sim, p, "test").unwrap();
}

/// A member that joined before does not bootstrap again when it restarts
/// (Cassandra's shouldBootstrap: bootstrap already complete): not ready,
/// it shows down, never joining; a new member joins (`UJ`).
#[test]
fn a_restarted_member_is_down_not_joining() {
    let mut sim = Sim::new(9);
    cassandra(&mut sim, &[true, true, false]);
    let status = |sim: &mut Sim, ip: &str| {
        let out = run(sim, "cassandra-0", "nodetool status").output;
        let line = out.lines().find(|l| l.contains(ip)).unwrap().to_string();
        line[..2].to_string()
    };
    assert_eq!(status(&mut sim, "10.4.1.4"), "UN");
    assert_eq!(status(&mut sim, "10.4.2.4"), "UJ");
    set_unready(&mut sim, "cassandra-1");
    assert_eq!(status(&mut sim, "10.4.1.4"), "DN");
    let info = run(&mut sim, "cassandra-2", "nodetool info").output;
    assert!(
        info.ends_with("\nToken                  : (node is not joined to the cluster)\n"),
        "{info}"
    );
}

/// `nodetool ring`, `info` and `describecluster` as Cassandra 3.11's
/// Ring, Info and DescribeCluster print them.
#[test]
fn nodetool_ring_info_and_describecluster() {
    let mut sim = Sim::new(9);
    cassandra(&mut sim, &[true, true, true]);
    let ring = run(&mut sim, "cassandra-0", "nodetool ring").output;
    let lines: Vec<&str> = ring.lines().collect();
    assert_eq!(lines[0], "");
    assert_eq!(lines[1], "Datacenter: DC1-K8Demo");
    assert_eq!(lines[2], "==========");
    assert_eq!(
        lines[3].trim_end(),
        "Address   Rack        Status State   Load            Owns                Token"
    );
    // One row per vnode token (32 a node), in token order, the last one
    // above them; a 12-character rack runs into Status.
    let rows: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| l.starts_with("10.4."))
        .collect();
    assert_eq!(rows.len(), 96);
    assert!(
        rows[0].contains("  Rack1-K8DemoUp     Normal  "),
        "{}",
        rows[0]
    );
    let tokens: Vec<i64> = rows
        .iter()
        .map(|r| r.split_whitespace().last().unwrap().parse().unwrap())
        .collect();
    assert!(tokens.windows(2).all(|w| w[0] < w[1]));
    assert_eq!(lines[4].trim(), tokens[95].to_string());
    assert!(ring.ends_with(
        "  To view status related info of a node use \"nodetool status\" instead.\n\n\n  "
    ));
    let status = run(&mut sim, "cassandra-0", "nodetool status").output;
    let me = status.lines().find(|l| l.contains("10.4.0.4 ")).unwrap();
    let id = me.split_whitespace().rev().nth(1).unwrap();
    let info = run(&mut sim, "cassandra-0", "nodetool info").output;
    let lines: Vec<&str> = info.lines().collect();
    assert_eq!(lines[0], format!("ID                     : {id}"));
    assert_eq!(lines[3], "Native Transport active: true");
    assert_eq!(lines[9], "Data Center            : DC1-K8Demo");
    assert_eq!(lines[10], "Rack                   : Rack1-K8Demo");
    assert_eq!(
        lines.last().unwrap(),
        &"Token                  : (invoke with -T/--tokens to see all 32 tokens)"
    );
    let all = run(&mut sim, "cassandra-0", "nodetool info -T").output;
    assert_eq!(all.lines().filter(|l| l.starts_with("Token ")).count(), 32);
    let dc = run(&mut sim, "cassandra-0", "nodetool describecluster").output;
    let lines: Vec<&str> = dc.lines().collect();
    assert_eq!(lines[0], "Cluster Information:");
    assert_eq!(lines[1], "\tName: Test Cluster");
    assert_eq!(
        lines[2],
        "\tSnitch: org.apache.cassandra.locator.GossipingPropertyFileSnitch"
    );
    assert_eq!(lines[5], "\tSchema versions:");
    assert!(
        lines[6].ends_with(": [10.4.0.4, 10.4.1.4, 10.4.2.4]"),
        "{dc}"
    );
    assert!(dc.ends_with("]\n\n"));
}

/// `SELECT COUNT(*)` (with the server's warning when no partition key
/// is named), `UPDATE` as an upsert, `DELETE` by key, `DROP TABLE`; and
/// the shapes of cqlsh's errors: a server SyntaxException's message with
/// its query snippet, an InvalidRequest with the driver's summary.
#[test]
fn cqlsh_count_update_delete_and_drop() {
    let mut sim = Sim::new(9);
    cassandra(&mut sim, &[true, true]);
    let cql = |sim: &mut Sim, q: &str| run(sim, "cassandra-0", &format!("cqlsh -e \"{q}\""));
    cql(&mut sim, "CREATE KEYSPACE shop WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 2}; CREATE TABLE shop.items (id int PRIMARY KEY, name text);");
    cql(&mut sim, "INSERT INTO shop.items (id, name) VALUES (1, 'apple'); INSERT INTO shop.items (id, name) VALUES (2, 'pear');");
    assert_eq!(
        cql(&mut sim, "SELECT COUNT(*) FROM shop.items").output,
        "\n count\n-------\n     2\n\n(1 rows)\n\nWarnings :\nAggregation query used without partition key\n\n"
    );
    assert_eq!(
        cql(&mut sim, "SELECT count(*) FROM shop.items WHERE id = 1").output,
        "\n count\n-------\n     1\n\n(1 rows)\n"
    );
    let r = cql(&mut sim, "UPDATE shop.items SET name = 'plum' WHERE id = 2");
    assert_eq!((r.output.as_str(), r.exit_code), ("", 0));
    let r = cql(&mut sim, "SELECT name FROM shop.items WHERE id = 2");
    assert!(r.output.contains(" plum\n"), "{}", r.output);
    let r = cql(&mut sim, "DELETE FROM shop.items WHERE id = 1");
    assert_eq!((r.output.as_str(), r.exit_code), ("", 0));
    assert!(cql(&mut sim, "SELECT * FROM shop.items")
        .output
        .ends_with("\n(1 rows)\n"));
    let r = cql(&mut sim, "DELETE FROM shop.items WHERE name = 'plum'");
    assert_eq!(r.output, "<stdin>:1:InvalidRequest: Error from server: code=2200 [Invalid query] message=\"Some partition key parts are missing: id\"\n");
    let r = cql(&mut sim, "DROP TABLE shop.items");
    assert_eq!((r.output.as_str(), r.exit_code), ("", 0));
    let r = cql(&mut sim, "SELECT * FROM shop.items");
    assert_eq!(r.output, "<stdin>:1:InvalidRequest: Error from server: code=2200 [Invalid query] message=\"unconfigured table items\"\n");
    assert_eq!(
        cql(&mut sim, "DROP TABLE IF EXISTS shop.items").exit_code,
        0
    );
    assert_eq!(
        cql(&mut sim, "DROP TABLE shop.items").output,
        "<stdin>:1:InvalidRequest: Error from server: code=2200 [Invalid query] message=\"unconfigured table items\"\n"
    );
    assert_eq!(
        cql(&mut sim, "SELEC * FROM shop.items").output,
        "<stdin>:1:SyntaxException: line 1:0 no viable alternative at input 'SELEC' ([SELEC] * FROM...)\n"
    );
    assert_eq!(
        cql(&mut sim, "CREATE KEYSPACE").output,
        "<stdin>:1:SyntaxException: line 1:15 no viable alternative at input '<EOF>'\n"
    );
}

/// Found by varying the seed: `describecluster`'s schema version changed
/// when a member went down, as each member's own `system` files counted.
#[test]
fn the_schema_version_does_not_change_when_a_member_goes() {
    let mut sim = Sim::new(9);
    cassandra(&mut sim, &[true, true, true]);
    let version = |sim: &mut Sim| {
        let out = run(sim, "cassandra-0", "nodetool describecluster").output;
        out.lines()
            .nth(6)
            .unwrap()
            .split(':')
            .next()
            .unwrap()
            .to_string()
    };
    run(&mut sim, "cassandra-0", "nodetool status");
    let before = version(&mut sim);
    delete_pod(&mut sim, "cassandra-2");
    assert_eq!(version(&mut sim), before);
    run(&mut sim, "cassandra-0", "cqlsh -e \"CREATE KEYSPACE k WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 2}\"");
    assert_ne!(version(&mut sim), before);
}
