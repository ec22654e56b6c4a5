#!/usr/bin/env node
// Throughput benchmark: generates a large synthetic bundle (collector layout, no manifest) into
// bench/out/, packs it as .tar.gz with the `tar` package, then measures the analyzer against
// `gzip -dc` on the same file; then times readKubernetesObjects() on a 20 MB bug-report style
// `cluster/crs` YAML stream (bench/crs-yaml.mjs) against its ≤ 2 s target. Run with `npm run bench`
// (builds dist/ first). BENCH_SCALE (default 1) scales every bundle size (the YAML stream stays 20 MB);
// BENCH_PROXIES (default 100 × scale) sets how many config dumps the bundle holds (collect.sh
// --max-proxies) and BENCH_SERVICES (default 1000) how many services each dump holds.
// BENCH_TAR_ONLY=1 measures gzip -dc and the .tar.gz analysis only and prints them as one JSON line
// (bench/growth.mjs runs it at several sizes). Prints numbers only: nothing here asserts a time.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { create } from 'tar';
import { generateCrsYaml } from './crs-yaml.mjs';
import { randomSource } from './random.mjs';
import { textTable } from './table.mjs';
import { meshServices, sidecarConfigDump } from '../scripts/envoy/config-dump-generator.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const OUT = join(HERE, 'out');
const TREE = join(OUT, 'tree');
const YAML_ONLY = join(OUT, 'yaml-only');
const ARCHIVE = join(OUT, 'bundle.tar.gz');
const CHILD = join(HERE, 'analyze-child.mjs');
const CRS_YAML = join(OUT, 'crs.yaml');

const SCALE = Number(process.env.BENCH_SCALE ?? '1');
if (!(SCALE > 0)) throw new Error(`BENCH_SCALE must be a positive number, got ${process.env.BENCH_SCALE}`);
const n = (base) => Math.max(1, Math.round(base * SCALE));
function positiveInt(name, fallback) {
  if (process.env[name] === undefined) return fallback;
  const value = Number(process.env[name]);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${process.env[name]}`);
  return value;
}
const TAR_ONLY = process.env.BENCH_TAR_ONLY === '1';
const SIZES = {
  virtualServices: n(3000),
  destinationRules: n(3000),
  yamlServiceEntries: n(1000),
  namespaces: 20,
  pods: n(2000),
  logPods: n(200),
  logBytesPerPod: 1.5 * 1024 * 1024,
  /** Sidecars whose config dump (`istioctl proxy-config all -o json`, with EDS) is in the bundle, and the services each holds. */
  dumpProxies: positiveInt('BENCH_PROXIES', n(100)),
  meshServices: positiveInt('BENCH_SERVICES', 1000),
};
/** The large-YAML target: a 20 MB bug-report `cluster/crs` stream read in ≤ 2 s (fixed size, whatever BENCH_SCALE). */
const CRS_YAML_BYTES = 20e6;
const CRS_TARGET_S = 2;

// ---------------------------------------------------------------------------------------------
// deterministic pseudo-random data
const { rnd, int, hex, uuid } = randomSource(0x2545f491);
const ALNUM = 'bcdfghjklmnpqrstvwxz2456789';
const suffix = (len) => Array.from({ length: len }, () => ALNUM[Math.floor(rnd() * ALNUM.length)]).join('');

const files = new Map(); // bundle path → bytes
function put(path, text) {
  const file = join(TREE, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  files.set(path, statSync(file).size);
}
const kList = (items) => JSON.stringify({ apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } }, null, 4) + '\n';

// ---------------------------------------------------------------------------------------------
function generate() {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(TREE, { recursive: true });
  const namespaces = Array.from({ length: SIZES.namespaces }, (_, i) => `team-${String(i).padStart(2, '0')}`);
  const services = Array.from({ length: SIZES.virtualServices }, (_, i) => ({ name: `svc-${i}`, namespace: namespaces[i % namespaces.length] }));

  // Istio resources as `kubectl get … -A -o json` Lists
  put(
    'istio/resources/virtualservices.json',
    kList(
      services.map((s, i) => ({
        apiVersion: 'networking.istio.io/v1',
        kind: 'VirtualService',
        metadata: { creationTimestamp: '2025-05-01T10:00:00Z', generation: 1, name: s.name, namespace: s.namespace, resourceVersion: String(100000 + i), uid: uuid() },
        spec: {
          hosts: [s.name],
          http: [
            { match: [{ uri: { prefix: '/api/v2' } }], route: [{ destination: { host: s.name, subset: 'v2' }, weight: 10 }, { destination: { host: s.name, subset: 'v1' }, weight: 90 }], timeout: '5s', retries: { attempts: 2, perTryTimeout: '2s' } },
            { route: [{ destination: { host: s.name, subset: 'v1' } }] },
          ],
        },
      })),
    ),
  );
  put(
    'istio/resources/destinationrules.json',
    kList(
      services.slice(0, SIZES.destinationRules).map((s, i) => ({
        apiVersion: 'networking.istio.io/v1',
        kind: 'DestinationRule',
        metadata: { creationTimestamp: '2025-05-01T10:00:00Z', generation: 1, name: s.name, namespace: s.namespace, resourceVersion: String(200000 + i), uid: uuid() },
        spec: {
          host: s.name,
          trafficPolicy: { connectionPool: { http: { http1MaxPendingRequests: 1024, maxRequestsPerConnection: 100 } }, outlierDetection: { baseEjectionTime: '30s', consecutive5xxErrors: i % 50 === 0 ? 1 : 50, interval: '10s' } },
          subsets: [{ labels: { version: 'v1' }, name: 'v1' }, { labels: { version: 'v2' }, name: 'v2' }],
        },
      })),
    ),
  );
  // A YAML stream of ServiceEntries: YAML parsing is the slow path (docs/stack.md §3), measured alone too.
  const yaml = [];
  for (let i = 0; i < SIZES.yamlServiceEntries; i++) {
    yaml.push(
      [
        'apiVersion: networking.istio.io/v1',
        'kind: ServiceEntry',
        'metadata:',
        `  name: external-api-${i}`,
        `  namespace: ${namespaces[i % namespaces.length]}`,
        '  labels:',
        '    app.kubernetes.io/managed-by: egress-operator',
        'spec:',
        '  hosts:',
        `  - api-${i}.partner-${i % 37}.example.com`,
        '  location: MESH_EXTERNAL',
        '  ports:',
        '  - name: https',
        '    number: 443',
        '    protocol: TLS',
        '  resolution: DNS',
        '  exportTo:',
        '  - "."',
      ].join('\n'),
    );
  }
  put('istio/resources/serviceentries.yaml', `${yaml.join('\n---\n')}\n`);

  // Pods: 2000 sidecar-injected pods across the namespaces, plus istiod
  const pods = [];
  for (let i = 0; i < SIZES.pods; i++) {
    const app = services[i % services.length].name;
    const name = `${app}-${suffix(9)}-${suffix(5)}`;
    const namespace = namespaces[i % namespaces.length];
    const ip = `10.${64 + Math.floor(i / 65000)}.${Math.floor(i / 250) % 256}.${(i % 250) + 2}`;
    pods.push({ name, namespace, ip });
  }
  const podObject = (p) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      annotations: { 'istio.io/rev': 'default', 'sidecar.istio.io/status': '{"initContainers":["istio-init"],"containers":["istio-proxy"],"revision":"default"}' },
      creationTimestamp: '2025-05-20T08:00:00Z',
      labels: { app: p.name.split('-').slice(0, 2).join('-'), 'security.istio.io/tlsMode': 'istio', version: 'v1' },
      name: p.name,
      namespace: p.namespace,
      ownerReferences: [{ apiVersion: 'apps/v1', controller: true, kind: 'ReplicaSet', name: p.name.replace(/-[^-]+$/, ''), uid: uuid() }],
      uid: uuid(),
    },
    spec: {
      containers: [
        { image: 'registry.example.com/app:1.0', name: 'app', resources: { requests: { cpu: '100m', memory: '128Mi' } } },
        { image: 'docker.io/istio/proxyv2:1.24.3', name: 'istio-proxy', resources: { limits: { cpu: '2', memory: '1Gi' }, requests: { cpu: '100m', memory: '128Mi' } } },
      ],
      initContainers: [{ image: 'docker.io/istio/proxyv2:1.24.3', name: 'istio-init' }],
      nodeName: `node-${int(1, 60)}`,
    },
    status: {
      conditions: [{ lastTransitionTime: '2025-05-20T08:00:09Z', status: 'True', type: 'Ready' }],
      containerStatuses: [
        { name: 'app', ready: true, restartCount: 0, started: true, state: { running: { startedAt: '2025-05-20T08:00:05Z' } } },
        { name: 'istio-proxy', ready: true, restartCount: 0, started: true, state: { running: { startedAt: '2025-05-20T08:00:04Z' } } },
      ],
      phase: 'Running',
      podIP: p.ip,
      startTime: '2025-05-20T08:00:00Z',
    },
  });
  for (const namespace of namespaces) put(`kubernetes/pods/${namespace}.json`, kList(pods.filter((p) => p.namespace === namespace).map(podObject)));
  const istiods = ['istiod-6b9c8d7f5-kx2vq', 'istiod-6b9c8d7f5-r8wzn'];
  put(
    'kubernetes/pods/istio-system.json',
    kList(
      istiods.map((name, i) => ({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { labels: { app: 'istiod', istio: 'pilot' }, name, namespace: 'istio-system' },
        spec: { containers: [{ name: 'discovery', image: 'docker.io/istio/pilot:1.24.3', resources: { limits: { memory: '8Gi' }, requests: { memory: '4Gi' } } }] },
        status: { phase: 'Running', podIP: `10.63.0.${10 + i}`, conditions: [{ status: 'True', type: 'Ready' }], containerStatuses: [{ name: 'discovery', ready: true, restartCount: 0, state: { running: { startedAt: '2025-05-20T07:00:00Z' } } }] },
      })),
    ),
  );
  put('kubernetes/top/istio-system.txt', `POD                      NAME        CPU(cores)   MEMORY(bytes)   \n${istiods[0]}   discovery   2214m        5120Mi          \n${istiods[1]}   discovery   1987m        3876Mi          \n`);

  // proxy-status (istioctl 1.24 table), one row per pod; a few STALE
  const rows = [['NAME', 'CLUSTER', 'CDS', 'LDS', 'EDS', 'RDS', 'ECDS', 'ISTIOD', 'VERSION']];
  for (const [i, p] of pods.entries()) {
    const s = i % 97 === 0 ? 'STALE (12m)' : `SYNCED (${int(1, 9)}m${int(1, 59)}s)`;
    rows.push([`${p.name}.${p.namespace}`, 'Kubernetes', s, 'SYNCED (4m1s)', s, 'SYNCED (4m1s)', 'NOT SENT', istiods[i % 2], '1.24.3']);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)) + 5);
  put('istio/proxy-status.txt', rows.map((r) => r.map((cell, c) => (c < r.length - 1 ? cell.padEnd(widths[c]) : cell)).join('')).join('\n') + '\n');

  // istioctl analyze -o json: a few hundred messages
  const messages = services.slice(0, n(300)).map((s, i) => ({
    code: i % 10 === 0 ? 'IST0101' : 'IST0118',
    documentationUrl: `https://istio.io/v1.24/docs/reference/config/analysis/${i % 10 === 0 ? 'ist0101' : 'ist0118'}/?ref=istioctl-analyze`,
    level: i % 10 === 0 ? 'Error' : 'Info',
    message: i % 10 === 0 ? `Referenced host+subset in destinationrule not found: "${s.name}.${s.namespace}.svc.cluster.local+v3"` : `Port name web (port: 8080, targetPort: 8080) doesn't follow the naming convention of Istio port.`,
    origin: `${i % 10 === 0 ? 'VirtualService' : 'Service'} ${s.namespace}/${s.name}`,
  }));
  put('istio/analyze.json', `${JSON.stringify(messages, null, '\t')}\n`);

  // istio-proxy logs: realistic 22-token access lines, mostly 200s, some 503 UH/UF and 403 RBAC
  const UA = ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36', 'grpc-go/1.64.0', 'okhttp/4.12.0', 'python-requests/2.31.0'];
  let t = Date.parse('2025-06-01T10:00:00Z');
  for (let i = 0; i < SIZES.logPods; i++) {
    const p = pods[i % pods.length];
    const lines = [];
    let bytes = 0;
    while (bytes < SIZES.logBytesPerPod) {
      t += int(1, 40);
      const ts = new Date(t).toISOString();
      const target = services[int(0, services.length - 1)];
      const host = `${target.name}.${target.namespace}.svc.cluster.local`;
      const vip = `172.20.${int(0, 255)}.${int(1, 254)}`;
      const roll = int(1, 1000);
      const ua = UA[roll % UA.length];
      let line;
      if (roll <= 20) {
        line = `[${ts}] "GET /api/v2/items/${int(1, 9999)} HTTP/1.1" 503 UH no_healthy_upstream - "-" 0 19 0 - "-" "${ua}" "${uuid()}" "${target.name}:8080" "-" outbound|8080|v1|${host} - ${vip}:8080 ${p.ip}:${int(32768, 60999)} - -`;
      } else if (roll <= 35) {
        line = `[${ts}] "GET /api/v2/items/${int(1, 9999)} HTTP/1.1" 503 UF,URX upstream_reset_before_response_started{remote_connection_failure|delayed_connect_error:_Connection_refused} - "delayed_connect_error:_Connection_refused" 0 190 ${int(1, 9)} - "-" "${ua}" "${uuid()}" "${target.name}:8080" "10.70.${int(0, 255)}.${int(2, 250)}:8080" outbound|8080|v1|${host} - ${vip}:8080 ${p.ip}:${int(32768, 60999)} - default`;
      } else if (roll <= 50) {
        line = `[${ts}] "POST /api/v2/orders HTTP/1.1" 403 - rbac_access_denied_matched_policy[none] - "-" 0 19 0 - "-" "${ua}" "${uuid()}" "${p.name.split('-').slice(0, 2).join('-')}:8080" "-" inbound|8080|| - ${p.ip}:8080 10.70.${int(0, 255)}.${int(2, 250)}:${int(32768, 60999)} outbound_.8080_._.${p.namespace}.svc.cluster.local default`;
      } else if (roll <= 550) {
        const d = int(1, 120);
        line = `[${ts}] "GET /api/v2/items/${int(1, 9999)} HTTP/1.1" 200 - via_upstream - "-" 0 ${int(200, 9000)} ${d} ${d - 1 < 0 ? 0 : d - 1} "-" "${ua}" "${uuid()}" "${target.name}:8080" "10.70.${int(0, 255)}.${int(2, 250)}:8080" outbound|8080|v1|${host} ${p.ip}:${int(32768, 60999)} ${vip}:8080 ${p.ip}:${int(32768, 60999)} - default`;
      } else {
        const d = int(1, 200);
        line = `[${ts}] "GET /healthz/items HTTP/1.1" 200 - via_upstream - "-" 0 ${int(100, 3000)} ${d} ${d - 1 < 0 ? 0 : d - 1} "-" "${ua}" "${uuid()}" "${p.name.split('-').slice(0, 2).join('-')}:8080" "${p.ip}:8080" inbound|8080|| 127.0.0.6:${int(32768, 60999)} ${p.ip}:8080 10.70.${int(0, 255)}.${int(2, 250)}:${int(32768, 60999)} outbound_.8080_._.${p.namespace}.svc.cluster.local default`;
      }
      lines.push(line);
      bytes += line.length + 1;
    }
    put(`logs/${p.namespace}/${p.name}/istio-proxy.log`, `${lines.join('\n')}\n`);
  }
  // Config dumps: every sidecar without a Sidecar resource holds the whole mesh (Istio 1.24 shapes, scripts/envoy/).
  const mesh = meshServices(SIZES.meshServices, namespaces);
  for (const p of pods.slice(0, SIZES.dumpProxies)) {
    const proxy = { pod: p.name, namespace: p.namespace, ip: p.ip, app: p.name.split('-').slice(0, 2).join('-'), istioVersion: '1.24.3' };
    put(`proxies/${p.namespace}/${p.name}/config_dump.json`, `${sidecarConfigDump(proxy, mesh, { inboundPorts: [8080] })}\n`);
  }
  mkdirSync(YAML_ONLY, { recursive: true });
  writeFileSync(join(YAML_ONLY, 'serviceentries.yaml'), `${yaml.join('\n---\n')}\n`);
}

// ---------------------------------------------------------------------------------------------
// The large-YAML measurement: readKubernetesObjects() from dist/ on one bug-report style stream, in a
// child process of its own (a fresh heap, a cold JIT: the first large file a run meets).
const YAML_CHILD = `
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { readKubernetesObjects } from ${JSON.stringify(new URL('../dist/artifacts/k8s/documents.js', import.meta.url).href)};
const text = readFileSync(process.argv[1], 'utf8');
const start = performance.now();
const objects = readKubernetesObjects(text, process.argv[2]);
const wallMs = performance.now() - start;
const lines = objects.filter((o) => typeof o.line === 'number').length;
process.stdout.write(JSON.stringify({ wallMs, objects: objects.length, withLine: lines, maxRssKiB: process.resourceUsage().maxRSS }) + '\\n');
`;
function yamlChild(file, reader) {
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', YAML_CHILD, file, reader], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`reading ${file} (${reader}) failed (exit ${run.status}):\n${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').pop());
}

// ---------------------------------------------------------------------------------------------
function walk(dir, root = dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? walk(join(dir, d.name), root) : [relative(root, join(dir, d.name))]));
}

function child(source) {
  const start = performance.now();
  const run = spawnSync(process.execPath, [CHILD, source], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  const totalMs = performance.now() - start;
  if (run.status !== 0) throw new Error(`analysis of ${source} failed (exit ${run.status}):\n${run.stderr}`);
  return { ...JSON.parse(run.stdout.trim().split('\n').pop()), totalMs };
}

const MB = 1e6;
const fmt = (value, digits = 1) => value.toFixed(digits);

const t0 = performance.now();
generate();
const genMs = performance.now() - t0;
const uncompressed = [...files.values()].reduce((a, b) => a + b, 0);
const logBytes = [...files].filter(([p]) => p.startsWith('logs/')).reduce((a, [, b]) => a + b, 0);
const yamlBytes = files.get('istio/resources/serviceentries.yaml');
const dumpBytes = [...files].filter(([p]) => p.startsWith('proxies/')).reduce((a, [, b]) => a + b, 0);

const t1 = performance.now();
await create({ gzip: true, file: ARCHIVE, cwd: TREE, portable: true }, walk(TREE).sort());
const packMs = performance.now() - t1;
const archiveBytes = statSync(ARCHIVE).size;

const gz = performance.now();
const gunzip = spawnSync('sh', ['-c', `gzip -dc '${ARCHIVE}' > /dev/null`], { stdio: 'inherit' });
const gzipMs = performance.now() - gz;
if (gunzip.status !== 0) console.warn('gzip -dc failed: is gzip installed?');

if (TAR_ONLY) {
  const tar = child(ARCHIVE);
  const entries = files.size;
  process.stdout.write(`${JSON.stringify({ proxies: SIZES.dumpProxies, services: SIZES.meshServices, pods: SIZES.pods, logs: SIZES.logPods, entries, uncompressed, archiveBytes, dumpBytes, logBytes, gzipMs, wallMs: tar.wallMs, maxRssKiB: tar.maxRssKiB, findings: tar.findings })}\n`);
  process.exit(0);
}

const tc = performance.now();
const crs = generateCrsYaml(CRS_YAML_BYTES);
writeFileSync(CRS_YAML, crs.text);
const crsGenMs = performance.now() - tc;
const crsBytes = statSync(CRS_YAML).size;

const tarRun = child(ARCHIVE);
const folderRun = child(TREE);
const yamlRun = child(YAML_ONLY);
// The config dumps alone (the folder below the bundle's proxies/: recognised by content, tied to pods by their bootstrap node).
const dumpRun = child(join(TREE, 'proxies'));
// The istio-proxy logs alone: the one-pass scan of every line for every signature (tied to pods by their access-log IPs only).
const logRun = child(join(TREE, 'logs'));
const crsRun = yamlChild(CRS_YAML, 'auto');
// The `yaml` package alone (the previous reader, ~1 MB/s: 15–20 s at scale 1) only on request.
const crsReferenceRun = process.env.BENCH_YAML_REFERENCE === '1' ? yamlChild(CRS_YAML, 'reference') : undefined;

const rows = [
  ['what', 'wall s', 'MB/s (uncompressed)', 'peak RSS MiB'],
  ['gzip -dc bundle.tar.gz > /dev/null', fmt(gzipMs / 1000, 2), fmt(uncompressed / MB / (gzipMs / 1000)), '-'],
  ['analyzeBundle(bundle.tar.gz)', fmt(tarRun.wallMs / 1000, 2), fmt(uncompressed / MB / (tarRun.wallMs / 1000)), fmt(tarRun.maxRssKiB / 1024, 0)],
  ['analyzeBundle(folder)', fmt(folderRun.wallMs / 1000, 2), fmt(uncompressed / MB / (folderRun.wallMs / 1000)), fmt(folderRun.maxRssKiB / 1024, 0)],
  [`analyzeBundle(YAML only, ${SIZES.yamlServiceEntries} docs)`, fmt(yamlRun.wallMs / 1000, 2), fmt(yamlBytes / MB / (yamlRun.wallMs / 1000), 2), fmt(yamlRun.maxRssKiB / 1024, 0)],
  [`analyzeBundle(config dumps only, ${SIZES.dumpProxies} proxies)`, fmt(dumpRun.wallMs / 1000, 2), fmt(dumpBytes / MB / (dumpRun.wallMs / 1000)), fmt(dumpRun.maxRssKiB / 1024, 0)],
  [`analyzeBundle(istio-proxy logs only, ${SIZES.logPods} logs)`, fmt(logRun.wallMs / 1000, 2), fmt(logBytes / MB / (logRun.wallMs / 1000)), fmt(logRun.maxRssKiB / 1024, 0)],
];

console.log(`\nistio-bundle-analyzer bench — BENCH_SCALE=${SCALE}, node ${process.version}, ${process.platform}/${process.arch}`);
console.log(
  `bundle: ${files.size} files, ${fmt(uncompressed / MB)} MB uncompressed (${fmt(logBytes / MB)} MB istio-proxy logs in ${SIZES.logPods} files, ` +
    `${fmt(dumpBytes / MB)} MB config dumps of ${SIZES.dumpProxies} sidecars × ${SIZES.meshServices} services, ${SIZES.pods} pods, ${SIZES.virtualServices} VirtualServices, ${SIZES.destinationRules} DestinationRules, ${SIZES.yamlServiceEntries} YAML ServiceEntries = ${fmt(yamlBytes / MB, 2)} MB), ` +
    `${fmt(archiveBytes / MB)} MB .tar.gz`,
);
console.log(`generated in ${fmt(genMs / 1000)} s, packed (tar + gzip) in ${fmt(packMs / 1000)} s\n`);
console.log(textTable(rows));
console.log(`\nanalysis child process incl. node start-up: ${fmt(tarRun.totalMs / 1000, 2)} s (tar.gz), ${fmt(folderRun.totalMs / 1000, 2)} s (folder)`);
console.log(`findings on the tar.gz: ${tarRun.findings} ${JSON.stringify(tarRun.rules)}; inventory ${JSON.stringify(tarRun.inventorySummary)}`);
console.log(`analysis / gzip -dc time ratio: ${fmt(tarRun.wallMs / gzipMs, 2)}`);

const crsLine = (label, run) =>
  `${label}: ${fmt(run.wallMs / 1000, 2)} s, ${fmt(crsBytes / MB / (run.wallMs / 1000))} MB/s, ${run.objects} objects (${run.withLine} with a line), peak RSS ${fmt(run.maxRssKiB / 1024, 0)} MiB`;
console.log(
  `\nlarge YAML — bug-report cluster/crs stream, ${fmt(crsBytes / MB, 1)} MB, ${crs.documents} documents, ${crs.objects} objects (generated in ${fmt(crsGenMs / 1000, 1)} s):`,
);
const verdict = crsRun.wallMs / 1000 <= CRS_TARGET_S ? 'meets' : 'MISSES';
console.log(`  ${crsLine('readKubernetesObjects (js-yaml fast path)', crsRun)}  — target ≤ ${CRS_TARGET_S} s: ${verdict}`);
if (crsReferenceRun) console.log(`  ${crsLine('readKubernetesObjects (yaml package, reference)', crsReferenceRun)}`);
else console.log('  (BENCH_YAML_REFERENCE=1 also times the yaml package reference reader on the same file)');
console.log(`(generated data is in ${relative(process.cwd(), OUT) || OUT}; delete it when done)`);
