import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeBundle } from '../../src/pipeline.js';
import { renderHtml } from '../../src/report/html/render.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { tempDir, writeTree } from '../bundle/helpers.js';

/** The LOG002 fixture's sleep sidecar log: 9 of 12 requests UH toward reviews. */
const LOG = join(import.meta.dirname, '..', 'rules', 'LOG002', 'fires-majority-critical', 'bundle', 'logs', 'default', 'sleep-9454cc476-qv8fz', 'istio-proxy.log');

describe('a log read with caveats', () => {
  it('bytes that are not UTF-8 and an over-long line: every line still read, the inventory says how', async () => {
    const lines = (await readFile(LOG, 'utf8')).split('\n');
    const uhAt = lines.findIndex((l) => l.includes(' 503 UH '));
    // A Latin-1 byte (0xE9, "é" in ISO-8859-1) in a UH line's user agent, and a 10 KiB junk line after it.
    const before = Buffer.from(`${lines.slice(0, uhAt).join('\n')}\n`);
    const uh = Buffer.from(lines[uhAt]!, 'utf8');
    const at = uh.indexOf('curl/');
    const withBadByte = Buffer.concat([uh.subarray(0, at), Buffer.from([0xe9]), uh.subarray(at)]);
    const after = Buffer.from(`\n${'x'.repeat(10 * 1024)}\n${lines.slice(uhAt + 1).join('\n')}`);
    const dir = await tempDir();
    await writeTree(dir, { 'logs/default/sleep-9454cc476-qv8fz/istio-proxy.log': Buffer.concat([before, withBadByte, after]) });
    const { report } = await analyzeBundle(dir);
    const entry = report.inventory.find((i) => i.path === 'logs/default/sleep-9454cc476-qv8fz/istio-proxy.log')!;
    expect(entry.status).toBe('used');
    expect(entry.note).toBe('1 line has bytes that are not UTF-8 (read as U+FFFD, the rest of the line as written); 1 line was longer than 8 KiB and cut for matching');
    // the line with the bad byte is still one of the 9 UH requests
    expect(report.findings.find((f) => f.ruleId === 'LOG002')!.explanation).toContain('in 9 of its 12 requests');
    expect(renderMarkdown(report)).toContain('Read with caveats:\n\n- `logs/default/sleep-9454cc476-qv8fz/istio-proxy.log`: 1 line has bytes that are not UTF-8');
    expect(renderHtml(report)).toContain('<p>Read with caveats:</p><ul><li><code>logs/default/sleep-9454cc476-qv8fz/istio-proxy.log</code>: 1 line has bytes that are not UTF-8');
  });

  it('a clean log has no note', async () => {
    const dir = await tempDir();
    await writeTree(dir, { 'logs/default/sleep-9454cc476-qv8fz/istio-proxy.log': await readFile(LOG) });
    const { report } = await analyzeBundle(dir);
    expect(report.inventory.find((i) => i.path.endsWith('istio-proxy.log'))!.note).toBeUndefined();
    expect(renderMarkdown(report)).not.toContain('Read with caveats');
    expect(renderHtml(report)).not.toContain('Read with caveats');
  });
});
