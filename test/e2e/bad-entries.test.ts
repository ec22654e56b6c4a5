import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeBundle } from '../../src/pipeline.js';
import { buildTarGz } from '../bundle/tar-builder.js';
import { tempDir } from '../bundle/helpers.js';

const PROXY_STATUS = [
  'NAME                                        CLUSTER        CDS                LDS                EDS                RDS                ECDS         ISTIOD                      VERSION',
  'reviews-v1-5b4d7b8c9d-kx2mn.bookinfo        Kubernetes     STALE (14m7s)      SYNCED (14m7s)     SYNCED (14m7s)     SYNCED (14m7s)     NOT SENT     istiod-7c4d8d6d7b-9mzt4     1.22.3',
  '',
].join('\n');

const SCHEMA_INVALID_PODS = JSON.stringify({
  apiVersion: 'v1',
  kind: 'List',
  items: [{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'istiod-7c4d8d6d7b-9mzt4', namespace: 'istio-system' }, status: { containerStatuses: [{ name: 'discovery', restartCount: 'three' }] } }],
});

describe('a bundle with bad entries', () => {
  it('lists each bad entry with its reason and still analyses the rest', async () => {
    const file = join(await tempDir(), 'bundle.tar.gz');
    await writeFile(
      file,
      buildTarGz([
        { name: 'istio/proxy-status.txt', data: PROXY_STATUS },
        { name: 'kubernetes/pods/bookinfo.json', data: '{"apiVersion": "v1", "kind": "List", "items": [' },
        { name: 'istio/resources/virtualservices.yaml', data: 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: reviews\n   namespace: bookinfo\n' },
        { name: 'kubernetes/pods/istio-system.json', data: SCHEMA_INVALID_PODS },
        { name: 'notes/customer-notes.docx', data: Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, 0x08, 0x00]) }, // a zip header
        { name: 'notes/readme.txt', data: 'collected on Monday by Bob\n' },
        { name: '../../escape.txt', data: 'should never be read\n' },
        { name: 'logs/link.log', type: 'symlink', linkname: '/etc/passwd' },
      ]),
    );
    const { report } = await analyzeBundle(file);

    expect(report.findings.map((f) => `${f.ruleId} ${f.severity} ${f.subject.name}`)).toEqual(['CP001 critical istiod-7c4d8d6d7b-9mzt4']);
    const reason = (path: string) => report.inventory.find((i) => i.path === path);
    expect(reason('istio/proxy-status.txt')).toMatchObject({ status: 'used' });
    expect(reason('kubernetes/pods/bookinfo.json')).toMatchObject({ status: 'invalid', reason: expect.stringMatching(/^malformed JSON: /) });
    expect(reason('istio/resources/virtualservices.yaml')).toMatchObject({ status: 'invalid', line: 4, reason: expect.stringMatching(/^malformed YAML: /) });
    expect(reason('kubernetes/pods/istio-system.json')).toMatchObject({
      status: 'invalid',
      pointer: '/items/0/status/containerStatuses/0/restartCount',
      reason: 'does not match the kubectl.pods schema: /items/0/status/containerStatuses/0/restartCount: must be integer',
    });
    expect(reason('notes/customer-notes.docx')).toMatchObject({ status: 'not-recognised', reason: expect.stringContaining('binary content') });
    expect(reason('notes/readme.txt')).toMatchObject({ status: 'not-recognised', reason: 'no artifact kind matches its path or content (first line: "collected on Monday by Bob")' });
    expect(reason('../../escape.txt')).toMatchObject({ status: 'skipped', reason: 'unsafe path: contains ".."' });
    expect(reason('logs/link.log')).toMatchObject({ status: 'skipped', reason: 'symbolic link to "/etc/passwd": not followed' });
    expect(report.inventory).toHaveLength(8);
    // The schema-invalid pods are not used: CP003 says so instead of judging istiod on them.
    expect(report.notChecked.map((n) => n.ruleId)).toContain('CP003');
  });
});
