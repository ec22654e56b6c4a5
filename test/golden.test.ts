/**
 * The samples' reports, byte for byte. A change to any renderer, rule text or ordering shows up
 * here as a diff to review; refactors must leave these files untouched. After an intended change:
 * `UPDATE_GOLDEN=1 npx vitest run test/golden.test.ts`, then read the diff before committing.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeBundle } from '../src/pipeline.js';
import { renderHtml } from '../src/report/html/render.js';
import { renderJson } from '../src/report/json.js';
import { renderMarkdown } from '../src/report/markdown.js';
import { undeclaredReportFields } from './helpers/report-schema.js';

const ROOT = join(import.meta.dirname, '..');
const GOLDEN = join(import.meta.dirname, 'golden');
const BUNDLES = ['samples/ambient', 'samples/bug-report-503', 'samples/cert-expiry', 'samples/config-faults', 'samples/control-plane-failure', 'samples/data-plane-503', 'samples/healthy', 'samples/sidecar-memory', 'test/fixtures/mini-bundle', 'test/fixtures/bug-report'];

describe.each(BUNDLES)('%s', (bundle) => {
  it.each([
    ['md', (r: Awaited<ReturnType<typeof analyzeBundle>>['report']) => renderMarkdown(r)],
    ['json', renderJson],
    ['html', renderHtml],
  ] as const)('its %s report is the golden file', async (format, render) => {
    const { report } = await analyzeBundle(join(ROOT, bundle));
    const text = render(report);
    const file = join(GOLDEN, `${bundle.split('/').pop()!}.${format}`);
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, text);
    expect(text).toBe(readFileSync(file, 'utf8'));
  });
});

describe('a stored JSON report is enough to render it again', () => {
  it.each(BUNDLES)('%s: Markdown and HTML from the parsed JSON golden equal their goldens', (bundle) => {
    const name = bundle.split('/').pop()!;
    const stored = JSON.parse(readFileSync(join(GOLDEN, `${name}.json`), 'utf8')) as Awaited<ReturnType<typeof analyzeBundle>>['report'];
    expect(renderMarkdown(stored)).toBe(readFileSync(join(GOLDEN, `${name}.md`), 'utf8'));
    expect(renderHtml(stored)).toBe(readFileSync(join(GOLDEN, `${name}.html`), 'utf8'));
  });
});

describe('the report schema declares every field the tool writes', () => {
  it.each(BUNDLES)('%s', (bundle) => {
    const stored = JSON.parse(readFileSync(join(GOLDEN, `${bundle.split('/').pop()!}.json`), 'utf8')) as unknown;
    expect(undeclaredReportFields(stored)).toEqual([]);
  });
});
