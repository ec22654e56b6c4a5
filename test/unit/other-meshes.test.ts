import { describe, expect, it } from 'vitest';
import { OTHER_MESHES } from '../../src/rules/multi-cluster/other-meshes.js';

/**
 * MESH001 and LOG006 name another mesh's containers, marks and opt-outs, and MESH001 tells the customer
 * to set that opt-out: each fact is cited from the mesh's own documentation or injector source
 * (other-meshes.ts), so an engineer can check it before acting on it, and a mesh release that
 * renames a container or an annotation can be traced to what the catalogue relied on.
 */
describe('other meshes: every fact is cited', () => {
  const cited = OTHER_MESHES.flatMap((mesh) => [
    ...mesh.proxies.map((p) => ({ what: `${mesh.mesh} proxy ${p.name}`, source: p.source })),
    ...mesh.inits.map((i) => ({ what: `${mesh.mesh} init container ${i.name}`, source: i.source })),
    ...mesh.marks.map((m) => ({ what: `${mesh.mesh} mark ${m.key}`, source: m.source })),
    { what: `${mesh.mesh} opt-out ${mesh.optOut.key}: ${mesh.optOut.value}`, source: mesh.optOut.source },
  ]);

  it('cites an https page for each container name, mark and opt-out', () => {
    const uncited = cited.filter(({ source }) => {
      try {
        return new URL(source).protocol !== 'https:';
      } catch {
        return true;
      }
    });
    expect(uncited.map((c) => `${c.what}: ${JSON.stringify(c.source)}`)).toEqual([]);
  });
});
