/**
 * Defensive reads of resource fields: specs come from strangers and are not schema-checked field by
 * field, so an analyzer never trusts a shape it did not check.
 */
export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function asNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** A label or annotation map: string values only. */
export function stringMap(value: unknown): Record<string, string> {
  const record = asRecord(value);
  if (!record) return {};
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(record)) if (typeof v === 'string') out[key] = v;
  return out;
}

/** A Kubernetes label selector in its map form: every key present with the same value. */
export function selectorMatches(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
}

/**
 * A Kubernetes LabelSelector (`matchLabels` and `matchExpressions`, ANDed; an empty one selects
 * everything). An operator it does not know selects nothing.
 */
export function labelSelectorMatches(selector: Record<string, unknown>, labels: Record<string, string>): boolean {
  if (!selectorMatches(stringMap(selector.matchLabels), labels)) return false;
  return asArray(selector.matchExpressions).every((e) => {
    const expression = asRecord(e);
    const key = asString(expression?.key) ?? '';
    const values = asArray(expression?.values).filter((v): v is string => typeof v === 'string');
    switch (expression?.operator) {
      case 'In': return key in labels && values.includes(labels[key]!);
      case 'NotIn': return !(key in labels) || !values.includes(labels[key]!);
      case 'Exists': return key in labels;
      case 'DoesNotExist': return !(key in labels);
      default: return false;
    }
  });
}
