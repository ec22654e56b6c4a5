import type { InputId } from '../facets.js';
import { analyzeBuilder } from './analyze.js';
import { configDumpsBuilder } from './config-dumps.js';
import { istiodLogsBuilder, proxyLogsBuilder } from './logs.js';
import { istiodMetricsBuilder } from './istiod-metrics.js';
import { podsBuilder } from './pods.js';
import { envoyCertsBuilder, envoyStatsBuilder, fileDescriptorsBuilder, publicCertsBuilder } from './proxy-admin.js';
import { proxyStatusBuilder, synczBuilder } from './proxy-sync.js';
import { resourcesBuilder, secretNamesBuilder, serviceNamesBuilder } from './resources.js';
import { topBuilder } from './top.js';
import { istioctlVersionBuilder, kubectlVersionBuilder } from './versions.js';
import { ztunnelLogsBuilder } from './ztunnel-logs.js';
import type { FacetBuilder } from './types.js';

/** One builder per facet, in dependency order: a builder comes after the facets it `uses`. */
export const FACET_BUILDERS: readonly FacetBuilder[] = [
  proxyStatusBuilder,
  synczBuilder,
  podsBuilder,
  resourcesBuilder,
  topBuilder,
  analyzeBuilder,
  proxyLogsBuilder,
  istiodLogsBuilder,
  ztunnelLogsBuilder,
  istioctlVersionBuilder,
  envoyStatsBuilder,
  fileDescriptorsBuilder,
  istiodMetricsBuilder,
  kubectlVersionBuilder,
  serviceNamesBuilder,
  secretNamesBuilder,
  configDumpsBuilder,
  envoyCertsBuilder,
  publicCertsBuilder,
] as FacetBuilder[];

// Compile-time check that every input has a builder (a missing one is a type error here).
type Built = (typeof FACET_BUILDERS)[number]['facet'];
const everyInputBuilt: InputId extends Built ? true : never = true;
void everyInputBuilt;
