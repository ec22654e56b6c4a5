import { describe, expect, it } from 'vitest';
import { inertText, mdBlock, mdCode, mdProse, mdText, stripControl } from '../../src/report/escape.js';
import { h, prose } from '../../src/report/html/escape.js';

const RLO = '\u202e';
const BIDI = ['\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069'];

describe('C1 controls (8-bit CSI \\x9b, NEL \\x85, OSC \\x9d) in every escaper', () => {
  it('stripControl shows each as U+FFFD, so a terminal never reads an 8-bit sequence', () => {
    expect(stripControl('a\x9b2Jb\x85c\x9d0;title\x9cd')).toBe('a\uFFFD2Jb\uFFFDc\uFFFD0;title\uFFFDd');
    expect(stripControl('\x7f')).toBe('\uFFFD');
  });

  it.each([
    ['mdText', mdText],
    ['mdProse', mdProse],
    ['mdCode', (t: string) => mdCode(t)],
    ['mdCode in a table', (t: string) => mdCode(t, true)],
    ['mdBlock', (t: string) => mdBlock(t)],
    ['inertText', inertText],
    ['html h()', (t: string) => h(t)],
    ['html prose', prose],
  ] as const)('%s', (_name, escape) => {
    const out = escape('x\x9b31m `y\x9b1m` z');
    expect(out).not.toMatch(/[\x80-\x9f]/);
    expect(out).toContain('\uFFFD31m');
  });
});

describe('bidirectional overrides are removed everywhere, code included', () => {
  it('stripControl removes every embedding, override and isolate', () => {
    expect(stripControl(`a${BIDI.join('')}b`)).toBe('ab');
  });

  it('inside mdProse code spans, mdCode (inline and in tables) and mdBlock fences', () => {
    expect(mdProse(`run \`evil${RLO}cod\` now ${RLO}x`)).toBe('run `evilcod` now x');
    expect(mdCode(`evil${RLO}cod`)).toBe('`evilcod`');
    expect(mdCode(`a|${RLO}b`, true)).toBe('`a\\|b`');
    expect(mdBlock(`line ${RLO}one\n\u2066two\u2069`)).toBe('```\nline one\ntwo\n```');
  });

  it('in HTML text and code', () => {
    expect(h(`a${RLO}b`)).toBe('ab');
    expect(prose(`\`a${RLO}b\` c${RLO}d`)).toBe('<code>ab</code> cd');
  });
});

describe('character references to an override (&#8238;, &#x202e;) stay text', () => {
  it('mdText and mdProse outside code escape the &, so no viewer decodes them', () => {
    expect(mdText('x&#8238;y&#x202E;z')).toBe('x&amp;#8238;y&amp;#x202E;z');
    expect(mdProse('x&#8238;y `&#x202e;` z')).toBe('x&amp;#8238;y `&#x202e;` z'); // code spans render references literally
  });

  it('HTML escapes the & in text and in code', () => {
    expect(h('&#8238;&#x202e;')).toBe('&amp;#8238;&amp;#x202e;');
    expect(prose('`&#8238;` &#x202e;')).toBe('<code>&amp;#8238;</code> &amp;#x202e;');
  });
});
