// Files the first load leaves out (issue 12): the examples' manifests
// (dist/examples/) and the bundled lessons (dist/lessons/) are fetched by
// relative URL when first used. The default page asks for none of them; a
// chosen example, a share link or address naming one, a lesson and a console
// line naming a docs URL each fetch what they need and then go on as before;
// a file the server does not have is named in a banner, in the page's
// language, and nothing else breaks.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { DIST, launchBrowser, openApp } from "./harness.mjs";

const T = 60_000;

const lazyRequests = (app) =>
  app.server.requests
    .filter((p) => /\/(examples|lessons|kubectl\/help)\//.test(p))
    .map((p) => p.replace(/^.*\/ordinal\//, ""));

async function ready(page) {
  await page.getByTestId("editor").waitFor({ timeout: T });
}

async function type(page, line) {
  const input = page.getByTestId("console-input");
  await input.fill(line);
  await input.press("Enter");
}

test("a non-default example is fetched when chosen, then applies", async (t) => {
  const app = await openApp(t);
  const { page } = app;
  await ready(page);
  // The default example is in the wasm: the first load fetched no file.
  assert.match(await page.getByTestId("editor").inputValue(), /name: web/);
  assert.deepEqual(lazyRequests(app), [], "the first load fetches no example, lesson or help text");

  await page.getByTestId("example-cassandra").click();
  await page.waitForFunction(
    () => /kind: StorageClass/.test(document.querySelector("[data-testid=editor]").value),
    null,
    { timeout: T },
  );
  assert.deepEqual(lazyRequests(app).sort(), [
    "examples/modern/cassandra-statefulset.yaml",
    "examples/original/cassandra-service.yaml",
  ]);
  assert.match(await page.getByTestId("example-desc").textContent(), /Cassandra|cassandra/);
  await page.getByTestId("apply").click();
  const out = page.getByTestId("console-output");
  await out.getByText("statefulset.apps/cassandra created").waitFor({ timeout: T });
  await out.getByText("storageclass.storage.k8s.io/fast created").waitFor({ timeout: T });

  // Another example sharing a file fetches only what it lacks; going back
  // to one already fetched asks for nothing.
  await page.getByTestId("example-cassandra-rc").click();
  await page.waitForFunction(
    () => /kind: ReplicationController/.test(document.querySelector("[data-testid=editor]").value),
    null,
    { timeout: T },
  );
  await page.getByTestId("example-cassandra").click();
  await page.waitForFunction(
    () => /kind: StorageClass/.test(document.querySelector("[data-testid=editor]").value),
    null,
    { timeout: T },
  );
  assert.deepEqual(
    lazyRequests(app).filter((p) => p.includes("cassandra-service")),
    ["examples/original/cassandra-service.yaml"],
    "each file is fetched once",
  );
  assert.equal(await page.getByTestId("banner").count(), 0);
  app.assertClean();
});

test("a share link and ?example= naming a fetched example open as before", async (t) => {
  const app = await openApp(t, { path: "?example=mysql&apply=1" });
  const { page } = app;
  await ready(page);
  // Fetched before the start, then applied as the address asks.
  assert.match(await page.getByTestId("editor").inputValue(), /name: mysql-read/);
  const out = page.getByTestId("console-output");
  await out.getByText("statefulset.apps/mysql created").waitFor({ timeout: T });
  // After a change, the address carries the session as a link that names the example.
  await page.getByTestId("step").click();
  await page.waitForFunction(() => location.hash.startsWith("#o1."), null, { timeout: T });
  const link = page.url().split("#")[1];
  assert.ok(link.length < 2000, "the link refers to the example instead of carrying it");

  const again = await openApp(t, { path: `#${link}` });
  await ready(again.page);
  assert.match(await again.page.getByTestId("editor").inputValue(), /name: mysql-read/);
  await again.page.getByTestId("workload-mysql").waitFor({ timeout: T });
  assert.ok(lazyRequests(again).includes("examples/original/mysql-statefulset.yaml"));
  assert.equal(await again.page.getByTestId("banner").count(), 0);
  app.assertClean();
  again.assertClean();
});

test("a lesson and a console line fetch the files they name", async (t) => {
  const app = await openApp(t, { path: "?lesson=mysql" });
  const { page } = app;
  await page.getByTestId("lesson-body").waitFor({ timeout: T });
  // The lesson's file, its editor example and its setup's docs URLs.
  const got = lazyRequests(app);
  assert.ok(got.includes("lessons/mysql.yaml"), got.join(" "));
  assert.ok(got.includes("examples/original/mysql-services.yaml"), got.join(" "));
  assert.match(await page.getByTestId("editor").inputValue(), /name: mysql-read/);
  // The lesson list showed every lesson (titles and step counts) before any file.
  assert.match(await page.getByTestId("lesson-zookeeper").textContent(), /ZooKeeper.*0\/3/);

  await type(page, "kubectl apply -f https://k8s.io/examples/application/zookeeper/zookeeper.yaml");
  const out = page.getByTestId("console-output");
  await out.getByText("statefulset.apps/zk created").waitFor({ timeout: T });
  assert.ok(lazyRequests(app).includes("examples/upstream/zookeeper.yaml"));
  // A line typed right after one that waits runs after it.
  await type(page, "kubectl create -f cassandra/cassandra-controller.yaml");
  await type(page, "get rc cassandra -o name");
  await out.getByText("replicationcontroller/cassandra", { exact: true }).waitFor({ timeout: T });
  app.assertClean();
});

test("a missing file is named in a banner, in the page's language, and nothing else breaks", async (t) => {
  const app = await openApp(t, { path: "?lang=zh" });
  const { page } = app;
  await ready(page);
  const before = await page.getByTestId("editor").inputValue();
  // As a server without the page's examples/ folder answers.
  await page.route("**/examples/**", (r) => r.fulfill({ status: 404, contentType: "text/plain", body: "not found\n" }));
  await page.getByTestId("example-hazelcast").click();
  const banner = page.getByTestId("banner");
  await banner.waitFor({ timeout: T });
  const text = await banner.textContent();
  assert.match(text, /未能加载/);
  assert.match(text, /examples\/original\/hazelcast-service\.yaml/);
  assert.match(text, /dist\//);
  // The editor and the example chosen are as they were.
  assert.equal(await page.getByTestId("editor").inputValue(), before);
  await page.getByTestId("lang").selectOption("en");
  assert.match(await banner.textContent(), /^Not loaded: examples\/original\/hazelcast-service\.yaml/);
  // The rest of the page works: the default example applies.
  await page.getByTestId("apply").click();
  await page.getByTestId("console-output").getByText("statefulset.apps/web created").waitFor({ timeout: T });
  // A console line naming a missing docs file says so too, and the next line runs.
  await type(page, "kubectl apply -f https://k8s.io/examples/application/mysql/mysql-services.yaml");
  await page.getByText(/Not loaded: examples\/original\/mysql-services\.yaml/).waitFor({ timeout: T });
  await type(page, "get sts web -o name");
  await page.getByTestId("console-output").getByText("statefulset.apps/web", { exact: true }).waitFor({ timeout: T });
  // Only the refused files failed.
  const other = app.problems.filter(
    (p) => !/HTTP 404: .*\/examples\//.test(p) && !/Failed to load resource: .* 404/.test(p),
  );
  assert.deepEqual(other, []);
});

test("a lesson whose file is missing says so, and opens nothing", async (t) => {
  const app = await openApp(t);
  const { page } = app;
  await ready(page);
  await page.route("**/lessons/**", (r) => r.fulfill({ status: 404, contentType: "text/plain", body: "not found\n" }));
  await page.getByTestId("lesson-petset").click();
  await page.getByText(/Not loaded: lessons\/petset\.yaml/).waitFor({ timeout: T });
  assert.equal(await page.getByTestId("lesson-body").count(), 0);
  const other = app.problems.filter(
    (p) => !/HTTP 404: .*\/lessons\//.test(p) && !/Failed to load resource: .* 404/.test(p),
  );
  assert.deepEqual(other, []);
});

test("kubectl's help texts are fetched before the line that prints one", async (t) => {
  const app = await openApp(t);
  const { page } = app;
  await ready(page);
  const out = page.getByTestId("console-output");
  // A line printing no help text fetches nothing.
  await type(page, "kubectl create secret generic db --from-literal=password=s3cret");
  await out.getByText("secret/db created").waitFor({ timeout: T });
  assert.deepEqual(lazyRequests(app), []);
  await type(page, "kubectl run web --image=nginx -h");
  await out.getByText("Create and run a particular image in a pod.").waitFor({ timeout: T });
  await type(page, "kubectl create service");
  await out.getByText("Create a service using a specified subcommand.").waitFor({ timeout: T });
  await type(page, "kubectl create secret tls --help");
  await out.getByText("Create a TLS secret from the given public/private key pair.").waitFor({ timeout: T });
  // Once fetched, a text is not asked for again.
  await type(page, "kubectl run other --image=nginx --help");
  await type(page, "get secret db -o name");
  await out.getByText("secret/db", { exact: true }).waitFor({ timeout: T });
  assert.deepEqual(lazyRequests(app).sort(), [
    "kubectl/help/create_secret_tls.txt",
    "kubectl/help/create_service.txt",
    "kubectl/help/run.txt",
  ]);
  assert.equal(await out.getByText("Create and run a particular image in a pod.").count(), 2);
  assert.equal(await page.getByTestId("banner").count(), 0);
  app.assertClean();
});

test("a help text the server does not have is named, and the console goes on", async (t) => {
  const app = await openApp(t);
  const { page } = app;
  await ready(page);
  await page.route("**/kubectl/help/**", (r) => r.fulfill({ status: 404, contentType: "text/plain", body: "not found\n" }));
  await type(page, "kubectl run web --image=nginx --help");
  const out = page.getByTestId("console-output");
  await out.getByText(/this help text is not loaded: kubectl\/help\/run\.txt/).waitFor({ timeout: T });
  await page.getByText(/Not loaded: kubectl\/help\/run\.txt/).waitFor({ timeout: T });
  await type(page, "get ns default -o name");
  await out.getByText("namespace/default", { exact: true }).waitFor({ timeout: T });
  const other = app.problems.filter(
    (p) => !/HTTP 404: .*\/kubectl\/help\//.test(p) && !/Failed to load resource: .* 404/.test(p),
  );
  assert.deepEqual(other, []);
});

test("a page opened from file:// says it must be served over HTTP, and how; a served page has no such text", async (t) => {
  const browser = await launchBrowser();
  t.after(() => browser.close());
  const page = await browser.context.newPage();
  for (const query of ["", "?embed=1&lang=zh", "?ctl=1"]) {
    await page.goto(pathToFileURL(join(DIST, "index.html")).href + query);
    const message = page.locator("[data-ordinal-file]");
    await message.waitFor({ state: "visible", timeout: T });
    const text = await message.innerText();
    for (const words of ["file://", "python3 -m http.server", "http://localhost:8000/", "无法从本地文件启动"]) {
      assert.ok(text.includes(words), `${query}: the message says ${words}: ${text}`);
    }
  }
  // Served, the texts are gone before the app mounts beside them.
  const app = await openApp(t);
  await ready(app.page);
  assert.equal(await app.page.locator("[data-ordinal-file], [data-ordinal-lost]").count(), 0);
  assert.equal(await app.page.getByText(/cannot start from a file|could not be loaded/).count(), 0);
});

test("a served page whose boot.js is missing says so, instead of staying blank", async (t) => {
  const app = await openApp(t, {
    path: "?lang=zh",
    before: (page) => page.route("**/boot.js", (route) => route.fulfill({ status: 404, body: "not found" })),
  });
  const message = app.page.locator("[data-ordinal-lost]");
  await message.waitFor({ state: "visible", timeout: T });
  const text = await message.innerText();
  for (const words of ["boot.js", "could not be loaded", "无法从服务器加载"]) {
    assert.ok(text.includes(words), `the message says ${words}: ${text}`);
  }
  assert.equal(await app.page.locator("[data-ordinal-file]").count(), 0, "not the file:// message");
});
