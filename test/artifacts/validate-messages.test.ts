/**
 * validateValue's messages (src/artifacts/validate.ts): what the inventory says of an artifact that
 * breaks its kind's schema, one wording per kind of violation, at the pointer within its file.
 */
import { describe, expect, it } from 'vitest';
import { validateValue } from '../../src/artifacts/validate.js';

const POD_SCHEMA = {
  type: 'object',
  required: ['name', 'phase'],
  additionalProperties: false,
  properties: { name: { type: 'string' }, phase: { enum: ['Pending', 'Running'] }, restarts: { type: 'integer' } },
} as never;

describe('validateValue messages', () => {
  it('names a missing property, an unexpected one, the values an enum allows, and ajv\'s own words otherwise', () => {
    expect(validateValue(POD_SCHEMA, { phase: 'Running' })).toEqual([{ pointer: '', message: '(root): missing required property "name"' }]);
    expect(validateValue(POD_SCHEMA, { name: 'a', phase: 'Running', colour: 'red' })).toEqual([{ pointer: '', message: '(root): unexpected property "colour"' }]);
    expect(validateValue(POD_SCHEMA, { name: 'a', phase: 'Evicted' })).toEqual([{ pointer: '/phase', message: '/phase: must be equal to one of the allowed values ["Pending","Running"]' }]);
    expect(validateValue(POD_SCHEMA, { name: 'a', phase: 'Running', restarts: 1.5 })).toEqual([{ pointer: '/restarts', message: '/restarts: must be integer' }]);
  });

  it('prefixes the pointer with where the value sits in its file, the root included', () => {
    expect(validateValue(POD_SCHEMA, { name: 'a', phase: 'Running', colour: 'red' }, '/items/3')).toEqual([{ pointer: '/items/3', message: '/items/3: unexpected property "colour"' }]);
    expect(validateValue(POD_SCHEMA, { name: 'a', phase: 'Gone' }, '/items/3')).toEqual([{ pointer: '/items/3/phase', message: '/items/3/phase: must be equal to one of the allowed values ["Pending","Running"]' }]);
  });
});
