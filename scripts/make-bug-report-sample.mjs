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
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
/** RFC 3339 with microseconds, as Istio's zap console encoder prints times. */
const micros = (t, extraMicros = 0) => {
  const d = new Date(Math.floor(t));
  const us = String(Math.floor((t % 1000) * 1000) + extraMicros).padStart(6, '0').slice(0, 6);
  return `${d.toISOString().slice(0, 19)}.${us}Z`;
};
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
  metadata: meta('Event', e.ns, e.eventName, { created: seconds(e.at) }),
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
    Labels: svc.metadata.labels ?? null,
    ExportTo: null,
    LabelSelectors: svc.spec.selector ?? null,
    ClusterExternalAddresses: { Addresses: svc.status.loadBalancer.ingress ? { Kubernetes: svc.status.loadBalancer.ingress.map((i) => i.ip) } : null },
    ClusterExternalPorts: svc.spec.ports.some((p) => p.nodePort) ? { Kubernetes: Object.fromEntries(svc.spec.ports.filter((p) => p.nodePort).map((p) => [String(p.port), p.nodePort])) } : null,
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
