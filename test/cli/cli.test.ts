import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { FORMAT_IDS } from '../../src/report/renderers.js';
import { reportSchemaErrors } from '../helpers/report-schema.js';
import { tempDir } from '../bundle/helpers.js';

const BUNDLE = join(import.meta.dirname, '..', 'fixtures', 'mini-bundle');

const run = runCli;

afterEach(() => vi.restoreAllMocks());

describe('istio-bundle analyze', () => {
  it('writes exactly one JSON document that satisfies schemas/report.schema.json', async () => {
    const { code, stdout } = await run('analyze', BUNDLE, '--format', 'json');
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as { findings: Array<{ ruleId: string; severity: string }>; inventory: Array<{ path: string; status: string }> };
    expect(reportSchemaErrors(report)).toEqual([]);
    expect(report.findings.map((f) => `${f.ruleId}:${f.severity}`)).toEqual(['CFG001:critical', 'CP001:critical', 'LOG002:high', 'CFG001:low', 'LOG009:info']);
    expect(report.inventory.find((i) => i.path === 'NOTES.txt')?.status).toBe('not-recognised');
  });

  it('exits 1 when a finding is at or above --fail-on, whatever --min-severity hides', async () => {
    expect((await run('analyze', BUNDLE, '--format', 'json', '--fail-on', 'critical')).code).toBe(1);
    const hidden = await run('analyze', BUNDLE, '--format', 'json', '--fail-on', 'high', '--min-severity', 'critical');
    expect(hidden.code).toBe(1);
    expect((JSON.parse(hidden.stdout) as { findings: unknown[] }).findings).toHaveLength(2);
    expect((await run('analyze', BUNDLE, '--format', 'json', '--fail-on', 'never')).code).toBe(0);
  });

  it('--min-severity keeps the summary consistent with the findings shown and says what it hid', async () => {
    const { stdout } = await run('analyze', BUNDLE, '--format', 'json', '--min-severity', 'high');
    const report = JSON.parse(stdout) as { summary: Record<string, number>; findings: unknown[]; hidden?: unknown };
    expect(reportSchemaErrors(report)).toEqual([]);
    expect(report.summary).toEqual({ critical: 2, high: 1, medium: 0, low: 0, info: 0 });
    expect(report.findings).toHaveLength(3);
    expect(report.hidden).toEqual({ belowSeverity: 'high', count: 2 });
    const markdown = (await run('analyze', BUNDLE, '--format', 'md', '--min-severity', 'high')).stdout;
    expect(markdown).toContain('**2 critical · 1 high** · 2 below high not shown');
  });

  it('writes Markdown to --output and nothing to stdout', async () => {
    const dir = await tempDir('ibundle-cli-');
    const file = join(dir, 'report.md');
    const { code, stdout } = await run('analyze', BUNDLE, '--output', file);
    expect(code).toBe(0);
    expect(stdout).toBe('');
    const markdown = await readFile(file, 'utf8');
    expect(markdown).toMatch(/^# Istio bundle analysis — `mini-bundle`/);
    expect(markdown).toContain('## Not checked');
    expect(markdown).toContain('| `NOTES.txt` | not-recognised |');
  });

  it('gives byte-identical output for the same bundle', async () => {
    const first = await run('analyze', BUNDLE, '--format', 'md');
    const second = await run('analyze', BUNDLE, '--format', 'md');
    expect(first.stdout).toBe(second.stdout);
  });

  it('exits 2 with a one-line reason for a missing, truncated or non-tar bundle', async () => {
    const missing = await run('analyze', '/nonexistent/bundle.tgz');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^istio-bundle: \/nonexistent\/bundle\.tgz: cannot open: no such file or folder \(ENOENT\)\n$/);

    const dir = await tempDir('ibundle-cli-');
    const garbage = join(dir, 'bundle.tar.gz');
    await writeFile(garbage, Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x01, 0x02]));
    const truncated = await run('analyze', garbage);
    expect(truncated.code).toBe(2);
    expect(truncated.stderr.trim().split('\n')).toHaveLength(1);

    const text = join(dir, 'notes.txt');
    await writeFile(text, 'not an archive');
    const notTar = await run('analyze', text);
    expect(notTar.code).toBe(2);
    expect(notTar.stderr).toContain('not a .tar.gz, .tgz or .tar archive');
  });

  it('exits 2 when nothing in the bundle is recognised', async () => {
    const dir = await tempDir('ibundle-cli-');
    await writeFile(join(dir, 'readme.txt'), 'hello');
    const result = await run('analyze', dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('none of its 1 entries is a usable');
  });

  it('exits 2 on usage errors', async () => {
    expect((await run('analyze')).code).toBe(2);
    const format = await run('analyze', BUNDLE, '--format', 'pdf');
    expect(format.code).toBe(2);
    // Listed from the registry, so a new renderer does not break this test of the message's shape.
    expect(format.stderr).toBe(`istio-bundle: --format pdf: choose one of ${FORMAT_IDS.join(', ')}\n`);
    expect(FORMAT_IDS).toEqual(['md', 'json', 'html', 'table', 'sarif']);
    expect((await run('analyze', BUNDLE, '--max-document-size', 'lots')).code).toBe(2);
    expect((await run('frobnicate')).code).toBe(2);
  });
});

describe('istio-bundle validate, rules, explain', () => {
  it('validate prints every entry with its status', async () => {
    const { code, stdout } = await run('validate', BUNDLE, '--format', 'json');
    expect(code).toBe(0);
    const { inventory } = JSON.parse(stdout) as { inventory: Array<{ path: string; status: string; kind?: string }> };
    expect(inventory.map((i) => [i.path, i.status, i.kind ?? ''])).toEqual([
      ['NOTES.txt', 'not-recognised', ''],
      ['analyze.txt', 'used', 'istioctl.analyze'],
      ['logs/bookinfo/productpage-v1-675fc69cf-v2kqw/istio-proxy.log', 'used', 'logs.proxy'],
      ['proxy-status.txt', 'used', 'istioctl.proxyStatus'],
    ]);
  });

  it('rules lists the catalogue and explain prints a rule in full', async () => {
    const rules = await run('rules', '--format', 'json');
    const ids = (JSON.parse(rules.stdout) as Array<{ id: string }>).map((r) => r.id);
    expect(ids).toEqual(['CP001', 'CP002', 'CP003', 'CP004', 'CP005', 'CP006', 'CP007', 'CP008', 'CP009', 'CFG001', 'CFG002', 'CFG003', 'CFG004', 'CFG005', 'CFG006', 'CFG007', 'CFG008', 'CFG009', 'CFG010', 'CFG011', 'TP001', 'TP002', 'LOG001', 'LOG002', 'LOG003', 'LOG004', 'LOG005', 'LOG006', 'LOG007', 'LOG008', 'LOG009', 'LOG010', 'CERT001', 'CERT002', 'CERT003', 'CERT004', 'CERT005', 'AMB001', 'AMB002', 'AMB003', 'MEM001', 'MEM002', 'FD001', 'MC001', 'MESH001', 'MEM003']);
    const explain = await run('explain', 'CP004');
    expect(explain.code).toBe(0);
    expect(explain.stdout).toContain('Threshold: 4 GiB (4096Mi)');
    expect((await run('explain', 'NOPE999')).code).toBe(2);
  });
});

describe('istio-bundle analyze output errors', () => {
  it('exits 2 with a one-line reason when --output cannot be written', async () => {
    const result = await run('analyze', BUNDLE, '--output', '/nonexistent-folder/report.md');
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('istio-bundle: cannot write /nonexistent-folder/report.md: no such file or folder (ENOENT)\n');
  });

  it('rejects a --max-entries that is not a whole number of at least 1', async () => {
    const result = await run('analyze', BUNDLE, '--max-entries', '-5');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--max-entries must be a whole number of at least 1');
  });
});

describe('- on the command line', () => {
  it('--output - is standard output, and the bundle is not taken for stdin', async () => {
    const { code, stdout, stderr } = await run('analyze', BUNDLE, '--output', '-', '--format', 'json');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect((JSON.parse(stdout) as { bundle: { source: string } }).bundle.source).toBe('mini-bundle');
  });

  it('- with standard input on a terminal says so instead of waiting', async () => {
    const isTTY = process.stdin.isTTY;
    Object.defineProperty(process.stdin, 'isTTY', { value: true, configurable: true });
    try {
      const { code, stderr } = await run('analyze', '-');
      expect(code).toBe(2);
      expect(stderr).toBe('istio-bundle: - reads the bundle from standard input, which is a terminal: pipe an archive into it (cat bundle.tar.gz | istio-bundle analyze -)\n');
    } finally {
      Object.defineProperty(process.stdin, 'isTTY', { value: isTTY, configurable: true });
    }
  });
});
