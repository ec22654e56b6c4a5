import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormatsImport from 'ajv-formats';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { diffSchema } from '../../src/diff/diff-schema.js';
import { tempDir } from '../bundle/helpers.js';
import { runCli } from '../helpers/cli.js';
import { SAMPLES } from './bundles.js';
import { dataPlaneAfterFix, healthyAt } from './scenarios.js';

const addFormats = addFormatsImport.default;
const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
addFormats(ajv);
const validate = ajv.compile(diffSchema);
const schemaErrors = (value: unknown) => (validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`));

const HEALTHY = join(SAMPLES, 'healthy');
const DATA_PLANE = join(SAMPLES, 'data-plane-503');
let fixed: string;
let leaking: string;
let sameLater: string;

afterEach(() => vi.restoreAllMocks());

beforeAll(async () => {
  fixed = (await dataPlaneAfterFix()).root;
  leaking = (await healthyAt('healthy-leaking', 4, { istiodMi: 900 })).root;
  sameLater = (await healthyAt('healthy-an-hour-later', 1)).root;
}, 60_000);

describe('istio-bundle diff', () => {
  it('writes one JSON document that validates against schemas/diff.schema.json', async () => {
    const { code, stdout, stderr } = await runCli('diff', DATA_PLANE, fixed, '--format', 'json');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const diff = JSON.parse(stdout) as { summary: { new: number }; findings: { new: Array<{ ruleId: string }> } };
    expect(schemaErrors(diff)).toEqual([]);
    expect(diff.findings.new.map((f) => f.ruleId)).toEqual(['CFG002']);
    const leak = JSON.parse((await runCli('diff', HEALTHY, leaking, '--format', 'json')).stdout) as unknown;
    expect(schemaErrors(leak)).toEqual([]);
  });

  it('--fail-on looks at new findings only, MEM003 included', async () => {
    // A new critical CFG002.
    expect((await runCli('diff', DATA_PLANE, fixed, '--format', 'json', '--fail-on', 'critical')).code).toBe(1);
    // The earlier bundle's findings persist or resolve: they never fail the diff.
    expect((await runCli('diff', fixed, fixed, '--format', 'json', '--fail-on', 'info')).code).toBe(0);
    expect((await runCli('diff', HEALTHY, sameLater, '--format', 'json', '--fail-on', 'info')).code).toBe(0);
    // MEM003 is medium here: at or above medium fails, high does not.
    expect((await runCli('diff', HEALTHY, leaking, '--format', 'json', '--fail-on', 'medium')).code).toBe(1);
    expect((await runCli('diff', HEALTHY, leaking, '--format', 'json', '--fail-on', 'high')).code).toBe(0);
    expect((await runCli('diff', HEALTHY, leaking, '--format', 'json')).code).toBe(0);
  });

  it('diffs a stored report (analyze --format json) like its bundle', async () => {
    const dir = await tempDir('ibundle-diff-cli-');
    const stored = join(dir, 'healthy.json');
    expect((await runCli('analyze', HEALTHY, '--format', 'json', '--output', stored)).code).toBe(0);
    const fromBundle = JSON.parse((await runCli('diff', HEALTHY, leaking, '--format', 'json')).stdout) as Record<string, unknown>;
    const fromReport = JSON.parse((await runCli('diff', stored, leaking, '--format', 'json')).stdout) as Record<string, unknown>;
    expect(fromReport.before).toMatchObject({ from: 'report', input: stored });
    // Only where each side came from differs (and the evidence's pointer into it).
    const strip = (d: Record<string, unknown>) => JSON.parse(JSON.stringify({ ...d, before: undefined }).replaceAll(JSON.stringify(stored).slice(1, -1), '<before>').replaceAll(JSON.stringify(HEALTHY).slice(1, -1), '<before>')) as unknown;
    expect(strip(fromReport)).toEqual(strip(fromBundle));
  });

  it('writes Markdown with --output (nothing on stdout), byte-identical from run to run', async () => {
    const dir = await tempDir('ibundle-diff-cli-');
    const first = join(dir, 'first.md');
    const second = join(dir, 'second.md');
    const run = await runCli('diff', HEALTHY, leaking, '-o', first);
    expect(run).toMatchObject({ code: 0, stdout: '' });
    await runCli('diff', HEALTHY, leaking, '--output', second);
    const markdown = await readFile(first, 'utf8');
    expect(markdown).toMatch(/^# Istio bundle diff — `healthy` → `healthy-leaking`\n/);
    expect(markdown).toContain('## MEM003 · memory growth without configuration change');
    expect(await readFile(second, 'utf8')).toBe(markdown);
    // Piped without --format: Markdown too.
    expect((await runCli('diff', HEALTHY, leaking)).stdout).toBe(markdown);
  });

  it('prints a terminal table with --format table', async () => {
    const { stdout } = await runCli('diff', DATA_PLANE, fixed, '--format', 'table');
    expect(stdout).toMatch(/^Istio bundle diff data-plane-503 → data-plane-503-after \(2 h apart\): 1 new, 1 resolved, 4 persisting \(1 severity changes\)\n/);
    expect(stdout).toMatch(/│ new +│ critical │ CFG002 +│ VirtualService bookinfo\/ratings/);
    expect(stdout).toMatch(/│ high→ +│ critical │ LOG001/);
    expect(stdout).toMatch(/│ resolved │ critical │ CFG003/);
  });

  it('exits 2 with one line for a missing input, an invalid report or a bad option', async () => {
    const missing = await runCli('diff', '/nonexistent/before.tgz', HEALTHY);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^istio-bundle: \/nonexistent\/before\.tgz: cannot open: no such file or folder \(ENOENT\)\n$/);
    const notReport = await runCli('diff', join(SAMPLES, 'healthy', 'istio', 'analyze.json'), HEALTHY);
    expect(notReport.code).toBe(2);
    expect(notReport.stderr).toContain('has no schemaVersion');
    const format = await runCli('diff', HEALTHY, HEALTHY, '--format', 'pdf');
    expect(format).toMatchObject({ code: 2, stderr: 'istio-bundle: --format pdf: choose one of md, json, table\n' });
    expect((await runCli('diff', HEALTHY)).code).toBe(2);
  });

  it('is in --help, with an example', async () => {
    // yargs prints help with console.log
    let stdout = '';
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      stdout += `${args.join(' ')}\n`;
    });
    expect((await runCli('diff', '--help')).code).toBe(0);
    expect(stdout).toContain('istio-bundle diff <before> <after>');
    expect(stdout).toMatch(/--fail-on\s+exit 1 when a NEW finding \(MEM003 included\)/);
    expect(stdout).toContain('istio-bundle diff before.tgz after.tgz');
    stdout = '';
    await runCli('--help');
    expect(stdout).toContain('istio-bundle diff <before> <after>');
  });
});

describe('MEM003 in the catalogue', () => {
  it('is listed by `rules` after the bundle rules and explained in full', async () => {
    const rules = JSON.parse((await runCli('rules', '--format', 'json')).stdout) as Array<{ id: string; slug: string; threshold?: { value: string; source: string } }>;
    expect(rules.at(-1)).toMatchObject({ id: 'MEM003', slug: 'memory-growth-without-config-change' });
    const explain = await runCli('explain', 'MEM003');
    expect(explain.code).toBe(0);
    expect(explain.stdout).toContain('MEM003 (memory-growth-without-config-change) · medium · step: scale');
    expect(explain.stdout).toContain('Why it matters: Linear memory growth over time, not traffic-correlated, gradual over hours/days without configuration changes is the leak indicator');
    expect(explain.stdout).toContain('Threshold: grew by ≥ 20 % and ≥ 50 MiB');
    expect(explain.stdout).toContain("this project's line");
    expect(explain.stdout).toContain('kubectl rollout restart deployment/<name> -n <namespace>');
    expect(explain.stdout).toContain('Docs: https://istio.io/latest/docs/ops/deployment/performance-and-scalability/');
    expect((await runCli('explain', 'memory-growth-without-config-change')).code).toBe(0);
    expect((await runCli('explain', 'mem003')).code).toBe(0);
  });
});
