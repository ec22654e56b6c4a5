import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rulesMarkdownTable, toolCatalogue, withGeneratedRules } from '../src/report/catalogue.js';
import { RULES } from '../src/rules/registry.js';

describe('README.md', () => {
  it('its rule table is the catalogue (run `npm run readme` after changing a rule)', () => {
    const readme = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');
    expect(withGeneratedRules(readme, rulesMarkdownTable(toolCatalogue(RULES)))).toBe(readme);
    for (const rule of RULES) expect(readme).toContain(`| ${rule.id} | ${rule.severity} | ${rule.title} |`);
  });
});
