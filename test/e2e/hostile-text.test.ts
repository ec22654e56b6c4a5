import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeBundle } from '../../src/pipeline.js';
import type { Report } from '../../src/report/report.js';
import { FORMAT_IDS, RENDERERS, type FormatId } from '../../src/report/renderers.js';
import { tempDir } from '../bundle/helpers.js';

/**
 * Hostile text reaches a report three ways here: the bundle's own folder name (the report's
 * source), a pod folder name (subjects, titles, paths, commands) and an access-log line (evidence
 * excerpts). Each carries a terminal escape (ESC CSI and the one-byte C1 CSI `\x9b`), an OSC title
 * sequence, bidirectional overrides (raw U+202E RLO, U+2066 LRI) and the same override written as
 * HTML character references (`&#8238;`, `&#x202e;`), HTML tags, Markdown code-span backticks and
 * table pipes. Every renderer's output is checked.
 */
const RLO = '\u202e';
const LRI = '\u2066';
const CSI8 = '\x9b';
const BUNDLE_NAME = `b${RLO}&#8238;${CSI8}2J\x1b[5m<i>`;
const POD = `pp<b>${RLO}&#x202e;${CSI8}31m\x1b[1m\`x|y`;
const HOSTILE =
  `[2024-05-14T09:21:07.123Z] "GET /a|b\`c\`<script>alert(1)</script>&#8238;gpj.exe&#x202e;${RLO}RLO${LRI}\`\`\`x HTTP/1.1" 503 UH no_healthy_upstream - "-" 0 19 0 - "-" ` +
  `"\x1b[2J\x1b]0;owned\x07${CSI8}31mcurl|x" "0c3bd4f1-7a34-4bd1-9a0f-6c2f0d8f7a11" "reviews:9080" "-" outbound|9080||reviews.bookinfo.svc.cluster.local - 10.110.231.110:9080 10.1.0.223:42990 - default`;

/** What the pod name and the bundle name look like once made inert: ESC sequences gone, C1 shown as U+FFFD, overrides removed. */
const POD_INERT = 'pp<b>&#x202e;\uFFFD31m`x|y';
const BUNDLE_INERT = 'b&#8238;\uFFFD2J<i>';
const PATH_INERT = '"GET /a|b`c`<script>alert(1)</script>&#8238;gpj.exe&#x202e;RLO```x HTTP/1.1"';

/** C0 controls but TAB and LF, DEL, C1 controls, bidi embeddings/overrides/isolates: none may reach a viewer. */
// eslint-disable-next-line no-control-regex
const NOT_INERT = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/u;

/** Numeric character references to a control or bidi character: a viewer would decode them into one. */
function dangerousReferences(text: string): string[] {
  return [...text.matchAll(/&#(x[0-9a-f]+|[0-9]+);?/gi)]
    .filter((m) => NOT_INERT.test(String.fromCodePoint(m[1]![0]!.toLowerCase() === 'x' ? parseInt(m[1]!.slice(1), 16) : Number(m[1]))))
    .map((m) => m[0]);
}

/**
 * The Markdown a CommonMark viewer renders as text: fenced blocks and code spans removed (their
 * content is shown literally, references and tags included), backslash escapes honoured. A code
 * span opened by N backticks closes only at a run of exactly N.
 */
function outsideCode(markdown: string): string {
  const text = markdown.replace(/^ *(`{3,})[^\n]*\n[\s\S]*?\n *\1$/gm, '');
  let out = '';
  for (let i = 0; i < text.length; ) {
    if (text[i] === '\\' && i + 1 < text.length) {
      out += text.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (text[i] !== '`') {
      out += text[i++];
      continue;
    }
    const run = /^`+/.exec(text.slice(i))![0];
    const close = new RegExp(`(?<!\`)${run}(?!\`)`, 'g');
    close.lastIndex = i + run.length;
    const end = close.exec(text);
    if (end) i = end.index + run.length;
    else {
      out += run;
      i += run.length;
    }
  }
  return out;
}

function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

describe('text quoted from a bundle, in every output format', () => {
  let report: Report;
  const out = {} as Record<FormatId, string>;
  beforeAll(async () => {
    const dir = join(await tempDir(), BUNDLE_NAME);
    const logDir = join(dir, 'logs', 'bookinfo', POD);
    await mkdir(logDir, { recursive: true });
    await writeFile(join(logDir, 'istio-proxy.log'), `${HOSTILE}\n`);
    ({ report } = await analyzeBundle(dir));
    for (const id of FORMAT_IDS) out[id] = RENDERERS[id].render(report, { terminal: { color: false } });
  });

  it('the bundle is analysed: the hostile pod has the LOG002 and LOG009 findings', () => {
    expect(report.findings.map((f) => f.ruleId)).toEqual(['LOG002', 'LOG009']);
    expect(FORMAT_IDS).toEqual(['md', 'json', 'html', 'table', 'sarif']);
  });

  it('md: no control, C1 or bidi character anywhere; outside code no tag, no character reference, an intact table', () => {
    const md = out.md;
    expect(md).not.toMatch(NOT_INERT);
    const prose = outsideCode(md);
    // The renderer's own HTML (<details>, <summary>, <br> in table cells) and autolinks to the docs are the only tags.
    expect(prose.match(/<(?!\/?(?:details|summary)>|br>|https:\/\/)[^\n]{0,20}/g) ?? []).toEqual([]);
    // Every & outside code is an escape the renderer wrote; `&#8238;` would render as U+202E.
    expect(prose.match(/&(?!amp;|lt;|gt;)[^\s]{0,10}/g) ?? []).toEqual([]);
    expect(dangerousReferences(prose)).toEqual([]);
    // Table cells (mdText): the name escaped for Markdown and HTML, shown as it is.
    expect(md).toContain('| 1 | high | LOG002 | no healthy upstream for reviews.bookinfo.svc.cluster.local seen by pp&lt;b&gt;&amp;#x202e;\uFFFD31m\\`x\\|y | Service bookinfo/reviews |');
    // Every table keeps its columns: a pipe from the bundle (`x|y`, in mdText cells and in mdCode
    // spans of the inventory) is escaped, so no row gains a cell.
    const lines = md.split('\n');
    const cells = (line: string) => line.replace(/\\\|/g, '').split('|').length;
    let tables = 0;
    for (let i = 1; i < lines.length; i++) {
      if (!/^\|(?:---\|)+$/.test(lines[i]!)) continue;
      tables++;
      for (let j = i + 1; j < lines.length && lines[j]!.startsWith('|'); j++) expect(cells(lines[j]!), lines[j]).toBe(cells(lines[i - 1]!));
    }
    expect(tables).toBeGreaterThan(2);
    expect(lines.filter((l) => l.startsWith('|') && l.includes(POD_INERT.replace('|', '\\|'))).length).toBeGreaterThan(0);
    // Code spans (mdCode) and fenced blocks (mdBlock) show their content literally, overrides removed.
    expect(md).toContain(`# Istio bundle analysis — \`${BUNDLE_INERT}\``);
    expect(md).toContain(`- \`\`logs/bookinfo/${POD_INERT}/istio-proxy.log\`\`, line 1`);
    // The evidence fence outgrows the ``` run inside the line, so the line cannot close it.
    expect(md).toMatch(/ {2}````\n {2}\[2024-05-14T09:21:07\.123Z\] "GET \/a\|b`c`<script>/);
    expect(md).toContain(`  [2024-05-14T09:21:07.123Z] ${PATH_INERT} 503 UH no_healthy_upstream - "-" 0 19 0 - "-" "\uFFFD31mcurl|x"`);
  });

  it('html: every value escaped, references to overrides inert (&amp;#8238;), no control, C1 or bidi character', () => {
    const html = out.html;
    expect(html).not.toMatch(NOT_INERT);
    expect(dangerousReferences(html)).toEqual([]);
    expect(html).not.toMatch(/<script|<b>|<i>/i);
    expect(html).toContain('&quot;GET /a|b`c`&lt;script&gt;alert(1)&lt;/script&gt;&amp;#8238;gpj.exe&amp;#x202e;RLO```x HTTP/1.1&quot;');
    expect(html).toContain('pp&lt;b&gt;&amp;#x202e;\uFFFD31m`x|y');
    expect(html).toContain('b&amp;#8238;\uFFFD2J&lt;i&gt;');
  });

  it('table: no escape sequence, C1 or bidi character; the names shown as they are', () => {
    const table = out.table;
    expect(table).not.toMatch(NOT_INERT);
    expect(table.split('\n')[0]).toBe(`Istio bundle ${BUNDLE_INERT} (plain, 2024-05-14T09:21:07Z): 0 critical, 1 high, 0 medium, 0 low, 1 info`);
    expect(table).toContain(`seen by ${POD_INERT}`);
  });

  it('sarif: every string of the log is inert, the messages name the pod', () => {
    const sarif = JSON.parse(out.sarif) as unknown;
    const all = strings(sarif);
    expect(all.filter((s) => NOT_INERT.test(s))).toEqual([]);
    expect(out.sarif).not.toMatch(NOT_INERT);
    const texts = all.filter((s) => s.includes('seen by pp'));
    expect(texts.length).toBeGreaterThan(0);
    for (const text of texts) expect(text).toContain(`seen by ${POD_INERT}`);
    expect(all.some((s) => s.includes(PATH_INERT))).toBe(true);
  });

  it('json: one valid document, data kept exactly as the bundle holds it (for automation), every control, C1 or bidi character written as \\uXXXX', () => {
    expect(out.json).not.toMatch(NOT_INERT);
    expect(out.json).toContain('"source": "b\\u202e&#8238;\\u009b2J\\u001b[5m<i>"');
    const parsed = JSON.parse(out.json) as Report;
    expect(parsed.findings[0]!.title).toBe(`no healthy upstream for reviews.bookinfo.svc.cluster.local seen by ${POD}`);
    expect(parsed.bundle.source).toBe(BUNDLE_NAME);
    expect(parsed.findings[0]!.evidence.map((e) => e.path)).toContain(`logs/bookinfo/${POD}/istio-proxy.log`);
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
