import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeBundle } from '../../src/pipeline.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { renderTable } from '../../src/report/table.js';
import { tempDir } from '../bundle/helpers.js';

/** An access line whose quoted fields carry what a hostile client can put in a request. */
const HOSTILE =
  '[2024-05-14T09:21:07.123Z] "GET /a|b`c`<script>alert(1)</script> HTTP/1.1" 503 UH no_healthy_upstream - "-" 0 19 0 - "-" "\x1b[2J\x1b]0;owned\x07curl|x" "0c3bd4f1-7a34-4bd1-9a0f-6c2f0d8f7a11" "reviews:9080" "-" outbound|9080||reviews.bookinfo.svc.cluster.local - 10.110.231.110:9080 10.1.0.223:42990 - default';

describe('text quoted from a bundle', () => {
  it('reaches the Markdown and the terminal table inert', async () => {
    const dir = await tempDir();
    const logDir = join(dir, 'logs', 'bookinfo', 'productpage-v1-675fc69cf-v2kqw');
    await mkdir(logDir, { recursive: true });
    await writeFile(join(logDir, 'istio-proxy.log'), `${HOSTILE}\n`);
    const { report } = await analyzeBundle(dir);
    expect(report.findings.map((f) => f.ruleId)).toEqual(['LOG002', 'LOG009']);

    const markdown = renderMarkdown(report);
    expect(markdown).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
    // Raw HTML only inside code (fenced blocks and code spans render literally), never in the prose.
    const outsideCode = markdown.replace(/^ *(`{3,})[^\n]*\n[\s\S]*?\n *\1$/gm, '').replace(/(`+)[^`]*?\1/g, '');
    expect(outsideCode).not.toContain('<script>');
    const excerptBlock = markdown.split('\n').filter((l) => l.includes('/a|b'));
    expect(excerptBlock.length).toBeGreaterThan(0);
    // The evidence sits in a fenced block whose fence outgrows the backticks inside it.
    expect(markdown).toMatch(/ {2}```\n {2}\[2024-05-14T09:21:07\.123Z\] "GET \/a\|b`c`<script>/);
    for (const row of markdown.split('\n').filter((l) => l.startsWith('| 1 |'))) {
      expect(row.replace(/\\\|/g, '').split('|')).toHaveLength(7);
    }
    expect(renderTable(report)).not.toMatch(/\x1b/);
  });
});

describe('names taken from the bundle in suggested commands', () => {
  it('are shell-quoted, so a pasted command cannot run what a file name smuggles in', async () => {
    const dir = await tempDir();
    const logDir = join(dir, 'logs', 'bookinfo', 'pp$(touch pwned)');
    await mkdir(logDir, { recursive: true });
    await writeFile(join(logDir, 'istio-proxy.log'), `${HOSTILE}\n`);
    const { report } = await analyzeBundle(dir);
    const commands = report.findings.flatMap((f) => f.commands);
    expect(commands).toContain("istioctl proxy-config endpoint 'pp$(touch pwned)' -n bookinfo --cluster 'outbound|9080||reviews.bookinfo.svc.cluster.local'");
    for (const command of commands) {
      const raw = command.split('pp$(touch pwned)').length - 1;
      const quoted = command.split("'pp$(touch pwned)'").length - 1;
      expect(quoted, command).toBe(raw);
    }
  });
});
