import { asNumber } from './object-access.js';

/** Envoy's and Istio's `consecutive5xxErrors` when an `outlierDetection` block leaves it out. */
export const DEFAULT_CONSECUTIVE_5XX = 5;

/**
 * The consecutive-error threshold of the usual quick fix for "random 503s with healthy services"
 * (`consecutive5xxErrors: 50`): LOG002 suggests it during an incident, CERT005 reports it left in place.
 */
export const INCIDENT_CONSECUTIVE_ERRORS = 50;

/** The detector that ejects first, and after how many consecutive errors of its kind. */
export interface EjectionTrigger {
  errors: number;
  /** What counts: any 5xx, or only 502/503/504 and connection failures (gateway errors). */
  counts: '5xx' | 'gateway errors';
  /** The DestinationRule field that sets it. */
  field: 'consecutive5xxErrors' | 'consecutiveGatewayErrors' | 'consecutiveErrors';
}

/**
 * The detector of a DestinationRule's outlier detection that ejects an endpoint soonest, as Istio
 * programs Envoy (applyOutlierDetection in pilot's cluster traffic policy): `consecutive5xxErrors`
 * (default 5), `consecutiveGatewayErrors` (off by default); the deprecated `consecutiveErrors`
 * counts gateway errors only and turns the 5xx detector off unless `consecutive5xxErrors` is set;
 * 0 turns a detector off. Undefined when every detector is off: nothing is ever ejected.
 */
export function ejectionTrigger(detection: Record<string, unknown>): EjectionTrigger | undefined {
  const value = (field: string) => {
    const raw = detection[field];
    return typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : asNumber(raw);
  };
  const legacy = value('consecutiveErrors') ?? 0;
  const fiveXx: EjectionTrigger = { errors: value('consecutive5xxErrors') ?? (legacy > 0 ? 0 : DEFAULT_CONSECUTIVE_5XX), counts: '5xx', field: 'consecutive5xxErrors' };
  const gatewayErrors = value('consecutiveGatewayErrors');
  const gateway: EjectionTrigger =
    gatewayErrors !== undefined ? { errors: gatewayErrors, counts: 'gateway errors', field: 'consecutiveGatewayErrors' } : { errors: legacy, counts: 'gateway errors', field: 'consecutiveErrors' };
  const enabled = [fiveXx, gateway].filter((t) => t.errors > 0);
  // A tie goes to the 5xx detector: every gateway error is a 5xx too.
  return enabled.sort((a, b) => a.errors - b.errors)[0];
}

/** The fewest consecutive errors after which the outlier detection ejects an endpoint (ejectionTrigger). */
export function ejectionThreshold(detection: Record<string, unknown>): number | undefined {
  return ejectionTrigger(detection)?.errors;
}
