/**
 * Facts pilot-agent states about itself in its first lines, so a log with any file name still
 * says whose it is:
 *   `…Z\tinfo\tProxy role\tips=[10.244.0.38] type=sidecar id=customers-service-77c4bdbcb4-g55hd.petclinic domain=petclinic.svc.cluster.local`
 *   (Istio ≤ 1.7: `Proxy role: &model.Proxy{… ID:"istio-ingressgateway-5855454469-5h8dq.istio-system", …}`)
 *   `…Z\tinfo\tVersion 1.28.2-ab413ac6c1f40b2f7c69d97e0db4e712e4ef1ecc-Clean`
 * and the same as JSON fields with `global.logAsJson` (`"msg":"Proxy role",…,"id":"<pod>.<namespace>"`).
 */
export interface ProxyIdentity {
  pod: string;
  namespace: string;
}

/** Tabs or, in a pasted log, spaces between the fields. */
const ROLE = /(?:\s|"msg":")Proxy role(?::|\s|")/;
const ROLE_ID = /\sid=(\S+)|\bID:"([^"]+)"|"id":"([^"]+)"/;
/** A namespace is a DNS label: no dots. The pod name is everything before the last dot. */
const POD_DOT_NAMESPACE = /^([a-z0-9][a-z0-9.-]*)\.([a-z0-9][a-z0-9-]{0,62})$/;
const VERSION = /(?:\sinfo\s+|"msg":")Version (\d+\.\d+\.\d+(?:-(?:alpha|beta|rc)\.\d+)?)[-\s"]/;

export function proxyIdentity(line: string): ProxyIdentity | undefined {
  const role = ROLE.exec(line);
  if (!role) return undefined;
  const id = ROLE_ID.exec(line.slice(role.index));
  const parts = POD_DOT_NAMESPACE.exec(id?.[1] ?? id?.[2] ?? id?.[3] ?? '');
  return parts ? { pod: parts[1]!, namespace: parts[2]! } : undefined;
}

export function istioVersion(line: string): string | undefined {
  return VERSION.exec(line)?.[1];
}
