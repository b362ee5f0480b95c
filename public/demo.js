// The demo's host page: drives the third frame through the embedding API
// (README, "Share links, embeds and the embedding API") and prints what the frame sends back.
const frame = document.getElementById("driven");
const log = document.getElementById("log");
let next = 1;

const WEB = `apiVersion: v1
kind: Service
metadata:
  name: nginx
  labels:
    app: nginx
spec:
  ports:
  - port: 80
    name: web
  clusterIP: None
  selector:
    app: nginx
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: nginx
  serviceName: "nginx"
  replicas: 2
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: registry.k8s.io/nginx-slim:0.21
        ports:
        - containerPort: 80
          name: web
        volumeMounts:
        - name: www
          mountPath: /usr/share/nginx/html
  volumeClaimTemplates:
  - metadata:
      name: www
    spec:
      accessModes: [ "ReadWriteOnce" ]
      resources:
        requests:
          storage: 1Gi
`;

function print(text) {
  log.textContent = `${text}\n${log.textContent}`.slice(0, 20000);
}

function send(msg) {
  // The playground holds no secrets and takes messages from any origin.
  frame.contentWindow.postMessage(msg, "*");
  print(`→ ${JSON.stringify(msg).slice(0, 200)}`);
}

for (const b of document.querySelectorAll("[data-send]")) {
  b.addEventListener("click", () => {
    const type = `ordinal:${b.dataset.send}`;
    const id = `demo-${next++}`;
    if (type === "ordinal:apply") send({ type, id, yaml: WEB });
    else if (type === "ordinal:run") send({ type, id, line: b.dataset.line });
    else send({ type, id });
  });
}

window.addEventListener("message", (ev) => {
  if (ev.source !== frame.contentWindow) return;
  const m = ev.data;
  if (m?.type === "ordinal:output") print(`← output ${m.id}${m.ok ? "" : " (error)"}\n${m.text}`);
  else if (m?.type === "ordinal:state")
    print(`← state: clock ${m.clock} ms, ${m.events} events, pods: ${m.pods.map((p) => `${p.name} ${p.phase}${p.ready ? " ready" : ""}`).join(", ") || "none"}`);
  else print(`← ${JSON.stringify(m).slice(0, 300)}`);
});
