import { describe, expect, it } from 'vitest';
import { mdBlock, mdCode, mdProse, mdText, stripControl } from '../../src/report/escape.js';

describe('escaping text quoted from a bundle', () => {
  it('removes terminal escape sequences and control characters but keeps tabs and newlines', () => {
    expect(stripControl('\x1b[1;31mError\x1b[0m\tok\n\x07bell')).toBe('Error\tok\n\uFFFDbell');
    expect(stripControl('title\x1b]0;pwned\x07 end')).toBe('title end');
  });

  it('keeps table cells on one line with pipes and HTML neutralised', () => {
    expect(mdText('a | b\n<script>x</script>')).toBe('a \\| b &lt;script&gt;x&lt;/script&gt;');
  });

  it('escapes HTML in prose but leaves code spans literal', () => {
    expect(mdProse('run `kubectl label ns <ns> x=y` then <b>done</b>')).toBe('run `kubectl label ns <ns> x=y` then &lt;b&gt;done&lt;/b&gt;');
  });

  it('fences code spans and blocks longer than any backtick run inside', () => {
    expect(mdCode('a `b` c')).toBe('``a `b` c``');
    expect(mdCode('x|y', true)).toBe('`x\\|y`');
    const block = mdBlock('```\ninjected\n```');
    expect(block.startsWith('````\n')).toBe(true);
    expect(block.endsWith('\n````')).toBe(true);
  });
});

describe('Markdown injection from bundle values', () => {
  it('mdText neutralises links, images, emphasis and code spans', () => {
    expect(mdText('![pixel](https://evil/p.png) [click](https://evil/fix) *x* `y`')).toBe(
      '!\\[pixel\\](https://evil/p.png) \\[click\\](https://evil/fix) \\*x\\* \\`y\\`',
    );
  });

  it('mdText drops bidirectional overrides', () => {
    expect(mdText('abc\u202edcba')).toBe('abcdcba');
  });

  it('mdProse only keeps code spans CommonMark would close, and escapes the rest', () => {
    // A single backtick does not close a double-backtick run: the HTML is outside any span.
    expect(mdProse('x ``<img src=x onerror=alert(1)>` y')).toBe('x \\`\\`&lt;img src=x onerror=alert(1)&gt;\\` y');
    expect(mdProse('path `GET /a`b[x](https://evil.example/)`c`')).toBe('path `GET /a`b\\[x\\](https://evil.example/)`c`');
    expect(mdProse('keep `a <b> c` and ``d ` e``')).toBe('keep `a <b> c` and ``d ` e``');
  });
});

describe('mdCode edges', () => {
  it('keeps a multi-line value on one line, the lines joined by a space', () => {
    // A command or path quoted in a table cell: a newline would end the row, and dropping it would glue two words.
    expect(mdCode('istioctl proxy-status\n--revision canary')).toBe('`istioctl proxy-status --revision canary`');
  });

  it('pads a value that starts or ends with a backtick, so the fence is not read as part of it', () => {
    // CommonMark strips one space each side: the value renders exactly, backtick included.
    expect(mdCode('echo `')).toBe('`` echo ` ``');
    expect(mdCode('`date` now')).toBe('`` `date` now ``');
    expect(mdCode('plain')).toBe('`plain`');
  });
});
