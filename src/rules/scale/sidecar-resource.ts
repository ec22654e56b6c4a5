import { documentYaml } from '../fix-yaml.js';

/** A namespace-wide Sidecar resource (no workloadSelector) whose egress keeps only `hosts`. */
export function sidecarYaml(namespace: string, hosts: readonly string[]): string {
  return documentYaml({ apiVersion: 'networking.istio.io/v1', kind: 'Sidecar', metadata: { name: 'default', namespace }, spec: { egress: [{ hosts }] } });
}
