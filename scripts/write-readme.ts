// Rewrites the generated parts of README.md (npm run readme): the rule table, from the catalogue.
// test/readme.test.ts fails when README.md and the catalogue drift apart.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { rulesMarkdownTable, toolCatalogue, withGeneratedRules } from '../src/report/catalogue.js';
import { RULES } from '../src/rules/registry.js';

const file = join(import.meta.dirname, '..', 'README.md');
await writeFile(file, withGeneratedRules(await readFile(file, 'utf8'), rulesMarkdownTable(toolCatalogue(RULES))));
console.log('README.md: rule table');
