#!/usr/bin/env node
// Writes samples/bug-report-503/: the `istioctl bug-report` archive (1.24.3, the tree under its `bug-report/` prefix)
// of the same cluster and moment as samples/data-plane-503/ (a collector bundle: GKE `shop-prod-eu1`, Bookinfo on
// Istio 1.24.3, collected 2025-04-22 14:08:33 UTC). See samples/README.md, "bug-report-503/", for the story and
// the findings the analyzer must report.
//
//   node scripts/make-bug-report-sample.mjs      # removes and rewrites samples/bug-report-503/ whole
//
// Deterministic: no clock, no randomness (every id, nonce, serial and port number is derived from a SHA-256 of a
// fixed label), so the same inputs give the same bytes. Node >= 20, no dependencies beyond Node's own modules.
//
// Read from (the same mesh, so that the two bundles describe one cluster at one moment):
// - samples/data-plane-503/: the pods (kubernetes/pods/*.json), Services, VirtualServices, DestinationRules,
//   Gateway and AuthorizationPolicy (istio/resources/*.json), `istioctl analyze` (istio/analyze.json), proxy-status
//   (the proxies istiod serves, and when each last got CDS/LDS/RDS), the five sidecar logs and istiod's log (copied
//   byte for byte: bug-report's log processing without --start-time/--end-time changes nothing, istio-facts.md 1.5;
//   no container restarted, so no "Previous log" section);
// - test/fixtures/certs/istio-root.pem (the mesh root of shop-prod-eu1, as in samples/healthy/): the
//   istio-ca-root-cert ConfigMaps and the webhooks' caBundle hold it, and each proxy's `certs` names its serial and
//   dates (read with Node's X509Certificate, as the analyzer reads it);
// - scripts/envoy/config-dump-generator.mjs: the sidecars' config dumps (Istio 1.24 shapes), then adjusted to this
//   mesh: node metadata, SANs, the reviews outlier detection, the VirtualService's weighted route, EDS per subset
//   and zone, TCP listeners, the xDS versions of the pushes proxy-status dates.
//
// What it writes, and the formats (layout: shared/docs/istio-facts.md 1.1; commands: 1.3; debug files: 1.8):
// - bug-report/versions: `dumpRevisionsAndVersions`, BuildInfo/MeshInfo in Go `%#v` (1.4; no ✅ marks before 1.30);
// - bug-report/bug-report.log: the tool's own zap log (console encoder, `<RFC3339 µs>\tinfo\t<msg>`, multi-line
//   messages as LogAndPrintf writes them, `runtime=` labels of logRuntime), up to "Creating an archive": the lines
//   logged after it are not in the archive; the run excluded `istio-system/istio-ingressgateway` (its access log
//   carries shoppers' IPs), which is why, as in data-plane-503, the gateway has no proxy folder;
// - bug-report/cluster/: `kubectl -o yaml` YAML Lists exactly as kubectl (sigs.k8s.io/yaml, go-yaml v2) prints them
//   (keys in go-yaml's order, 2-space indent, sequences not indented, strings quoted only where go-yaml quotes,
//   long strings folded at column 80, `|`/`|-` blocks): k8s-resources (≤ 1.29: one `kubectl get --all-namespaces
//   all,nodes,namespaces,jobs,ingresses,endpoints,endpointslices,customresourcedefinitions,configmaps,events,
//   mutatingwebhookconfigurations,validatingwebhookconfigurations,networkpolicies -o yaml`, no
//   k8s-cluster-resources before 1.30), crs (every object of every CRD), nodes (`kubectl get nodes -o yaml`), pods
//   (`kubectl get pods -o yaml -n istio-system`); secrets and events as kubectl's tables (tabwriter: min width 6,
//   padding 3); cluster-context (`kubectl config current-context` + the API server URL); kubectl-version (text);
//   Trimmed, and said so in samples/README.md: kube-system holds only the workloads behind its Services (no
//   DaemonSets), the CRDs only Istio's with their OpenAPI schemas cut to `x-kubernetes-preserve-unknown-fields`,
//   no `kube-root-ca.crt` or `istio-sidecar-injector` ConfigMap;
// - bug-report/analyze/allNamespaces/allNamespaces: `formatting.Print(…, LogFormat)`, the same IST0101 as
//   data-plane-503's analyze, joined by "\n" with no trailing newline;
// - bug-report/istio/istio-system/<istiod>/: discovery.log, `metrics` (Prometheus text with # HELP/# TYPE) and the
//   1.24 debug URL list (adsz, ambientz, authorizationz, cachez, clusterz, configz, endpointShardz, endpointz,
//   inject, instancesz, mcsz, mesh, networkz, push_status, registryz, resourcesz, syncz, telemetryz), each the raw
//   body of `pilot-discovery request GET debug/<x>`: compact JSON (writeJSON without ?pretty), push_status
//   `json.MarshalIndent` (an empty map: `{}`); `inject` holds the templates' names with their text cut short;
// - bug-report/proxies/bookinfo/<pod>/ for the five sidecars data-plane-503 has logs of: istio-proxy.log, the
//   Envoy admin URLs of 1.24 (certs, clusters, config_dump?include_eds, listeners, memory, runtime, server_info,
//   stats/prometheus; Envoy's JSON with 1-space indent, `clusters`/`listeners` text) and `netstat -natpw`.
//   The config dumps' SecretsConfigDump is empty: no certificate of this cluster's date signed by its root exists
//   among the fixtures (istio-root.pem's key is not kept), so the workload certificates are known only by what
//   Envoy's /certs says of them (serial, SAN, dates; serials derived here, dates issued < 12 h before collection
//   for 24 h, not yet at their rotation point).
import { X509Certificate, createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sidecarConfigDump } from './envoy/config-dump-generator.mjs';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');
const FROM = join(REPO, 'samples', 'data-plane-503');
const SAMPLE = join(REPO, 'samples', 'bug-report-503');
const OUT = join(SAMPLE, 'bug-report');

// ---------------------------------------------------------------------------------------------------------
// Deterministic values

const sha = (label) => createHash('sha256').update(label).digest('hex');
/** `n` hex digits derived from a label. */
const hex = (label, n) => {
  let out = '';
  for (let i = 0; out.length < n; i++) out += sha(`${label}#${i}`);
  return out.slice(0, n);
};
/** A version-4-shaped UUID derived from a label. */
const uuid = (label) => {
  const h = hex(label, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[parseInt(h[16], 16) % 4]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
};
/** An integer in [lo, hi] derived from a label. */
const int = (label, lo, hi) => lo + (parseInt(hex(label, 12), 16) % (hi - lo + 1));

const ms = (iso) => Date.parse(iso);
const seconds = (t) => new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');

// ---------------------------------------------------------------------------------------------------------
// `kubectl -o yaml`: go-yaml v2 (sigs.k8s.io/yaml) emitter rules, for the JSON values kubectl prints

/** go-yaml v2 `keyList.Less`: runes compared, digit runs as numbers, letters after everything else. */
function goKeyLess(a, b) {
  const ar = [...a];
  const br = [...b];
  const letter = (c) => /\p{L}/u.test(c);
  const digit = (c) => c >= '0' && c <= '9';
  for (let i = 0; i < ar.length && i < br.length; i++) {
    if (ar[i] === br[i]) continue;
    const al = letter(ar[i]);
    const bl = letter(br[i]);
    if (al && bl) return ar[i] < br[i];
    if (al || bl) return bl;
    let an = 0;
    let bn = 0;
    if (ar[i] === '0' || br[i] === '0') {
      for (let j = i - 1; j >= 0 && digit(ar[j]); j--) {
        if (ar[j] !== '0') {
          an = 1;
          bn = 1;
          break;
        }
      }
    }
    let ai = i;
    let bi = i;
    for (; ai < ar.length && digit(ar[ai]); ai++) an = an * 10 + Number(ar[ai]);
    for (; bi < br.length && digit(br[bi]); bi++) bn = bn * 10 + Number(br[bi]);
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return ar[i] < br[i];
  }
  return ar.length < br.length;
}
const goKeyOrder = (a, b) => (goKeyLess(a, b) ? -1 : goKeyLess(b, a) ? 1 : 0);

/** go-yaml v2 `resolve`: would this text, written plain, read back as something else than a string? */
function resolvesToNonString(s) {
  if (['', '~', 'null', 'Null', 'NULL', '<<'].includes(s)) return true;
  if (['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON', 'true', 'True', 'TRUE', 'n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF', 'false', 'False', 'FALSE'].includes(s)) return true;
  if (/^[-+]?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$/.test(s)) return true;
  const c = s[0];
  if ((c >= '0' && c <= '9') || c === '+' || c === '-') {
    if (/^\d{4}-\d{1,2}-\d{1,2}(?:(?:[Tt]|\s+)\d{1,2}:\d{1,2}:\d{1,2}(?:\.\d*)?(?:\s*(?:Z|[-+]\d{1,2}(?::?\d{2})?))?)?$/.test(s)) return true;
    const plain = s.replaceAll('_', '');
    if (/^[-+]?(?:0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.test(plain)) return true;
    if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/.test(plain)) return true;
  }
  if (c === '.' && /^\.[0-9]+(?:[eE][-+]?[0-9]+)?$/.test(s)) return true;
  return false;
}
const BASE60_FLOAT = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;

const printable = (c) => {
  const p = c.codePointAt(0);
  return p === 0x0a || (p >= 0x20 && p <= 0x7e) || p === 0x85 || (p >= 0xa0 && p <= 0xd7ff) || (p >= 0xe000 && p <= 0xfffd && p !== 0xfeff) || p >= 0x10000;
};
const isBreak = (c) => c === '\n' || c === '\r' || c === '\u0085' || c === '\u2028' || c === '\u2029';

/** libyaml `yaml_emitter_analyze_scalar`, block context. */
function analyzeScalar(s) {
  const cs = [...s];
  let blockIndicators = false;
  let special = false;
  let lineBreaks = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let previousSpace = false;
  let previousBreak = false;
  if (s.startsWith('---') || s.startsWith('...')) blockIndicators = true;
  let precededByWhitespace = true;
  for (let i = 0; i < cs.length; i++) {
    const c = cs[i];
    const followedByWhitespace = i + 1 >= cs.length || cs[i + 1] === ' ' || cs[i + 1] === '\t' || isBreak(cs[i + 1]);
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(c)) blockIndicators = true;
      else if ((c === '?' || c === ':' || c === '-') && followedByWhitespace) blockIndicators = true;
    } else if ((c === ':' && followedByWhitespace) || (c === '#' && precededByWhitespace)) blockIndicators = true;
    if (!printable(c)) special = true;
    if (c === ' ') {
      if (i === 0) leadingSpace = true;
      if (i === cs.length - 1) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (isBreak(c)) {
      lineBreaks = true;
      if (i === 0) leadingBreak = true;
      if (i === cs.length - 1) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = c === ' ' || c === '\t' || isBreak(c);
  }
  let plain = true;
  let single = true;
  let block = true;
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) plain = false;
  if (trailingSpace) block = false;
  if (breakSpace) plain = single = false;
  if (spaceBreak || special) plain = single = block = false;
  if (lineBreaks) plain = false;
  if (blockIndicators) plain = false;
  return { plain, single, block, lineBreaks };
}

/** The style go-yaml v2 gives a string, and whether libyaml lets it be used. */
function scalarStyle(s, simpleKey) {
  const a = analyzeScalar(s);
  let style;
  if (s.includes('\n')) style = 'literal';
  else if (!resolvesToNonString(s) && !BASE60_FLOAT.test(s)) style = 'plain';
  else style = 'double';
  if (style === 'plain' && (!a.plain || (s === '' && simpleKey))) style = 'single';
  if (style === 'single' && (!a.single || (simpleKey && a.lineBreaks))) style = 'double';
  if (style === 'literal' && (!a.block || simpleKey)) style = 'double';
  return style;
}

const BEST_WIDTH = 80;

function doubleEscape(c) {
  const table = { '\0': '\\0', '\x07': '\\a', '\b': '\\b', '\t': '\\t', '\n': '\\n', '\x0b': '\\v', '\f': '\\f', '\r': '\\r', '\x1b': '\\e', '"': '\\"', '\\': '\\\\', '\u0085': '\\N', '\u00a0': '\\_', '\u2028': '\\L', '\u2029': '\\P' };
  if (table[c]) return table[c];
  const p = c.codePointAt(0);
  return p <= 0xff ? `\\x${p.toString(16).toUpperCase().padStart(2, '0')}` : p <= 0xffff ? `\\u${p.toString(16).toUpperCase().padStart(4, '0')}` : `\\U${p.toString(16).toUpperCase().padStart(8, '0')}`;
}

/**
 * Appends a string scalar to `line` (the line so far, from column 0) as go-yaml writes it after `key:` or `-`;
 * pushes the finished lines to `out`. `indent`: where folded or block lines continue.
 */
function emitString(out, line, s, indent) {
  const style = scalarStyle(s, false);
  const width = (text) => [...text].length;
  if (style === 'literal') {
    const last = s.at(-1);
    const chomp = last !== '\n' ? '-' : s.length === 1 || s.at(-2) === '\n' ? '+' : '';
    const hint = s[0] === ' ' || s[0] === '\n' ? '2' : '';
    out.push(`${line} |${hint}${chomp}`);
    const lines = s.split('\n');
    if (last === '\n') lines.pop();
    for (const l of lines) out.push(l === '' ? '' : `${' '.repeat(indent)}${l}`);
    if (chomp === '+') out.push('');
    return;
  }
  const cs = [...s];
  let cur = `${line} `;
  if (style === 'single') cur += "'";
  if (style === 'double') cur += '"';
  let spaces = false;
  for (let i = 0; i < cs.length; i++) {
    const c = cs[i];
    if (style === 'double' && (!printable(c) || isBreak(c) || c === '"' || c === '\\')) {
      cur += doubleEscape(c);
      spaces = false;
      continue;
    }
    if (c === ' ') {
      const inner = style === 'plain' ? true : i > 0 && i < cs.length - 1;
      const nextSpace = cs[i + 1] === ' ';
      if (!spaces && width(cur) > BEST_WIDTH && inner && (style === 'double' || !nextSpace)) {
        out.push(cur);
        cur = ' '.repeat(indent);
        if (style === 'double' && nextSpace) cur += '\\';
      } else cur += c;
      spaces = true;
      continue;
    }
    cur += style === 'single' && c === "'" ? "''" : c;
    spaces = false;
  }
  if (style === 'single') cur += "'";
  if (style === 'double') cur += '"';
  out.push(cur);
}

function keyText(k) {
  const style = scalarStyle(k, true);
  if (style === 'plain') return k;
  if (style === 'single') return `'${k.replaceAll("'", "''")}'`;
  return `"${[...k].map((c) => (!printable(c) || isBreak(c) || c === '"' || c === '\\' ? doubleEscape(c) : c)).join('')}"`;
}

const isMap = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

function emitValue(out, line, v, indent) {
  if (v === null || v === undefined) out.push(`${line} null`);
  else if (typeof v === 'boolean' || typeof v === 'number') out.push(`${line} ${String(v)}`);
  else if (typeof v === 'string') emitString(out, line, v, indent + 2);
  else if (Array.isArray(v)) {
    if (v.length === 0) out.push(`${line} []`);
    else {
      out.push(line);
      for (const item of v) emitItem(out, ' '.repeat(indent), item, indent);
    }
  } else if (Object.keys(v).length === 0) out.push(`${line} {}`);
  else {
    out.push(line);
    emitMapping(out, v, indent + 2, undefined);
  }
}

/** A sequence item at `indent` ("- " at that column); `prefix` is the line so far. */
function emitItem(out, prefix, item, indent) {
  const line = `${prefix}-`;
  if (isMap(item) && Object.keys(item).length > 0) emitMapping(out, item, indent + 2, `${line} `);
  else if (Array.isArray(item) && item.length > 0) {
    item.forEach((inner, i) => emitItem(out, i === 0 ? `${line} ` : ' '.repeat(indent + 2), inner, indent + 2));
  } else if (typeof item === 'string') emitString(out, line, item, indent + 2);
  else emitValue(out, line, item, indent);
}

function emitMapping(out, obj, indent, firstPrefix) {
  Object.keys(obj)
    .sort(goKeyOrder)
    .forEach((k, i) => {
      const prefix = i === 0 && firstPrefix !== undefined ? firstPrefix : ' '.repeat(indent);
      emitValue(out, `${prefix}${keyText(k)}:`, obj[k], indent);
    });
}

/** `kubectl get … -o yaml` of a value (a List, an object). */
function kubectlYaml(value) {
  const out = [];
  emitMapping(out, value, 0, undefined);
  return `${out.join('\n')}\n`;
}
const yamlList = (items) => kubectlYaml({ apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } });

/** kubectl's table printer: Go tabwriter (min width 6, tab width 4, padding 3), the last cell not padded. */
function kubectlTable(rows) {
  const width = (t) => [...t].length;
  const widths = rows[0].slice(0, -1).map((_, c) => Math.max(6, ...rows.map((r) => width(r[c]) + 3)));
  return rows.map((r) => r.map((cell, c) => (c < r.length - 1 ? cell + ' '.repeat(widths[c] - width(cell)) : cell)).join('')).join('\n') + '\n';
}

/** k8s.io/apimachinery `duration.HumanDuration`, as kubectl prints AGE and LAST SEEN. */
function humanDuration(msDelta) {
  const s = Math.floor(msDelta / 1000);
  if (s < 0) return '<invalid>';
  if (s < 60 * 2) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 60 * 3) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  if (h < 24 * 8) return h % 24 === 0 ? `${Math.floor(h / 24)}d` : `${Math.floor(h / 24)}d${h % 24}h`;
  if (h < 24 * 365 * 2) return `${Math.floor(h / 24)}d`;
  return `${Math.floor(h / 24 / 365)}y`;
}

/** Envoy admin JSON (`MessageUtil::getJsonStringFromMessage`, pretty): one-space indent, `<` and `>` escaped. */
const envoyJson = (value) => JSON.stringify(value, null, 1).replaceAll('<', '\\u003c').replaceAll('>', '\\u003e');
/** Go `encoding/json` (istiod's writeJSON without ?pretty): compact, `<`, `>` and `&` escaped. */
const goJson = (value) => JSON.stringify(value).replaceAll('<', '\\u003c').replaceAll('>', '\\u003e').replaceAll('&', '\\u0026');

/** A Go map as encoding/json writes it: keys sorted (struct fields keep their declaration order instead). */
const goMap = (obj) => (obj ? Object.fromEntries(Object.entries(obj).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : obj);

const files = new Map();
/** Queues a file of the archive (path under bug-report/); bug-report skips files whose text is only whitespace. */
function write(path, text) {
  if (text.trim() === '') throw new Error(`${path}: bug-report writes no file for empty output`);
  if (files.has(path)) throw new Error(`${path}: written twice`);
  files.set(path, text);
}

// ---------------------------------------------------------------------------------------------------------
// The cluster, as data-plane-503 shows it (and what a bug-report sees besides)

const json = (path) => JSON.parse(readFileSync(join(FROM, path), 'utf8'));
const manifest = json('manifest.json');
const COLLECTED = ms(manifest.collectedAt); // 2025-04-22T14:08:33Z
const CONTEXT = manifest.cluster.context; // gke_acme-shop_europe-west1_shop-prod-eu1
const CLUSTER = manifest.cluster.name; // shop-prod-eu1
const API_SERVER = '34.140.22.187';
const PROJECT = 'acme-shop';
const REGION = 'europe-west1';
const ISTIO = '1.24.3';
const ISTIO_SHA = hex('istio 1.24.3 git revision', 40);
const PROXY_SHA = hex('istio/proxy 1.24.3 git revision', 40);
const ENVOY = '1.32.3';
const K8S = 'v1.31.6-gke.1020000';

const bookinfoPods = json('kubernetes/pods/bookinfo.json').items;
const istioPods = json('kubernetes/pods/istio-system.json').items;
const resources = (kind) => json(`istio/resources/${kind}.json`).items;
const analyze = json('istio/analyze.json');
const podNamed = (name) => [...bookinfoPods, ...istioPods].find((p) => p.metadata.name === name);
const ISTIOD = istioPods.find((p) => p.metadata.labels.app === 'istiod');
const GATEWAY = istioPods.find((p) => p.metadata.labels.istio === 'ingressgateway');

/** The sidecars data-plane-503 has logs of: the proxies of this archive. */
const SIDECARS = manifest.artifacts.filter((a) => a.kind === 'logs.proxy').map((a) => podNamed(a.pod));

// proxy-status: when each proxy last got CDS/LDS/RDS and EDS (`SYNCED (5m39s)` = that long before collection).
const age = (text) => {
  const m = /\((?:(\d+)m)?(?:(\d+)s)?\)/.exec(text);
  return ((Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0)) * 1000);
};
const proxyStatus = new Map(
  readFileSync(join(FROM, 'istio/proxy-status.txt'), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const cells = line.split(/ {2,}/);
      return [cells[0], { cds: COLLECTED - age(cells[2]), eds: COLLECTED - age(cells[4]) }];
    }),
);
// Push versions: istiod's log numbers its pushes (`Version:2025-04-22T14:05:13Z/87` … `/96` at 14:08:14); the
// full pushes proxy-status dates came before, one version each.
const fullPushes = [...new Set([...proxyStatus.values()].map((s) => Math.floor(s.cds / 1000) * 1000))].sort((a, b) => a - b);
const cdsVersion = (id) => {
  const t = Math.floor(proxyStatus.get(id).cds / 1000) * 1000;
  return `${seconds(t)}/${79 + fullPushes.indexOf(t)}`;
};
const EDS_VERSION = '2025-04-22T14:08:14Z/96';

const NODES = [
  { name: 'gke-shop-prod-eu1-pool-1-3f2a9c1d-w7tn', ip: '10.132.0.20', external: '34.76.88.17', zone: 'europe-west1-b', cidr: '10.244.0.0/24' },
  { name: 'gke-shop-prod-eu1-pool-1-3f2a9c1d-k8vx', ip: '10.132.0.21', external: '34.78.201.55', zone: 'europe-west1-c', cidr: '10.244.1.0/24' },
  { name: 'gke-shop-prod-eu1-pool-1-3f2a9c1d-m2qd', ip: '10.132.0.22', external: '35.195.140.9', zone: 'europe-west1-d', cidr: '10.244.2.0/24' },
];
const nodeOf = (pod) => NODES.find((n) => n.name === pod.spec.nodeName);
const CLUSTER_CREATED = '2025-04-10T06:47:53Z';

const meta = (kind, namespace, name, extra = {}) => ({
  ...(extra.annotations ? { annotations: extra.annotations } : {}),
  creationTimestamp: extra.created ?? CLUSTER_CREATED,
  ...(extra.generateName ? { generateName: extra.generateName } : {}),
  ...(extra.generation !== undefined ? { generation: extra.generation } : {}),
  ...(extra.labels ? { labels: extra.labels } : {}),
  name,
  ...(namespace ? { namespace } : {}),
  ...(extra.ownerReferences ? { ownerReferences: extra.ownerReferences } : {}),
  resourceVersion: String(extra.resourceVersion ?? int(`${kind}/${namespace}/${name} rv`, 1200, 9460000)),
  uid: extra.uid ?? uuid(`${kind}/${namespace}/${name}`),
});

// kube-system: the workloads behind its Services (GKE's DaemonSets and static pods are left out).
function systemPod({ name, rs, app, node, ip, created, containers, sa, labels = {}, annotations }) {
  const n = NODES[node];
  const started = new Date(ms(created) + 9000).toISOString().replace('.000', '');
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: meta('Pod', 'kube-system', name, {
      created,
      generateName: `${rs}-`,
      labels: { 'k8s-app': app, 'pod-template-hash': rs.split('-').at(-1), ...labels },
      ...(annotations ? { annotations } : {}),
      ownerReferences: [{ apiVersion: 'apps/v1', blockOwnerDeletion: true, controller: true, kind: 'ReplicaSet', name: rs, uid: uuid(`ReplicaSet/kube-system/${rs}`) }],
    }),
    spec: {
      containers: containers.map((c) => ({ imagePullPolicy: 'IfNotPresent', terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', ...c })),
      dnsPolicy: 'Default',
      enableServiceLinks: true,
      nodeName: n.name,
      preemptionPolicy: 'PreemptLowerPriority',
      priority: 2000000000,
      priorityClassName: 'system-cluster-critical',
      restartPolicy: 'Always',
      schedulerName: 'default-scheduler',
      securityContext: {},
      serviceAccount: sa,
      serviceAccountName: sa,
      terminationGracePeriodSeconds: 30,
    },
    status: {
      conditions: [
        ['PodReadyToStartContainers', 4],
        ['Initialized', 1],
        ['Ready', 14],
        ['ContainersReady', 14],
        ['PodScheduled', 0],
      ].map(([type, s]) => ({ lastProbeTime: null, lastTransitionTime: new Date(ms(created) + s * 1000).toISOString().replace('.000', ''), status: 'True', type })),
      containerStatuses: containers.map((c) => ({
        containerID: `containerd://${hex(`${name}/${c.name} container`, 64)}`,
        image: c.image,
        imageID: `${c.image.split(':')[0]}@sha256:${hex(`${c.image} digest`, 64)}`,
        lastState: {},
        name: c.name,
        ready: true,
        restartCount: 0,
        started: true,
        state: { running: { startedAt: started } },
      })),
      hostIP: n.ip,
      hostIPs: [{ ip: n.ip }],
      phase: 'Running',
      podIP: ip,
      podIPs: [{ ip }],
      qosClass: 'Burstable',
      startTime: created,
    },
  };
}
const systemPods = [
  ...['2xk7p', 'q9m4t'].map((suffix, i) =>
    systemPod({
      name: `kube-dns-5f76b6d9d8-${suffix}`,
      rs: 'kube-dns-5f76b6d9d8',
      app: 'kube-dns',
      node: i === 0 ? 0 : 2,
      ip: i === 0 ? '10.244.0.5' : '10.244.2.3',
      created: i === 0 ? '2025-04-10T06:50:41Z' : '2025-04-10T06:52:18Z',
      sa: 'kube-dns',
      annotations: { 'components.gke.io/component-name': 'kubedns', 'prometheus.io/port': '10054', 'prometheus.io/scrape': 'true', 'scheduler.alpha.kubernetes.io/critical-pod': '', 'seccomp.security.alpha.kubernetes.io/pod': 'runtime/default' },
      containers: [
        { args: ['--domain=cluster.local.', '--dns-port=10053', '--config-dir=/kube-dns-config', '--v=2'], image: 'gke.gcr.io/k8s-dns-kube-dns:1.23.0-gke.9', name: 'kubedns', ports: [{ containerPort: 10053, name: 'dns-local', protocol: 'UDP' }, { containerPort: 10053, name: 'dns-tcp-local', protocol: 'TCP' }, { containerPort: 10055, name: 'metrics', protocol: 'TCP' }], resources: { limits: { memory: '210Mi' }, requests: { cpu: '100m', memory: '70Mi' } } },
        { args: ['-v=2', '-logtostderr', '-configDir=/etc/k8s/dns/dnsmasq-nanny', '-restartDnsmasq=true', '--', '-k', '--cache-size=1000', '--no-negcache', '--dns-forward-max=1500', '--log-facility=-', '--server=/cluster.local/127.0.0.1#10053', '--server=/in-addr.arpa/127.0.0.1#10053', '--server=/ip6.arpa/127.0.0.1#10053', '--max-ttl=30', '--max-cache-ttl=30'], image: 'gke.gcr.io/k8s-dns-dnsmasq-nanny:1.23.0-gke.9', name: 'dnsmasq', ports: [{ containerPort: 53, name: 'dns', protocol: 'UDP' }, { containerPort: 53, name: 'dns-tcp', protocol: 'TCP' }], resources: { requests: { cpu: '150m', memory: '20Mi' } } },
        { args: ['--v=2', '--logtostderr', '--probe=kubedns,127.0.0.1:10053,kubernetes.default.svc.cluster.local,5,SRV', '--probe=dnsmasq,127.0.0.1:53,kubernetes.default.svc.cluster.local,5,SRV'], image: 'gke.gcr.io/k8s-dns-sidecar:1.23.0-gke.9', name: 'sidecar', ports: [{ containerPort: 10054, name: 'metrics', protocol: 'TCP' }], resources: { requests: { cpu: '10m', memory: '20Mi' } } },
      ],
    }),
  ),
  systemPod({
    name: 'l7-default-backend-7d96d9c4b8-ncx5r',
    rs: 'l7-default-backend-7d96d9c4b8',
    app: 'glbc',
    labels: { name: 'glbc' },
    node: 1,
    ip: '10.244.1.3',
    created: '2025-04-10T06:50:44Z',
    sa: 'default',
    containers: [{ image: 'gke.gcr.io/ingress-gce-404-server-with-metrics:v1.31.3-gke.0', name: 'default-http-backend', ports: [{ containerPort: 8080, protocol: 'TCP' }], resources: { limits: { cpu: '10m', memory: '20Mi' }, requests: { cpu: '10m', memory: '20Mi' } } }],
  }),
  systemPod({
    name: 'metrics-server-v1.31.0-6c8f5b7d9-vh2ln',
    rs: 'metrics-server-v1.31.0-6c8f5b7d9',
    app: 'metrics-server',
    labels: { version: 'v1.31.0' },
    node: 1,
    ip: '10.244.1.4',
    created: '2025-04-10T06:51:37Z',
    sa: 'metrics-server',
    containers: [
      { command: ['/metrics-server', '--metric-resolution=30s', '--kubelet-port=10250', '--kubelet-preferred-address-types=InternalIP', '--cert-dir=/tmp', '--secure-port=10250'], image: 'gke.gcr.io/metrics-server:v0.7.1-gke.23', name: 'metrics-server', ports: [{ containerPort: 10250, name: 'https', protocol: 'TCP' }], resources: { limits: { cpu: '43m', memory: '55Mi' }, requests: { cpu: '43m', memory: '55Mi' } } },
      { command: ['/pod_nanny', '--config-dir=/etc/config', '--cpu=40m', '--extra-cpu=0.5m', '--memory=35Mi', '--extra-memory=4Mi', '--threshold=5', '--deployment=metrics-server-v1.31.0', '--container=metrics-server', '--poll-period=30000', '--estimator=exponential', '--scale-down-delay=24h', '--minClusterSize=5', '--use-metrics=true'], image: 'gke.gcr.io/addon-resizer:1.8.23-gke.3', name: 'metrics-server-nanny', resources: { limits: { memory: '300Mi' }, requests: { cpu: '5m', memory: '50Mi' } } },
    ],
  }),
];
const ALL_PODS = [...bookinfoPods, ...istioPods, ...systemPods];
const podIP = (p) => p.status.podIP;
const sidecarOf = (p) => p.spec.containers.some((c) => c.name === 'istio-proxy') && p.metadata.labels['security.istio.io/tlsMode'] === 'istio';

// Services: data-plane-503's Bookinfo ones, and the cluster's others (kubectl get all -A lists them all).
const service = (namespace, name, { ip, ports, selector, labels, type = 'ClusterIP', annotations, created, lb }) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: meta('Service', namespace, name, { created, labels, annotations }),
  spec: {
    clusterIP: ip,
    clusterIPs: [ip],
    ...(type === 'LoadBalancer' ? { allocateLoadBalancerNodePorts: true, externalTrafficPolicy: 'Cluster' } : type === 'NodePort' ? { externalTrafficPolicy: 'Cluster' } : {}),
    internalTrafficPolicy: 'Cluster',
    ipFamilies: ['IPv4'],
    ipFamilyPolicy: 'SingleStack',
    ports,
    ...(selector ? { selector } : {}),
    sessionAffinity: 'None',
    type,
  },
  status: { loadBalancer: lb ? { ingress: [{ ip: lb, ipMode: 'VIP' }] } : {} },
});
const ISTIO_LABELS = { 'install.operator.istio.io/owning-resource': 'unknown', 'istio.io/rev': 'default', 'operator.istio.io/component': 'Pilot', release: 'istio' };
const ISTIO_CREATED = '2025-04-13T07:02:41Z';
const SERVICES = [
  ...resources('services'),
  service('default', 'kubernetes', { ip: '10.96.0.1', labels: { component: 'apiserver', provider: 'kubernetes' }, ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 443 }] }),
  service('istio-system', 'istio-ingressgateway', {
    ip: '10.96.181.70',
    type: 'LoadBalancer',
    lb: '34.76.203.14',
    created: '2025-04-13T07:02:49Z',
    annotations: { 'cloud.google.com/neg': '{"ingress":true}' },
    labels: { app: 'istio-ingressgateway', istio: 'ingressgateway', 'install.operator.istio.io/owning-resource': 'unknown', 'istio.io/rev': 'default', 'operator.istio.io/component': 'IngressGateways', release: 'istio' },
    selector: { app: 'istio-ingressgateway', istio: 'ingressgateway' },
    ports: [
      { name: 'status-port', nodePort: 31452, port: 15021, protocol: 'TCP', targetPort: 15021 },
      { name: 'http2', nodePort: 31380, port: 80, protocol: 'TCP', targetPort: 8080 },
      { name: 'https', nodePort: 31390, port: 443, protocol: 'TCP', targetPort: 8443 },
    ],
  }),
  service('istio-system', 'istiod', {
    ip: '10.96.148.22',
    created: ISTIO_CREATED,
    annotations: { 'cloud.google.com/neg': '{"ingress":true}' },
    labels: { app: 'istiod', istio: 'pilot', ...ISTIO_LABELS },
    selector: { app: 'istiod', istio: 'pilot' },
    ports: [
      { name: 'grpc-xds', port: 15010, protocol: 'TCP', targetPort: 15010 },
      { name: 'https-dns', port: 15012, protocol: 'TCP', targetPort: 15012 },
      { name: 'https-webhook', port: 443, protocol: 'TCP', targetPort: 15017 },
      { name: 'http-monitoring', port: 15014, protocol: 'TCP', targetPort: 15014 },
    ],
  }),
  service('kube-system', 'default-http-backend', { ip: '10.96.14.73', type: 'NodePort', annotations: { 'components.gke.io/component-name': 'l7-lb-controller-combined', 'components.gke.io/component-version': '1.31.3-gke.0' }, labels: { 'addonmanager.kubernetes.io/mode': 'Reconcile', 'k8s-app': 'glbc', 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'GLBCDefaultBackend' }, selector: { 'k8s-app': 'glbc' }, ports: [{ name: 'http', nodePort: 30812, port: 80, protocol: 'TCP', targetPort: 8080 }] }),
  service('kube-system', 'kube-dns', { ip: '10.96.0.10', annotations: { 'components.gke.io/component-name': 'kubedns', 'prometheus.io/port': '10054', 'prometheus.io/scrape': 'true' }, labels: { 'addonmanager.kubernetes.io/mode': 'Reconcile', 'k8s-app': 'kube-dns', 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'KubeDNS' }, selector: { 'k8s-app': 'kube-dns' }, ports: [{ name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 }, { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 }] }),
  service('kube-system', 'metrics-server', { ip: '10.96.9.214', labels: { 'addonmanager.kubernetes.io/mode': 'Reconcile', 'k8s-app': 'metrics-server', 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'Metrics-server' }, selector: { 'k8s-app': 'metrics-server' }, ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 'https' }] }),
].sort((a, b) => (a.metadata.namespace + '/' + a.metadata.name < b.metadata.namespace + '/' + b.metadata.name ? -1 : 1));

const matches = (selector, labels) => Object.entries(selector ?? {}).every(([k, v]) => labels?.[k] === v);
const podsOf = (svc) => (svc.spec.selector ? ALL_PODS.filter((p) => p.metadata.namespace === svc.metadata.namespace && matches(svc.spec.selector, p.metadata.labels)) : []);
/** A Service port's target on a pod: a number, or a named container port. */
const targetOf = (port, pod) => (typeof port.targetPort === 'number' ? port.targetPort : pod.spec.containers.flatMap((c) => c.ports ?? []).find((p) => p.name === port.targetPort)?.containerPort);
/** Endpoints of a Service port, as the endpoints controllers see them. */
function endpointsOf(svc, port) {
  if (svc.metadata.name === 'kubernetes') return [{ ip: API_SERVER, port: 443 }];
  return podsOf(svc).map((pod) => ({ ip: podIP(pod), port: targetOf(port, pod), pod }));
}
const fqdn = (svc) => `${svc.metadata.name}.${svc.metadata.namespace}.svc.cluster.local`;
const DESTINATION_RULES = resources('destinationrules');
const VIRTUAL_SERVICES = resources('virtualservices');
const drFor = (svc) => DESTINATION_RULES.find((d) => d.metadata.namespace === svc.metadata.namespace && d.spec.host === svc.metadata.name);

// ---------------------------------------------------------------------------------------------------------
// Kubernetes objects of cluster/k8s-resources (and nodes, pods, crs)

const at = (iso, plusSeconds) => new Date(ms(iso) + plusSeconds * 1000).toISOString().replace('.000', '');

const NAMESPACES = [
  ['bookinfo', '2025-04-14T08:02:40Z', { 'istio-injection': 'enabled' }],
  // Explicitly outside the mesh: `istioctl analyze -A` reports no IST0102 for it (data-plane-503's analyze has none).
  ['default', CLUSTER_CREATED, { 'istio-injection': 'disabled' }],
  ['istio-system', '2025-04-13T07:02:30Z', {}],
  ['kube-node-lease', CLUSTER_CREATED, {}],
  ['kube-public', CLUSTER_CREATED, {}],
  ['kube-system', CLUSTER_CREATED, {}],
].map(([name, created, labels]) => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: meta('Namespace', undefined, name, { created, labels: { ...labels, 'kubernetes.io/metadata.name': name } }),
  spec: { finalizers: ['kubernetes'] },
  status: { phase: 'Active' },
}));

const NODE_OBJECTS = NODES.map((n, i) => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: meta('Node', undefined, n.name, {
    created: at(CLUSTER_CREATED, 180 + i * 7),
    annotations: {
      'container.googleapis.com/instance_id': String(int(`${n.name} instance id`, 1e15, 9e15)),
      'csi.volume.kubernetes.io/nodeid': `{"pd.csi.storage.gke.io":"projects/${PROJECT}/zones/${n.zone}/instances/${n.name}"}`,
      'node.alpha.kubernetes.io/ttl': '0',
      'node.gke.io/last-applied-node-labels': `cloud.google.com/gke-boot-disk=pd-balanced,cloud.google.com/gke-container-runtime=containerd,cloud.google.com/gke-cpu-scaling-level=4,cloud.google.com/gke-logging-variant=DEFAULT,cloud.google.com/gke-max-pods-per-node=110,cloud.google.com/gke-nodepool=pool-1,cloud.google.com/gke-os-distribution=cos,cloud.google.com/gke-provisioning=standard,cloud.google.com/gke-stack-type=IPV4,cloud.google.com/machine-family=e2,cloud.google.com/private-node=false`,
      'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
    },
    labels: {
      'beta.kubernetes.io/arch': 'amd64',
      'beta.kubernetes.io/instance-type': 'e2-standard-4',
      'beta.kubernetes.io/os': 'linux',
      'cloud.google.com/gke-boot-disk': 'pd-balanced',
      'cloud.google.com/gke-container-runtime': 'containerd',
      'cloud.google.com/gke-cpu-scaling-level': '4',
      'cloud.google.com/gke-logging-variant': 'DEFAULT',
      'cloud.google.com/gke-max-pods-per-node': '110',
      'cloud.google.com/gke-nodepool': 'pool-1',
      'cloud.google.com/gke-os-distribution': 'cos',
      'cloud.google.com/gke-provisioning': 'standard',
      'cloud.google.com/gke-stack-type': 'IPV4',
      'cloud.google.com/machine-family': 'e2',
      'cloud.google.com/private-node': 'false',
      'failure-domain.beta.kubernetes.io/region': REGION,
      'failure-domain.beta.kubernetes.io/zone': n.zone,
      'kubernetes.io/arch': 'amd64',
      'kubernetes.io/hostname': n.name,
      'kubernetes.io/os': 'linux',
      'node.kubernetes.io/instance-type': 'e2-standard-4',
      'topology.gke.io/zone': n.zone,
      'topology.kubernetes.io/region': REGION,
      'topology.kubernetes.io/zone': n.zone,
    },
    resourceVersion: int(`${n.name} rv`, 9400000, 9460000),
  }),
  spec: { podCIDR: n.cidr, podCIDRs: [n.cidr], providerID: `gce://${PROJECT}/${n.zone}/${n.name}` },
  status: {
    addresses: [
      { address: n.ip, type: 'InternalIP' },
      { address: n.external, type: 'ExternalIP' },
      { address: n.name, type: 'Hostname' },
    ],
    allocatable: { cpu: '3920m', 'ephemeral-storage': '47060071478', 'hugepages-1Gi': '0', 'hugepages-2Mi': '0', memory: '13282832Ki', pods: '110' },
    capacity: { cpu: '4', 'ephemeral-storage': '98831908Ki', 'hugepages-1Gi': '0', 'hugepages-2Mi': '0', memory: '16372624Ki', pods: '110' },
    conditions: [
      ['FrequentUnregisterNetDevice', 'False', 'NoFrequentUnregisterNetDevice', 'node is functioning properly', 'kernel-monitor'],
      ['FrequentKubeletRestart', 'False', 'NoFrequentKubeletRestart', 'kubelet is functioning properly', 'systemd-monitor'],
      ['FrequentDockerRestart', 'False', 'NoFrequentDockerRestart', 'docker is functioning properly', 'systemd-monitor'],
      ['FrequentContainerdRestart', 'False', 'NoFrequentContainerdRestart', 'containerd is functioning properly', 'systemd-monitor'],
      ['KernelDeadlock', 'False', 'KernelHasNoDeadlock', 'kernel has no deadlock', 'kernel-monitor'],
      ['ReadonlyFilesystem', 'False', 'FilesystemIsNotReadOnly', 'Filesystem is not read-only', 'kernel-monitor'],
      ['CorruptDockerOverlay2', 'False', 'NoCorruptDockerOverlay2', 'docker overlay2 is functioning properly', 'docker-monitor'],
      ['MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'],
      ['DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'],
      ['PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'],
      ['Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'],
    ].map(([type, status, reason, message, monitor]) => ({
      lastHeartbeatTime: at(manifest.collectedAt, monitor ? -int(`${n.name} ${type} npd`, 20, 290) : -int(`${n.name} ${type} hb`, 1, 9)),
      lastTransitionTime: at(CLUSTER_CREATED, 200 + i * 7 + (monitor ? 40 : 0)),
      message,
      reason,
      status,
      type,
    })),
    daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
    images: [
      { names: ['docker.io/istio/proxyv2@sha256:' + hex('proxyv2 1.24.3 digest', 64), 'docker.io/istio/proxyv2:1.24.3'], sizeBytes: 101624723 },
      ...(i === 0 ? [{ names: ['docker.io/istio/pilot@sha256:baae93b7721a7a63d408f31e1dec9a38fadcba28eab7e15f8957bf922b984e14', 'docker.io/istio/pilot:1.24.3'], sizeBytes: 78214520 }] : []),
      { names: ['gke.gcr.io/gke-metrics-agent@sha256:' + hex('gke-metrics-agent digest', 64), 'gke.gcr.io/gke-metrics-agent:1.13.0-gke.6'], sizeBytes: 84322120 },
      { names: ['gke.gcr.io/fluent-bit@sha256:' + hex('fluent-bit digest', 64), 'gke.gcr.io/fluent-bit:v1.8.12-gke.41'], sizeBytes: 33916413 },
      { names: ['gke.gcr.io/kube-proxy-amd64:v1.31.6-gke.1020000'], sizeBytes: 31704133 },
      { names: ['registry.k8s.io/pause@sha256:' + hex('pause digest', 64), 'registry.k8s.io/pause:3.10'], sizeBytes: 320368 },
    ],
    nodeInfo: {
      architecture: 'amd64',
      bootID: uuid(`${n.name} boot`),
      containerRuntimeVersion: 'containerd://1.7.24',
      kernelVersion: '6.6.72+',
      kubeProxyVersion: K8S,
      kubeletVersion: K8S,
      machineID: hex(`${n.name} machine id`, 32),
      operatingSystem: 'linux',
      osImage: 'Container-Optimized OS from Google',
      systemUUID: uuid(`${n.name} system uuid`),
    },
  },
}));

// Workloads: a Deployment and its current ReplicaSet per pod set (the pods' owner references name them).
const stripInjection = (containers) => containers.filter((c) => c.name !== 'istio-proxy' && c.name !== 'istio-init');
function workload(namespace, name, pods, { labels, selector, templateLabels, templateAnnotations, created, replicas = pods.length, annotations = {}, revision = '1' }) {
  const pod = pods[0];
  const rsName = pod.metadata.ownerReferences[0].name;
  const hash = pod.metadata.labels['pod-template-hash'];
  const injected = pod.metadata.annotations?.['sidecar.istio.io/status'] !== undefined;
  const spec = pod.spec;
  const template = {
    metadata: { ...(templateAnnotations ? { annotations: templateAnnotations } : {}), creationTimestamp: null, labels: templateLabels },
    spec: {
      containers: injected ? stripInjection(spec.containers) : spec.containers,
      dnsPolicy: spec.dnsPolicy,
      restartPolicy: 'Always',
      schedulerName: 'default-scheduler',
      securityContext: {},
      ...(spec.priorityClassName ? { priorityClassName: spec.priorityClassName } : {}),
      serviceAccount: spec.serviceAccountName,
      serviceAccountName: spec.serviceAccountName,
      terminationGracePeriodSeconds: spec.terminationGracePeriodSeconds,
    },
  };
  const deploymentUid = uuid(`Deployment/${namespace}/${name}`);
  const ready = { availableReplicas: replicas, observedGeneration: Number(revision), readyReplicas: replicas, replicas };
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: meta('Deployment', namespace, name, { created, generation: Number(revision), labels, annotations: { 'deployment.kubernetes.io/revision': revision, ...annotations }, uid: deploymentUid }),
    spec: {
      progressDeadlineSeconds: 600,
      replicas,
      revisionHistoryLimit: 10,
      selector: { matchLabels: selector },
      strategy: { rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' }, type: 'RollingUpdate' },
      template,
    },
    status: {
      ...ready,
      conditions: [
        { lastTransitionTime: at(pod.metadata.creationTimestamp, 20), lastUpdateTime: at(pod.metadata.creationTimestamp, 20), message: 'Deployment has minimum availability.', reason: 'MinimumReplicasAvailable', status: 'True', type: 'Available' },
        { lastTransitionTime: created, lastUpdateTime: at(pod.metadata.creationTimestamp, 20), message: `ReplicaSet "${rsName}" has successfully progressed.`, reason: 'NewReplicaSetAvailable', status: 'True', type: 'Progressing' },
      ],
      updatedReplicas: replicas,
    },
  };
  const replicaSet = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: meta('ReplicaSet', namespace, rsName, {
      created,
      generation: 1,
      annotations: { 'deployment.kubernetes.io/desired-replicas': String(replicas), 'deployment.kubernetes.io/max-replicas': String(replicas + Math.ceil(replicas / 4)), 'deployment.kubernetes.io/revision': revision, ...annotations },
      labels: { ...templateLabels, 'pod-template-hash': hash },
      ownerReferences: [{ apiVersion: 'apps/v1', blockOwnerDeletion: true, controller: true, kind: 'Deployment', name, uid: deploymentUid }],
      uid: pod.metadata.ownerReferences[0].uid,
    }),
    spec: { replicas, selector: { matchLabels: { ...selector, 'pod-template-hash': hash } }, template: { ...template, metadata: { ...template.metadata, labels: { ...templateLabels, 'pod-template-hash': hash } } } },
    status: { ...ready, fullyLabeledReplicas: replicas, observedGeneration: 1 },
  };
  return [deployment, replicaSet];
}
const bookinfoWorkloads = [...new Set(bookinfoPods.map((p) => p.metadata.ownerReferences[0].name.replace(/-[a-z0-9]+$/, '')))].map((name) => {
  const pods = bookinfoPods.filter((p) => p.metadata.ownerReferences[0].name.replace(/-[a-z0-9]+$/, '') === name);
  const { app, version } = pods[0].metadata.labels;
  const optOut = pods[0].metadata.labels['sidecar.istio.io/inject'] === 'false';
  return workload('bookinfo', name, pods, {
    created: at(pods[0].metadata.creationTimestamp, -2),
    labels: { app, version },
    selector: { app, version },
    templateLabels: { app, version, ...(optOut ? { 'sidecar.istio.io/inject': 'false' } : {}) },
    ...(optOut ? { templateAnnotations: { 'sidecar.istio.io/inject': 'false' } } : {}),
  });
});
const istioWorkloads = [
  workload('istio-system', 'istiod', [ISTIOD], {
    created: ISTIO_CREATED,
    labels: { app: 'istiod', istio: 'pilot', ...ISTIO_LABELS },
    selector: { istio: 'pilot' },
    templateLabels: Object.fromEntries(Object.entries(ISTIOD.metadata.labels).filter(([k]) => k !== 'pod-template-hash')),
    templateAnnotations: ISTIOD.metadata.annotations,
  }),
  // Scaled 2 → 1 by its HorizontalPodAutoscaler at 13:27:41 (cluster/events).
  workload('istio-system', 'istio-ingressgateway', [GATEWAY], {
    created: '2025-04-13T07:02:49Z',
    labels: { app: 'istio-ingressgateway', istio: 'ingressgateway', 'install.operator.istio.io/owning-resource': 'unknown', 'istio.io/rev': 'default', 'operator.istio.io/component': 'IngressGateways', release: 'istio' },
    selector: { app: 'istio-ingressgateway', istio: 'ingressgateway' },
    templateLabels: Object.fromEntries(Object.entries(GATEWAY.metadata.labels).filter(([k]) => k !== 'pod-template-hash')),
    templateAnnotations: GATEWAY.metadata.annotations,
  }),
];
const systemWorkload = (name, app, extraLabels = {}) => {
  const pods = systemPods.filter((p) => p.metadata.ownerReferences[0].name.startsWith(`${name}-`) && p.metadata.labels['k8s-app'] === app);
  return workload('kube-system', name, pods, {
    created: at(pods[0].metadata.creationTimestamp, -3),
    labels: { 'addonmanager.kubernetes.io/mode': 'Reconcile', 'k8s-app': app, 'kubernetes.io/cluster-service': 'true', ...extraLabels },
    selector: { 'k8s-app': app },
    templateLabels: Object.fromEntries(Object.entries(pods[0].metadata.labels).filter(([k]) => k !== 'pod-template-hash')),
    ...(pods[0].metadata.annotations ? { templateAnnotations: pods[0].metadata.annotations } : {}),
  });
};
const systemWorkloads = [systemWorkload('kube-dns', 'kube-dns'), systemWorkload('l7-default-backend', 'glbc'), systemWorkload('metrics-server-v1.31.0', 'metrics-server', { version: 'v1.31.0' })];
const WORKLOADS = [...bookinfoWorkloads, ...istioWorkloads, ...systemWorkloads];
const byNamespaceName = (a, b) => {
  const ka = `${a.metadata.namespace ?? ''}/${a.metadata.name}`;
  const kb = `${b.metadata.namespace ?? ''}/${b.metadata.name}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
};
const DEPLOYMENTS = WORKLOADS.map(([d]) => d).sort(byNamespaceName);
const REPLICASETS = WORKLOADS.map(([, r]) => r).sort(byNamespaceName);

const SCALE_DOWN = '2025-04-22T13:27:41Z';
const hpa = (name, cpu, lastScale) => ({
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: meta('HorizontalPodAutoscaler', 'istio-system', name, { created: name === 'istiod' ? ISTIO_CREATED : '2025-04-13T07:02:49Z', labels: name === 'istiod' ? { app: 'istiod', ...ISTIO_LABELS } : { app: 'istio-ingressgateway', istio: 'ingressgateway', 'install.operator.istio.io/owning-resource': 'unknown', 'istio.io/rev': 'default', 'operator.istio.io/component': 'IngressGateways', release: 'istio' } }),
  spec: { maxReplicas: 5, metrics: [{ resource: { name: 'cpu', target: { averageUtilization: 80, type: 'Utilization' } }, type: 'Resource' }], minReplicas: 1, scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name } },
  status: {
    conditions: [
      { lastTransitionTime: at(ISTIO_CREATED, 45), message: 'recommended size matches current size', reason: 'ReadyForNewScale', status: 'True', type: 'AbleToScale' },
      { lastTransitionTime: at(ISTIO_CREATED, 45), message: 'the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)', reason: 'ValidMetricFound', status: 'True', type: 'ScalingActive' },
      { lastTransitionTime: lastScale ?? at(ISTIO_CREATED, 45), message: 'the desired count is within the acceptable range', reason: 'DesiredWithinRange', status: 'False', type: 'ScalingLimited' },
    ],
    currentMetrics: [{ resource: { current: { averageUtilization: cpu.pct, averageValue: cpu.m }, name: 'cpu' }, type: 'Resource' }],
    currentReplicas: 1,
    desiredReplicas: 1,
    ...(lastScale ? { lastScaleTime: lastScale } : {}),
  },
});
// data-plane-503's `kubectl top`: istiod 31m of its 500m request, the gateway 9m of 100m.
const HPAS = [hpa('istio-ingressgateway', { pct: 9, m: '9m' }, SCALE_DOWN), hpa('istiod', { pct: 6, m: '31m' })].sort(byNamespaceName);

// Endpoints and EndpointSlices of every Service.
const ENDPOINTS = [];
const SLICES = [];
for (const svc of SERVICES) {
  const ns = svc.metadata.namespace;
  const name = svc.metadata.name;
  const ports = svc.spec.ports;
  const eps = endpointsOf(svc, ports[0]);
  const trigger = name === 'ratings' ? '2025-04-22T14:01:05Z' : svc.metadata.creationTimestamp;
  const address = (e) => ({ ip: e.ip, ...(e.pod ? { nodeName: e.pod.spec.nodeName, targetRef: { kind: 'Pod', name: e.pod.metadata.name, namespace: ns, uid: e.pod.metadata.uid } } : {}) });
  const epPorts = ports.map((p) => ({ ...(p.name ? { name: p.name } : {}), port: name === 'kubernetes' ? 443 : targetOf(p, eps[0]?.pod ?? {}) ?? p.targetPort, protocol: p.protocol }));
  ENDPOINTS.push({
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: meta('Endpoints', ns, name, { created: svc.metadata.creationTimestamp, annotations: name === 'kubernetes' ? undefined : { 'endpoints.kubernetes.io/last-change-trigger-time': trigger }, labels: name === 'kubernetes' ? { 'endpointslice.kubernetes.io/skip-mirror': 'true' } : svc.metadata.labels }),
    ...(eps.length > 0 ? { subsets: [{ addresses: eps.map(address), ports: epPorts }] } : {}),
  });
  const sliceName = name === 'kubernetes' ? 'kubernetes' : `${name}-${hex(`${ns}/${name} slice`, 5).replace(/[0-9]/g, (d) => 'bcdfghjklm'[d])}`;
  SLICES.push({
    addressType: 'IPv4',
    apiVersion: 'discovery.k8s.io/v1',
    endpoints: eps.map((e) => ({
      addresses: [e.ip],
      conditions: { ready: true, serving: true, terminating: false },
      ...(e.pod ? { nodeName: e.pod.spec.nodeName, targetRef: { kind: 'Pod', name: e.pod.metadata.name, namespace: ns, uid: e.pod.metadata.uid }, zone: nodeOf(e.pod).zone } : {}),
    })),
    kind: 'EndpointSlice',
    metadata: meta('EndpointSlice', ns, sliceName, {
      created: svc.metadata.creationTimestamp,
      generation: name === 'ratings' ? 2 : 1,
      annotations: name === 'kubernetes' ? undefined : { 'endpoints.kubernetes.io/last-change-trigger-time': trigger },
      ...(name === 'kubernetes' ? {} : { generateName: `${name}-` }),
      labels: name === 'kubernetes' ? { 'kubernetes.io/service-name': 'kubernetes' } : { ...svc.metadata.labels, 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io', 'kubernetes.io/service-name': name },
      ownerReferences: name === 'kubernetes' ? undefined : [{ apiVersion: 'v1', blockOwnerDeletion: true, controller: true, kind: 'Service', name, uid: svc.metadata.uid }],
    }),
    ports: epPorts,
  });
}
ENDPOINTS.sort(byNamespaceName);
SLICES.sort(byNamespaceName);

// Istio's CRDs (schemas cut to x-kubernetes-preserve-unknown-fields; the real ones are ~1 MB of OpenAPI).
const CRD_TABLE = [
  ['security.istio.io', 'AuthorizationPolicy', 'authorizationpolicies', [], ['v1', 'v1beta1'], 'v1beta1', 'security'],
  ['networking.istio.io', 'DestinationRule', 'destinationrules', ['dr'], ['v1', 'v1alpha3', 'v1beta1'], 'v1alpha3', 'networking'],
  ['networking.istio.io', 'EnvoyFilter', 'envoyfilters', [], ['v1alpha3'], 'v1alpha3', 'networking'],
  ['networking.istio.io', 'Gateway', 'gateways', ['gw'], ['v1', 'v1alpha3', 'v1beta1'], 'v1alpha3', 'networking'],
  ['security.istio.io', 'PeerAuthentication', 'peerauthentications', ['pa'], ['v1', 'v1beta1'], 'v1beta1', 'security'],
  ['networking.istio.io', 'ProxyConfig', 'proxyconfigs', [], ['v1beta1'], 'v1beta1', 'networking'],
  ['security.istio.io', 'RequestAuthentication', 'requestauthentications', ['ra'], ['v1', 'v1beta1'], 'v1beta1', 'security'],
  ['networking.istio.io', 'ServiceEntry', 'serviceentries', ['se'], ['v1', 'v1alpha3', 'v1beta1'], 'v1alpha3', 'networking'],
  ['networking.istio.io', 'Sidecar', 'sidecars', [], ['v1', 'v1alpha3', 'v1beta1'], 'v1alpha3', 'networking'],
  ['telemetry.istio.io', 'Telemetry', 'telemetries', ['telemetry'], ['v1', 'v1alpha1'], 'v1alpha1', 'telemetry'],
  ['networking.istio.io', 'VirtualService', 'virtualservices', ['vs'], ['v1', 'v1alpha3', 'v1beta1'], 'v1alpha3', 'networking'],
  ['extensions.istio.io', 'WasmPlugin', 'wasmplugins', [], ['v1alpha1'], 'v1alpha1', 'extensions'],
  ['networking.istio.io', 'WorkloadEntry', 'workloadentries', ['we'], ['v1', 'v1alpha3', 'v1beta1'], 'v1alpha3', 'networking'],
  ['networking.istio.io', 'WorkloadGroup', 'workloadgroups', ['wg'], ['v1', 'v1alpha3', 'v1beta1'], 'v1alpha3', 'networking'],
];
const CRDS = CRD_TABLE.map(([group, kind, plural, shortNames, versions, storage, category]) => {
  const name = `${plural}.${group}`;
  const names = { categories: ['istio-io', `${category}-istio-io`], kind, listKind: `${kind}List`, plural, ...(shortNames.length ? { shortNames } : {}), singular: kind.toLowerCase() };
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: meta('CustomResourceDefinition', undefined, name, {
      created: '2025-04-13T07:02:27Z',
      generation: 1,
      annotations: { 'helm.sh/resource-policy': 'keep' },
      labels: { app: 'istio-pilot', chart: 'istio', heritage: 'Tiller', 'install.operator.istio.io/owning-resource': 'unknown', 'operator.istio.io/component': 'Base', release: 'istio' },
    }),
    spec: {
      conversion: { strategy: 'None' },
      group,
      names,
      scope: 'Namespaced',
      versions: versions.map((v) => ({
        name: v,
        schema: { openAPIV3Schema: { properties: { spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true }, status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } }, type: 'object' } },
        served: true,
        storage: v === storage,
        subresources: { status: {} },
      })),
    },
    status: {
      acceptedNames: names,
      conditions: [
        { lastTransitionTime: '2025-04-13T07:02:27Z', message: 'no conflicts found', reason: 'NoConflicts', status: 'True', type: 'NamesAccepted' },
        { lastTransitionTime: '2025-04-13T07:02:27Z', message: 'the initial names have been accepted', reason: 'InitialNamesAccepted', status: 'True', type: 'Established' },
      ],
      storedVersions: [storage],
    },
  };
}).sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));

// ConfigMaps: the mesh config, and the root istiod publishes in every namespace it injects or may (not kube-*).
const ROOT_PEM = readFileSync(join(REPO, 'test/fixtures/certs/istio-root.pem'), 'utf8');
const ROOT = new X509Certificate(ROOT_PEM);
const ROOT_SERIAL = ROOT.serialNumber.toLowerCase();
const MESH = [
  'accessLogFile: /dev/stdout',
  'defaultConfig:',
  '  discoveryAddress: istiod.istio-system.svc:15012',
  'defaultProviders:',
  '  metrics:',
  '  - prometheus',
  'enablePrometheusMerge: true',
  'rootNamespace: istio-system',
  'trustDomain: cluster.local',
].join('\n');
const CONFIGMAPS = [
  ...['bookinfo', 'default', 'istio-system'].map((ns) => ({
    apiVersion: 'v1',
    data: { 'root-cert.pem': ROOT_PEM },
    kind: 'ConfigMap',
    metadata: meta('ConfigMap', ns, 'istio-ca-root-cert', { created: ns === 'bookinfo' ? '2025-04-14T08:02:41Z' : at(ISTIO_CREATED, 14), labels: { 'istio.io/config': 'true' } }),
  })),
  {
    apiVersion: 'v1',
    data: { mesh: MESH, meshNetworks: 'networks: {}' },
    kind: 'ConfigMap',
    metadata: meta('ConfigMap', 'istio-system', 'istio', { created: ISTIO_CREATED, labels: { ...ISTIO_LABELS, 'istio.io/rev': 'default' } }),
  },
].sort(byNamespaceName);

// Events of the last hour (kube-apiserver keeps them 1 h): the ingress gateway's HorizontalPodAutoscaler
// scaling it back to one replica after the morning peak. Nothing else happened to Kubernetes objects: the
// changes that broke Bookinfo (a VirtualService, a DestinationRule, a Service port, an AuthorizationPolicy)
// make no events.
const GONE_POD = 'istio-ingressgateway-5c9f8b6d7-x8r2k';
const eventAt = (offsetMs) => ms(SCALE_DOWN) + offsetMs;
const EVENT_TABLE = [
  { at: eventAt(203), ns: 'istio-system', kind: 'HorizontalPodAutoscaler', api: 'autoscaling/v2', name: 'istio-ingressgateway', reason: 'SuccessfulRescale', source: { component: 'horizontal-pod-autoscaler' }, message: 'New size: 1; reason: All metrics below target' },
  { at: eventAt(219), ns: 'istio-system', kind: 'Deployment', api: 'apps/v1', name: 'istio-ingressgateway', reason: 'ScalingReplicaSet', source: { component: 'deployment-controller' }, message: 'Scaled down replica set istio-ingressgateway-5c9f8b6d7 from 2 to 1' },
  { at: eventAt(241), ns: 'istio-system', kind: 'ReplicaSet', api: 'apps/v1', name: 'istio-ingressgateway-5c9f8b6d7', reason: 'SuccessfulDelete', source: { component: 'replicaset-controller' }, message: `Deleted pod: ${GONE_POD}` },
  { at: eventAt(266), ns: 'istio-system', kind: 'Pod', api: 'v1', name: GONE_POD, field: 'spec.containers{istio-proxy}', reason: 'Killing', source: { component: 'kubelet', host: NODES[1].name }, message: 'Stopping container istio-proxy' },
].map((e) => {
  const nanos = BigInt(e.at) * 1000000n + BigInt(int(`${e.name} event ns`, 0, 999999));
  return { ...e, eventName: `${e.name}.${nanos.toString(16)}` };
});
const uidOf = (kind, ns, name) =>
  [...DEPLOYMENTS, ...REPLICASETS, ...HPAS].find((o) => o.kind === kind && o.metadata.namespace === ns && o.metadata.name === name)?.metadata.uid ?? uuid(`${kind}/${ns}/${name}`);
const EVENTS = EVENT_TABLE.map((e) => ({
  apiVersion: 'v1',
  count: 1,
  eventTime: null,
  firstTimestamp: seconds(e.at),
  involvedObject: { apiVersion: e.api, ...(e.field ? { fieldPath: e.field } : {}), kind: e.kind, name: e.name, namespace: e.ns, resourceVersion: String(int(`${e.name} involved rv`, 9400000, 9450000)), uid: uidOf(e.kind, e.ns, e.name) },
  kind: 'Event',
  lastTimestamp: seconds(e.at),
  message: e.message,
  metadata: meta('Event', e.ns, e.eventName, { created: seconds(e.at), resourceVersion: 9444603 + EVENT_TABLE.indexOf(e) * 3 }),
  reason: e.reason,
  reportingComponent: e.source.component === 'kubelet' ? 'kubelet' : '',
  reportingInstance: e.source.host ?? '',
  source: e.source,
  type: 'Normal',
}));

// Istio's webhooks (istioctl 1.24 default profile), their caBundle the mesh root.
const CA_BUNDLE = Buffer.from(ROOT_PEM).toString('base64');
const injectorHook = (name, path, namespaceSelector, objectSelector) => ({
  admissionReviewVersions: ['v1'],
  clientConfig: { caBundle: CA_BUNDLE, service: { name: 'istiod', namespace: 'istio-system', path, port: 443 } },
  failurePolicy: 'Fail',
  matchPolicy: 'Equivalent',
  name,
  namespaceSelector,
  objectSelector,
  reinvocationPolicy: 'Never',
  rules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'], scope: '*' }],
  sideEffects: 'None',
  timeoutSeconds: 10,
});
const notIn = (key, values) => ({ key, operator: 'NotIn', values });
const WEBHOOKS = [
  {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: meta('MutatingWebhookConfiguration', undefined, 'istio-sidecar-injector', { created: ISTIO_CREATED, generation: 3, labels: { app: 'sidecar-injector', ...ISTIO_LABELS } }),
    webhooks: [
      injectorHook('rev.namespace.sidecar-injector.istio.io', '/inject/cluster/Kubernetes/net/', { matchExpressions: [{ key: 'istio.io/rev', operator: 'In', values: ['default'] }, { key: 'istio-injection', operator: 'DoesNotExist' }] }, { matchExpressions: [notIn('sidecar.istio.io/inject', ['false'])] }),
      injectorHook('rev.object.sidecar-injector.istio.io', '/inject/cluster/Kubernetes/net/', { matchExpressions: [{ key: 'istio.io/rev', operator: 'DoesNotExist' }, { key: 'istio-injection', operator: 'DoesNotExist' }] }, { matchExpressions: [notIn('sidecar.istio.io/inject', ['false']), { key: 'istio.io/rev', operator: 'In', values: ['default'] }] }),
      injectorHook('namespace.sidecar-injector.istio.io', '/inject/cluster/Kubernetes/net/', { matchExpressions: [{ key: 'istio-injection', operator: 'In', values: ['enabled'] }] }, { matchExpressions: [notIn('sidecar.istio.io/inject', ['false'])] }),
      injectorHook('object.sidecar-injector.istio.io', '/inject/cluster/Kubernetes/net/', { matchExpressions: [{ key: 'istio-injection', operator: 'DoesNotExist' }, { key: 'istio.io/rev', operator: 'DoesNotExist' }] }, { matchExpressions: [{ key: 'sidecar.istio.io/inject', operator: 'In', values: ['true'] }, { key: 'istio.io/rev', operator: 'DoesNotExist' }] }),
    ],
  },
  {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingWebhookConfiguration',
    metadata: meta('ValidatingWebhookConfiguration', undefined, 'istio-validator-istio-system', { created: ISTIO_CREATED, generation: 2, labels: { app: 'istiod', istio: 'istiod', ...ISTIO_LABELS, 'istio.io/rev': 'default' } }),
    webhooks: [
      {
        admissionReviewVersions: ['v1', 'v1beta1'],
        clientConfig: { caBundle: CA_BUNDLE, service: { name: 'istiod', namespace: 'istio-system', path: '/validate', port: 443 } },
        failurePolicy: 'Fail',
        matchPolicy: 'Equivalent',
        name: 'rev.validation.istio.io',
        namespaceSelector: {},
        objectSelector: { matchExpressions: [{ key: 'istio.io/rev', operator: 'In', values: ['default'] }] },
        rules: [{ apiGroups: ['security.istio.io', 'networking.istio.io', 'telemetry.istio.io', 'extensions.istio.io'], apiVersions: ['*'], operations: ['CREATE', 'UPDATE'], resources: ['*'], scope: '*' }],
        sideEffects: 'None',
        timeoutSeconds: 10,
      },
    ],
  },
];

// Istio configuration: every object of every CRD (`cluster/crs`), in CRD name order.
const ISTIO_CONFIG = [...resources('authorizationpolicies'), ...DESTINATION_RULES, ...resources('gateways'), ...VIRTUAL_SERVICES];

// ---------------------------------------------------------------------------------------------------------
// cluster/*

write(
  'cluster/k8s-resources',
  yamlList([
    ...[...ALL_PODS].sort(byNamespaceName),
    ...SERVICES,
    ...DEPLOYMENTS,
    ...REPLICASETS,
    ...HPAS,
    ...NODE_OBJECTS,
    ...NAMESPACES,
    ...ENDPOINTS,
    ...SLICES,
    ...CRDS,
    ...CONFIGMAPS,
    ...EVENTS,
    ...WEBHOOKS,
  ]),
);
write('cluster/crs', yamlList(ISTIO_CONFIG));
write('cluster/nodes', yamlList(NODE_OBJECTS));
write('cluster/pods', yamlList(istioPods));
write('cluster/cluster-context', `${CONTEXT}\nhttps://${API_SERVER}\n`);
write('cluster/kubectl-version', `Client Version: v1.32.3\nKustomize Version: v5.5.0\nServer Version: ${K8S}\n`);
write(
  'cluster/secrets',
  kubectlTable([
    ['NAMESPACE', 'NAME', 'TYPE', 'DATA', 'AGE'],
    ['istio-system', 'istio-ca-secret', 'istio.io/ca-root', '5', humanDuration(COLLECTED + 2000 - ms(at(ISTIO_CREATED, 16)))],
  ]),
);
const BUG_REPORT_NOW = COLLECTED + 1450; // when `kubectl get events` ran (bug-report.log)
write(
  'cluster/events',
  kubectlTable([
    ['NAMESPACE', 'LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'SUBOBJECT', 'SOURCE', 'MESSAGE', 'FIRST SEEN', 'COUNT', 'NAME'],
    ...EVENT_TABLE.map((e) => [
      e.ns,
      humanDuration(BUG_REPORT_NOW - e.at),
      'Normal',
      e.reason,
      `${e.kind.toLowerCase()}/${e.name}`,
      e.field ?? '',
      e.source.host ? `${e.source.component}, ${e.source.host}` : e.source.component,
      e.message,
      humanDuration(BUG_REPORT_NOW - e.at),
      '1',
      e.eventName,
    ]),
  ]),
);

// analyze/allNamespaces/allNamespaces: the same messages as data-plane-503's `istioctl analyze -A -o json`.
write('analyze/allNamespaces/allNamespaces', analyze.map((m) => `${m.level} [${m.code}] (${m.origin}) ${m.message}`).join('\n'));

// ---------------------------------------------------------------------------------------------------------
// versions: `istioctl version`'s BuildInfo and MeshInfo in Go %#v (bugreport.go dumpRevisionsAndVersions)

const buildInfo = (golang) => `version.BuildInfo{Version:"${ISTIO}", GitRevision:"${ISTIO_SHA}", GolangVersion:"${golang}", BuildStatus:"Clean", GitTag:"${ISTIO}"}`;
const VERSIONS =
  `CLI version:\n${buildInfo('go1.23.4')}\n\n` +
  'The following Istio control plane revisions/versions were found in the cluster:\n' +
  `Revision default:\n&version.MeshInfo{version.ServerInfo{Component:"istiod", Revision:"default", Info:${buildInfo('')}}}\n\n` +
  'The following proxy revisions/versions were found in the cluster:\n' +
  `Revision default: Versions {${ISTIO}}\n`;
write('versions', VERSIONS);

// ---------------------------------------------------------------------------------------------------------
// istio/istio-system/<istiod>/: discovery.log, metrics, debug/*

const ISTIOD_DIR = `istio/istio-system/${ISTIOD.metadata.name}`;
const istiodLog = readFileSync(join(FROM, `logs/istio-system/${ISTIOD.metadata.name}/discovery.log`), 'utf8');
write(`${ISTIOD_DIR}/discovery.log`, istiodLog);

const PROXIES = [...proxyStatus.keys()].sort(); // `<pod>.<namespace>`, every proxy istiod serves
const podOfProxy = (id) => podNamed(id.slice(0, id.lastIndexOf('.')));
const isGateway = (id) => podOfProxy(id).metadata.labels.istio === 'ingressgateway';
const saOf = (pod) => `spiffe://cluster.local/ns/${pod.metadata.namespace}/sa/${pod.spec.serviceAccountName}`;
const STARTED = (pod) => ms(pod.status.containerStatuses.find((c) => c.name === 'istio-proxy')?.state.running.startedAt ?? pod.status.startTime);
// When each proxy's current xDS stream was opened: the last `connected to delta upstream XDS server` of its log.
const connectedAt = (id) => {
  const pod = podOfProxy(id);
  const log = manifest.artifacts.find((a) => a.kind === 'logs.proxy' && a.pod === pod.metadata.name);
  if (!log) return ms('2025-04-22T13:51:27.418263Z');
  const lines = readFileSync(join(FROM, log.path), 'utf8').split('\n').filter((l) => l.includes('connected to delta upstream XDS server'));
  return ms(lines.at(-1).split('\t')[0]);
};

// syncz: nonces sent and acked per type (all SYNCED; ECDS never sent).
write(
  `${ISTIOD_DIR}/debug/syncz`,
  goJson(
    PROXIES.map((id) => {
      const row = { cluster_id: 'Kubernetes', proxy: id, proxy_type: isGateway(id) ? 'router' : 'sidecar', istio_version: ISTIO };
      for (const type of ['cluster', 'listener', 'route', 'endpoint']) {
        const nonce = uuid(`${id} ${type} nonce`);
        row[`${type}_sent`] = nonce;
        row[`${type}_acked`] = nonce;
      }
      return row;
    }),
  ),
);

// Services as istiod's registry holds them (model.Service).
const PROTOCOL = (name, k8sProtocol) => {
  const prefix = (name ?? '').split('-')[0].toLowerCase();
  const known = { http: 'HTTP', http2: 'HTTP2', grpc: 'GRPC', https: 'HTTPS', tcp: 'TCP', tls: 'TLS', mongo: 'Mongo', redis: 'Redis', mysql: 'MySQL', udp: 'UDP' };
  if (known[prefix]) return known[prefix];
  return k8sProtocol === 'UDP' ? 'UDP' : 'UnsupportedProtocol';
};
const registryService = (svc) => ({
  Attributes: {
    ServiceRegistry: 'Kubernetes',
    Name: svc.metadata.name,
    Namespace: svc.metadata.namespace,
    Labels: goMap(svc.metadata.labels) ?? null,
    ExportTo: null,
    LabelSelectors: goMap(svc.spec.selector) ?? null,
    ClusterExternalAddresses: { Addresses: svc.status.loadBalancer.ingress ? { Kubernetes: svc.status.loadBalancer.ingress.map((i) => i.ip) } : null },
    ClusterExternalPorts: svc.spec.ports.some((p) => p.nodePort) ? { Kubernetes: goMap(Object.fromEntries(svc.spec.ports.filter((p) => p.nodePort).map((p) => [String(p.port), p.nodePort]))) } : null,
    PassthroughTargetPorts: null,
    K8sAttributes: { type: svc.spec.type, ...(svc.spec.externalTrafficPolicy ? { externalTrafficPolicy: svc.spec.externalTrafficPolicy } : {}) },
  },
  ports: svc.spec.ports.map((p) => ({ name: p.name, port: p.port, protocol: PROTOCOL(p.name, p.protocol) })),
  creationTime: svc.metadata.creationTimestamp,
  hostname: fqdn(svc),
  clusterVIPs: { Addresses: { Kubernetes: [svc.spec.clusterIP] } },
  defaultAddress: svc.spec.clusterIP,
  Resolution: 0,
  MeshExternal: false,
  ResourceVersion: svc.metadata.resourceVersion,
});
const REGISTRY = [...SERVICES].sort((a, b) => (fqdn(a) < fqdn(b) ? -1 : 1));
write(`${ISTIOD_DIR}/debug/registryz`, goJson(REGISTRY.map(registryService)));

// configz: the Istio configuration in istiod's store, Kubernetes-shaped (crd.ConvertConfig), specs in jsonpb.
const protoSpec = (o) => {
  const s = o.spec;
  switch (o.kind) {
    case 'VirtualService':
      return { hosts: s.hosts, ...(s.gateways ? { gateways: s.gateways } : {}), http: s.http.map((r) => ({ ...(r.match ? { match: r.match } : {}), route: r.route, ...(r.retries ? { retries: r.retries.attempts ? r.retries : {} } : {}) })) };
    case 'DestinationRule': {
      const od = s.trafficPolicy?.outlierDetection;
      const duration = (d) => (d.endsWith('m') ? `${Number(d.slice(0, -1)) * 60}s` : d);
      return {
        host: s.host,
        ...(od ? { trafficPolicy: { outlierDetection: { consecutive5xxErrors: od.consecutive5xxErrors, interval: duration(od.interval), baseEjectionTime: duration(od.baseEjectionTime), maxEjectionPercent: od.maxEjectionPercent } } } : {}),
        subsets: s.subsets.map((x) => ({ name: x.name, labels: x.labels })),
      };
    }
    case 'Gateway':
      return { servers: s.servers.map((x) => ({ port: { number: x.port.number, protocol: x.port.protocol, name: x.port.name }, hosts: x.hosts })), selector: s.selector };
    case 'AuthorizationPolicy':
      return { selector: s.selector, rules: s.rules, ...(s.action && s.action !== 'ALLOW' ? { action: s.action } : {}) };
    default:
      return s;
  }
};
const configMeta = (o) => ({
  name: o.metadata.name,
  namespace: o.metadata.namespace,
  uid: o.metadata.uid,
  resourceVersion: o.metadata.resourceVersion,
  generation: o.metadata.generation,
  creationTimestamp: o.metadata.creationTimestamp,
});
write(`${ISTIOD_DIR}/debug/configz`, goJson(ISTIO_CONFIG.map((o) => ({ kind: o.kind, apiVersion: o.apiVersion, metadata: configMeta(o), spec: protoSpec(o) }))));

write(
  `${ISTIOD_DIR}/debug/authorizationz`,
  goJson({
    authorization_policies: {
      namespace_to_policies: Object.fromEntries(
        [...new Set(resources('authorizationpolicies').map((p) => p.metadata.namespace))].map((ns) => [
          ns,
          resources('authorizationpolicies')
            .filter((p) => p.metadata.namespace === ns)
            .map((p) => ({ name: p.metadata.name, namespace: ns, annotations: p.metadata.annotations ?? null, spec: protoSpec(p) })),
        ]),
      ),
      root_namespace: 'istio-system',
    },
  }),
);
write(`${ISTIOD_DIR}/debug/telemetryz`, goJson({ telemetries: { namespace_to_telemetries: {}, root_namespace: 'istio-system' } }));
write(`${ISTIOD_DIR}/debug/ambientz`, goJson({ workloads: null, services: null, policies: null }));
write(`${ISTIOD_DIR}/debug/clusterz`, goJson([{ id: 'Kubernetes', secretName: '', syncStatus: 'synced' }]));
write(`${ISTIOD_DIR}/debug/mcsz`, goJson(null));
write(`${ISTIOD_DIR}/debug/networkz`, goJson(null));
// LastPushStatus.StatusJSON(): json.MarshalIndent of ProxyStatus, nothing to report in this mesh.
write(`${ISTIOD_DIR}/debug/push_status`, '{}');

const GVKS = [
  ['extensions.istio.io', 'v1alpha1', 'WasmPlugin'],
  ['gateway.networking.k8s.io', 'v1', 'GRPCRoute'],
  ['gateway.networking.k8s.io', 'v1', 'Gateway'],
  ['gateway.networking.k8s.io', 'v1', 'GatewayClass'],
  ['gateway.networking.k8s.io', 'v1', 'HTTPRoute'],
  ['gateway.networking.k8s.io', 'v1alpha2', 'TCPRoute'],
  ['gateway.networking.k8s.io', 'v1alpha2', 'TLSRoute'],
  ['gateway.networking.k8s.io', 'v1alpha2', 'UDPRoute'],
  ['gateway.networking.k8s.io', 'v1beta1', 'ReferenceGrant'],
  ['networking.istio.io', 'v1', 'DestinationRule'],
  ['networking.istio.io', 'v1alpha3', 'EnvoyFilter'],
  ['networking.istio.io', 'v1', 'Gateway'],
  ['networking.istio.io', 'v1beta1', 'ProxyConfig'],
  ['networking.istio.io', 'v1', 'ServiceEntry'],
  ['networking.istio.io', 'v1', 'Sidecar'],
  ['networking.istio.io', 'v1', 'VirtualService'],
  ['networking.istio.io', 'v1', 'WorkloadEntry'],
  ['networking.istio.io', 'v1', 'WorkloadGroup'],
  ['security.istio.io', 'v1', 'AuthorizationPolicy'],
  ['security.istio.io', 'v1', 'PeerAuthentication'],
  ['security.istio.io', 'v1', 'RequestAuthentication'],
  ['telemetry.istio.io', 'v1', 'Telemetry'],
];
write(`${ISTIOD_DIR}/debug/resourcesz`, goJson(GVKS.map(([group, version, kind]) => ({ group, version, kind }))));

// MeshConfig: the `istio` ConfigMap over istiod's defaults (jsonpb, camelCase, zero values left out).
const MESH_CONFIG = {
  proxyListenPort: 15001,
  proxyInboundListenPort: 15006,
  connectTimeout: '10s',
  protocolDetectionTimeout: '0s',
  ingressClass: 'istio',
  ingressService: 'istio-ingressgateway',
  ingressControllerMode: 'STRICT',
  enableTracing: true,
  accessLogFile: '/dev/stdout',
  defaultConfig: {
    configPath: './etc/istio/proxy',
    binaryPath: '/usr/local/bin/envoy',
    serviceCluster: 'istio-proxy',
    drainDuration: '45s',
    discoveryAddress: 'istiod.istio-system.svc:15012',
    proxyAdminPort: 15000,
    controlPlaneAuthPolicy: 'MUTUAL_TLS',
    statNameLength: 189,
    concurrency: 2,
    tracing: { zipkin: { address: 'zipkin.istio-system:9411' } },
    statusPort: 15020,
    terminationDrainDuration: '5s',
  },
  outboundTrafficPolicy: { mode: 'ALLOW_ANY' },
  enableAutoMtls: true,
  trustDomain: 'cluster.local',
  trustDomainAliases: [],
  defaultServiceExportTo: ['*'],
  defaultVirtualServiceExportTo: ['*'],
  defaultDestinationRuleExportTo: ['*'],
  rootNamespace: 'istio-system',
  localityLbSetting: { enabled: true },
  dnsRefreshRate: '60s',
  thriftConfig: {},
  enablePrometheusMerge: true,
  extensionProviders: [
    { name: 'prometheus', prometheus: {} },
    { name: 'stackdriver', stackdriver: {} },
    { name: 'envoy', envoyFileAccessLog: { path: '/dev/stdout' } },
  ],
  defaultProviders: { metrics: ['prometheus'] },
};
write(`${ISTIOD_DIR}/debug/mesh`, goJson(MESH_CONFIG));

// inject: the injector's templates by name (their text, tens of kB each, is cut after the first lines here).
write(
  `${ISTIOD_DIR}/debug/inject`,
  goJson({
    gateway: '{{- $containers := list }}\n{{- range $index, $container := .Spec.Containers }}{{ $containers = append $containers $container.Name }}{{end}}\nmetadata:\n  labels:\n    service.istio.io/canonical-name: {{ index .ObjectMeta.Labels `service.istio.io/canonical-name` | default (index .ObjectMeta.Labels `app.kubernetes.io/name`) | default (index .ObjectMeta.Labels `app`) | default .DeploymentMeta.Name  | quote }}\n',
    'grpc-agent': '{{- define "resources"  }}\n  {{- if or (isset .ObjectMeta.Annotations `sidecar.istio.io/proxyCPU`) (isset .ObjectMeta.Annotations `sidecar.istio.io/proxyMemory`) (isset .ObjectMeta.Annotations `sidecar.istio.io/proxyCPULimit`) (isset .ObjectMeta.Annotations `sidecar.istio.io/proxyMemoryLimit`) }}\n',
    'grpc-simple': 'metadata:\n  annotations:\n    sidecar.istio.io/rewriteAppHTTPProbers: "false"\nspec:\n  initContainers:\n    - name: grpc-bootstrap-init\n',
    sidecar: '{{- define "resources"  }}\n  {{- if or (isset .ObjectMeta.Annotations `sidecar.istio.io/proxyCPU`) (isset .ObjectMeta.Annotations `sidecar.istio.io/proxyMemory`) (isset .ObjectMeta.Annotations `sidecar.istio.io/proxyCPULimit`) (isset .ObjectMeta.Annotations `sidecar.istio.io/proxyMemoryLimit`) }}\n',
    waypoint: 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: {{.ServiceAccount | quote}}\n  namespace: {{.Namespace | quote}}\n',
  }),
);

// ---------------------------------------------------------------------------------------------------------
// The mesh as every proxy receives it (no Sidecar resource: every Service of every namespace)

const HTTP_PORT = /^(?:http|http2|grpc|grpc-web)(?:-|$)/;
const MESH_SERVICES = REGISTRY.map((svc) => {
  const dr = drFor(svc);
  return {
    svc,
    name: svc.metadata.name,
    namespace: svc.metadata.namespace,
    ip: svc.spec.clusterIP,
    // Istio builds no cluster for UDP ports (kube-dns `dns`).
    ports: svc.spec.ports.filter((p) => p.protocol !== 'UDP').map((p) => ({ port: p.port, protocol: HTTP_PORT.test(p.name ?? '') ? 'http' : 'tcp', k8s: p })),
    subsets: dr?.spec.subsets.map((s) => s.name) ?? [],
    subsetLabels: Object.fromEntries((dr?.spec.subsets ?? []).map((s) => [s.name, s.labels])),
    ...(dr ? { destinationRule: dr.metadata.name } : {}),
    dr,
  };
});
const clusterName = (s, port, subset = '') => `outbound|${port.port}|${subset}|${fqdn(s.svc)}`;
/** Every outbound EDS cluster of a sidecar, with its endpoints (subsets: the pods their labels select). */
const OUTBOUND = MESH_SERVICES.flatMap((s) =>
  s.ports.flatMap((port) =>
    ['', ...s.subsets].map((subset) => {
      const eps = endpointsOf(s.svc, port.k8s).filter((e) => !subset || matches(s.subsetLabels[subset], e.pod?.metadata.labels));
      return { service: s, port, subset, name: clusterName(s, port, subset), endpoints: eps };
    }),
  ),
);
const ROUTE_NAMES = [...new Set(MESH_SERVICES.flatMap((s) => s.ports.filter((p) => p.protocol === 'http').map((p) => String(p.port))))].sort();
const TCP_LISTENERS = MESH_SERVICES.flatMap((s) => s.ports.filter((p) => p.protocol === 'tcp').map((p) => ({ s, port: p, name: `${s.ip}_${p.port}` })));

const workloadMeta = (pod) => {
  const l = pod.metadata.labels;
  const owner = pod.metadata.ownerReferences?.[0]?.name.replace(/-[a-z0-9]+$/, '') ?? pod.metadata.name;
  return `${owner};${pod.metadata.namespace};${l['service.istio.io/canonical-name'] ?? l.app ?? owner};${l['service.istio.io/canonical-revision'] ?? l.version ?? 'latest'};Kubernetes`;
};

// The VirtualService `bookinfo/reviews` as istiod turns it into the sidecars' `9080` route table: 80 % to the
// v2 subset, 20 % to v3 (which the DestinationRule does not define: no such cluster, Envoy answers NC), no retries.
const routesFor = (service, port) => {
  const vs = VIRTUAL_SERVICES.find((v) => !v.spec.gateways && v.metadata.namespace === service.namespace && v.spec.hosts.includes(service.name));
  if (!vs || port.port !== 9080) return undefined;
  return vs.spec.http.map((r) => ({
    match: { prefix: '/' },
    route: {
      weighted_clusters: { clusters: r.route.map((d) => ({ name: `outbound|9080|${d.destination.subset ?? ''}|${d.destination.host}.${vs.metadata.namespace}.svc.cluster.local`, weight: d.weight })) },
      timeout: '0s',
      max_grpc_timeout: '0s',
    },
    metadata: { filter_metadata: { istio: { config: `/apis/networking.istio.io/v1/namespaces/${vs.metadata.namespace}/virtual-service/${vs.metadata.name}` } } },
    decorator: { operation: `${service.name}:9080/*` },
  }));
};

const podLabelsForProxy = (pod) => Object.fromEntries(Object.entries(pod.metadata.labels).filter(([k]) => k !== 'pod-template-hash'));
function nodeMetadata(pod) {
  const app = stripInjection(pod.spec.containers).map((c) => c.name);
  const appPorts = stripInjection(pod.spec.containers).flatMap((c) => c.ports ?? []);
  return {
    ANNOTATIONS: { ...pod.metadata.annotations, 'kubernetes.io/config.seen': `${pod.metadata.creationTimestamp.replace('Z', '.000000000Z')}`, 'kubernetes.io/config.source': 'api' },
    APP_CONTAINERS: app.join(','),
    CLUSTER_ID: 'Kubernetes',
    ENVOY_PROMETHEUS_PORT: 15090,
    ENVOY_STATUS_PORT: 15021,
    INSTANCE_IPS: podIP(pod),
    INTERCEPTION_MODE: 'REDIRECT',
    ISTIO_PROXY_SHA: PROXY_SHA,
    ISTIO_VERSION: ISTIO,
    LABELS: podLabelsForProxy(pod),
    MESH_ID: 'cluster.local',
    NAME: pod.metadata.name,
    NAMESPACE: pod.metadata.namespace,
    NODE_NAME: pod.spec.nodeName,
    OWNER: `kubernetes://apis/apps/v1/namespaces/${pod.metadata.namespace}/deployments/${workloadMeta(pod).split(';')[0]}`,
    PILOT_SAN: ['istiod.istio-system.svc'],
    PLATFORM_METADATA: { gcp_gke_cluster_name: CLUSTER, gcp_gke_cluster_url: `https://container.googleapis.com/v1/projects/${PROJECT}/locations/${REGION}/clusters/${CLUSTER}`, gcp_location: REGION, gcp_project: PROJECT, gcp_project_number: '731904275518' },
    POD_PORTS: JSON.stringify(appPorts),
    PROXY_CONFIG: MESH_CONFIG.defaultConfig,
    SERVICE_ACCOUNT: pod.spec.serviceAccountName,
    WORKLOAD_NAME: workloadMeta(pod).split(';')[0],
  };
}

/** model.NodeMetadata as istiod marshals it: struct fields in declaration order, its maps sorted. */
function istiodNodeMetadata(pod) {
  const m = nodeMetadata(pod);
  const order = ['PROXY_CONFIG', 'ISTIO_VERSION', 'LABELS', 'ANNOTATIONS', 'INSTANCE_IPS', 'NAMESPACE', 'NODE_NAME', 'WORKLOAD_NAME', 'OWNER', 'PLATFORM_METADATA', 'INTERCEPTION_MODE', 'SERVICE_ACCOUNT', 'MESH_ID', 'CLUSTER_ID', 'NAME', 'POD_PORTS', 'APP_CONTAINERS', 'ENVOY_STATUS_PORT', 'ENVOY_PROMETHEUS_PORT', 'PILOT_SAN'];
  return Object.fromEntries(order.filter((k) => k in m).map((k) => [k, ['LABELS', 'ANNOTATIONS', 'PLATFORM_METADATA'].includes(k) ? goMap(m[k]) : m[k]]));
}

// adsz: one client per proxy, its current stream (the last reconnect its log shows), what it watches.
const CONNECTIONS = [...PROXIES].sort((a, b) => connectedAt(a) - connectedAt(b));
const connectionId = (id) => `${id}-${2671 + CONNECTIONS.indexOf(id)}`;
const localityOf = (pod) => ({ region: REGION, zone: nodeOf(pod).zone });
write(
  `${ISTIOD_DIR}/debug/adsz`,
  goJson({
    totalClients: PROXIES.length,
    clients: PROXIES.map((id) => {
      const pod = podOfProxy(id);
      return {
        connectionId: connectionId(id),
        connectedAt: new Date(connectedAt(id) + 3).toISOString().replace('Z', `${String(int(`${id} ns`, 100000, 999999))}Z`).replace(/0+Z$/, 'Z'),
        address: `${podIP(pod)}:${int(`${id} peer port`, 32768, 60999)}`,
        labels: goMap({ ...podLabelsForProxy(pod), 'kubernetes.io/hostname': pod.spec.nodeName, 'topology.istio.io/cluster': 'Kubernetes', 'topology.istio.io/network': '', 'topology.kubernetes.io/region': REGION, 'topology.kubernetes.io/zone': nodeOf(pod).zone }),
        metadata: istiodNodeMetadata(pod),
        locality: localityOf(pod),
        watches: {
          'type.googleapis.com/envoy.config.cluster.v3.Cluster': [],
          'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment': OUTBOUND.map((c) => c.name).sort(),
          'type.googleapis.com/envoy.config.listener.v3.Listener': [],
          'type.googleapis.com/envoy.config.route.v3.RouteConfiguration': isGateway(id) ? ['http.8080'] : ROUTE_NAMES,
        },
      };
    }),
  }),
);

// instancesz: the service targets of each connected proxy.
write(
  `${ISTIOD_DIR}/debug/instancesz`,
  goJson(
    Object.fromEntries(
      PROXIES.map((id) => {
        const pod = podOfProxy(id);
        const targets = SERVICES.filter((svc) => podsOf(svc).includes(pod)).flatMap((svc) =>
          svc.spec.ports.map((p) => ({ Service: registryService(svc), Port: { ServicePort: { name: p.name, port: p.port, protocol: PROTOCOL(p.name, p.protocol) }, TargetPort: targetOf(p, pod) } })),
        );
        return [id, targets];
      }),
    ),
  ),
);

// endpointShardz (and the obsolete endpointz, the same handler): endpoints by Service host and namespace.
const istioEndpoint = (svc, port, e) => ({
  Labels: e.pod ? goMap({ ...podLabelsForProxy(e.pod), 'kubernetes.io/hostname': e.pod.spec.nodeName, 'topology.istio.io/cluster': 'Kubernetes', 'topology.istio.io/network': '', 'topology.kubernetes.io/region': REGION, 'topology.kubernetes.io/zone': nodeOf(e.pod).zone }) : null,
  Addresses: [e.ip],
  ServicePortName: port.name,
  ServiceAccount: e.pod ? saOf(e.pod) : '',
  Network: '',
  Locality: { Label: e.pod ? `${REGION}/${nodeOf(e.pod).zone}` : '', ClusterID: 'Kubernetes' },
  EndpointPort: e.port,
  LbWeight: 0,
  TLSMode: e.pod && sidecarOf(e.pod) ? 'istio' : 'disabled',
  Namespace: svc.metadata.namespace,
  WorkloadName: e.pod ? workloadMeta(e.pod).split(';')[0] : '',
  HostName: '',
  SubDomain: '',
  HealthStatus: 1,
  SendUnhealthyEndpoints: false,
  NodeName: e.pod?.spec.nodeName ?? '',
});
const SHARDZ = goJson(
  Object.fromEntries(
    REGISTRY.map((svc) => [
      fqdn(svc),
      {
        [svc.metadata.namespace]: {
          Shards: { 'Kubernetes/Kubernetes': svc.spec.ports.filter((p) => p.protocol !== 'UDP').flatMap((p) => endpointsOf(svc, p).map((e) => istioEndpoint(svc, p, e))) },
          ServiceAccounts: Object.fromEntries([...new Set(podsOf(svc).map(saOf))].sort().map((sa) => [sa, {}])),
        },
      },
    ]),
  ),
);
write(`${ISTIOD_DIR}/debug/endpointShardz`, SHARDZ);
write(`${ISTIOD_DIR}/debug/endpointz`, SHARDZ);
write(
  `${ISTIOD_DIR}/debug/cachez`,
  goJson({
    'type.googleapis.com/envoy.config.cluster.v3.Cluster': OUTBOUND.map((c) => c.name).sort(),
    'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment': OUTBOUND.map((c) => c.name).sort(),
    'type.googleapis.com/envoy.config.route.v3.RouteConfiguration': [...ROUTE_NAMES, 'http.8080'].sort(),
  }),
);

// ---------------------------------------------------------------------------------------------------------
// Access log lines of a proxy (Istio's default TEXT format, 22 fields), to keep its counters consistent with them

const TOKEN = /\[[^\]]*\]|"(?:[^"\\]|\\.)*"|\S+/g;
const unquote = (t) => (t.startsWith('"') ? t.slice(1, -1) : t);
function accessLines(text) {
  return text
    .split('\n')
    .filter((l) => l.startsWith('['))
    .map((l) => {
      const t = l.match(TOKEN).map(unquote);
      return { code: Number(t[2]), flags: t[3], details: t[4], upstreamHost: t[15], cluster: t[16], downstreamLocal: t[18], downstreamRemote: t[19], authority: t[14], duration: Number(t[9]) };
    });
}

// ---------------------------------------------------------------------------------------------------------
// proxies/bookinfo/<pod>/

const DAY = 86400000;
// When istiod signed each sidecar's current certificate (Istio's CA: notBefore 2 minutes earlier, 24 h): before
// its log's first line (no `generated new workload certificate` in it), less than 12 h before the collection.
const ISSUED = {
  'details-v1': '2025-04-22T04:51:37Z',
  'productpage-v1': '2025-04-22T07:22:09Z',
  'reviews-v1': '2025-04-22T03:47:55Z',
  'reviews-v2': '2025-04-22T06:05:12Z',
  'reviews-v3': '2025-04-22T02:58:41Z',
};
const ADMIN_NOW = COLLECTED + 1700; // when bug-report read the proxies' admin endpoints

function proxyFiles(pod) {
  const ns = pod.metadata.namespace;
  const name = pod.metadata.name;
  const id = `${name}.${ns}`;
  const dir = `proxies/${ns}/${name}`;
  const { app, version } = pod.metadata.labels;
  const start = STARTED(pod);
  const node = nodeOf(pod);
  const log = readFileSync(join(FROM, `logs/${ns}/${name}/istio-proxy.log`), 'utf8');
  const lines = accessLines(log);
  const cdsAt = proxyStatus.get(id).cds;
  const cdsVer = cdsVersion(id);
  const updated = (t, label) => new Date(t + int(`${id} ${label} ms`, 3, 40)).toISOString();
  write(`${dir}/istio-proxy.log`, log);

  // --- config_dump?include_eds: the generator's Istio 1.24 sidecar, fitted to this pod and mesh.
  const services = MESH_SERVICES.map((s) => ({ name: s.name, namespace: s.namespace, ip: s.ip, ports: s.ports.map((p) => ({ port: p.port, protocol: p.protocol })), subsets: s.subsets, ...(s.destinationRule ? { destinationRule: s.destinationRule } : {}) }));
  const proxy = { pod: name, namespace: ns, ip: podIP(pod), app, version, istioVersion: ISTIO };
  const dump = JSON.parse(sidecarConfigDump(proxy, services, { inboundPorts: [9080], routesFor }));
  const section = (type) => dump.configs.find((c) => c['@type'] === `type.googleapis.com/envoy.admin.v3.${type}`);
  const bootstrap = section('BootstrapConfigDump');
  bootstrap.bootstrap.node.metadata = nodeMetadata(pod);
  bootstrap.bootstrap.node.locality = localityOf(pod);
  bootstrap.bootstrap.node.user_agent_build_version.version = { major_number: 1, minor_number: 32, patch: 3 };
  bootstrap.last_updated = new Date(start + 1210).toISOString();

  const clusters = section('ClustersConfigDump');
  clusters.version_info = cdsVer;
  for (const c of clusters.static_clusters) c.last_updated = new Date(start + 1214).toISOString();
  for (const entry of clusters.dynamic_active_clusters) {
    entry.version_info = cdsVer;
    entry.last_updated = updated(cdsAt, 'cds');
    const c = entry.cluster;
    const outbound = OUTBOUND.find((o) => o.name === c.name);
    if (!outbound) continue;
    c.alt_stat_name = `${c.name};`;
    // The SANs auto-mTLS expects: the service accounts of the Service's pods (none for the API server).
    const sans = [...new Set(outbound.service.svc.spec.selector ? podsOf(outbound.service.svc).map(saOf) : [])].sort();
    const tls = c.transport_socket_matches[0].transport_socket.typed_config.common_tls_context.combined_validation_context;
    if (sans.length > 0) tls.default_validation_context = { match_subject_alt_names: sans.map((exact) => ({ exact })) };
    else tls.default_validation_context = {};
    const od = outbound.service.dr?.spec.trafficPolicy?.outlierDetection;
    if (od) {
      // DestinationRule outlierDetection as Istio converts it (applyOutlierDetection): success-rate ejection off,
      // the panic threshold disabled (minHealthPercent 0).
      c.outlier_detection = { consecutive_5xx: od.consecutive5xxErrors, interval: od.interval, base_ejection_time: `${Number(od.baseEjectionTime.replace('m', '')) * 60}s`, max_ejection_percent: od.maxEjectionPercent, enforcing_consecutive_5xx: 100, enforcing_success_rate: 0 };
      c.common_lb_config = { healthy_panic_threshold: {}, locality_weighted_lb_config: {} };
    }
  }
  // EDS: per Service port and subset, the endpoints grouped by zone, as istiod sends them.
  section('EndpointsConfigDump').dynamic_endpoint_configs = OUTBOUND.map((o) => {
    const zones = [...new Set(o.endpoints.map((e) => (e.pod ? nodeOf(e.pod).zone : '')))].sort();
    return {
      version_info: o.service.name === 'reviews' ? EDS_VERSION : cdsVer,
      endpoint_config: {
        '@type': 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment',
        cluster_name: o.name,
        endpoints: zones.map((zone) => {
          const here = o.endpoints.filter((e) => (e.pod ? nodeOf(e.pod).zone : '') === zone);
          return {
            ...(zone ? { locality: { region: REGION, zone } } : { locality: {} }),
            lb_endpoints: here.map((e) => ({
              endpoint: { address: { socket_address: { address: e.ip, port_value: e.port } }, health_check_config: {} },
              health_status: 'HEALTHY',
              metadata: { filter_metadata: { ...(e.pod && sidecarOf(e.pod) ? { 'envoy.transport_socket_match': { tlsMode: 'istio' } } : {}), istio: { workload: e.pod ? workloadMeta(e.pod) : ';;;;Kubernetes' } } },
              load_balancing_weight: 1,
            })),
            load_balancing_weight: here.length,
          };
        }),
        policy: { overprovisioning_factor: 140 },
      },
      // The last EDS push (istiod's log: `EDS: PUSH INC` at 14:08:14, cached 32/33) changed only reviews.
      ...(o.service.name === 'reviews' ? { last_updated: new Date(ms('2025-04-22T14:08:14.204Z') + int(`${id} eds ms`, 1, 9)).toISOString() } : { last_updated: updated(cdsAt, 'eds') }),
    };
  });
  const listeners = section('ListenersConfigDump');
  listeners.version_info = cdsVer;
  const tcpListener = (l) => ({
    name: l.name,
    active_state: {
      version_info: cdsVer,
      listener: {
        '@type': 'type.googleapis.com/envoy.config.listener.v3.Listener',
        name: l.name,
        address: { socket_address: { address: l.s.ip, port_value: l.port.port } },
        filter_chains: [{ filters: [{ name: 'envoy.filters.network.tcp_proxy', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy', stat_prefix: clusterName(l.s, l.port), cluster: clusterName(l.s, l.port), access_log: [{ name: 'envoy.access_loggers.file', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.access_loggers.file.v3.FileAccessLog', path: '/dev/stdout' } }] } }] }],
        traffic_direction: 'OUTBOUND',
        bind_to_port: false,
      },
      last_updated: updated(cdsAt, 'lds'),
    },
  });
  listeners.static_listeners = [15090, 15021].map((port) => ({ listener: { '@type': 'type.googleapis.com/envoy.config.listener.v3.Listener', address: { socket_address: { address: '0.0.0.0', port_value: port } } }, last_updated: new Date(start + 1218).toISOString() }));
  listeners.dynamic_listeners = [...TCP_LISTENERS.map(tcpListener), ...listeners.dynamic_listeners];
  for (const l of listeners.dynamic_listeners) {
    l.active_state.version_info = cdsVer;
    l.active_state.last_updated = updated(cdsAt, 'lds');
  }
  for (const r of section('RoutesConfigDump').dynamic_route_configs) {
    r.version_info = cdsVer;
    r.last_updated = updated(cdsAt, 'rds');
  }
  // No SDS secret in the dump (see the header): an empty SecretsConfigDump, as Envoy prints one without secrets.
  dump.configs[dump.configs.findIndex((c) => c['@type'] === 'type.googleapis.com/envoy.admin.v3.SecretsConfigDump')] = { '@type': 'type.googleapis.com/envoy.admin.v3.SecretsConfigDump' };
  write(`${dir}/config_dump?include_eds`, envoyJson(dump));

  // --- certs: the workload certificate and the mesh root, as Envoy's /certs reports each TLS context.
  const issued = ms(ISSUED[workloadMeta(pod).split(';')[0]]);
  const leaf = {
    path: '<inline>',
    serial_number: `${'123456789abcdef'[int(`${id} serial lead`, 0, 14)]}${hex(`${id} workload serial`, 31)}`,
    subject_alt_names: [{ uri: saOf(pod) }],
    days_until_expiration: String(Math.floor((issued + DAY - ADMIN_NOW) / DAY)),
    valid_from: seconds(issued - 120000),
    expiration_time: seconds(issued + DAY),
  };
  const root = {
    path: '<inline>',
    serial_number: ROOT_SERIAL,
    subject_alt_names: [],
    days_until_expiration: String(Math.floor((ms(ROOT.validTo) - ADMIN_NOW) / DAY)),
    valid_from: seconds(ms(ROOT.validFrom)),
    expiration_time: seconds(ms(ROOT.validTo)),
  };
  write(`${dir}/certs`, envoyJson({ certificates: [{ ca_cert: [root], cert_chain: [leaf] }, { ca_cert: [root], cert_chain: [leaf] }] }));

  // --- clusters: /clusters text, per-host counters consistent with the access log.
  const uptime = Math.floor((ADMIN_NOW - start) / 1000);
  const base = (label, lo, hi) => int(`${id} ${label}`, lo, hi);
  const ejected = (o) => app === 'productpage' && o.name === 'outbound|9080|v2|reviews.bookinfo.svc.cluster.local';
  const clusterText = [];
  const breakers = (name, dflt) => {
    for (const [k, v] of Object.entries({ max_connections: dflt, max_pending_requests: dflt, max_requests: dflt, max_retries: dflt })) clusterText.push(`${name}::default_priority::${k}::${v}`);
    for (const [k, v] of Object.entries({ max_connections: 1024, max_pending_requests: 1024, max_requests: 1024, max_retries: 3 })) clusterText.push(`${name}::high_priority::${k}::${v}`);
  };
  const hostLines = (name, host, c, extra = {}) => {
    const stats = { cx_active: c.active ?? 0, cx_connect_fail: c.connectFail ?? 0, cx_total: c.cx ?? 0, rq_active: 0, rq_error: c.error ?? 0, rq_success: c.success ?? 0, rq_timeout: 0, rq_total: (c.success ?? 0) + (c.error ?? 0) };
    for (const [k, v] of Object.entries(stats)) clusterText.push(`${name}::${host}::${k}::${v}`);
    const lines = { hostname: '', health_flags: extra.health ?? 'healthy', weight: 1, region: extra.region ?? '', zone: extra.zone ?? '', sub_zone: '', canary: 'false', priority: 0, success_rate: -1, local_origin_success_rate: -1 };
    for (const [k, v] of Object.entries(lines)) clusterText.push(`${name}::${host}::${k}::${v}`);
  };
  const staticHosts = { agent: '127.0.0.1:15020', prometheus_stats: '127.0.0.1:15000', 'sds-grpc': './var/run/secrets/workload-spiffe-uds/socket', 'xds-grpc': './etc/istio/proxy/XDS' };
  const reconnects = Math.floor(uptime / 1800);
  for (const [name, host] of Object.entries(staticHosts)) {
    clusterText.push(`${name}::observability_name::${name}`);
    breakers(name, name === 'xds-grpc' || name === 'sds-grpc' ? 100000 : 1024);
    clusterText.push(`${name}::added_via_api::false`);
    const conns = name === 'xds-grpc' ? reconnects + 1 : name === 'sds-grpc' ? 1 : name === 'agent' ? Math.floor(uptime / 15) : Math.floor(uptime / 15);
    hostLines(name, host, { active: name === 'agent' || name === 'prometheus_stats' ? 0 : 1, cx: conns, success: name === 'xds-grpc' ? reconnects : name === 'sds-grpc' ? 0 : conns });
  }
  for (const name of ['BlackHoleCluster', 'InboundPassthroughCluster', 'PassthroughCluster']) {
    clusterText.push(`${name}::observability_name::${name}`);
    breakers(name, name === 'BlackHoleCluster' ? 1024 : 4294967295);
    clusterText.push(`${name}::added_via_api::true`);
  }
  const inbound = lines.filter((l) => l.cluster.startsWith('inbound|'));
  clusterText.push('inbound|9080||::observability_name::inbound|9080||');
  breakers('inbound|9080||', 4294967295);
  clusterText.push('inbound|9080||::added_via_api::true');
  if (inbound.length > 0 || app !== 'reviews' || version === 'v2') {
    const ok = inbound.filter((l) => l.upstreamHost !== '-');
    hostLines('inbound|9080||', `${podIP(pod)}:9080`, { active: 1, cx: base('inbound cx', 180, 420), success: base('inbound ok', 28000, 31000) + ok.filter((l) => l.code < 500).length, error: ok.filter((l) => l.code >= 500).length });
  }
  for (const o of OUTBOUND) {
    clusterText.push(`${o.name}::observability_name::${o.name};`);
    if (o.service.dr?.spec.trafficPolicy?.outlierDetection) {
      for (const k of ['success_rate_average', 'success_rate_ejection_threshold', 'local_origin_success_rate_average', 'local_origin_success_rate_ejection_threshold']) clusterText.push(`${o.name}::outlier::${k}::-1`);
    }
    breakers(o.name, 4294967295);
    clusterText.push(`${o.name}::added_via_api::true`);
    clusterText.push(`${o.name}::eds_service_name::${o.name}`);
    const used = lines.filter((l) => l.cluster === o.name && l.upstreamHost !== '-');
    for (const e of o.endpoints) {
      const host = `${e.ip}:${e.port}`;
      const mine = used.filter((l) => l.upstreamHost === host);
      const connectFail = mine.filter((l) => l.flags.includes('UF')).length * 3;
      const historic = o.subset === '' && o.service.namespace === 'bookinfo' && ['details', 'reviews', 'ratings'].includes(o.service.name) && (app === 'productpage' || (app === 'reviews' && version !== 'v1' && o.service.name === 'ratings'));
      const success = (historic ? base(`${o.name} ${host} ok`, 9000, 30000) : 0) + mine.filter((l) => l.code < 500).length;
      const error = mine.filter((l) => l.code >= 500 && !l.flags.includes('UF')).length;
      hostLines(o.name, host, { active: mine.length > 0 && connectFail === 0 ? 1 : 0, cx: (historic ? base(`${o.name} ${host} cx`, 40, 160) : 0) + (mine.length > 0 ? 1 : 0), connectFail, success, error }, { region: e.pod ? REGION : '', zone: e.pod ? nodeOf(e.pod).zone : '', health: ejected(o) ? '/failed_outlier_check' : 'healthy' });
    }
  }
  write(`${dir}/clusters`, `${clusterText.join('\n')}\n`);

  // --- listeners: /listeners text, `<name>::<address>` (the static 15090/15021 ones first, as Envoy lists them).
  const listenerText = [
    '0.0.0.0_15090::0.0.0.0:15090',
    '0.0.0.0_15021::0.0.0.0:15021',
    ...listeners.dynamic_listeners.map((l) => {
      const sa = l.active_state.listener.address.socket_address;
      return `${l.name}::${sa.address}:${sa.port_value}`;
    }),
  ];
  write(`${dir}/listeners`, `${listenerText.join('\n')}\n`);

  // --- memory, server_info, runtime
  const allocated = base('allocated', 11200000, 14600000);
  const heap = 20971520 + base('heap pages', 0, 6) * 1048576;
  const physical = heap + base('physical pages', 780, 1420) * 4096;
  write(`${dir}/memory`, envoyJson({ allocated: String(allocated), heap_size: String(heap), pageheap_unmapped: String(base('unmapped', 0, 4) * 1048576), pageheap_free: String(base('free pages', 70, 300) * 8192), total_thread_cache: String(base('thread cache', 1900000, 3900000)), total_physical_bytes: String(physical) }));
  const envoyNode = { ...bootstrap.bootstrap.node, user_agent_name: 'envoy' };
  write(
    `${dir}/server_info`,
    envoyJson({
      version: `${PROXY_SHA}/${ENVOY}-dev/Clean/RELEASE/BoringSSL`,
      state: 'LIVE',
      uptime_current_epoch: `${uptime}s`,
      uptime_all_epochs: `${uptime}s`,
      hot_restart_version: 'disabled',
      command_line_options: {
        base_id: '0',
        concurrency: 2,
        config_path: 'etc/istio/proxy/envoy-rev.json',
        config_yaml: '',
        allow_unknown_static_fields: true,
        reject_unknown_dynamic_fields: false,
        admin_address_path: '',
        local_address_ip_version: 'v4',
        log_level: 'warning',
        component_log_level: 'misc:error',
        log_format: '[%Y-%m-%d %T.%e][%t][%l][%n] [%g:%#] %v',
        log_format_escaped: false,
        log_path: '',
        service_cluster: '',
        service_node: '',
        service_zone: '',
        mode: 'Serve',
        disable_hot_restart: true,
        enable_mutex_tracing: false,
        restart_epoch: 0,
        file_flush_interval: '1s',
        drain_time: '45s',
        parent_shutdown_time: '60s',
        cpuset_threads: false,
        disabled_extensions: [],
        ignore_unknown_dynamic_fields: false,
        use_dynamic_base_id: false,
        base_id_path: '',
        drain_strategy: 'Immediate',
        enable_fine_grain_logging: false,
        socket_path: '@envoy_domain_socket',
        socket_mode: 0,
        enable_core_dump: false,
        stats_tag: [],
        skip_hot_restart_on_no_parent: false,
        skip_hot_restart_parent_stats: false,
      },
      node: envoyNode,
    }),
  );
  // Istio's bootstrap runtime layers (envoy_bootstrap.json): a static "global config" layer and the admin layer.
  const runtime = {
    'envoy.deprecated_features:envoy.config.listener.v3.Listener.hidden_envoy_deprecated_use_original_dst': 'true',
    'envoy.reloadable_features.http_reject_path_with_fragment': 'false',
    'overload.global_downstream_max_connections': '2147483647',
    're2.max_program_size.error_level': '32768',
  };
  write(`${dir}/runtime`, envoyJson({ layers: ['global config', 'admin'], entries: Object.fromEntries(Object.entries(runtime).map(([k, v]) => [k, { layer_values: [v, ''], final_value: v }])) }));

  // --- stats/prometheus: Envoy's admin /stats/prometheus (counters, then gauges, then histograms, each by name).
  const counters = [];
  const gauges = [];
  const c = (name, value, labels = '') => counters.push([name, labels, value]);
  const g = (name, value, labels = '') => gauges.push([name, labels, value]);
  const cdsUpdates = reconnects + base('cds pushes', 60, 140);
  const ldsUpdates = reconnects + base('lds pushes', 40, 90);
  const xds = 'cluster_name="xds-grpc"';
  c('envoy_cluster_assignment_stale', 0, xds);
  c('envoy_cluster_bind_errors', 0, xds);
  c('envoy_cluster_manager_cds_init_fetch_timeout', 0);
  c('envoy_cluster_manager_cds_update_attempt', cdsUpdates + reconnects + 1);
  c('envoy_cluster_manager_cds_update_failure', reconnects);
  c('envoy_cluster_manager_cds_update_rejected', 0);
  c('envoy_cluster_manager_cds_update_success', cdsUpdates);
  c('envoy_cluster_manager_cluster_added', 8 + OUTBOUND.length);
  c('envoy_cluster_manager_cluster_modified', base('cluster modified', 20, 60));
  c('envoy_cluster_manager_cluster_removed', 0);
  c('envoy_cluster_manager_cluster_updated', base('cluster updated', 20, 60));
  c('envoy_cluster_manager_update_out_of_merge_window', 0);
  c('envoy_cluster_upstream_cx_connect_fail', 0, xds);
  c('envoy_cluster_upstream_cx_destroy_remote', reconnects, xds);
  c('envoy_cluster_upstream_cx_total', reconnects + 1, xds);
  c('envoy_cluster_upstream_rq_total', reconnects + 1, xds);
  c('envoy_cluster_upstream_rq_timeout', 0, xds);
  c('envoy_listener_manager_lds_init_fetch_timeout', 0);
  c('envoy_listener_manager_lds_update_attempt', ldsUpdates + reconnects + 1);
  c('envoy_listener_manager_lds_update_failure', reconnects);
  c('envoy_listener_manager_lds_update_rejected', 0);
  c('envoy_listener_manager_lds_update_success', ldsUpdates);
  c('envoy_listener_manager_listener_added', 4 + TCP_LISTENERS.length + ROUTE_NAMES.length);
  c('envoy_listener_manager_listener_create_failure', 0);
  c('envoy_listener_manager_listener_create_success', 2 * (2 + TCP_LISTENERS.length + ROUTE_NAMES.length));
  c('envoy_listener_manager_listener_modified', base('listener modified', 2, 12));
  c('envoy_listener_manager_listener_removed', 0);
  c('envoy_server_debug_assertion_failures', 0);
  c('envoy_server_dynamic_unknown_fields', 0);
  c('envoy_server_envoy_bug_failures', 0);
  c('envoy_server_main_thread_watchdog_mega_miss', 0);
  c('envoy_server_main_thread_watchdog_miss', 0);
  c('envoy_server_static_unknown_fields', 0);
  c('envoy_server_worker_0_watchdog_mega_miss', 0);
  c('envoy_server_worker_0_watchdog_miss', 0);
  c('envoy_server_worker_1_watchdog_mega_miss', 0);
  c('envoy_server_worker_1_watchdog_miss', 0);
  // Istio's standard metrics for what this proxy saw (reporter source: outbound; destination: inbound).
  const requests = new Map();
  const workload = (p) => ({ workload: workloadMeta(p).split(';')[0], ns: p.metadata.namespace, principal: saOf(p), app: p.metadata.labels.app, version: p.metadata.labels.version ?? 'unknown', canonical: p.metadata.labels['service.istio.io/canonical-name'] ?? p.metadata.labels.app, revision: p.metadata.labels['service.istio.io/canonical-revision'] ?? p.metadata.labels.version ?? 'latest' });
  const unknown = { workload: 'unknown', ns: 'unknown', principal: 'unknown', app: 'unknown', version: 'unknown', canonical: 'unknown', revision: 'unknown' };
  const podAt = (address) => ALL_PODS.find((p) => podIP(p) === address.split(':')[0]);
  const count = (reporter, src, dst, service, code, flags, mtls, n) => {
    const labels = [
      ['reporter', reporter],
      ['source_workload', src.workload],
      ['source_canonical_service', src.canonical],
      ['source_canonical_revision', src.revision],
      ['source_workload_namespace', src.ns],
      ['source_principal', src.principal],
      ['source_app', src.app],
      ['source_version', src.version],
      ['source_cluster', src === unknown ? 'unknown' : 'Kubernetes'],
      ['destination_workload', dst.workload],
      ['destination_workload_namespace', dst.ns],
      ['destination_principal', dst.principal],
      ['destination_app', dst.app],
      ['destination_version', dst.version],
      ['destination_service', service ? `${service}.bookinfo.svc.cluster.local` : 'unknown'],
      ['destination_canonical_service', dst.canonical],
      ['destination_canonical_revision', dst.revision],
      ['destination_service_name', service ?? 'unknown'],
      ['destination_service_namespace', service ? 'bookinfo' : 'unknown'],
      ['destination_cluster', dst === unknown ? 'unknown' : 'Kubernetes'],
      ['request_protocol', 'http'],
      ['response_code', String(code)],
      ['grpc_response_status', ''],
      ['response_flags', flags],
      ['connection_security_policy', reporter === 'destination' ? mtls : 'unknown'],
    ]
      .map(([k, v]) => `${k}="${v}"`)
      .join(',');
    requests.set(labels, (requests.get(labels) ?? 0) + n);
  };
  const me = workload(pod);
  for (const l of lines) {
    const service = l.authority.split(':')[0] === 'bookinfo.example.com' ? 'productpage' : l.authority.split(':')[0];
    if (l.cluster.startsWith('inbound|')) {
      const peer = podAt(l.downstreamRemote);
      count('destination', peer ? workload(peer) : unknown, me, service, l.code, l.flags, 'mutual_tls', 1);
    } else {
      const peer = l.upstreamHost !== '-' ? podAt(l.upstreamHost) : undefined;
      count('source', me, peer ? workload(peer) : unknown, l.upstreamHost === '-' && l.flags === 'NC' ? undefined : service, l.code, l.flags, '', 1);
    }
  }
  // Before 14:00 (Bookinfo healthy): 200s on the same paths since the pod started.
  const historic = { productpage: [['destination', GATEWAY, 'productpage'], ['source', bookinfoPods.find((p) => p.metadata.labels.app === 'details'), 'details']], details: [['destination', 'productpage', 'details']], reviews: version === 'v1' ? [['destination', 'productpage', 'reviews']] : [['destination', 'productpage', 'reviews'], ['source', bookinfoPods.find((p) => p.metadata.labels.app === 'ratings'), 'ratings']] }[app] ?? [];
  for (const [reporter, peer, svc] of historic) {
    const other = typeof peer === 'string' ? workload(bookinfoPods.find((p) => p.metadata.labels.app === peer)) : workload(peer);
    count(reporter, reporter === 'destination' ? other : me, reporter === 'destination' ? me : other, svc, 200, '-', 'mutual_tls', base(`${reporter} ${svc} historic`, 9000, 30000));
  }
  for (const [labels, n] of [...requests].sort(([a], [b]) => (a < b ? -1 : 1))) c('istio_requests_total', n, labels);
  g('envoy_cluster_manager_active_clusters', 8 + OUTBOUND.length);
  g('envoy_cluster_manager_warming_clusters', 0);
  g('envoy_cluster_membership_healthy', 1, xds);
  g('envoy_cluster_membership_total', 1, xds);
  g('envoy_cluster_upstream_cx_active', 1, xds);
  g('envoy_cluster_upstream_rq_active', 1, xds);
  g('envoy_control_plane_connected_state', 1);
  g('envoy_listener_manager_total_filter_chains_draining', 0);
  g('envoy_listener_manager_total_listeners_active', 4 + TCP_LISTENERS.length + ROUTE_NAMES.length);
  g('envoy_listener_manager_total_listeners_draining', 0);
  g('envoy_listener_manager_total_listeners_warming', 0);
  g('envoy_listener_manager_workers_started', 1);
  g('envoy_server_concurrency', 2);
  g('envoy_server_days_until_first_cert_expiring', Number(leaf.days_until_expiration));
  g('envoy_server_hot_restart_epoch', 0);
  g('envoy_server_live', 1);
  g('envoy_server_memory_allocated', allocated);
  g('envoy_server_memory_heap_size', heap);
  g('envoy_server_memory_physical_size', physical);
  g('envoy_server_parent_connections', 0);
  g('envoy_server_seconds_until_first_ocsp_response_expiring', 0);
  g('envoy_server_state', 0);
  g('envoy_server_stats_recent_lookups', base('recent lookups', 3000, 9000));
  g('envoy_server_total_connections', 2 + (inbound.length > 0 ? 1 : 0));
  g('envoy_server_uptime', uptime);
  g('envoy_server_version', parseInt(PROXY_SHA.slice(0, 6), 16));
  g('istio_build', 1, `component="proxy",tag="${ISTIO}"`);
  const family = (rows, type) => {
    const out = [];
    for (const name of [...new Set(rows.map((r) => r[0]))].sort()) {
      out.push(`# TYPE ${name} ${type}`);
      for (const [, labels, value] of rows.filter((r) => r[0] === name)) out.push(`${name}{${labels}} ${value}`);
    }
    return out;
  };
  const initMs = base('init ms', 420, 980);
  const buckets = [0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000];
  const histogram = ['# TYPE envoy_server_initialization_time_ms histogram', ...buckets.map((le) => `envoy_server_initialization_time_ms_bucket{le="${le}"} ${le >= initMs ? 1 : 0}`), 'envoy_server_initialization_time_ms_bucket{le="+Inf"} 1', `envoy_server_initialization_time_ms_sum{} ${initMs}`, 'envoy_server_initialization_time_ms_count{} 1'];
  write(`${dir}/stats/prometheus`, `${[...family(counters, 'counter'), ...family(gauges, 'gauge'), ...histogram].join('\n')}\n`);

  // --- netstat -natpw in istio-proxy (net-tools: Envoy's and pilot-agent's sockets; the app's are shown without a program).
  const row = (proto, local, remote, state, prog) => `${proto.padEnd(4)}  ${'0'.padStart(6)} ${'0'.padStart(6)} ${local.padEnd(Math.max(23, local.length))} ${remote.padEnd(Math.max(23, remote.length))} ${state.padEnd(11)} ${prog.padEnd(20)}`;
  const appPort = pod.spec.containers.flatMap((c) => c.ports ?? []).find((p) => p.containerPort === 9080) ? 9080 : undefined;
  const netstat = [
    'Active Internet connections (servers and established)',
    'Proto Recv-Q Send-Q Local Address           Foreign Address         State       PID/Program name    ',
    row('tcp', '127.0.0.1:15000', '0.0.0.0:*', 'LISTEN', '16/envoy'),
    row('tcp', '0.0.0.0:15001', '0.0.0.0:*', 'LISTEN', '16/envoy'),
    row('tcp', '0.0.0.0:15001', '0.0.0.0:*', 'LISTEN', '16/envoy'),
    row('tcp', '127.0.0.1:15004', '0.0.0.0:*', 'LISTEN', '1/pilot-agent'),
    row('tcp', '0.0.0.0:15006', '0.0.0.0:*', 'LISTEN', '16/envoy'),
    row('tcp', '0.0.0.0:15006', '0.0.0.0:*', 'LISTEN', '16/envoy'),
    row('tcp', '0.0.0.0:15021', '0.0.0.0:*', 'LISTEN', '16/envoy'),
    row('tcp', '0.0.0.0:15021', '0.0.0.0:*', 'LISTEN', '16/envoy'),
    row('tcp', '0.0.0.0:15090', '0.0.0.0:*', 'LISTEN', '16/envoy'),
    row('tcp', '0.0.0.0:15090', '0.0.0.0:*', 'LISTEN', '16/envoy'),
    ...(appPort && app !== 'reviews' ? [row('tcp', `0.0.0.0:${appPort}`, '0.0.0.0:*', 'LISTEN', '-')] : []),
    row('tcp', `${podIP(pod)}:${int(`${id} xds port`, 32768, 60999)}`, '10.96.148.22:15012', 'ESTABLISHED', '1/pilot-agent'),
    ...(app === 'productpage'
      ? [row('tcp', `${podIP(pod)}:${int(`${id} details port`, 32768, 60999)}`, '10.244.2.14:9080', 'ESTABLISHED', '16/envoy')]
      : app === 'reviews' && version === 'v2'
        ? [row('tcp', `${podIP(pod)}:${int(`${id} ratings port`, 32768, 60999)}`, '10.244.2.18:9080', 'TIME_WAIT', '-')]
        : []),
    row('tcp6', ':::15020', ':::*', 'LISTEN', '1/pilot-agent'),
    ...(appPort && app === 'reviews' ? [row('tcp6', `:::${appPort}`, ':::*', 'LISTEN', '-')] : []),
  ];
  write(`${dir}/netstat`, `${netstat.join('\n')}\n`);
}

for (const pod of SIDECARS) proxyFiles(pod);

// ---------------------------------------------------------------------------------------------------------
// istiod metrics (Prometheus text of :15014/metrics, with the exporter's # HELP and # TYPE lines)

{
  const podStart = ms(ISTIOD.status.containerStatuses[0].state.running.startedAt);
  const up = (COLLECTED - podStart) / 1000;
  const pushes = 96 + 2600; // push versions since istiod started (its log is at /96 of the current window)
  const out = [];
  const metric = (name, type, help, samples) => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) out.push(`${name}${labels ? `{${labels}}` : ''} ${value}`);
  };
  const histogram = (name, help, bounds, count, sum, shape, labels = '') => {
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} histogram`);
    const l = labels ? `${labels},` : '';
    bounds.forEach((le, i) => out.push(`${name}_bucket{${l}le="${le}"} ${Math.round(count * shape[i])}`));
    out.push(`${name}_bucket{${l}le="+Inf"} ${count}`, `${name}_sum${labels ? `{${labels}}` : ''} ${sum}`, `${name}_count${labels ? `{${labels}}` : ''} ${count}`);
  };
  metric('citadel_server_csr_count', 'counter', 'The number of CSRs received by Citadel server.', [['', 1231]]);
  metric('citadel_server_root_cert_expiry_timestamp', 'gauge', 'The unix timestamp, in seconds, when Citadel root cert will expire. A negative time indicates the cert is expired.', [['', (ms(ROOT.validTo) / 1000).toExponential().replace('e+', 'e+0').replace(/e\+0(\d\d)/, 'e+$1')]]);
  metric('citadel_server_success_cert_issuance_count', 'counter', 'The number of certificates issuances that have succeeded.', [['', 1231]]);
  metric('galley_validation_passed', 'counter', 'Resource is valid.', [
    ['group="networking.istio.io",resource="destinationrules",version="v1"', 11],
    ['group="networking.istio.io",resource="gateways",version="v1"', 1],
    ['group="networking.istio.io",resource="virtualservices",version="v1"', 8],
    ['group="security.istio.io",resource="authorizationpolicies",version="v1"', 1],
  ]);
  metric('go_goroutines', 'gauge', 'Number of goroutines that currently exist.', [['', 1287]]);
  metric('go_memstats_alloc_bytes', 'gauge', 'Number of bytes allocated and still in use.', [['', 298430112]]);
  metric('go_memstats_heap_inuse_bytes', 'gauge', 'Number of heap bytes that are in use.', [['', 331137024]]);
  metric('istio_build', 'gauge', 'Istio component build info', [[`component="pilot",tag="${ISTIO}"`, 1]]);
  metric('pilot_conflict_inbound_listener', 'gauge', 'Number of conflicting inbound listeners.', [['', 0]]);
  metric('pilot_conflict_outbound_listener_tcp_over_current_tcp', 'gauge', 'Number of conflicting tcp listeners with current tcp listener.', [['', 0]]);
  histogram('pilot_debounce_time', 'Delay in seconds between the first config enters debouncing and the merged push request is pushed into the push queue.', [0.01, 0.1, 1, 3, 5, 10, 20, 30], pushes, (pushes * 0.1347).toFixed(6), [0, 0.97, 1, 1, 1, 1, 1, 1]);
  metric('pilot_destrule_subsets', 'gauge', 'Duplicate subsets across destination rules for same host', [['', 0]]);
  metric('pilot_duplicate_envoy_clusters', 'gauge', 'Duplicate envoy clusters caused by service entries with same hostname', [['', 0]]);
  metric('pilot_eds_no_instances', 'gauge', 'Number of clusters without instances.', [['', 0]]);
  metric('pilot_endpoint_not_ready', 'gauge', 'Endpoint found in unready state.', [['', 0]]);
  metric('pilot_inbound_updates', 'counter', 'Total number of updates received by pilot.', [['type="config"', 63], ['type="eds"', 2712], ['type="svc"', 14]]);
  metric('pilot_k8s_cfg_events', 'counter', 'Events from k8s config.', [['event="add",type="AuthorizationPolicy"', 1], ['event="add",type="DestinationRule"', 4], ['event="add",type="Gateway"', 1], ['event="add",type="VirtualService"', 2], ['event="update",type="DestinationRule"', 2], ['event="update",type="VirtualService"', 3]]);
  metric('pilot_k8s_reg_events', 'counter', 'Events from k8s registry.', [['event="add",type="EndpointSlice"', 10], ['event="add",type="Nodes"', 3], ['event="add",type="Pods"', 12], ['event="add",type="Services"', 10], ['event="delete",type="Pods"', 1], ['event="update",type="EndpointSlice"', 2687], ['event="update",type="Nodes"', 8041], ['event="update",type="Pods"', 54], ['event="update",type="Services"', 3]]);
  metric('pilot_no_ip', 'gauge', 'Pods not found in the endpoint table, possibly invalid.', [['', 0]]);
  histogram('pilot_proxy_convergence_time', 'Delay in seconds between config change and a proxy receiving all required configuration.', [0.1, 0.5, 1, 3, 5, 10, 20, 30], pushes * 6, (pushes * 6 * 0.0081).toFixed(6), [0.995, 1, 1, 1, 1, 1, 1, 1]);
  histogram('pilot_proxy_queue_time', 'Time in seconds, a proxy is in the push queue before being dequeued.', [0.1, 0.5, 1, 3, 5, 10, 20, 30], pushes * 6, (pushes * 6 * 0.0004).toFixed(6), [1, 1, 1, 1, 1, 1, 1, 1]);
  metric('pilot_push_triggers', 'counter', 'Total number of times a push was triggered, labeled by reason for the push.', [['type="config"', 61], ['type="endpoint"', 2605], ['type="proxy"', 3], ['type="service"', 14]]);
  histogram('pilot_pushcontext_init_seconds', 'Total time in seconds Pilot takes to init pushContext.', [0.01, 0.1, 0.5, 1, 3, 5], 78, (78 * 0.0032).toFixed(6), [0.99, 1, 1, 1, 1, 1]);
  metric('pilot_services', 'gauge', 'Total services known to pilot.', [['', SERVICES.length]]);
  metric('pilot_virt_services', 'gauge', 'Total virtual services known to pilot.', [['', VIRTUAL_SERVICES.length]]);
  metric('pilot_vservice_dup_domain', 'gauge', 'Virtual services with dup domains.', [['', 0]]);
  metric('pilot_xds', 'gauge', 'Number of endpoints connected to this pilot using XDS.', [[`version="${ISTIO}"`, PROXIES.length]]);
  histogram('pilot_xds_config_size_bytes', 'Distribution of configuration sizes pushed to clients', [1, 10000, 1000000, 4000000, 10000000, 40000000], pushes * 6, pushes * 6 * 7100, [0, 0.93, 1, 1, 1, 1], 'type="eds"');
  histogram('pilot_xds_push_time', 'Total time in seconds Pilot takes to push lds, rds, cds and eds.', [0.01, 0.1, 1, 3, 5, 10, 20, 30], pushes * 6, (pushes * 6 * 0.0011).toFixed(6), [0.998, 1, 1, 1, 1, 1, 1, 1], 'type="eds"');
  metric('pilot_xds_pushes', 'counter', 'Pilot build and send errors for lds, rds, cds and eds.', [['type="cds"', 78 * 6 + 2712], ['type="eds"', pushes * 6], ['type="lds"', 78 * 6 + 2712], ['type="rds"', 78 * 6 + 2712]]);
  histogram('pilot_xds_send_time', 'Total time in seconds Pilot takes to send generated configuration.', [0.01, 0.1, 1, 3, 5, 10, 20, 30], pushes * 24, (pushes * 24 * 0.0002).toFixed(6), [1, 1, 1, 1, 1, 1, 1, 1]);
  metric('process_cpu_seconds_total', 'counter', 'Total user and system CPU time spent in seconds.', [['', (up * 0.031).toFixed(2)]]);
  metric('process_max_fds', 'gauge', 'Maximum number of open file descriptors.', [['', 1048576]]);
  metric('process_open_fds', 'gauge', 'Number of open file descriptors.', [['', 41]]);
  metric('process_resident_memory_bytes', 'gauge', 'Resident memory size in bytes.', [['', 743 * 1048576 + 311296]]);
  metric('process_start_time_seconds', 'gauge', 'Start time of the process since unix epoch in seconds.', [['', (podStart / 1000 - 0.38).toFixed(2)]]);
  metric('process_virtual_memory_bytes', 'gauge', 'Virtual memory size in bytes.', [['', 2147483648 + 403701760]]);
  metric('sidecar_injection_requests_total', 'counter', 'Total number of sidecar injection requests.', [['', 5]]);
  metric('sidecar_injection_success_total', 'counter', 'Total number of successful sidecar injection requests.', [['', 5]]);
  write(`${ISTIOD_DIR}/metrics`, `${out.join('\n')}\n`);
}

// ---------------------------------------------------------------------------------------------------------
// bug-report.log: the tool's zap log (console encoder, default scope without a scope column)

{
  const TMP = '/tmp/bug-report/bug-report';
  const OUT_FILE = '/home/kasia/incidents/INC-4711/bug-report.tar.gz';
  // Time in whole microseconds (zap prints them): 14:08:30.873264, the run's `end-time`.
  const RUN_START = (COLLECTED - 2127) * 1000 + 264;
  let us = RUN_START;
  let t = us / 1000;
  const log = [];
  const entry = (afterMs, message, runtime) => {
    us += Math.round(afterMs * 1000) + int(`log ${log.length}`, 1, 40);
    t = us / 1000;
    const stamp = `${new Date(Math.floor(us / 1000)).toISOString().slice(0, 19)}.${String(us % 1000000).padStart(6, '0')}Z`;
    log.push(`${stamp}\tinfo\t${message}${runtime !== undefined ? `\truntime=${runtime}` : ''}\n`);
  };
  const goDuration = (msValue) => (msValue >= 1000 ? `${(msValue / 1000).toFixed(9).replace(/0+$/, '')}s` : msValue >= 1 ? `${msValue.toFixed(6).replace(/0+$/, '').replace(/\.$/, '')}ms` : `${(msValue * 1000).toFixed(3).replace(/0+$/, '').replace(/\.$/, '')}µs`);
  // `end-time: %v` of time.Now() on the engineer's laptop (CEST), nanoseconds.
  const local = new Date(Math.floor(RUN_START / 1000) + 2 * 3600000).toISOString().replace('T', ' ').slice(0, 19);
  const nanos = `${String(RUN_START % 1000000).padStart(6, '0')}${String(int('end-time ns', 100, 999))}`;
  entry(0.31, `\nTarget cluster context: ${CONTEXT}\n`);
  entry(0.12, `Running with the following config: \n\nistio-namespace: istio-system\nfull-secrets: false\ntimeout (mins): 30\ninclude: {  }\nexclude: { Namespaces: istio-system/Deployments: istio-ingressgateway }\nend-time: ${local}.${nanos} +0200 CEST\n\n\n`);
  entry(18.4, `\nCluster endpoint: https://${API_SERVER}\n`);
  entry(806.21, 'Done collecting cluster resource', goDuration(806.19));
  const versionsStart = t;
  entry(1197.3, VERSIONS);
  entry(0.05, 'Done getting control plane revisions/versions', goDuration(t - versionsStart));
  // The pods bug-report considers (Deployment- and DaemonSet-owned, outside the ignored namespaces).
  const considered = [...bookinfoPods, ...istioPods].filter((p) => p.metadata.ownerReferences?.[0]?.kind === 'ReplicaSet');
  const deploymentOf = (p) => p.metadata.ownerReferences[0].name.replace(/-[a-z0-9]+$/, '');
  let tree = '';
  for (const ns of [...new Set(considered.map((p) => p.metadata.namespace))].sort()) {
    tree += `${ns}\n`;
    for (const dep of [...new Set(considered.filter((p) => p.metadata.namespace === ns).map(deploymentOf))].sort()) {
      tree += `  ${dep}\n`;
      for (const p of considered.filter((x) => x.metadata.namespace === ns && deploymentOf(x) === dep)) {
        tree += `    ${p.metadata.name}\n`;
        for (const c of p.spec.containers) tree += `      ${c.name}\n`;
      }
    }
  }
  entry(0.41, `Cluster resource tree:\n\n${tree}\n\n`);
  const paths = considered
    .filter((p) => deploymentOf(p) !== 'istio-ingressgateway') // --exclude istio-system/istio-ingressgateway
    .flatMap((p) => p.spec.containers.map((c) => `${p.metadata.namespace}/${deploymentOf(p)}/${p.metadata.name}/${c.name}`))
    .sort();
  entry(0.22, `\n\nFetching proxy logs for the following containers:\n\n${paths.join('\n')}\n`);
  entry(0.08, '\nFetching Istio control plane information from cluster.\n\n');
  const content = (f) => `istio.io/istio/tools/bug-report/pkg/content.${f}`;
  const clusterCalls = ['GetK8sResources', 'GetCRs', 'GetEvents', 'GetClusterInfo', 'GetNodeInfo', 'GetSecrets', 'GetPodInfo'];
  for (const f of clusterCalls) entry(0.02, `Waiting on ${content(f)}`);
  entry(0.03, '\nFetching CNI logs from cluster.\n\n');
  const proxies = paths.filter((p) => p.endsWith('/istio-proxy'));
  for (const p of paths) {
    const [ns, , pod, container] = p.split('/');
    if (container === 'istio-proxy') {
      for (const f of ['GetCoredumps', 'GetNetstat', 'GetProxyInfo']) entry(0.04, `Waiting on ${content(f)}`);
      entry(0.03, `Waiting on proxy logs ${ns}/${pod}/${container}`);
    } else if (container === 'discovery') {
      entry(0.04, `Waiting on ${content('GetIstiodInfo')}`);
      entry(0.03, `Waiting on Istiod logs for ${ns}/${pod}`);
    }
  }
  const done = (dir, names, f, startedMs) => {
    for (const n of names) entry(0.09, `Done writing file for path ${dir}/${n}`, goDuration(0.021 + int(`${dir}/${n} write`, 0, 60) / 1000));
    entry(0.02, `Done writing files for dir ${dir}`, goDuration(0.09 * names.length + 0.05));
    entry(0.01, `Done with ${content(f)}`);
    entry(0.01, `Done getting from cluster for ${content(f)}`, goDuration(t - startedMs));
  };
  const fetchStart = t;
  // Logs and the proxies' exec/port-forward calls run concurrently; istiod's and the proxies' logs are fetched first.
  for (const p of [...proxies, paths.find((x) => x.endsWith('/discovery'))]) {
    const [ns, , pod, container] = p.split('/');
    entry(1.7, `Getting logs for ${ns}/${pod}/${container}...`);
  }
  for (const p of proxies) {
    const [ns, , pod, container] = p.split('/');
    entry(int(`${pod} logs ms`, 90, 180), `Done getting logs only for ${ns}/${pod}/${container}`, goDuration(int(`${pod} logs ms`, 90, 180) + 4.5));
    entry(0.05, `Done with proxy logs ${ns}/${pod}/${container}`);
    entry(0.01, `Done getting from proxy logs for ${ns}/${pod}/${container}`, goDuration(t - fetchStart));
  }
  entry(138.6, `Done getting logs only for istio-system/${ISTIOD.metadata.name}/discovery`, goDuration(151.9));
  entry(0.4, `Done writing file for path ${TMP}/${ISTIOD_DIR}/discovery.log`, goDuration(0.083));
  entry(0.02, `Done with Istiod logs for istio-system/${ISTIOD.metadata.name}`);
  entry(0.01, `Done getting Istiod logs for istio-system/${ISTIOD.metadata.name}`, goDuration(t - fetchStart));
  done(`${TMP}/cluster`, ['cluster-context', 'kubectl-version'], 'GetClusterInfo', fetchStart);
  done(`${TMP}/cluster`, ['pods'], 'GetPodInfo', fetchStart);
  done(`${TMP}/cluster`, ['secrets'], 'GetSecrets', fetchStart);
  done(`${TMP}/cluster`, ['nodes'], 'GetNodeInfo', fetchStart);
  done(`${TMP}/cluster`, ['events'], 'GetEvents', fetchStart);
  for (const p of proxies) {
    const [ns, , pod] = p.split('/');
    entry(int(`${pod} coredump ms`, 30, 120), `${ns}/${pod}/istio-proxy has 0 coredumps`);
    done(`${TMP}/proxies/${ns}/${pod}/cores`, [], 'GetCoredumps', fetchStart);
  }
  for (const p of proxies) {
    const [ns, , pod] = p.split('/');
    entry(int(`${pod} netstat ms`, 20, 90), `Done writing file for path ${TMP}/proxies/${ns}/${pod}/netstat`, goDuration(0.061));
    entry(0.02, `Done writing files for dir ${TMP}/proxies/${ns}/${pod}`, goDuration(0.112));
    entry(0.01, `Done with ${content('GetNetstat')}`);
    entry(0.01, `Done getting from cluster for ${content('GetNetstat')}`, goDuration(t - fetchStart));
  }
  done(`${TMP}/cluster`, ['crs'], 'GetCRs', fetchStart);
  const istiodFiles = [...files.keys()].filter((f) => f.startsWith(`${ISTIOD_DIR}/`) && !f.endsWith('discovery.log')).map((f) => f.slice(ISTIOD_DIR.length + 1));
  entry(212.4, '');
  log.pop();
  done(`${TMP}/${ISTIOD_DIR}`, istiodFiles, 'GetIstiodInfo', fetchStart);
  done(`${TMP}/cluster`, ['k8s-resources'], 'GetK8sResources', fetchStart);
  for (const p of proxies) {
    const [ns, , pod] = p.split('/');
    const names = [...files.keys()].filter((f) => f.startsWith(`proxies/${ns}/${pod}/`) && !/\/(?:istio-proxy\.log|netstat)$/.test(f)).map((f) => f.slice(`proxies/${ns}/${pod}/`.length));
    entry(int(`${pod} admin ms`, 40, 160), '');
    log.pop();
    done(`${TMP}/proxies/${ns}/${pod}`, names, 'GetProxyInfo', fetchStart);
  }
  // istioctl analyze, run last.
  const analyzeStart = t;
  entry(0.3, 'Running Istio analyze on all namespaces and report as below:');
  entry(2716.8, 'Executed analyzers:');
  const analyzers = [
    'annotations.K8sAnalyzer', 'authn.BlockedCIDRsAnalyzer', 'auth.AuthorizationPoliciesAnalyzer', 'conditions.ConditionAnalyzer', 'applicationUID.Analyzer', 'deployment.MultiServiceAnalyzer',
    'deprecation.DeprecationAnalyzer', 'destinationrule.CaCertificateAnalyzer', 'destinationrule.SubsetSelectPodAnalyzer', 'envoyfilter.EnvoyPatchAnalyzer', 'externalcontrolplane.ExternalControlPlaneAnalyzer',
    'gateway.CertificateAnalyzer', 'gateway.ConflictingGatewayAnalyzer', 'gateway.IngressGatewayPortAnalyzer', 'gateway.SecretAnalyzer', 'injection.ImageAutoAnalyzer', 'injection.ImageAnalyzer', 'injection.Analyzer',
    'k8sgateway.CRDVersionAnalyzer', 'k8sgateway.SelectorAnalyzer', 'meshnetworks.MeshNetworksAnalyzer', 'services.MultiClusterServiceAnalyzer', 'service.PortNameAnalyzer', 'serviceentry.ConflictingServiceEntryProtocolAnalyzer',
    'serviceentry.Analyzer', 'sidecar.SelectorAnalyzer', 'telemetry.DefaultSelectorAnalyzer', 'telemetry.LightstepAnalyzer', 'telemetry.ProviderAnalyzer', 'telemetry.SelectorAnalyzer',
    'virtualservice.ConflictingMeshGatewayHostsAnalyzer', 'virtualservice.DestinationHostAnalyzer', 'virtualservice.DestinationRuleAnalyzer', 'virtualservice.GatewayAnalyzer', 'virtualservice.JWTClaimRouteAnalyzer', 'webhook.Analyzer',
    ...CRD_TABLE.map(([, kind]) => `schema.ValidationAnalyzer.${kind}`),
  ];
  for (const a of analyzers) entry(0.01, `\t: ${a}`);
  const report = files.get('analyze/allNamespaces/allNamespaces');
  entry(0.4, '\nAnalysis Report:\n');
  entry(0.02, report);
  entry(0.01, '\n');
  entry(0.2, `Done writing file for path ${TMP}/analyze/allNamespaces/allNamespaces`, goDuration(0.058));
  entry(0.02, `Done writing files for dir ${TMP}/analyze/allNamespaces`, goDuration(0.131));
  entry(0.01, 'Done running Istio analyze on all namespaces and report', goDuration(t - analyzeStart));
  for (const p of proxies) {
    const [ns, , pod] = p.split('/');
    entry(0.3, `Done writing file for path ${TMP}/proxies/${ns}/${pod}/istio-proxy.log`, goDuration(0.094 + int(`${pod} log write`, 0, 80) / 1000));
  }
  entry(0.1, 'Done with bug-report command before generating the archive file', goDuration(t - RUN_START / 1000));
  // Written while the archive is built from the folder: the last line the archived file has.
  entry(0.2, `Creating an archive at ${OUT_FILE}.\n`);
  write('bug-report.log', log.join(''));
}

// ---------------------------------------------------------------------------------------------------------

rmSync(SAMPLE, { recursive: true, force: true });
for (const [path, text] of [...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
  mkdirSync(dirname(join(OUT, path)), { recursive: true });
  writeFileSync(join(OUT, path), text);
}
console.log(`samples/bug-report-503/bug-report: ${files.size} files`);
