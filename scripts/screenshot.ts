/**
 * `npm run screenshot [-- SAMPLE…]`: renders each sample's HTML report and saves a full-page
 * screenshot beside it in screenshots/ (for humans reviewing the page; tests do not read them).
 */
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { analyzeBundle } from '../src/pipeline.js';
import { renderHtml } from '../src/report/html/render.js';
import { launchChromium } from '../test/browser/chromium.js';

const root = resolve(import.meta.dirname, '..');
const out = join(root, 'screenshots');
const requested = process.argv.slice(2);
const samples = requested.length > 0 ? requested : (await readdir(join(root, 'samples'), { withFileTypes: true })).filter((d) => d.isDirectory() && d.name !== 'dist').map((d) => d.name).sort();

await mkdir(out, { recursive: true });
const browser = await launchChromium();
try {
  for (const sample of samples) {
    const { report } = await analyzeBundle(join(root, 'samples', sample));
    const html = join(out, `${sample}.html`);
    await writeFile(html, renderHtml(report));
    const page = await browser.newPage({ viewport: { width: 1024, height: 800 } });
    await page.goto(pathToFileURL(html).href);
    await page.screenshot({ path: join(out, `${sample}.png`), fullPage: true });
    await page.close();
    process.stdout.write(`screenshots/${sample}.png\n`);
  }
} finally {
  await browser.close();
}
