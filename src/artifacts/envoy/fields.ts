/**
 * Envoy's admin `config_dump` prints proto field names (snake_case); `istioctl proxy-config … -o json`
 * re-marshals with jsonpb defaults (lowerCamelCase). Every read goes through here so both work.
 */
export type Json = Record<string, unknown>;

const CAMEL = new Map<string, string>();

function camel(snake: string): string {
  let name = CAMEL.get(snake);
  if (name === undefined) {
    name = snake.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
    CAMEL.set(snake, name);
  }
  return name;
}

/** The field under its proto (snake_case) name or its JSON (camelCase) name. */
export function field(object: unknown, snake: string): unknown {
  if (object === null || typeof object !== 'object') return undefined;
  const record = object as Json;
  const value = record[snake];
  return value !== undefined ? value : record[camel(snake)];
}

export function objectField(object: unknown, snake: string): Json | undefined {
  const value = field(object, snake);
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
}

export function arrayField(object: unknown, snake: string): unknown[] {
  const value = field(object, snake);
  return Array.isArray(value) ? value : [];
}

export function stringField(object: unknown, snake: string): string | undefined {
  const value = field(object, snake);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Protobuf JSON prints 64-bit integers as strings and 32-bit ones as numbers: accept both. */
export function integerField(object: unknown, snake: string): number | undefined {
  const value = field(object, snake);
  const number = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  return typeof number === 'number' && Number.isSafeInteger(number) && number >= 0 ? number : undefined;
}

/** `google.protobuf.UInt32Value` wrappers print as a bare number, or `{ "value": n }` in some tools. */
export function wrappedIntegerField(object: unknown, snake: string): number | undefined {
  const direct = integerField(object, snake);
  return direct !== undefined ? direct : integerField(objectField(object, snake), 'value');
}

/** `<name>.<namespace>` of the Istio config an Envoy resource was built from (filter metadata `istio.config`). */
export function istioConfigName(metadata: unknown): string | undefined {
  const config = stringField(objectField(objectField(metadata, 'filter_metadata'), 'istio'), 'config');
  // /apis/networking.istio.io/v1/namespaces/<ns>/destination-rule/<name> (BuildConfigInfoMetadata)
  const match = config && /^\/apis\/[^/]+\/[^/]+\/namespaces\/([^/]+)\/[^/]+\/([^/]+)$/.exec(config);
  return match ? `${match[2]}.${match[1]}` : undefined;
}
