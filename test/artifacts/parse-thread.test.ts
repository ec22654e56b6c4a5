/**
 * isParseThread (src/artifacts/entry/parse-thread.ts): the CLI's entry file serves entries only in a
 * worker that ParseThreads started. A real worker cannot run the TypeScript sources under vitest, so
 * node:worker_threads is stood in for: where the code runs and the workerData it was given.
 */
import { describe, expect, it, vi } from 'vitest';

const thread = vi.hoisted(() => ({ isMainThread: true, workerData: null as unknown }));

vi.mock('node:worker_threads', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:worker_threads')>();
  return {
    ...real,
    get isMainThread() {
      return thread.isMainThread;
    },
    get workerData() {
      return thread.workerData;
    },
  };
});

const { isParseThread } = await import('../../src/artifacts/entry/parse-thread.js');
const { PARSE_THREAD_ROLE } = await import('../../src/artifacts/entry/parse-threads.js');
const { MessageChannel } = await import('node:worker_threads');
const { readFileSync } = await import('node:fs');
const { join } = await import('node:path');
const { runParseThread } = await import('../../src/artifacts/entry/parse-thread.js');
const { istiodMetricsKind } = await import('../../src/artifacts/istiod-metrics/kinds.js');
const { DEFAULT_LIMITS } = await import('../../src/bundle/limits.js');
const { StringPool } = await import('../../src/artifacts/entry/string-pool.js');
type ThreadSinkContext = import('../../src/artifacts/entry/parse-threads.js').ThreadSinkContext;
type FromThread = import('../../src/artifacts/entry/parse-threads.js').FromThread;


function runningIn(isMainThread: boolean, workerData: unknown): boolean {
  thread.isMainThread = isMainThread;
  thread.workerData = workerData;
  return isParseThread();
}

describe('isParseThread', () => {
  it('is true in a worker whose workerData carries the parsing-thread role', () => {
    expect(runningIn(false, { role: PARSE_THREAD_ROLE })).toBe(true);
  });

  it('is false in a worker started for anything else: another role, no role, no workerData', () => {
    expect(runningIn(false, { role: 'vitest-pool-worker' })).toBe(false);
    expect(runningIn(false, {})).toBe(false);
    expect(runningIn(false, null)).toBe(false);
    expect(runningIn(false, undefined)).toBe(false);
  });

  it('is false on the main thread, whatever workerData says', () => {
    expect(runningIn(true, { role: PARSE_THREAD_ROLE })).toBe(false);
  });
});

/**
 * runParseThread serves a port: here one end of an in-process MessageChannel stands in for the
 * worker's parentPort, so the thread's reading is checked against the main thread's.
 */
describe('runParseThread', () => {
  const METRICS = readFileSync(join(import.meta.dirname, '..', '..', 'samples', 'bug-report-503', 'bug-report', 'istio', 'istio-system', 'istiod-6b9c8d7f5-kx2vq', 'metrics'));
  const context: ThreadSinkContext = { entry: { path: 'istio/istio-system/istiod-6b9c8d7f5-kx2vq/metrics' }, size: METRICS.length, encoding: 'utf8', recognisedBy: 'path', limits: DEFAULT_LIMITS };

  /** Sends the entry in `chunks` and returns every message the thread answered, the outcome parsed. */
  async function serve(chunks: Buffer[]): Promise<{ read: number[]; outcome: unknown }> {
    const { port1, port2 } = new MessageChannel();
    runParseThread(port2);
    const read: number[] = [];
    const outcome = new Promise<unknown>((resolve) =>
      port1.on('message', (message: FromThread) => {
        if (message.type === 'read') read.push(message.bytes);
        else resolve(JSON.parse(message.outcome));
      }),
    );
    port1.postMessage({ type: 'open', id: 7, kind: 'istiod.metrics', context });
    for (const chunk of chunks) port1.postMessage({ type: 'bytes', id: 7, bytes: new Uint8Array(chunk) });
    port1.postMessage({ type: 'end', id: 7 });
    try {
      return { read, outcome: await outcome };
    } finally {
      port1.close();
    }
  }

  it('reads every byte it is sent into the kind\'s sink and answers with what the main thread would have read', async () => {
    const half = Math.floor(METRICS.length / 2);
    const served = await serve([METRICS.subarray(0, half), METRICS.subarray(half)]);
    const sink = istiodMetricsKind.open({ ...context, budget: { tryKeep: () => true, release: () => undefined }, strings: new StringPool() });
    if ('refused' in sink) throw new Error(`refused: ${sink.refused}`);
    sink.write(METRICS);
    const direct = sink.end();
    expect(served.read).toEqual([half, METRICS.length - half]);
    expect(served.outcome).toEqual({ data: JSON.parse(JSON.stringify(direct.data)), kind: 'istiod.metrics' });
    expect(direct.data).toMatchObject({ version: '1.24.3', lines: METRICS.toString().trimEnd().split('\n').length });
  });

  it('an entry whose kind is unknown ends as an analyzer error naming it, and its bytes are still acknowledged', async () => {
    const { port1, port2 } = new MessageChannel();
    runParseThread(port2);
    const answers: FromThread[] = [];
    const done = new Promise<void>((resolve) =>
      port1.on('message', (message: FromThread) => {
        answers.push(message);
        if (message.type === 'done') resolve();
      }),
    );
    port1.postMessage({ type: 'open', id: 1, kind: 'no.such-kind', context });
    port1.postMessage({ type: 'bytes', id: 1, bytes: new Uint8Array(METRICS.subarray(0, 10)) });
    port1.postMessage({ type: 'end', id: 1 });
    await done;
    port1.close();
    expect(answers[0]).toEqual({ type: 'read', bytes: 10 });
    expect(answers[1]).toMatchObject({ type: 'done', id: 1 });
    expect(JSON.parse((answers[1] as { outcome: string }).outcome)).toEqual({ analyzerError: expect.stringContaining('no.such-kind') });
  });
});
