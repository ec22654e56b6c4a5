/**
 * Stryker ignore-plugin `sample`, for `npm run mutation -- --sample N` (see mutation-sample.mjs):
 * inside the ranges of the drawn nodes, it ignores every node that was not drawn and holds none that
 * was. Reads the sample from the file named by STRYKER_SAMPLE.
 */
import { readFileSync } from 'node:fs';
import { PluginKind, declareValuePlugin } from '@stryker-mutator/api/plugin';

const sample = process.env.STRYKER_SAMPLE ? JSON.parse(readFileSync(process.env.STRYKER_SAMPLE, 'utf8')) : { nodes: [] };

/** file → drawn locations, in Babel's terms (lines from 1) as the ignorer sees nodes. */
const drawn = new Map();
for (const { file, location } of sample.nodes) {
  const list = drawn.get(file) ?? [];
  list.push({ start: { line: location.start.line + 1, column: location.start.column }, end: { line: location.end.line + 1, column: location.end.column } });
  drawn.set(file, list);
}

const before = (a, b) => a.line < b.line || (a.line === b.line && a.column <= b.column);
const contains = (outer, inner) => before(outer.start, inner.start) && before(inner.end, outer.end);
const same = (a, b) => contains(a, b) && contains(b, a);

const REASON = 'not in the sample (npm run mutation -- --sample)';

export const strykerPlugins = [
  declareValuePlugin(PluginKind.Ignore, 'sample', {
    shouldIgnore(path) {
      const loc = path.node.loc;
      const file = path.hub?.file?.opts?.filename;
      if (!loc || !file) return undefined;
      const locations = drawn.get(relative(file)) ?? [];
      if (locations.some((location) => same(location, loc) || contains(loc, location))) return undefined;
      return REASON;
    },
  }),
];

/** Stryker names files relative to the project when it instruments them; be sure of it. */
function relative(file) {
  const root = `${process.cwd()}/`;
  return file.startsWith(root) ? file.slice(root.length) : file;
}
