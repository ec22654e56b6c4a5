import type { Certificate, ProxyCertificates } from '../../model/views/certificates.js';
import type { RuleContext, Subject } from '../rule.js';

/**
 * "Now" for a certificate rule: the bundle's collection time, never the wall clock, so the same
 * bundle gives the same report next year. Without one the rule says so instead of guessing.
 */
export function collectionTime(context: RuleContext, what: string): number | undefined {
  const at = context.bundle.collectedAt ? Date.parse(context.bundle.collectedAt) : NaN;
  if (Number.isNaN(at)) {
    context.notChecked(`the bundle does not say when it was collected (no manifest \`collectedAt\`, no timestamp in it): ${what} cannot be judged`);
    return undefined;
  }
  return at;
}

/** What a certificate rule asks for when the bundle's config dumps carry no SDS secrets (a dump cut to some sections). */
export const COLLECT_PROXY_SECRETS = ['istioctl proxy-config secret <pod> -n <namespace> -o json'];
export const NO_PROXY_CERTIFICATES = 'no proxy certificate in the bundle: its config dumps hold no SDS secrets (`default`, `ROOTCA`) and there is no Envoy /certs';

/** One certificate in an evidence excerpt: its identity, serial and validity; never more than is public. */
export function certificateLine(cert: Certificate): string {
  const who = cert.uris?.[0] ?? cert.dnsNames?.join(',') ?? (cert.subject || '(empty subject)');
  return [who, `serial ${cert.serial}`, `notBefore ${rfc3339(cert.notBefore)}`, `notAfter ${rfc3339(cert.notAfter)}`, ...(cert.sha256 ? [`sha256 ${cert.sha256}`] : [])].join(' · ');
}

/** RFC 3339 UTC to the second, as every time in the report. */
export function rfc3339(time: string | number): string {
  return new Date(time).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function proxySubject(proxy: Pick<ProxyCertificates, 'id' | 'pod' | 'namespace'>): Subject {
  return proxy.pod && proxy.namespace ? { kind: 'Pod', namespace: proxy.namespace, name: proxy.pod } : { kind: 'File', name: proxy.id };
}

/** A certificate by what a person recognises: its subject's CN or O, else its SPIFFE id, else the serial. */
export function certificateName(cert: Certificate): string {
  const subject = cert.subject ?? '';
  const cn = /(?:^|,\s*)CN=([^,]+)/.exec(subject)?.[1];
  const o = /(?:^|,\s*)O=([^,]+)/.exec(subject)?.[1];
  return cn ?? (o ? `O=${o}` : undefined) ?? cert.uris?.[0] ?? `serial ${cert.serial}`;
}
