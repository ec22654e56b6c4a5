// Writes schemas/*.schema.json from the schemas the code validates with (npm run schemas).
// A test fails when the files and the code drift apart.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { publishedSchemas, schemaText } from '../src/schemas.js';

for (const { file, schema } of publishedSchemas()) {
  await writeFile(join(import.meta.dirname, '..', 'schemas', file), schemaText(schema));
  console.log(`schemas/${file}`);
}
