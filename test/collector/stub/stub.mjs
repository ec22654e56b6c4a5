#!/usr/bin/env node
// Stub `kubectl` / `istioctl` for the collector tests (see test/collector/README.md).
//
// The tool name is the basename this file was invoked as. The scenario (env STUB_SCENARIO, a JSON
// file) is an ordered list of responses; the first whose `tool` (optional) and `match` (a regex on
// the joined argv, with a leading `--context=X` removed) fit answers:
//   { "tool": "kubectl", "match": "^get pods -n istio-system -o json$",
//     "stdout": "file in dataDir" | "stdoutText": "...", "stderr": "...", "exit": 0,
//     "sleep": seconds, "ignoreTerm": true }
// `$1`…`$9` in stdout, stdoutText and stderr are replaced by the regex's capture groups.
// `stdout` may be a list of files holding kubectl Lists: their items are printed as one List, sorted
// by namespace and name as the API server returns them for -A; `itemKind` keeps only items of that
// kind (one resource type out of recorded mixed lists). Like the API server, `--field-selector`
// with `metadata.namespace` requirements (`=`, `==`, `!=`, comma-separated) filters a List's items.
// No match: kubectl's answer for an unknown resource type, exit 1.
// Every invocation is appended to env STUB_LOG as one JSON line {tool, argv}.
import { appendFileSync, readFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';

const tool = basename(process.argv[1] ?? 'kubectl').replace(/\.m?js$/, '');
const argv = process.argv.slice(2);

if (process.env.STUB_LOG) {
  appendFileSync(process.env.STUB_LOG, JSON.stringify({ tool, argv }) + '\n');
}

const scenarioPath = process.env.STUB_SCENARIO;
if (!scenarioPath) {
  process.stderr.write('stub: STUB_SCENARIO is not set\n');
  process.exit(3);
}
const scenario = JSON.parse(readFileSync(scenarioPath, 'utf8'));
const dataDir = scenario.dataDir
  ? isAbsolute(scenario.dataDir) ? scenario.dataDir : join(dirname(scenarioPath), scenario.dataDir)
  : dirname(scenarioPath);

const args = argv[0]?.startsWith('--context=') ? argv.slice(1) : argv;
const joined = args.join(' ');

let groups = [];
const response = (scenario.responses ?? []).find((r) => {
  if (r.tool && r.tool !== tool) return false;
  const m = new RegExp(r.match).exec(joined);
  if (m) groups = m;
  return m !== null;
});
// `$1`…`$9` in stdout/stdoutText/stderr stand for the match's capture groups.
const fill = (text) => text.replace(/\$([1-9])/g, (_, i) => groups[Number(i)] ?? '');

function answer() {
  if (!response) {
    const resource = tool === 'kubectl' && args[0] === 'get' ? (args[1] ?? '').split('.')[0] : args.join(' ');
    process.stderr.write(
      tool === 'kubectl'
        ? `error: the server doesn't have a resource type "${resource}"\n`
        : `Error: unknown command "${args[0] ?? ''}" for "istioctl"\nRun 'istioctl --help' for usage.\n`,
    );
    process.exitCode = 1;
    return;
  }
  if (response.stdout) process.stdout.write(output(response));
  if (response.stdoutText) process.stdout.write(fill(response.stdoutText));
  if (response.stderr) process.stderr.write(fill(response.stderr));
  process.exitCode = response.exit ?? 0;
}

/** The response's stdout file(s), merged and filtered as described above. */
function output(r) {
  const files = Array.isArray(r.stdout) ? r.stdout : [r.stdout];
  const texts = files.map((f) => readFileSync(join(dataDir, fill(f))));
  const selector = fieldSelector();
  if (!Array.isArray(r.stdout) && !r.itemKind && selector.length === 0) return texts[0];
  const lists = texts.map((t) => JSON.parse(t.toString('utf8')));
  let items = lists.flatMap((l) => l.items);
  if (Array.isArray(r.stdout)) {
    const key = (o) => `${o.metadata.namespace ?? ''}\u0000${o.metadata.name}`;
    items.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  }
  if (r.itemKind) items = items.filter((o) => o.kind === r.itemKind);
  items = items.filter((o) => selector.every(({ op, value }) => (op === '!=' ? o.metadata.namespace !== value : o.metadata.namespace === value)));
  return JSON.stringify({ ...lists[0], items }, null, 4) + '\n';
}

/** The `metadata.namespace` requirements of `--field-selector X` / `--field-selector=X`. */
function fieldSelector() {
  const at = args.findIndex((a) => a === '--field-selector' || a.startsWith('--field-selector='));
  if (at < 0) return [];
  const text = args[at].startsWith('--field-selector=') ? args[at].slice('--field-selector='.length) : (args[at + 1] ?? '');
  return text
    .split(',')
    .filter((t) => t !== '')
    .map((term) => {
      const m = /^metadata\.namespace(!=|==|=)(.*)$/.exec(term);
      if (!m) {
        process.stderr.write(`stub: field selector "${term}" is not supported (only metadata.namespace)\n`);
        process.exit(3);
      }
      return { op: m[1], value: m[2] };
    });
}

if (response?.sleep) {
  if (response.ignoreTerm) process.on('SIGTERM', () => {});
  setTimeout(answer, response.sleep * 1000);
} else {
  answer();
}
