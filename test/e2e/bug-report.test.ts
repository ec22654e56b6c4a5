import { join } from 'node:path';
import { create } from 'tar';
import { describe, expect, it } from 'vitest';
import { analyzeBundle } from '../../src/pipeline.js';
import { reportSchemaErrors } from '../helpers/report-schema.js';
import { tempDir } from '../bundle/helpers.js';

/** A hand-built bundle in the layout `istioctl bug-report` writes (istioctl's `tools/bug-report` archive tree). */
const FOLDER = join(import.meta.dirname, '..', 'fixtures', 'bug-report');

async function packed(): Promise<string> {
  const file = join(await tempDir('ibundle-bugreport-'), 'bug-report.tar.gz');
  await create({ gzip: true, file, cwd: FOLDER, portable: true }, ['bug-report']);
  return file;
}

const summary = (findings: Array<{ ruleId: string; severity: string; subject: { namespace?: string; name: string } }>) =>
  findings.map((f) => `${f.ruleId} ${f.severity} ${f.subject.namespace ?? ''}/${f.subject.name}`);

describe('istioctl bug-report archives', () => {
  it.each([
    ['folder', async () => FOLDER],
    ['tar.gz', packed],
  ])('are read as a %s: syncz, cluster/pods YAML, analyze and proxy logs by their bug-report paths', async (_label, source) => {
    const { report } = await analyzeBundle(await source());
    expect(reportSchemaErrors(report)).toEqual([]);
    expect(report.bundle.layout).toBe('istioctl-bug-report');
    // cluster/cluster-context names the kubectl context; `versions` and the pods' images the releases
    expect(report.bundle.cluster).toBe('kind-bookinfo');
    expect(report.facts.istio).toEqual({ controlPlane: ['1.22.3'], dataPlane: ['1.22.3'] });
    // cluster/kubectl-version is `kubectl version` as text: the API server's release goes to the header
    expect(report.facts.kubernetesVersion).toBe('v1.30.0');
    expect(summary(report.findings)).toEqual([
      'CP001 critical istio-system/istiod-5d8f7c9b6-x2lqp',
      'LOG005 high bookinfo/productpage-v1',
      'CFG001 medium bookinfo/ratings-v1-85c74b6cb4-9xkzm',
      'CFG001 low bookinfo/details',
    ]);
    // No cluster/crs or k8s-resources in this archive: the offline configuration rules say so; its config dumps hold no
    // SDS secrets, so the certificate rules do too.
    expect(report.notChecked.map((n) => n.ruleId)).toEqual(['AMB002', 'CERT001', 'CERT002', 'CERT003', 'CERT004', 'CERT005', 'CFG002', 'CFG003', 'CFG004', 'CFG005', 'CFG006', 'CFG007', 'CFG008', 'CFG009', 'CFG010', 'CFG011', 'CP004', 'CP005', 'FD001', 'MC001', 'MEM001', 'MEM002', 'TP001', 'TP002']);
    const byPath = Object.fromEntries(report.inventory.map((i) => [i.path, i]));
    expect(byPath['bug-report/istio/istio-system/istiod-5d8f7c9b6-x2lqp/debug/syncz']).toMatchObject({ status: 'used', kind: 'istiod.syncz', recognisedBy: 'path' });
    expect(byPath['bug-report/cluster/pods']).toMatchObject({ status: 'used', kind: 'kubectl.pods' });
    expect(byPath['bug-report/cluster/cluster-context']).toMatchObject({ status: 'used', kind: 'bugReport.clusterContext', recognisedBy: 'path' });
    expect(byPath['bug-report/versions']).toMatchObject({ status: 'used', kind: 'bugReport.versions', recognisedBy: 'path' });
    expect(byPath['bug-report/cluster/kubectl-version']).toMatchObject({ status: 'used', kind: 'kubectl.version', recognisedBy: 'path' });
    expect(byPath['bug-report/proxies/bookinfo/productpage-v1-7d9d4b7c8-qk5zn/config_dump?include_eds']).toMatchObject({ status: 'used', kind: 'envoy.configDump', recognisedBy: 'path' });
  });
});
