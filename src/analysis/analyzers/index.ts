import type { OfflineAnalyzer } from '../analyzer.js';

/** Every offline analyzer, in Istio's Metadata-name order. */
export const OFFLINE_ANALYZERS: readonly OfflineAnalyzer[] = [];
