/** A manifest.json as collect.sh writes it (schemas/bundle.manifest.schema.json), for bundles built in tests. */
export function collectorManifest(fields: { collectedAt: string; artifacts: unknown[]; options?: Record<string, unknown>; skipped?: unknown[]; cluster?: string }): string {
  const cluster = fields.cluster ?? 'acme-prod-eu1';
  return JSON.stringify(
    {
      schemaVersion: 1,
      collector: { name: 'istio-bundle-collector', version: '0.1.0' },
      collectedAt: fields.collectedAt,
      cluster: { name: cluster, context: cluster },
      ...(fields.options ? { options: fields.options } : {}),
      artifacts: fields.artifacts,
      ...(fields.skipped ? { skipped: fields.skipped } : {}),
    },
    null,
    2,
  );
}
