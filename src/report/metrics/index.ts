import type { FromSchema } from 'json-schema-to-ts';
import type { MeshModel } from '../../model/facets.js';
import { configurationMetrics } from './configuration.js';
import { memoryMetrics } from './memory.js';
import type { metricsSchema } from './schema.js';
import { syncMetrics } from './sync.js';
import { trafficMetrics } from './traffic.js';

export type Metrics = FromSchema<typeof metricsSchema>;

/** The report's measurements (metrics/schema.ts); each part is absent when the bundle lacks its inputs. */
export function buildMetrics(model: MeshModel): Metrics {
  const traffic = trafficMetrics(model.facets['logs.proxy']);
  const sync = syncMetrics(model.view('proxies'));
  const memory = memoryMetrics(model);
  const configuration = configurationMetrics(model.facets['k8s.resources']);
  return { ...(traffic ? { traffic } : {}), ...(sync ? { sync } : {}), ...(memory ? { memory } : {}), ...(configuration ? { configuration } : {}) };
}
