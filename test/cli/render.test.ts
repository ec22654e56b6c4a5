import { readFile, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FORMAT_IDS } from '../../src/report/renderers.js';
import { MAX_STORED_REPORT_BYTES } from '../../src/report/stored-report.js';
import { tempDir } from '../bundle/helpers.js';
import { runCli as run } from '../helpers/cli.js';

const ROOT = join(import.meta.dirname, '..', '..');
const BUNDLES = ['samples/data-plane-503', 'samples/cert-expiry', 'samples/sidecar-memory', 'samples/bug-report-503', 'test/fixtures/mini-bundle'];

afterEach(() => vi.restoreAllMocks());

/** `analyze --format F -o file`, the file's bytes. */
async function written(dir: string, name: string, ...args: string[]): Promise<{ code: number; stderr: string; text: string }> {
  const file = join(dir, name);
  const { code, stderr } = await run(...args, '-o', file);
  return { code, stderr, text: code === 0 ? await readFile(file, 'utf8') : '' };
}

describe('istio-bundle render REPORT.json', () => {
  it.each(BUNDLES)('%s: every format, rendered from the stored report, is byte for byte what analyze writes', async (bundle) => {
    const dir = await tempDir();
    const json = join(dir, 'report.json');
    expect((await run('analyze', join(ROOT, bundle), '--format', 'json', '-o', json)).code).toBe(0);
    for (const format of FORMAT_IDS) {
      const analysed = await written(dir, `analyze.${format}`, 'analyze', join(ROOT, bundle), '--format', format);
      const rendered = await written(dir, `render.${format}`, 'render', json, '--format', format);
      expect(rendered.code, `${format}: ${rendered.stderr}`).toBe(0);
      expect(rendered.text.length, format).toBeGreaterThan(100);
      expect(rendered.text, format).toBe(analysed.text);
    }
  });

  it('refuses what is not a report, naming the file and the problem (exit 2, one line)', async () => {
    const dir = await tempDir();
    const cases: Array<[string, string, RegExp]> = [
      ['broken.json', '{"schemaVersion": 1,', /broken\.json: is not JSON \(.*\): give a report written by `istio-bundle analyze --format json`$/],
      ['other.json', '{"kind": "List", "items": []}', /other\.json: has no schemaVersion; this version of istio-bundle reads reports of schemaVersion 1$/],
      ['null.json', 'null', /null\.json: has no schemaVersion; this version of istio-bundle reads reports of schemaVersion 1$/],
      ['future.json', '{"schemaVersion": 2}', /future\.json: has schemaVersion 2; this version of istio-bundle reads reports of schemaVersion 1$/],
      ['partial.json', '{"schemaVersion": 1, "tool": {"name": "istio-bundle", "version": "0.1.0"}}', /partial\.json: is not a valid report \(schemas\/report\.schema\.json\): \(root\): missing required property "bundle"/],
    ];
    for (const [name, text, message] of cases) {
      await writeFile(join(dir, name), text);
      const { code, stdout, stderr } = await run('render', join(dir, name), '--format', 'md');
      expect(code, name).toBe(2);
      expect(stdout, name).toBe('');
      expect(stderr.trimEnd().split('\n'), name).toHaveLength(1);
      expect(stderr.trimEnd(), name).toMatch(message);
    }
    const missing = await run('render', join(dir, 'nope.json'));
    expect(missing.code).toBe(2);
    expect(missing.stderr.trimEnd()).toMatch(/nope\.json: cannot read the report: no such file or folder \(ENOENT\)$/);
    // Larger than any report: refused before it is read (a sparse file, so the test writes nothing).
    const huge = join(dir, 'huge.json');
    await writeFile(huge, '');
    await truncate(huge, MAX_STORED_REPORT_BYTES + 1);
    const refused = await run('render', huge);
    expect(refused.code).toBe(2);
    expect(refused.stderr.trimEnd()).toMatch(new RegExp(`huge\\.json: is ${MAX_STORED_REPORT_BYTES + 1} bytes, more than a report can be \\(268435456\\)$`));
  });

  it('renders a report written before the metrics were added, without charts', async () => {
    const dir = await tempDir();
    const json = join(dir, 'report.json');
    await run('analyze', join(ROOT, 'samples', 'data-plane-503'), '--format', 'json', '-o', json);
    const report = JSON.parse(await readFile(json, 'utf8')) as Record<string, unknown>;
    delete report.metrics;
    await writeFile(json, JSON.stringify(report));
    const md = await written(dir, 'old.md', 'render', json, '--format', 'md');
    const fresh = await written(dir, 'new.md', 'analyze', join(ROOT, 'samples', 'data-plane-503'), '--format', 'md');
    expect(md.text).toBe(fresh.text);
    const html = await written(dir, 'old.html', 'render', json, '--format', 'html');
    expect(html.code).toBe(0);
    expect(html.text).toContain('<svg');
    expect(html.text).not.toContain('id="chart-traffic"');
    expect(html.text).not.toContain('id="chart-memory"');
  });
});

/** `--help` as printed: yargs writes it with console.log. */
async function help(...args: string[]): Promise<{ stdout: string }> {
  let stdout = '';
  const log = vi.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => {
    stdout += `${parts.join(' ')}\n`;
  });
  try {
    expect((await run(...args, '--help')).code).toBe(0);
  } finally {
    log.mockRestore();
  }
  return { stdout };
}

describe('--help', () => {
  it('documents render, diff and the new formats', async () => {
    const top = await help();
    expect(top.stdout).toMatch(/istio-bundle render <report> +render a stored JSON report/);
    expect(top.stdout).toMatch(/istio-bundle diff <before> <after>/);
    const render = await help('render');
    expect(render.stdout).toMatch(/istio-bundle render report\.json --format\s+the page to attach to the ticket,\s+html -o report\.html/);
    expect(render.stdout).toMatch(/--format .*\[choices: "md", "json", "html", "table", "sarif"\]/s);
    const analyze = await help('analyze');
    expect(analyze.stdout).toMatch(/\[choices: "md", "json", "html", "table", "sarif"\]/);
    expect(analyze.stdout).toContain('--suppressions');
  });
});
