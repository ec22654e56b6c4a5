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
