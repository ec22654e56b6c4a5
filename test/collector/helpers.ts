import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, chmodSync, mkdirSync, mkdtempSync as mkdtempRaw, readdirSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const created: string[] = [];

/** A temp folder removed by removeTempDirs() (call it in afterAll). */
export function mkdtempSync(prefix: string): string {
  const dir = mkdtempRaw(prefix);
  created.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** test/collector */
export const HERE = dirname(fileURLToPath(import.meta.url));
export const REPO = join(HERE, '..', '..');
export const COLLECTOR = join(REPO, 'collector', 'collect.sh');
export const STUB = join(HERE, 'stub', 'stub.mjs');
export const BASE_SCENARIO = join(HERE, 'scenarios', 'cluster.json');
export const DATA = join(HERE, 'data');

/** One answer of the stub (see stub/stub.mjs). */
export interface StubResponse {
  tool?: 'kubectl' | 'istioctl';
  match: string;
  /** A file under dataDir; several files holding kubectl Lists are printed as one List. */
  stdout?: string | string[];
  /** Keep only the List items of this kind (e.g. the Services of recorded mixed lists). */
  itemKind?: string;
  stdoutText?: string;
  stderr?: string;
  exit?: number;
  sleep?: number;
  ignoreTerm?: boolean;
}

export interface Invocation {
  tool: 'kubectl' | 'istioctl';
  argv: string[];
}

export interface CollectorRun {
  code: number | null;
  stdout: string;
  stderr: string;
  elapsedMs: number;
  /** Every kubectl/istioctl invocation, in order. */
  calls: Invocation[];
  /** The temp folder of this run (bin/, cwd/, the stub log, the scenario). */
  dir: string;
  cwd: string;
}

export interface RunOptions {
  /** Responses tried before the base scenario's (first match wins). */
  responses?: StubResponse[];
  /** Put a stub istioctl on PATH (default true). */
  istioctl?: boolean;
  /** Working directory relative to the run folder (default `cwd`). */
  cwd?: string;
}

/** The PATH the collector runs with: stub bin, then node's folder, /usr/bin, /bin. */
function pathFor(bin: string): string {
  return [bin, dirname(process.execPath), '/usr/bin', '/bin'].join(':');
}

/**
 * Runs `dash collector/collect.sh ARGS` against the stub cluster in a fresh temp folder. The stubs
 * are copies of stub.mjs named kubectl/istioctl in <tmp>/bin, first on PATH.
 */
export function runCollector(args: string[], options: RunOptions = {}): Promise<CollectorRun> {
  const dir = mkdtempSync(join(tmpdir(), 'collector-test-'));
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  const tools = options.istioctl === false ? ['kubectl'] : ['kubectl', 'istioctl'];
  for (const tool of tools) {
    copyFileSync(STUB, join(bin, tool));
    chmodSync(join(bin, tool), 0o755);
  }
  const base = JSON.parse(readFileSync(BASE_SCENARIO, 'utf8')) as { responses: StubResponse[] };
  const scenario = join(dir, 'scenario.json');
  writeFileSync(scenario, JSON.stringify({ dataDir: DATA, responses: [...(options.responses ?? []), ...base.responses] }, null, 2));
  const log = join(dir, 'stub.log');
  writeFileSync(log, '');
  const cwd = join(dir, options.cwd ?? 'cwd');
  mkdirSync(cwd, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    PATH: pathFor(bin),
    HOME: dir,
    TMPDIR: dir,
    STUB_SCENARIO: scenario,
    STUB_LOG: log,
  };
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn('dash', [COLLECTOR, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      const calls = readFileSync(log, 'utf8')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as Invocation);
      resolve({ code, stdout, stderr, elapsedMs: Date.now() - started, calls, dir, cwd });
    });
  });
}

/** The argv of a call without the leading --context=X, joined by spaces. */
export function joined(call: Invocation): string {
  const args = call.argv[0]?.startsWith('--context=') ? call.argv.slice(1) : call.argv;
  return args.join(' ');
}

export interface Extracted {
  dir: string;
  /** Entry names in archive order, as `tar -t` prints them. */
  entries: string[];
  /** Regular files, bundle-relative, sorted. */
  files: string[];
}

/** Lists and extracts a .tar.gz with the tar binary (the same one a customer would use). */
export function extractBundle(tarball: string): Extracted {
  const listing = spawnSync('tar', ['-tzf', tarball], { encoding: 'utf8' });
  if (listing.status !== 0) throw new Error(`tar -tzf ${tarball}: ${listing.stderr}`);
  const dir = mkdtempSync(join(tmpdir(), 'collector-bundle-'));
  const extract = spawnSync('tar', ['-xzf', tarball, '-C', dir], { encoding: 'utf8' });
  if (extract.status !== 0) throw new Error(`tar -xzf ${tarball}: ${extract.stderr}`);
  return { dir, entries: listing.stdout.split('\n').filter((l) => l !== ''), files: walk(dir).map((f) => relative(dir, f)).sort() };
}

export function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...walk(path));
    else out.push(path);
  }
  return out;
}

/** The one .tar.gz a run wrote into its working directory. */
export function bundleIn(folder: string): string {
  const found = readdirSync(folder).filter((f) => f.endsWith('.tar.gz'));
  if (found.length !== 1) throw new Error(`expected one .tar.gz in ${folder}, found ${JSON.stringify(found)}`);
  return join(folder, found[0]!);
}

export interface ManifestEntry {
  path: string;
  kind?: string;
  command: string;
  exitCode: number;
  durationMs?: number;
  bytes?: number;
  truncated?: boolean;
  forbidden?: boolean;
  stderr?: string;
  namespace?: string;
  pod?: string;
  container?: string;
  node?: string;
}

export interface CollectorManifest {
  schemaVersion: number;
  collectedAt: string;
  cluster?: { name?: string; context?: string };
  options?: Record<string, unknown>;
  artifacts: ManifestEntry[];
  skipped?: Array<{ path: string; reason: string }>;
}

export function readManifest(bundleDir: string): CollectorManifest {
  return JSON.parse(readFileSync(join(bundleDir, 'manifest.json'), 'utf8')) as CollectorManifest;
}

export function exists(bundleDir: string, path: string): boolean {
  return existsSync(join(bundleDir, path));
}

/** Strings planted in the stub cluster that must never reach the bundle. */
export const PLANTED_SECRETS: string[] = [
  'S3cr3t-planted-1', // env DB_PASSWORD in the frontend pod and its Deployment
  'S3cr3t-planted-2', // password= in a sidecar log line
  'S3cr3t-planted-3', // \"token\":\"…\" in escaped JSON inside a JSON log line
  'S3cr3t-planted-4', // Authorization: Bearer <opaque> in a sidecar log line
  'eyJhbGciOiJSUzI1NiIsImtpZCI6IjNQdkVYbUdwYmNCSnd0In0', // JWT header of the planted bearer JWT
  'c2lnbmF0dXJlLW9mLXBsYW50ZWQtand0LW5vdC1yZWFs', // its signature
  'BEGIN PRIVATE KEY',
  'LS0tLS1CRUdJTiBQUklWQVRF', // base64 of "-----BEGIN PRIVATE"
  // body lines of the planted EC private key (data/envoy/config_dump.json)
  'MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg',
  'LCirmxSdg8klyYBUkovGeS8BqN+hRANCAAQh+iszAT709s87fqPRrDGWbSTpuTrG',
  'P5iKmB5YRm2bwDm8MzmphRTYl3TWFx5OYME+xeBMxkQJnAD9IQ4T9RU2',
];

/** Commands that change a cluster, or a proxy's log level: the collector must never run them. */
export const MUTATING_VERBS = ['apply', 'create', 'delete', 'patch', 'label', 'annotate', 'edit', 'scale', 'rollout', 'set', 'replace', 'cordon', 'uncordon', 'drain', 'cp', 'taint', 'expose', 'run', 'debug', 'port-forward', 'proxy', 'attach'];
