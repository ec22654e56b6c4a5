import { parseQuantity } from '../artifacts/quantity.js';
import type { PodRecord } from './facets.js';

export interface ContainerLimit {
  /** As the spec writes it (`2Gi`, `1500m`). */
  quantity: string;
  /** In base units: bytes for memory, cores for CPU. */
  value: number;
  /** JSON pointer inside the pod (append it to the pod's source pointer). */
  pointer: string;
}

/**
 * A container's resource limit from the pod spec; native sidecars (Istio ≥ 1.27) live in
 * `initContainers`. Undefined when the container has none (or the quantity cannot be read).
 */
export function containerLimit(record: PodRecord, container: string, resource: 'memory' | 'cpu'): ContainerLimit | undefined {
  for (const list of ['containers', 'initContainers'] as const) {
    const index = record.pod.spec?.[list]?.findIndex((c) => c.name === container) ?? -1;
    if (index < 0) continue;
    const quantity = record.pod.spec?.[list]?.[index]?.resources?.limits?.[resource];
    const value = quantity === undefined ? undefined : parseQuantity(quantity);
    return value === undefined || value <= 0 ? undefined : { quantity: String(quantity), value, pointer: `/spec/${list}/${index}/resources/limits/${resource}` };
  }
  return undefined;
}
