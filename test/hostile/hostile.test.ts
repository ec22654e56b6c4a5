/**
 * The hostile corpus (corpus.ts), each case read in a process of its own (child.ts) as a customer's
 * bundle would be: it exits 0, 1 or 2 without a stack trace within the time bound, under the memory
 * bound, writes nothing outside its output folder, lists every entry in the inventory, and no
 * output format carries the planted markup or escapes live. The figures are printed at the end.
 */
import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../bundle/helpers.js';
import { HOSTILE_CASES, PLANTED_MARKUP, VICTIM, type HostileCase } from './corpus.js';

const run = promisify(execFile);

/** The bound: peak RSS of the whole process (tsx included) at most this. */
export const MAX_RSS_BYTES = 400 * 1024 * 1024;
/**
 * The same process then renders the stored report four times (HTML, Markdown, table, SARIF), which
 * in real use are runs of their own: what V8 keeps between them adds up, so they get more room.
 */
export const MAX_RENDER_RSS_BYTES = 600 * 1024 * 1024;
/** Per case: analysis and four renders, with the 1 GiB bomb the slowest (~10 s on this 2-core machine). */
export const MAX_SECONDS = 90;

interface Outcome {
  analyze: number;
  analyzeRssBytes: number;
  renders: Record<string, number>;
  seconds: number;
  maxRssBytes: number;
  polluted: boolean;
}

const figures: Array<{ name: string; seconds: number; rssMiB: number; renderRssMiB: number; exit: number }> = [];

/** Every file below `dir`, relative to it (links not followed). */
async function files(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) if (!entry.isDirectory()) out.push(relative(dir, join(entry.parentPath, entry.name)));
  return out.sort();
}

/** What may never appear in an output: raw markup, escape sequences, bidi overrides (in JSON they are escaped, so the raw bytes must not be there either). */
function liveMarkup(format: string, text: string): string[] {
  const found: string[] = [];
  if (/[\x00-\x08\x0b-\x1f\x7f\x80-\x9f]/.test(text.replace(/\n|\t/g, ''))) found.push('a control character');
  if (/[\u202a-\u202e\u2066-\u2069]/.test(text)) found.push('a bidi override');
  if (format === 'html') {
    // Every `<` from a bundle is an entity, so a tag in the page is the renderer's: none may be active or carry a handler.
    if (/<(?:script|img|iframe|object|embed|link|meta http-equiv="refresh")\b/i.test(text.replace(/<meta http-equiv="Content-Security-Policy"/, ''))) found.push('an active element');
    if (/<[a-z][^>]*\son\w+\s*=/i.test(text)) found.push('an event handler');
    if (/\shref="(?!https:\/\/(?:istio\.io|www\.envoyproxy\.io)\/|#)/i.test(text)) found.push('a link that is not to the docs or the page');
    if (/&#(?:8238|x202e);/i.test(text)) found.push('a bidi entity');
  }
  if (format === 'md') {
    // Outside code, markup must be escaped; inside code spans and fences it renders literally.
    const prose = text.replace(/^ *(`{3,})[^\n]*\n[\s\S]*?\n *\1$/gm, '').replace(/(`+)[^`]*?\1/g, '');
    if (/<script|<img|\]\(javascript:/i.test(prose)) found.push('live Markdown or HTML');
    if (/&#(?:8238|x202e);/i.test(prose)) found.push('a bidi entity');
  }
  if (format === 'json' || format === 'sarif') JSON.parse(text);
  return found;
}

/** Runs one case's process and checks it; rejects with what failed. */
async function runCase(c: HostileCase): Promise<void> {
  const sandbox = await tempDir('iba-hostile-');
  const input = join(sandbox, 'input');
  const out = join(sandbox, 'out');
  await mkdir(input);
  await mkdir(out);
  const bundle = await c.build(input);
  const before = await files(input);
  // tsx by URL: the child runs in the output folder, where no node_modules is.
  const { stdout, stderr } = await run(process.execPath, ['--import', import.meta.resolve('tsx'), join(import.meta.dirname, 'child.ts'), bundle, out], {
    cwd: out,
    timeout: MAX_SECONDS * 1000,
    maxBuffer: 16 * 1024 * 1024,
    // TMPDIR: a folder of this file's, where only tsx's compile cache may appear (checked below).
    env: { ...process.env, NO_COLOR: '1', TMPDIR: childTmp },
  }).catch((error: { stdout?: string; stderr?: string; message: string }) => {
    throw new Error(`${c.name}: the process failed (${error.message}): ${error.stderr ?? ''}`);
  });
  const outcome = JSON.parse(stdout.trim().split('\n').pop()!) as Outcome;
  figures.push({ name: c.name, seconds: outcome.seconds, rssMiB: Math.round(outcome.analyzeRssBytes / 1048576), renderRssMiB: Math.round(outcome.maxRssBytes / 1048576), exit: outcome.analyze });

  expect(c.exits, `${c.name}: exit ${outcome.analyze}; stderr: ${stderr}`).toContain(outcome.analyze);
  expect(stderr, c.name).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n|internal error/);
  if (outcome.analyze === 2) expect(stderr.trimEnd().split('\n'), `${c.name}: one line`).toHaveLength(1);
  expect(outcome.seconds, c.name).toBeLessThan(MAX_SECONDS);
  expect(outcome.analyzeRssBytes, `${c.name}: peak RSS of the analysis`).toBeLessThanOrEqual(MAX_RSS_BYTES);
  expect(outcome.maxRssBytes, `${c.name}: peak RSS with the four renders`).toBeLessThanOrEqual(MAX_RENDER_RSS_BYTES);
  expect(outcome.polluted, `${c.name}: Object.prototype`).toBe(false);
  // Nothing written outside the output folder: the input as it was, the victim empty, only reports in out/.
  expect(await files(input), c.name).toEqual(before);
  expect(await readdir(VICTIM), c.name).toEqual([]);
  expect((await readdir(childTmp)).filter((f) => !f.startsWith('tsx-')), `${c.name}: TMPDIR`).toEqual([]);
  const written = await files(out);
  expect(written.every((f) => /^report\.(json|md|html|table|sarif)$/.test(f)), `${c.name}: ${written.join(', ')}`).toBe(true);
  if (outcome.analyze === 2) return;

  expect(Object.values(outcome.renders).every((code) => code === 0), `${c.name}: renders ${JSON.stringify(outcome.renders)}`).toBe(true);
  const report = JSON.parse(await readFile(join(out, 'report.json'), 'utf8')) as { inventory: Array<{ path: string; status: string; reason?: string }> };
  if (c.inventory !== undefined) expect(report.inventory.length, `${c.name}: inventory`).toBe(c.inventory);
  for (const item of report.inventory) if (item.status !== 'used') expect(item.reason, `${c.name}: ${item.path}`).toBeTruthy();
  for (const format of ['json', 'md', 'html', 'table', 'sarif']) {
    const text = await readFile(join(out, `report.${format}`), 'utf8');
    expect(liveMarkup(format, text), `${c.name}: report.${format}`).toEqual([]);
    for (const planted of PLANTED_MARKUP.filter((p) => /[\x1b\x9b\u202e]/.test(p))) expect(text.includes(planted), `${c.name}: ${format} holds ${JSON.stringify(planted)}`).toBe(false);
  }
}

/** Cases run two at a time (the machine's cores), each in its own process, before the tests read the outcomes. */
const CONCURRENCY = 2;

async function runAll(cases: readonly HostileCase[]): Promise<Map<string, unknown>> {
  const failures = new Map<string, unknown>();
  const queue = [...cases];
  const worker = async () => {
    for (let c = queue.shift(); c; c = queue.shift()) {
      try {
        await runCase(c);
      } catch (error) {
        failures.set(c.name, error);
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return failures;
}

/** `HOSTILE_ONLY=name,name` runs those cases alone (the whole corpus takes a few minutes). */
const SELECTED = process.env.HOSTILE_ONLY ? HOSTILE_CASES.filter((c) => process.env.HOSTILE_ONLY!.split(',').includes(c.name)) : HOSTILE_CASES;

/** The children's TMPDIR, shared so tsx compiles the analyzer once; removed after the file. */
let childTmp: string;

describe('the hostile corpus', () => {
  let failures: Map<string, unknown>;
  beforeAll(async () => {
    childTmp = await tempDir('iba-hostile-tmp-');
    await rm(VICTIM, { recursive: true, force: true });
    await mkdir(VICTIM);
    failures = await runAll(SELECTED);
  }, SELECTED.length * MAX_SECONDS * 1000);

  it('has at least 40 cases, each named once', () => {
    expect(HOSTILE_CASES.length).toBeGreaterThanOrEqual(40);
    expect(new Set(HOSTILE_CASES.map((c) => c.name)).size).toBe(HOSTILE_CASES.length);
  });

  it.each(SELECTED.map((c) => [c.name, c.attack] as const))('%s (%s)', (name) => {
    const failure = failures.get(name);
    if (failure) throw failure;
    expect(figures.some((f) => f.name === name)).toBe(true);
  });

  afterAll(() => {
    if (figures.length === 0) return;
    const worstRss = figures.reduce((a, b) => (b.rssMiB > a.rssMiB ? b : a));
    const worstTime = figures.reduce((a, b) => (b.seconds > a.seconds ? b : a));
    process.stdout.write(
      `hostile corpus: ${figures.length} cases; worst peak RSS of an analysis ${worstRss.rssMiB} MiB (${worstRss.name}), bound ${MAX_RSS_BYTES / 1048576} MiB; ` +
        `worst time ${worstTime.seconds.toFixed(1)} s (${worstTime.name}), bound ${MAX_SECONDS} s\n`,
    );
  });
});
