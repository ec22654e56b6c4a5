import { describe, expect, it } from 'vitest';
import { DEFAULT_CONSECUTIVE_5XX, ejectionThreshold, ejectionTrigger } from '../../src/analysis/outlier-detection.js';
import { NEUTERED_CONSECUTIVE_ERRORS, outlierProblem } from '../../src/rules/certificates/cert005-emergency-change-left-in-place.js';

/** Istio DestinationRule OutlierDetection: the lowest enabled detector ejects first; 0 turns one off. */
describe('ejectionThreshold', () => {
  it('reads consecutive5xxErrors, as a number or a numeric string (int32 wrapper from YAML)', () => {
    expect(ejectionThreshold({ consecutive5xxErrors: 4 })).toBe(4);
    expect(ejectionThreshold({ consecutive5xxErrors: '3' })).toBe(3);
  });

  it('reads the deprecated consecutiveErrors as Istio programs it: a gateway-error detector that turns the 5xx default off', () => {
    expect(ejectionThreshold({ consecutiveErrors: 2 })).toBe(2);
    expect(ejectionThreshold({ consecutiveErrors: '7' })).toBe(7);
    // consecutive5xxErrors set beside it keeps its own detector; the legacy one still ejects after 1 gateway error.
    expect(ejectionThreshold({ consecutive5xxErrors: 50, consecutiveErrors: 1 })).toBe(1);
    expect(ejectionThreshold({ consecutive5xxErrors: 0, consecutiveErrors: 3 })).toBe(3);
    // Not the 5xx default of 5: with consecutiveErrors alone, Istio sets the 5xx detector's enforcement to 0.
    expect(ejectionThreshold({ consecutiveErrors: 9 })).toBe(9);
    // consecutiveGatewayErrors replaces it; the 5xx detector stays off.
    expect(ejectionThreshold({ consecutiveErrors: 1, consecutiveGatewayErrors: 0 })).toBeUndefined();
  });

  it('counts consecutiveGatewayErrors as a second detector: the lower one ejects first', () => {
    expect(ejectionThreshold({ consecutive5xxErrors: 50, consecutiveGatewayErrors: 3 })).toBe(3);
    expect(ejectionThreshold({ consecutive5xxErrors: 0, consecutiveGatewayErrors: '2' })).toBe(2);
    expect(ejectionThreshold({ consecutiveGatewayErrors: 9 })).toBe(DEFAULT_CONSECUTIVE_5XX);
  });

  it('names the detector that ejects first and what it counts', () => {
    expect(ejectionTrigger({ consecutive5xxErrors: 2 })).toEqual({ errors: 2, counts: '5xx', field: 'consecutive5xxErrors' });
    expect(ejectionTrigger({ consecutive5xxErrors: 0, consecutiveGatewayErrors: 1 })).toEqual({ errors: 1, counts: 'gateway errors', field: 'consecutiveGatewayErrors' });
    expect(ejectionTrigger({ consecutive5xxErrors: 50, consecutiveGatewayErrors: 4 })).toEqual({ errors: 4, counts: 'gateway errors', field: 'consecutiveGatewayErrors' });
    expect(ejectionTrigger({ consecutiveErrors: 2 })).toEqual({ errors: 2, counts: 'gateway errors', field: 'consecutiveErrors' });
    expect(ejectionTrigger({})).toEqual({ errors: 5, counts: '5xx', field: 'consecutive5xxErrors' });
    // A tie is the 5xx detector's: every gateway error is a 5xx too.
    expect(ejectionTrigger({ consecutive5xxErrors: 3, consecutiveGatewayErrors: 3 })).toEqual({ errors: 3, counts: '5xx', field: 'consecutive5xxErrors' });
    expect(ejectionTrigger({ consecutive5xxErrors: 0 })).toBeUndefined();
  });

  it('defaults consecutive5xxErrors to 5, and is undefined when every detector is 0', () => {
    expect(DEFAULT_CONSECUTIVE_5XX).toBe(5);
    expect(ejectionThreshold({ interval: '10s' })).toBe(5);
    expect(ejectionThreshold({ consecutive5xxErrors: 0 })).toBeUndefined();
    expect(ejectionThreshold({ consecutive5xxErrors: 0, consecutiveGatewayErrors: 0 })).toBeUndefined();
    // 0 is proto3's unset: the 5xx default stays.
    expect(ejectionThreshold({ consecutiveErrors: 0 })).toBe(DEFAULT_CONSECUTIVE_5XX);
  });
});

/** CERT005 reads the same threshold: 50 or more consecutive errors is outlier detection in name only. */
describe('CERT005 outlierProblem with the fallback fields', () => {
  it('the deprecated consecutiveErrors at 49, 50 and 51', () => {
    expect(NEUTERED_CONSECUTIVE_ERRORS).toBe(50);
    expect(outlierProblem({ consecutiveErrors: 49 })).toBeUndefined();
    expect(outlierProblem({ consecutiveErrors: 50 })).toBe("an endpoint is ejected only after 50 consecutive errors (Envoy's default: 5)");
    expect(outlierProblem({ consecutiveErrors: 51 })).toBe("an endpoint is ejected only after 51 consecutive errors (Envoy's default: 5)");
  });

  it('consecutiveGatewayErrors below 50 keeps the detection working, whatever consecutive5xxErrors says', () => {
    expect(outlierProblem({ consecutive5xxErrors: 100, consecutiveGatewayErrors: 3 })).toBeUndefined();
    expect(outlierProblem({ consecutive5xxErrors: 0, consecutiveGatewayErrors: 60 })).toBe("an endpoint is ejected only after 60 consecutive errors (Envoy's default: 5)");
    expect(outlierProblem({ consecutive5xxErrors: 0, consecutiveErrors: 3 })).toBeUndefined();
    expect(outlierProblem({ consecutive5xxErrors: 0, consecutiveErrors: 0 })).toBe('every detector is 0 (`consecutive5xxErrors: 0`, no `consecutiveGatewayErrors`): nothing is ever ejected');
  });
});
