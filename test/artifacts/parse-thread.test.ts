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
