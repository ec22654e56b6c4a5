import { describe, expect, it } from 'vitest';
import { compareText, sortedRecord } from '../../src/order.js';

describe('sortedRecord', () => {
  it('orders keys by UTF-16 code unit, not by locale', () => {
    const record = sortedRecord(new Map([['b', 2], ['B', 1], ['a', 3], ['é', 4], ['Z', 5]]));
    expect(Object.keys(record)).toEqual(['B', 'Z', 'a', 'b', 'é']);
    expect(record).toEqual({ B: 1, Z: 5, a: 3, b: 2, é: 4 });
    expect(JSON.stringify(record)).toBe('{"B":1,"Z":5,"a":3,"b":2,"é":4}');
  });

  it('keeps the last value of a repeated key, as Object.fromEntries does', () => {
    const entries: Array<[string, number]> = [['x', 1], ['y', 2], ['x', 3]];
    expect(sortedRecord(entries)).toEqual(Object.fromEntries(entries));
  });

  it('keeps a __proto__ key as an own property and leaves the prototype alone', () => {
    const record = sortedRecord([['__proto__', 7], ['constructor', 8], ['a', 1]]);
    expect(Object.getPrototypeOf(record)).toBe(Object.prototype);
    expect(Object.keys(record)).toEqual(['__proto__', 'a', 'constructor']);
    expect(JSON.stringify(record)).toBe('{"__proto__":7,"a":1,"constructor":8}');
    expect(Object.getOwnPropertyDescriptor(record, '__proto__')?.value).toBe(7);
  });

  it('gives the same object as Object.fromEntries over sorted entries, for a thousand keys', () => {
    const entries = Array.from({ length: 1000 }, (_, i): [string, number] => [`svc-${(i * 7919) % 1000}.team-${i % 20}.svc.cluster.local`, i]);
    const expected = Object.fromEntries([...entries].sort(([a], [b]) => compareText(a, b)));
    expect(JSON.stringify(sortedRecord(entries))).toBe(JSON.stringify(expected));
  });
});

describe('compareText and the default sort agree', () => {
  it('on surrogate pairs, case, accents, digits and the empty string', () => {
    const words = ['b', '', 'a', 'B', '😀', 'ｚ', 'z', '10', '9', 'é', 'e\u0301', '\uffff', '\ud7ff'];
    expect([...words].sort()).toEqual([...words].sort(compareText));
    // Integer-like keys ('9', '10') come first in any JavaScript object, in numeric order, as with Object.fromEntries.
    const entries = words.map((w, i): [string, number] => [w, i]);
    expect(JSON.stringify(sortedRecord(entries))).toBe(JSON.stringify(Object.fromEntries([...entries].sort(([a], [b]) => compareText(a, b)))));
  });
});
