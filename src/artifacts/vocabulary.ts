import { ARTIFACT_KINDS } from './registry.js';

/**
 * Kinds collect.sh writes that this version does not analyse yet: the manifest names them, the
 * inventory says what they are. Together with the analysed kinds (registry.ts) this is the one
 * vocabulary of artifact kinds the collector and the analyzer share (schemas/artifact-kinds.json).
 */
export const COLLECTED_NOT_ANALYSED: Readonly<Record<string, string>> = {
  'istiod.configz': 'istiod debug/configz (the configuration istiod holds)',
};

export interface KindEntry {
  id: string;
  title: string;
  analysed: boolean;
  /** Commands that collect it (what *Not checked* tells the customer to run). */
  collect: string[];
  /** Path conventions it is recognised by (collector and istioctl bug-report layouts). */
  paths: string[];
}

export function kindsCatalogue(): KindEntry[] {
  const analysed = ARTIFACT_KINDS.map((kind) => ({ id: kind.id, title: kind.title, analysed: true, collect: kind.collect, paths: kind.paths.map((p) => p.source) }));
  const collectedOnly = Object.entries(COLLECTED_NOT_ANALYSED).map(([id, title]) => ({ id, title, analysed: false, collect: [], paths: [] }));
  return [...analysed, ...collectedOnly];
}
