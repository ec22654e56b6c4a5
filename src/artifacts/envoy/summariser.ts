import { ArtifactParseError } from '../parse-error.js';
import { clusterStatusSummary, clusterSummary, listenerSummary, loadAssignmentSummary, nodeSummary, routeTableSummary } from './elements.js';
import { field, type Json, objectField, stringField } from './fields.js';
import type { StringPool } from '../entry/string-pool.js';
import type { JsonPath } from './json-splitter.js';
import { secretSummary } from './secrets.js';
import type { ConfigDumpSummary, ConfigSection } from './summary-schema.js';

type Format = ConfigDumpSummary['format'];

/** Where each list of a config dump section goes: `[section, state]` (snake_case names; camelCase is mapped). */
const SECTION_LISTS: Record<string, [ConfigSection, string]> = {
  dynamic_active_clusters: ['clusters', 'active'],
  dynamic_warming_clusters: ['clusters', 'warming'],
  static_clusters: ['clusters', 'static'],
  dynamic_listeners: ['listeners', 'dynamic'],
  static_listeners: ['listeners', 'static'],
  dynamic_route_configs: ['routes', 'dynamic'],
  static_route_configs: ['routes', 'static'],
  dynamic_endpoint_configs: ['endpoints', 'dynamic'],
  static_endpoint_configs: ['endpoints', 'static'],
  dynamic_active_secrets: ['secrets', 'active'],
  dynamic_warming_secrets: ['secrets', 'warming'],
  static_secrets: ['secrets', 'static'],
};

/** The `@type` of each config dump section (envoy.admin.v3.*ConfigDump). */
const SECTION_TYPES: Record<string, ConfigSection> = {
  BootstrapConfigDump: 'bootstrap',
  ClustersConfigDump: 'clusters',
  ListenersConfigDump: 'listeners',
  RoutesConfigDump: 'routes',
  EndpointsConfigDump: 'endpoints',
  SecretsConfigDump: 'secrets',
};

const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const pointerOf = (path: JsonPath) => `/${path.map((s) => String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`;

/**
 * Turns the elements a JsonSplitter hands over into the per-proxy summary. Knows every shape a
 * customer sends: the admin `config_dump` (`{configs: [section…]}`), the single-type
 * `istioctl proxy-config cluster|listener|route|endpoint|eds -o json` arrays, `proxy-config secret`
 * and `bootstrap -o json` objects, and the admin `clusters?format=json`.
 */
export class ConfigDumpSummariser {
  private readonly summary: ConfigDumpSummary = { format: 'config_dump', sections: [], clusters: [], listeners: [], routeTables: [], endpoints: [], secrets: [], rejected: [], ignored: 0 };
  private readonly sections = new Set<ConfigSection>();
  private readonly singleTypes = new Set<Format>();
  constructor(private readonly strings?: StringPool) {}

  /** The admin dump's `{ "configs": [...] }`; anything else is a single-type output. */
  private sawConfigs = false;

  /** Which values the splitter should hand over; notes the sections it passes on the way. */
  readonly select = (path: JsonPath): boolean => {
    const [first] = path;
    if (path.length === 1) {
      if (typeof first === 'number') return true;
      const key = snake(first as string);
      if (key === 'configs') this.sawConfigs = true;
      if (key === 'bootstrap') return true;
      if (key === 'cluster_statuses' || key in SECTION_LISTS) this.notePresent(key === 'cluster_statuses' ? 'endpoints' : SECTION_LISTS[key]![0]);
      return false;
    }
    if (first === 'configs') {
      if (path.length === 3) {
        const key = snake(path[2] as string);
        if (key === '@type' || key === 'bootstrap') return true;
        if (key in SECTION_LISTS) this.notePresent(SECTION_LISTS[key]![0]);
        return false;
      }
      return path.length === 4 && typeof path[3] === 'number' && snake(path[2] as string) in SECTION_LISTS;
    }
    // { "dynamicActiveSecrets": [...] } (proxy-config secret -o json), { "cluster_statuses": [...] } (admin clusters?format=json)
    if (path.length === 2 && typeof path[1] === 'number') {
      const key = snake(first as string);
      return key === 'cluster_statuses' || key in SECTION_LISTS;
    }
    return false;
  };

  readonly take = (path: JsonPath, text: string, line: number): void => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new ArtifactParseError(`malformed JSON at ${pointerOf(path)}: ${(error as Error).message}`, line);
    }
    const pointer = pointerOf(path);
    const last = path[path.length - 1];
    if (last === '@type') {
      const section = typeof value === 'string' ? SECTION_TYPES[value.slice(value.lastIndexOf('.') + 1)] : undefined;
      if (section) this.notePresent(section);
      else this.summary.ignored++;
      return;
    }
    if (!isObject(value)) return;
    if (snake(String(last)) === 'bootstrap') {
      this.notePresent('bootstrap');
      if (path.length === 1) this.singleTypes.add('proxy-config bootstrap');
      this.summary.node = nodeSummary(value, pointer);
      return;
    }
    if (path.length === 1) return this.takeSingleType(value, pointer);
    const list = snake(String(path[path.length - 2]));
    if (list === 'cluster_statuses') {
      this.singleTypes.add('proxy-config endpoint');
      return this.push(this.summary.endpoints, clusterStatusSummary(value, pointer));
    }
    const [section, state] = SECTION_LISTS[list]!;
    if (path.length === 2) this.singleTypes.add(section === 'secrets' ? 'proxy-config secret' : 'proxy-config cluster');
    this.takeSectionElement(section, state, value, pointer);
  };

  private takeSectionElement(section: ConfigSection, state: string, element: Json, pointer: string): void {
    switch (section) {
      case 'clusters': {
        const cluster = objectField(element, 'cluster');
        if (cluster) this.push(this.summary.clusters, clusterSummary(cluster, state as 'active', `${pointer}/cluster`));
        this.noteRejected('cluster', element, pointer, stringField(cluster, 'name'));
        return;
      }
      case 'listeners': {
        if (state === 'static') {
          const listener = objectField(element, 'listener');
          if (listener) this.push(this.summary.listeners, listenerSummary(listener, 'static', `${pointer}/listener`));
          return;
        }
        for (const [key, listenerState] of [['active_state', 'active'], ['warming_state', 'warming'], ['draining_state', 'draining']] as const) {
          const listener = objectField(objectField(element, key), 'listener');
          if (listener) this.push(this.summary.listeners, listenerSummary(listener, listenerState, `${pointer}/${key}/listener`));
        }
        this.noteRejected('listener', element, pointer, stringField(element, 'name'));
        return;
      }
      case 'routes': {
        const config = objectField(element, 'route_config');
        if (config) this.push(this.summary.routeTables, routeTableSummary(config, state as 'dynamic', `${pointer}/route_config`));
        return;
      }
      case 'endpoints': {
        const assignment = objectField(element, 'endpoint_config');
        if (assignment) this.push(this.summary.endpoints, loadAssignmentSummary(assignment, `${pointer}/endpoint_config`));
        return;
      }
      case 'secrets':
        this.push(this.summary.secrets, secretSummary(element, state as 'active', pointer));
        return;
      case 'bootstrap':
        return;
    }
  }

  /** An element of a top-level array (`proxy-config <type> -o json`): its shape says which type. */
  private takeSingleType(element: Json, pointer: string): void {
    const has = (key: string) => field(element, key) !== undefined;
    if (has('virtual_hosts')) {
      this.singleTypes.add('proxy-config route');
      this.notePresent('routes');
      return this.push(this.summary.routeTables, routeTableSummary(element, undefined, pointer));
    }
    if (has('host_statuses') || has('added_via_api')) {
      this.singleTypes.add('proxy-config endpoint');
      this.notePresent('endpoints');
      return this.push(this.summary.endpoints, clusterStatusSummary(element, pointer));
    }
    if (has('cluster_name')) {
      this.singleTypes.add('proxy-config eds');
      this.notePresent('endpoints');
      return this.push(this.summary.endpoints, loadAssignmentSummary(element, pointer));
    }
    if (has('filter_chains') || has('listener_filters') || isObject(field(objectField(element, 'address'), 'socket_address'))) {
      this.singleTypes.add('proxy-config listener');
      this.notePresent('listeners');
      return this.push(this.summary.listeners, listenerSummary(element, 'active', pointer));
    }
    if (has('name') && ['type', 'cluster_type', 'eds_cluster_config', 'connect_timeout', 'load_assignment', 'lb_policy'].some(has)) {
      this.singleTypes.add('proxy-config cluster');
      this.notePresent('clusters');
      return this.push(this.summary.clusters, clusterSummary(element, 'active', pointer));
    }
    this.summary.ignored++;
  }

  /** Envoy keeps the last rejected update of a dynamic resource in `error_state`: a NACK. */
  private noteRejected(type: 'cluster' | 'listener', element: Json, pointer: string, name: string | undefined): void {
    const error = objectField(element, 'error_state');
    if (!error) return;
    const details = stringField(error, 'details');
    this.summary.rejected.push({ type, name: name ?? stringField(objectField(error, 'failed_configuration'), 'name') ?? '', pointer: `${pointer}/error_state`, ...(details ? { details } : {}) });
  }

  private notePresent(section: ConfigSection): void {
    this.sections.add(section);
  }

  private push<T>(list: T[], item: T | undefined): void {
    if (item) list.push(this.strings?.internAll(item) ?? item);
    else this.summary.ignored++;
  }

  /** `root`: what the document turned out to be (an empty `[]` never reaches select). */
  finish(root: 'object' | 'array' | undefined): ConfigDumpSummary {
    if (this.sawConfigs) this.summary.format = 'config_dump';
    else if (this.singleTypes.size === 1) this.summary.format = [...this.singleTypes][0]!;
    else if (this.singleTypes.size > 1) throw new ArtifactParseError(`not one proxy-config output: it mixes ${[...this.singleTypes].sort().join(', ')}`);
    else if (root === 'array' && this.summary.ignored === 0) throw new ArtifactParseError('an empty list: the proxy-config output holds nothing to read');
    else throw new ArtifactParseError('not an Envoy config dump: no `configs` sections and no clusters, listeners, routes, endpoints or secrets');
    this.summary.sections = [...this.sections].sort();
    return this.summary;
  }
}

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
