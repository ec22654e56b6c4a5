#!/usr/bin/env node
/**
 * The CLI (src/bin.ts) as one file with every dependency inlined, by esbuild. `npm run build` writes
 * dist/istio-bundle.mjs, which bin/istio-bundle.js runs: loading one file instead of some 300 modules
 * is most of the start-up time saved (bench/startup.mjs). scripts/package.mjs builds the release files
 * with it. Usage: node scripts/bundle-cli.mjs OUTFILE
 */
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { build } from 'esbuild';

const ROOT = join(import.meta.dirname, '..');
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));

/**
 * src/version.ts reads package.json next to the code at run time, which a single file does not have;
 * the bundle gets the same two values as constants.
 */
const versionFromPackageJson = {
  name: 'version-from-package-json',
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/]version\.ts$/ }, () => ({
      contents: `export const TOOL_NAME = ${JSON.stringify(PKG.name)};\nexport const TOOL_VERSION = ${JSON.stringify(PKG.version)};\n`,
      loader: 'ts',
    }));
  },
};

/**
 * src/artifacts/precompiled-validators.ts is empty in the source tree; the bundle gets ajv's standalone
 * code for every schema instead (scripts/standalone-validators.ts, run with tsx to read the TypeScript schemas).
 */
const precompiledValidators = {
  name: 'precompiled-validators',
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/]artifacts[\\/]precompiled-validators\.ts$/ }, (args) => {
      const contents = execFileSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'standalone-validators.ts')], {
        cwd: ROOT,
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
        // No compile cache left in TMPDIR (the tests check that theirs stays empty).
        env: { ...process.env, TSX_DISABLE_CACHE: '1' },
      });
      return { contents, loader: 'js', resolveDir: dirname(args.path) };
    });
  },
};

const FORMATS = {
  esm: {
    format: 'esm',
    // Bundled CommonJS dependencies call require() for Node built-ins; an ES module has none of its own.
    banner: { js: "#!/usr/bin/env node\nimport { createRequire as __ibaCreateRequire } from 'node:module';\nconst require = __ibaCreateRequire(import.meta.url);" },
  },
  // For Node 20's single executable applications, which run a CommonJS script only.
  cjs: {
    format: 'cjs',
    // yargs' ES module shim derives paths from import.meta.url, which CommonJS output lacks.
    define: { 'import.meta.url': '__ibaImportMetaUrl' },
    banner: { js: "const __ibaImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  },
};

/** Writes the CLI to `outfile` as an ES module (`esm`) or a CommonJS script (`cjs`). */
export async function bundleCli(outfile, format) {
  await build({
    entryPoints: [join(ROOT, 'src', 'bin.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    legalComments: 'eof',
    logLevel: 'warning',
    plugins: [versionFromPackageJson, precompiledValidators],
    outfile,
    ...FORMATS[format],
  });
}

if (process.argv[1] === import.meta.filename) {
  const [outfile] = process.argv.slice(2);
  if (!outfile) {
    process.stderr.write('usage: node scripts/bundle-cli.mjs OUTFILE\n');
    process.exit(2);
  }
  await bundleCli(resolve(outfile), 'esm');
}
