import { describe, expect, it } from 'vitest';
import { exportScopes, hostsOverlap, serviceOfFqdn, toFqdn, wildcardCovers } from '../../src/analysis/hosts.js';

describe('Istio host semantics', () => {
  it('expands short names in the given namespace only', () => {
    expect(toFqdn('reviews', 'bookinfo')).toBe('reviews.bookinfo.svc.cluster.local');
    expect(toFqdn('reviews.bookinfo', 'shop')).toBe('reviews.bookinfo');
    expect(toFqdn('*.example.com', 'shop')).toBe('*.example.com');
  });

  it('covers subdomains with a wildcard, not the domain itself; `*` covers all', () => {
    expect(wildcardCovers('*.example.com', 'a.example.com')).toBe(true);
    expect(wildcardCovers('*.example.com', 'example.com')).toBe(false);
    expect(wildcardCovers('*', 'anything.local')).toBe(true);
    expect(wildcardCovers('reviews', 'Reviews')).toBe(false);
  });

  it('overlaps hosts with wildcards on either side, case-sensitively', () => {
    expect(hostsOverlap('*.d', '*.productpage.d')).toBe(true);
    expect(hostsOverlap('a.example.com', '*.example.com')).toBe(true);
    expect(hostsOverlap('*.a.com', '*.b.com')).toBe(false);
    expect(hostsOverlap('Reviews.x', 'reviews.x')).toBe(false);
  });

  it('reads exportTo: "." is the own namespace, "*" or nothing is everywhere, else the mesh default', () => {
    expect(exportScopes(['.'], 'bookinfo')).toEqual(['bookinfo']);
    expect(exportScopes(['.', 'shop', '*'], 'bookinfo')).toEqual(['*']);
    expect(exportScopes([], 'bookinfo')).toEqual(['*']);
    expect(exportScopes([], 'bookinfo', ['.'])).toEqual(['bookinfo']);
  });

  it('splits a cluster-local FQDN into service and namespace', () => {
    expect(serviceOfFqdn('reviews.bookinfo.svc.cluster.local')).toEqual({ name: 'reviews', namespace: 'bookinfo' });
    expect(serviceOfFqdn('api.example.com')).toBeUndefined();
  });
});
