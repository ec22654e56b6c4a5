/**
 * The one-file CLI validates with ajv standalone code generated at build time
 * (scripts/standalone-validators.ts, put in place of src/artifacts/precompiled-validators.ts by
 * scripts/bundle-cli.mjs). Here that generated table replaces the empty one, each generated validator
 * is wrapped to compare its verdict and errors with ajv.compile of the same schema on the same value,
 * and real seeds of every artifact kind, mutated, go through the real entry boundary.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsImport from 'ajv-formats';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { ARTIFACT_KINDS } from '../../src/artifacts/registry.js';
import { AJV_OPTIONS, schemaDigest, validateValue } from '../../src/artifacts/validate.js';
import { reportSchema } from '../../src/report/report-schema.js';
import { entryCaseArb, materialise } from '../fuzz/cases.js';
import { ingestEntry } from '../fuzz/run-entry.js';

const generated = vi.hoisted(async () => {
  const { execFileSync } = await import('node:child_process');
  const { writeFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tempDir } = await import('../helpers/temp-dirs.js');
  const root = join(import.meta.dirname, '..', '..');
  const code = execFileSync(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'standalone-validators.ts')], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, TSX_DISABLE_CACHE: '1' } });
  // The generated code require()s ajv's runtime helpers, as esbuild resolves them in the bundle.
  const file = join(await tempDir('iba-precompiled-'), 'validators.mjs');
  writeFileSync(file, `import { createRequire } from 'node:module';\nconst require = createRequire(${JSON.stringify(join(root, 'package.json'))});\n${code}`);
  return { file, module: (await import(file)) as { PRECOMPILED: Map<string, ValidateFunction> } };
});

/** Every call of a generated validator, and any disagreement with ajv.compile. */
const calls = vi.hoisted(() => ({ count: 0, digests: new Set<string>(), mismatches: [] as string[] }));

vi.mock('../../src/artifacts/precompiled-validators.js', async () => {
  const { module } = await generated;
  const wrapped = new Map<string, ValidateFunction>();
  for (const [digest, precompiled] of module.PRECOMPILED) {
    const check = ((data: unknown) => {
      const valid = precompiled(data);
      const reference = runtimeValidator(digest);
      const expected = reference(data);
      calls.count += 1;
      calls.digests.add(digest);
      const got = JSON.stringify({ valid, errors: precompiled.errors ?? null });
      const want = JSON.stringify({ valid: expected, errors: reference.errors ?? null });
      if (got !== want) calls.mismatches.push(`${digest.slice(0, 12)}: generated ${got.slice(0, 300)} ≠ ajv.compile ${want.slice(0, 300)}`);
      check.errors = precompiled.errors;
      return valid;
    }) as ValidateFunction;
    wrapped.set(digest, check);
  }
  return { PRECOMPILED: wrapped };
});

const addFormats = addFormatsImport.default;
const referenceAjv = new Ajv(AJV_OPTIONS);
addFormats(referenceAjv);
const references = new Map<string, ValidateFunction>();
const schemasByDigest = new Map([...ARTIFACT_KINDS.map((kind) => kind.schema), reportSchema].map((schema) => [schemaDigest(schema as never), schema as object]));
function runtimeValidator(digest: string): ValidateFunction {
  let validate = references.get(digest);
  if (!validate) {
    validate = referenceAjv.compile(schemasByDigest.get(digest)!);
    references.set(digest, validate);
  }
  return validate;
}

describe('validators generated at build time', () => {
  it('exist for every artifact kind and for the report', async () => {
    const { module } = await generated;
    expect([...module.PRECOMPILED.keys()].sort()).toEqual([...schemasByDigest.keys()].sort());
  });

  it('agree with ajv.compile, verdict and errors, on mutated seeds of every kind through the entry boundary', () => {
    for (const kind of ARTIFACT_KINDS) {
      fc.assert(
        fc.property(entryCaseArb, (entryCase) => {
          const { path, bytes } = materialise(kind.id, entryCase);
          ingestEntry(path, bytes);
        }),
        { seed: 2718, numRuns: 25 },
      );
    }
    expect(calls.mismatches).toEqual([]);
    expect(calls.count).toBeGreaterThan(ARTIFACT_KINDS.length * 10);
    // Every kind whose sink validates reached its validator; line-scanned kinds (logs, stats, metrics)
    // keep only a summary the analyzer builds, which is not validated.
    const validating = ARTIFACT_KINDS.filter((kind) => !('createScanner' in kind)).map((kind) => kind.id);
    const reached = ARTIFACT_KINDS.filter((kind) => calls.digests.has(schemaDigest(kind.schema))).map((kind) => kind.id);
    expect(reached).toEqual(validating);
    expect(validating.length).toBeGreaterThanOrEqual(15);
  });

  it('are what validateValue uses, and a schema not in the table still compiles', () => {
    const before = calls.count;
    expect(validateValue(reportSchema as never, {})[0]?.message).toMatch(/missing required property/);
    expect(calls.count).toBe(before + 1);
    expect(validateValue({ type: 'object', properties: { x: { type: 'string' } }, required: ['x'] } as never, {})).toEqual([{ pointer: '', message: '(root): missing required property "x"' }]);
    expect(calls.count).toBe(before + 1);
  });
});
