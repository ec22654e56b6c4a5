import type { ValidateFunction } from 'ajv';

/**
 * Validators compiled ahead of time, by schema digest (`schemaDigest` in validate.ts). Empty in the
 * source tree, where each schema compiles on first use. The one-file CLI (scripts/bundle-cli.mjs,
 * used by `npm run build` and `npm run package`) replaces this module with ajv's standalone code for
 * every artifact kind's schema and the report's (scripts/standalone-validators.ts): compiling them
 * was the largest part of a small bundle's analysis. A schema whose digest is not here compiles as
 * before, so a stale table costs time, never a wrong answer.
 */
export const PRECOMPILED: ReadonlyMap<string, ValidateFunction> = new Map();
