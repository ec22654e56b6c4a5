import { describe, expect, it } from 'vitest';
import { conformance } from '../../scripts/conformance/grid.js';
import type { OfflineAnalyzer } from '../../src/analysis/analyzer.js';
import { caCertificatesAnalyzer } from '../../src/analysis/analyzers/destination-rule-ca-certificates.js';
import { subsetSelectPodAnalyzer } from '../../src/analysis/analyzers/destination-rule-subsets.js';
import { buildConfigIndex } from '../../src/analysis/config-index.js';
import { readKubernetesObjects } from '../../src/artifacts/k8s/documents.js';
import type { KubernetesObject } from '../../src/artifacts/k8s/resource-schema.js';

/** Runs one analyzer over inline manifests (a multi-document YAML stream, shaped like the grid's files). */
function analyze(analyzer: OfflineAnalyzer, yaml: string) {
  const resources = readKubernetesObjects(yaml).map((o) => ({ object: o.object as KubernetesObject, source: { path: 'inline.yaml' } }));
  return analyzer.analyze(buildConfigIndex(resources, []));
}

function summary(analyzer: OfflineAnalyzer, yaml: string) {
  return analyze(analyzer, yaml).map((m) => `${m.code} ${m.resource.object.metadata.name} ${m.field}`);
}

describe('conformance with Istio\'s analyzer grid', () => {
  it.each([
    [caCertificatesAnalyzer.name, caCertificatesAnalyzer, ['IST0128', 'IST0129']],
    [subsetSelectPodAnalyzer.name, subsetSelectPodAnalyzer, ['IST0173', 'IST0174']],
  ] as const)('%s: 0 missed, 0 extra', (_name, analyzer, codes) => {
    const rows = conformance([analyzer]);
    expect(rows.map((r) => r.code)).toEqual(codes);
    for (const row of rows) {
      expect(row.cases).toBeGreaterThan(0);
      expect(row.expected).toBeGreaterThan(0);
      expect({ code: row.code, missed: row.missed, extra: row.extra }).toEqual({ code: row.code, missed: [], extra: [] });
      expect(row.matched).toBe(row.expected);
    }
  });
});

const dr = (name: string, spec: string, namespace = 'prod') => `---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
${spec
  .trim()
  .split('\n')
  .map((line) => `  ${line}`)
  .join('\n')}
`;

describe('destinationrule.CaCertificateAnalyzer', () => {
  it('reports SIMPLE at the rule level without caCertificates, with the mode and host', () => {
    const [m, ...rest] = analyze(
      caCertificatesAnalyzer,
      dr(
        'db-tls',
        `
host: mydb.prod.svc.cluster.local
trafficPolicy:
  tls:
    mode: SIMPLE
    sni: mydb.example.com`,
      ),
    );
    expect(rest).toEqual([]);
    expect(m).toMatchObject({ code: 'IST0128', field: '/spec/trafficPolicy/tls/mode', details: { mode: 'SIMPLE', host: 'mydb.prod.svc.cluster.local' } });
    expect(m!.resource.object.metadata.name).toBe('db-tls');
    expect(m!.text).toBe("DestinationRule prod/db-tls sets TLS mode SIMPLE for host `mydb.prod.svc.cluster.local` without caCertificates.");
  });

  it('reports a MUTUAL port-level setting by its index, with the port, and not the verified ones around it', () => {
    const messages = analyze(
      caCertificatesAnalyzer,
      dr(
        'db-mtls',
        `
host: mydb
trafficPolicy:
  tls:
    mode: ISTIO_MUTUAL
  portLevelSettings:
  - port: {number: 80}
    tls: {mode: DISABLE}
  - port: {number: 8443}
    tls:
      mode: MUTUAL
      clientCertificate: /etc/certs/client.pem
      privateKey: /etc/certs/key.pem
  - port: {number: 9443}
    tls: {mode: SIMPLE, caCertificates: /etc/certs/root.pem}`,
      ),
    );
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ code: 'IST0129', field: '/spec/trafficPolicy/portLevelSettings/1/tls/mode', details: { mode: 'MUTUAL', host: 'mydb', port: 8443 } });
    expect(messages[0]!.text).toContain('port 8443');
  });

  it('never asks DISABLE or ISTIO_MUTUAL for caCertificates, at either level', () => {
    for (const mode of ['DISABLE', 'ISTIO_MUTUAL']) {
      const yaml = dr(
        'internal',
        `
host: reviews
trafficPolicy:
  tls: {mode: ${mode}}
  portLevelSettings:
  - port: {number: 9080}
    tls: {mode: ${mode}}`,
      );
      expect(summary(caCertificatesAnalyzer, yaml)).toEqual([]);
    }
  });

  it('accepts credentialName as the CA source only together with a workloadSelector', () => {
    const tls = `
host: mydb.prod.svc.cluster.local
trafficPolicy:
  tls: {mode: SIMPLE, credentialName: db-credential}
  portLevelSettings:
  - port: {number: 443}
    tls: {mode: MUTUAL, credentialName: db-credential}`;
    expect(summary(caCertificatesAnalyzer, dr('no-selector', tls))).toEqual([
      'IST0128 no-selector /spec/trafficPolicy/tls/mode',
      'IST0129 no-selector /spec/trafficPolicy/portLevelSettings/0/tls/mode',
    ]);
    expect(summary(caCertificatesAnalyzer, dr('gateway-only', `${tls}\nworkloadSelector:\n  matchLabels: {istio: egressgateway}`))).toEqual([]);
    // A workloadSelector alone does not verify anything.
    expect(summary(caCertificatesAnalyzer, dr('selector-no-credential', `host: mydb\ntrafficPolicy:\n  tls: {mode: SIMPLE}\nworkloadSelector:\n  matchLabels: {app: db}`))).toEqual([
      'IST0128 selector-no-credential /spec/trafficPolicy/tls/mode',
    ]);
  });

  it('ignores subset-level policies (as Istio does) and survives specs of the wrong shape', () => {
    const yaml =
      dr('subset-tls', `host: mydb\nsubsets:\n- name: v1\n  labels: {version: v1}\n  trafficPolicy:\n    tls: {mode: SIMPLE}`) +
      dr('odd', `host: mydb\ntrafficPolicy:\n  tls: [SIMPLE]\n  portLevelSettings: not-a-list`) +
      dr('odd-port', `host: mydb\ntrafficPolicy:\n  portLevelSettings:\n  - 443\n  - tls: {mode: simple}`);
    expect(summary(caCertificatesAnalyzer, yaml)).toEqual([]);
  });
});

const service = (name: string, namespace: string, selector: string, annotations = '') => `---
apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: ${namespace}
${annotations ? `  annotations: ${annotations}\n` : ''}spec:
  ports:
  - {name: http, port: 9080}
  selector: ${selector}
`;

const pod = (name: string, namespace: string, labels: string, nodeName?: string) => `---
apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  namespace: ${namespace}
  labels: ${labels}
spec:
${nodeName ? `  nodeName: ${nodeName}\n` : ''}  containers:
  - {name: app, image: example/app}
`;

const node = (name: string, labels: string) => `---
apiVersion: v1
kind: Node
metadata:
  name: ${name}
  labels: ${labels}
`;

const serviceEntry = (name: string, namespace: string, spec: string) => `---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: ${name}
  namespace: ${namespace}
spec: ${spec}
`;

describe('destinationrule.SubsetSelectPodAnalyzer: the host', () => {
  it('reports a host no Service or ServiceEntry defines, at /spec/host', () => {
    const [m, ...rest] = analyze(subsetSelectPodAnalyzer, service('reviews', 'bookinfo', '{app: reviews}') + dr('ghost', 'host: ghost.bookinfo.svc.cluster.local', 'bookinfo'));
    expect(rest).toEqual([]);
    expect(m).toMatchObject({ code: 'IST0174', field: '/spec/host', details: { host: 'ghost.bookinfo.svc.cluster.local' } });
    expect(m!.text).toBe('DestinationRule host `ghost.bookinfo.svc.cluster.local` matches no Service or ServiceEntry visible from namespace `bookinfo`.');
  });

  it('resolves a short host in the rule\'s own namespace only', () => {
    const yaml = service('reviews', 'bookinfo', '{app: reviews}') + dr('here', 'host: reviews', 'bookinfo') + dr('elsewhere', 'host: reviews', 'other');
    expect(summary(subsetSelectPodAnalyzer, yaml)).toEqual(['IST0174 elsewhere /spec/host']);
  });

  it('knows a ServiceEntry host, exact or covered by a wildcard ServiceEntry host', () => {
    const yaml =
      serviceEntry('payments', 'egress', '{hosts: [api.payments.example.com], ports: [{number: 443, name: https, protocol: TLS}], resolution: DNS}') +
      serviceEntry('wiki', 'egress', "{hosts: ['*.wikipedia.org'], ports: [{number: 443, name: https, protocol: TLS}], resolution: NONE}") +
      dr('payments', 'host: api.payments.example.com', 'shop') +
      dr('en-wiki', 'host: en.wikipedia.org', 'shop') +
      dr('all-wiki', "host: '*.wikipedia.org'", 'shop') +
      dr('other', 'host: api.example.net', 'shop');
    expect(summary(subsetSelectPodAnalyzer, yaml)).toEqual(['IST0174 other /spec/host']);
  });

  it('matches a wildcard rule host only against ServiceEntry hosts, never against Services (Istio\'s lookup)', () => {
    const yaml =
      service('reviews', 'bookinfo', '{app: reviews}') +
      serviceEntry('payments', 'egress', '{hosts: [api.payments.example.com], ports: [{number: 443, name: https}]}') +
      dr('all-bookinfo', "host: '*.bookinfo.svc.cluster.local'", 'bookinfo') +
      dr('all-payments', "host: '*.payments.example.com'", 'bookinfo');
    expect(summary(subsetSelectPodAnalyzer, yaml)).toEqual(['IST0174 all-bookinfo /spec/host', 'IST0174 all-payments /spec/host']);
  });

  it('looks a host up where the rule is exported to, and ServiceEntries where they are exported to', () => {
    const yaml =
      serviceEntry('db', 'data', "{hosts: [db.internal], exportTo: ['.'], ports: [{number: 5432, name: tcp}]}") +
      service('private', 'data', '{app: private}', "{networking.istio.io/exportTo: '.'}") +
      dr('db-from-app', 'host: db.internal', 'app') +
      dr('db-from-data', 'host: db.internal', 'data') +
      dr('db-exported', "host: db.internal\nexportTo: [data]", 'app') +
      dr('private-from-app', 'host: private.data.svc.cluster.local', 'app');
    expect(summary(subsetSelectPodAnalyzer, yaml)).toEqual(['IST0174 db-from-app /spec/host', 'IST0174 private-from-app /spec/host']);
  });
});

describe('destinationrule.SubsetSelectPodAnalyzer: the subsets', () => {
  const reviews = service('reviews', 'bookinfo', '{app: reviews}') + pod('reviews-v1-abc', 'bookinfo', '{app: reviews, version: v1}', 'node-a');

  it('reports a subset no pod carries the labels of, at its labels, with what a fix needs', () => {
    const messages = analyze(subsetSelectPodAnalyzer, reviews + dr('reviews', 'host: reviews\nsubsets:\n- name: v1\n  labels: {version: v1}\n- name: v3\n  labels: {version: v3}', 'bookinfo'));
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      code: 'IST0173',
      field: '/spec/subsets/1/labels',
      details: { subset: 'v3', labels: { version: 'v3' }, selector: { version: 'v3' }, host: 'reviews', service: 'Service bookinfo/reviews' },
    });
    expect(messages[0]!.text).toBe('Subset `v3` of host `reviews` selects pods labelled version=v3, and no pod matches, so requests routed to it fail with 503 UH (no healthy upstream).');
  });

  it('counts a pod of another Service with the subset\'s labels, because Istio does not add the Service selector', () => {
    const yaml = reviews + pod('ratings-v2-xyz', 'bookinfo', '{app: ratings, version: v2}') + dr('reviews', 'host: reviews\nsubsets:\n- name: v2\n  labels: {version: v2}', 'bookinfo');
    expect(summary(subsetSelectPodAnalyzer, yaml)).toEqual([]);
  });

  it('merges a ServiceEntry\'s workloadSelector into the subset\'s labels', () => {
    const yaml =
      serviceEntry('db', 'data', '{hosts: [db.data.svc.cluster.local], ports: [{number: 5432, name: tcp}], workloadSelector: {labels: {app: db}}, resolution: STATIC}') +
      pod('cache-v2', 'data', '{app: cache, version: v2}') +
      pod('db-v1', 'data', '{app: db, version: v1}') +
      dr('db', 'host: db.data.svc.cluster.local\nsubsets:\n- name: v1\n  labels: {version: v1}\n- name: v2\n  labels: {version: v2}', 'data');
    const messages = analyze(subsetSelectPodAnalyzer, yaml);
    expect(messages.map((m) => m.details.subset)).toEqual(['v2']);
    expect(messages[0]!.details).toMatchObject({ selector: { app: 'db', version: 'v2' }, service: 'ServiceEntry data/db' });
    expect(messages[0]!.text).toContain('pods labelled app=db, version=v2');
  });

  it('matches topology labels from the pod\'s Node, but not empty ones', () => {
    const yaml =
      reviews +
      node('node-a', "{kubernetes.io/hostname: node-a, topology.kubernetes.io/region: eu-west-1, topology.kubernetes.io/zone: '', topology.istio.io/subzone: rack-7}") +
      dr(
        'reviews',
        "host: reviews\nsubsets:\n- name: eu\n  labels: {topology.kubernetes.io/region: eu-west-1, version: v1}\n- name: rack\n  labels: {topology.istio.io/subzone: rack-7}\n- name: host\n  labels: {kubernetes.io/hostname: node-a}\n- name: blank-zone\n  labels: {topology.kubernetes.io/zone: ''}\n- name: us\n  labels: {topology.kubernetes.io/region: us-east-1}",
        'bookinfo',
      );
    expect(analyze(subsetSelectPodAnalyzer, yaml).map((m) => m.details.subset)).toEqual(['blank-zone', 'us']);
  });

  it('gives topology subsets the benefit of the doubt when the bundle lacks the pod\'s Node, but not other labels', () => {
    const yaml = reviews + dr('reviews', "host: reviews\nsubsets:\n- name: eu\n  labels: {topology.kubernetes.io/region: eu-west-1, version: v1}\n- name: eu-v9\n  labels: {topology.kubernetes.io/region: eu-west-1, version: v9}", 'bookinfo');
    expect(analyze(subsetSelectPodAnalyzer, yaml).map((m) => m.details.subset)).toEqual(['eu-v9']);
  });

  it('says nothing about a rule without subsets or with an unknown host\'s subsets beyond IST0174', () => {
    const yaml = reviews + dr('plain', 'host: reviews\ntrafficPolicy: {loadBalancer: {simple: LEAST_REQUEST}}', 'bookinfo') + dr('ghost', 'host: ghost\nsubsets:\n- name: v1\n  labels: {version: v1}', 'bookinfo');
    expect(summary(subsetSelectPodAnalyzer, yaml)).toEqual(['IST0174 ghost /spec/host']);
  });

  it('checks one subset per name, the later one, as Istio keys subsets by name', () => {
    const yaml = reviews + dr('reviews', 'host: reviews\nsubsets:\n- name: v1\n  labels: {version: v9}\n- name: v1\n  labels: {version: v1}\n- name: v2\n  labels: {version: v2}\n- name: v2\n  labels: {version: v8}', 'bookinfo');
    expect(summary(subsetSelectPodAnalyzer, yaml)).toEqual(['IST0173 reviews /spec/subsets/3/labels']);
  });

  it('survives subsets and pods of the wrong shape', () => {
    const yaml = reviews + pod('odd', 'bookinfo', '[not, a, map]') + dr('reviews', 'host: reviews\nsubsets:\n- just-a-string\n- name: v1\n  labels: [version]', 'bookinfo');
    // `labels: [version]` reads as no labels, which selects every pod: there are pods, so it matches.
    expect(summary(subsetSelectPodAnalyzer, yaml)).toEqual([]);
  });
});
