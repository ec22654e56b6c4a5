import type { MeshModel } from '../model/facets.js';
import type { Certificate, ProxyCertificates } from '../model/views/certificates.js';
import { compareText } from '../order.js';
import { rfc3339 } from '../rules/certificates/certificate-text.js';
import { timeLeft } from '../rules/certificates/validity.js';

/** One proxy's mesh certificate at collection time: what an engineer checks first in a certificate incident. */
export type ProxyCertificateRow = {
  /** `<pod>.<namespace>`, or the file when nothing names the pod. */
  proxy: string;
  spiffeId?: string;
  notAfter?: string;
  /** `22 h left`, `expired 6 h ago`: against the bundle's collection time; absent when it is unknown. */
  timeLeft?: string;
  expired?: boolean;
  /** Its trusted roots against the `istio-ca-root-cert` ConfigMap (rootMatch in the certificates view). */
  root: 'match' | 'partial' | 'differs' | 'unknown';
  /**
   * Its certificate chain against its own roots: signed by them (`verifies`), or not (`fails`); `expired`
   * when the signatures hold but a CA certificate of the chain, or every root, had expired at collection.
   */
  chain: 'verifies' | 'fails' | 'unknown' | 'expired';
  from: 'config dump' | 'Envoy /certs';
  path: string;
  pointer?: string;
};

/**
 * The report's per-proxy certificate table, the most urgent first (soonest expiry), from the
 * certificates view. Empty when the bundle holds no proxy certificate.
 */
export function certificateRows(model: MeshModel): ProxyCertificateRow[] {
  if (!model.provided.has('envoy.configDump') && !model.provided.has('envoy.certs')) return [];
  const view = model.view('certificates');
  const now = model.bundle.collectedAt ? Date.parse(model.bundle.collectedAt) : NaN;
  const rows = view.proxies.map((proxy): ProxyCertificateRow => {
    const leaf = proxy.workload?.chain[0];
    const source = proxy.workload?.source ?? proxy.roots?.source ?? proxy.credentials[0]!.source;
    const spiffeId = leaf?.uris?.find((u) => u.startsWith('spiffe://'));
    return {
      proxy: proxy.id,
      ...(spiffeId ? { spiffeId } : {}),
      ...(leaf ? { notAfter: rfc3339(leaf.notAfter) } : {}),
      ...(leaf && !Number.isNaN(now) ? { timeLeft: timeLeft(leaf, now), expired: Date.parse(leaf.notAfter) <= now } : {}),
      root: view.rootMatch(proxy).state,
      chain: proxy.chain.result === 'verifies' && caExpired(proxy, now) ? 'expired' : proxy.chain.result,
      from: proxy.from,
      path: source.path,
      ...(source.pointer ? { pointer: source.pointer } : {}),
    };
  });
  return rows.sort((a, b) => compareText(a.notAfter ?? '~', b.notAfter ?? '~') || compareText(a.proxy, b.proxy));
}

/** An intermediate of the workload chain, or every root the proxy trusts, past its notAfter at `now`. */
function caExpired(proxy: ProxyCertificates, now: number): boolean {
  if (Number.isNaN(now)) return false;
  const expired = (c: Certificate) => Date.parse(c.notAfter) <= now;
  const roots = proxy.roots?.certificates ?? [];
  return (proxy.workload?.chain.slice(1) ?? []).some(expired) || (roots.length > 0 && roots.every(expired));
}

/** Rows of the per-proxy certificate table a document shows; the JSON report has them all. */
export const CERTIFICATE_ROWS_SHOWN = 50;
/** A row's root and chain verdicts in words; `_…_` marks what a renderer emphasises (the alarming ones). */
export const ROOT_TEXT = { match: 'matches the mesh root', partial: 'some of the mesh roots', differs: '_differs_ from the mesh root', unknown: 'not compared (no istio-ca-root-cert)' } as const;
export const CHAIN_TEXT = { verifies: 'verifies', fails: '_not signed by its roots_', unknown: 'not checked', expired: '_a CA certificate of it expired_' } as const;

/** The `_…_` marks of ROOT_TEXT and CHAIN_TEXT in a renderer's own markup (`**`, `<strong>`). */
export function emphasised(text: string, open: string, close: string): string {
  return text.replace(/_([^_]+)_/g, `${open}$1${close}`);
}
