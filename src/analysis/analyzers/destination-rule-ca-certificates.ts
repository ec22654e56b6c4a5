import type { ResourceRecord } from '../../model/facets.js';
import { defineAnalyzer } from '../analyzer.js';
import { originName, type IstioMessage } from '../messages.js';
import { asArray, asNumber, asRecord, asString } from '../object-access.js';

type Message = Omit<IstioMessage, 'analyzer'>;

/**
 * TLS origination without server certificate verification (Istio's
 * `destinationrule.CaCertificateAnalyzer`): a DestinationRule whose `tls.mode` is SIMPLE or MUTUAL
 * and that sets no `caCertificates`, at the rule level (IST0128) or in a port-level setting (IST0129).
 * Since Istio 1.21 the proxy then verifies against its OS CA bundle (`VERIFY_CERTIFICATE_AT_CLIENT`
 * is on by default); before, it accepted any certificate. DISABLE needs no CA, and ISTIO_MUTUAL uses
 * the mesh's own CA. A `credentialName` only counts as a CA source when the rule also has a
 * `workloadSelector` (istio.io ClientTLSSettings: the secret is read for the selected workloads,
 * typically a gateway), so without one the warning stands. Subset-level traffic policies are not
 * checked, as in Istio.
 */
export const caCertificatesAnalyzer = defineAnalyzer({
  name: 'destinationrule.CaCertificateAnalyzer',
  codes: ['IST0128', 'IST0129'],
  analyze(index) {
    const messages: Message[] = [];
    for (const dr of index.ofKind('DestinationRule')) {
      const hasWorkloadSelector = asRecord(asRecord(dr.object.spec)?.workloadSelector) !== undefined;
      const where = originName('DestinationRule', index.namespaceOf(dr) || undefined, dr.object.metadata.name);
      for (const setting of tlsSettings(dr)) {
        const mode = unverifiedTlsMode(setting.tls, hasWorkloadSelector);
        if (!mode) continue;
        messages.push(setting.portIndex === undefined ? destinationLevel(dr, where, mode, setting.host) : portLevel(dr, where, mode, setting.host, setting.portIndex, setting.port));
      }
    }
    return messages;
  },
});

/** The TLS settings of a DestinationRule's traffic policy: the rule's own, then each port-level one. */
function tlsSettings(dr: ResourceRecord): { host: string; tls: Record<string, unknown> | undefined; pointer: string; portIndex?: number; port?: number }[] {
  const spec = asRecord(dr.object.spec);
  const host = asString(spec?.host) ?? '';
  const policy = asRecord(spec?.trafficPolicy);
  return [
    { host, tls: asRecord(policy?.tls), pointer: '/spec/trafficPolicy/tls' },
    ...asArray(policy?.portLevelSettings).map((setting, i) => {
      const portSetting = asRecord(setting);
      const port = asNumber(asRecord(portSetting?.port)?.number);
      return { host, tls: asRecord(portSetting?.tls), pointer: `/spec/trafficPolicy/portLevelSettings/${i}/tls`, portIndex: i, ...(port !== undefined ? { port } : {}) };
    }),
  ];
}

/** The protobuf enum of `ClientTLSSettings.mode`, which YAML may give by name or by number. */
const TLS_MODES = ['DISABLE', 'SIMPLE', 'MUTUAL', 'ISTIO_MUTUAL'] as const;

/** SIMPLE or MUTUAL when these TLS settings leave the server's certificate unverified. */
function unverifiedTlsMode(tls: Record<string, unknown> | undefined, hasWorkloadSelector: boolean): 'SIMPLE' | 'MUTUAL' | undefined {
  const mode = tlsMode(tls?.mode);
  if (mode !== 'SIMPLE' && mode !== 'MUTUAL') return undefined;
  if (asString(tls?.caCertificates)) return undefined;
  if (asString(tls?.credentialName) && hasWorkloadSelector) return undefined;
  return mode;
}

function tlsMode(value: unknown): (typeof TLS_MODES)[number] | undefined {
  if (typeof value === 'number') return TLS_MODES[value];
  return TLS_MODES.find((m) => m === value);
}

function destinationLevel(dr: ResourceRecord, where: string, mode: string, host: string): Message {
  return {
    code: 'IST0128',
    resource: dr,
    field: '/spec/trafficPolicy/tls/mode',
    text: `${where} sets TLS mode ${mode} for host \`${host}\` without caCertificates.`,
    details: { mode, host },
  };
}

function portLevel(dr: ResourceRecord, where: string, mode: string, host: string, settingIndex: number, port: number | undefined): Message {
  return {
    code: 'IST0129',
    resource: dr,
    field: `/spec/trafficPolicy/portLevelSettings/${settingIndex}/tls/mode`,
    text: `${where} sets TLS mode ${mode} for host \`${host}\`${port !== undefined ? ` port ${port}` : ''} without caCertificates.`,
    details: { mode, host, ...(port !== undefined ? { port } : {}) },
  };
}

/**
 * `insecureSkipVerify: true` in SIMPLE/MUTUAL TLS settings (istio.io ClientTLSSettings): the proxy
 * checks neither the CA signature nor the SAN of the server. Istio's analyzers do not report it;
 * it is the same fault as IST0128/IST0129, chosen on purpose, often left from an emergency.
 */
export const insecureSkipVerifyAnalyzer = defineAnalyzer({
  name: 'destinationrule.InsecureSkipVerify',
  beyondIstio: true,
  codes: ['IST0128', 'IST0129'],
  analyze(index) {
    const messages: Message[] = [];
    const skips = (tls: Record<string, unknown> | undefined) => tls?.insecureSkipVerify === true && tlsMode(tls.mode) !== 'ISTIO_MUTUAL' && tlsMode(tls.mode) !== 'DISABLE';
    for (const dr of index.ofKind('DestinationRule')) {
      for (const { host, tls, pointer, portIndex, port } of tlsSettings(dr)) {
        if (!skips(tls)) continue;
        const where = port !== undefined ? ` port ${port}` : '';
        messages.push({
          code: portIndex === undefined ? 'IST0128' : 'IST0129',
          resource: dr,
          field: `${pointer}/insecureSkipVerify`,
          text: `TLS to \`${host}\`${where} sets \`insecureSkipVerify: true\`: the server's certificate is not verified at all.`,
          details: { host, mode: 'insecureSkipVerify', ...(port !== undefined ? { port } : {}) },
        });
      }
    }
    return messages;
  },
});
