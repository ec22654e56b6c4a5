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
  if (response.stdout) process.stdout.write(readFileSync(join(dataDir, fill(response.stdout))));
  if (response.stdoutText) process.stdout.write(fill(response.stdoutText));
  if (response.stderr) process.stderr.write(fill(response.stderr));
  process.exitCode = response.exit ?? 0;
}

if (response?.sleep) {
  if (response.ignoreTerm) process.on('SIGTERM', () => {});
  setTimeout(answer, response.sleep * 1000);
} else {
  answer();
}
