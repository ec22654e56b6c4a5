import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeBundle } from '../../src/pipeline.js';
import { tempDir } from '../bundle/helpers.js';

// The bundle of test/rules/AMB002/fires-use-waypoint-names-ingress-gateway: `bookinfo` is labelled
// `istio.io/use-waypoint=bookinfo-gateway`, the name of its ingress Gateway, not of a waypoint. Here the
// Gateway listing holds that Gateway without its `spec` (a listing trimmed to metadata): the bundle still
// shows a Gateway of that name that is no waypoint, only not its class.
const FIXTURE = join(import.meta.dirname, '..', 'rules', 'AMB002', 'fires-use-waypoint-names-ingress-gateway', 'bundle');
const GATEWAYS = join('istio', 'resources', 'gateways.gateway.networking.k8s.io.json');

async function withGateway(change: (gateway: Record<string, unknown>) => void) {
  const dir = await tempDir();
  await cp(FIXTURE, dir, { recursive: true });
  const list = JSON.parse(await readFile(join(dir, GATEWAYS), 'utf8')) as { items: Array<Record<string, unknown>> };
  change(list.items[0]!);
  await writeFile(join(dir, GATEWAYS), `${JSON.stringify(list, null, 4)}\n`);
  const { report } = await analyzeBundle(dir);
  return report.findings.filter((f) => f.ruleId === 'AMB002');
}

describe('AMB002: the use-waypoint label names a Gateway whose spec the bundle does not hold', () => {
  it('still reported as no waypoint, its class unknown (`?`), with the waypoint to create', async () => {
    const findings = await withGateway((gateway) => delete gateway.spec);
    expect(findings.map((f) => `${f.severity} ${f.subject.kind} ${f.subject.name}`)).toEqual(['high Namespace bookinfo']);
    const [finding] = findings;
    expect(finding!.title).toContain('`bookinfo` uses waypoint `bookinfo-gateway`, which is no waypoint');
    expect(finding!.explanation).toContain(
      '`bookinfo` is labelled `istio.io/use-waypoint=bookinfo-gateway`, but Gateway `bookinfo/bookinfo-gateway` is of class `?`, not a waypoint (class `istio-waypoint`): istiod gives it no waypoint.',
    );
    expect(finding!.remediation).toContain('Create a waypoint (a Gateway of class `istio-waypoint`, not the `?` Gateway `bookinfo-gateway`) and point the label at it.');
    expect(finding!.commands.slice(0, 2)).toEqual(['istioctl waypoint apply -n bookinfo --wait', 'kubectl label namespace bookinfo istio.io/use-waypoint=waypoint --overwrite']);
    expect(finding!.yaml).toContain('gatewayClassName: istio-waypoint');
  });
});
