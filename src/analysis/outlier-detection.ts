import { asNumber } from './object-access.js';

/** Envoy's and Istio's `consecutive5xxErrors` when an `outlierDetection` block leaves it out. */
export const DEFAULT_CONSECUTIVE_5XX = 5;

/**
 * The fewest consecutive errors after which a DestinationRule's outlier detection ejects an
 * endpoint: the lower of its enabled detectors (`consecutive5xxErrors`, default 5, or the deprecated
 * `consecutiveErrors`; `consecutiveGatewayErrors`, off by default; 0 turns a detector off). Undefined
 * when every detector is off: nothing is ever ejected (Istio DestinationRule OutlierDetection).
 */
export function ejectionThreshold(detection: Record<string, unknown>): number | undefined {
  const value = (field: string) => {
    const raw = detection[field];
    return typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : asNumber(raw);
  };
  const fiveXx = value('consecutive5xxErrors') ?? value('consecutiveErrors') ?? DEFAULT_CONSECUTIVE_5XX;
  const enabled = [fiveXx, value('consecutiveGatewayErrors') ?? 0].filter((n) => n > 0);
  return enabled.length > 0 ? Math.min(...enabled) : undefined;
}
