/**
 * Parsing threads (src/artifacts/entry/parse-threads.ts) as the bundle readers drive them, with
 * stand-in thread scripts: a real thread runs the CLI's entry file, which vitest cannot start as a
 * worker from TypeScript sources (test/package compares the real threads' reports with one thread's).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ParseThreads, type ThreadSink, type ThreadSinkContext } from '../../src/artifacts/entry/parse-threads.js';
import { BundleIngest } from '../../src/artifacts/ingest.js';
import { artifactKind } from '../../src/artifacts/registry.js';
import { DEFAULT_LIMITS } from '../../src/bundle/limits.js';
import { fixture } from '../artifacts/helpers.js';
import { readBundle } from '../../src/bundle/read-bundle.js';
import { tempDir } from './helpers.js';

const SAMPLE = join(import.meta.dirname, '..', '..', 'samples', 'data-plane-503');

async function threadScript(source: string): Promise<URL> {
  const file = join(await tempDir('iba-thread-'), 'thread.mjs');
  await writeFile(file, source);
  return pathToFileURL(file);
}

async function ingestWith(threads?: ParseThreads): Promise<BundleIngest> {
  const ingest = new BundleIngest(DEFAULT_LIMITS, threads);
  try {
    await readBundle(SAMPLE, DEFAULT_LIMITS, ingest);
    await ingest.settled();
  } finally {
    await threads?.close();
  }
  return ingest;
}

const isOffThread = (kind: string | undefined) => kind !== undefined && artifactKind(kind as Parameters<typeof artifactKind>[0]).offThread === true;

describe('parsing threads', () => {
  it('a thread that fails costs its entries only: each is invalid, naming the failure, and the rest reads as on one thread', async () => {
    const script = await threadScript("throw new Error('boom at start');\n");
    const threaded = await ingestWith(new ParseThreads({ threads: 2, script, minBytes: 0 }));
    const single = await ingestWith();

    const lost = threaded.inventory.filter((item) => item.status === 'invalid');
    expect(lost.map((item) => item.path)).toEqual(single.inventory.filter((item) => isOffThread(item.kind)).map((item) => item.path));
    expect(lost.length).toBe(6); // five istio-proxy logs and istiod's
    for (const item of lost) expect(item.reason).toBe('analyzer error while reading this entry (please report it): the parsing thread failed: boom at start');

    const others = (ingest: BundleIngest) => ingest.inventory.filter((item) => !lost.some((l) => l.path === item.path));
    expect(others(threaded)).toEqual(others(single));
    expect(threaded.artifacts.map((a) => a.path)).toEqual(single.artifacts.filter((a) => !isOffThread(a.kind)).map((a) => a.path));
  });

  it('entries a thread ends late take their place in the bundle again, with every byte delivered', async () => {
    // Counts each entry's bytes and refuses it, answering the first entry last.
    const script = await threadScript(`
      import { parentPort } from 'node:worker_threads';
      const bytes = new Map();
      let first;
      parentPort.on('message', (m) => {
        if (m.type === 'open') { bytes.set(m.id, 0); first ??= m.id; return; }
        if (m.type === 'bytes') { bytes.set(m.id, bytes.get(m.id) + m.bytes.byteLength); parentPort.postMessage({ type: 'read', bytes: m.bytes.byteLength }); return; }
        const answer = () => parentPort.postMessage({ type: 'done', id: m.id, outcome: JSON.stringify({ refused: 'read ' + bytes.get(m.id) + ' bytes in a thread' }) });
        if (m.id === first) setTimeout(answer, 300); else answer();
      });
    `);
    const threaded = await ingestWith(new ParseThreads({ threads: 1, script, minBytes: 0 }));
    const single = await ingestWith();

    expect(threaded.inventory.map((item) => item.path)).toEqual(single.inventory.map((item) => item.path));
    const refused = threaded.inventory.filter((item) => item.status === 'skipped');
    expect(refused.map((item) => item.path)).toEqual(single.inventory.filter((item) => isOffThread(item.kind)).map((item) => item.path));
    for (const item of refused) expect(item.reason).toBe(`read ${item.size} bytes in a thread`);
  });

  it('entries under the size threshold stay on the main thread: no thread is started for them', async () => {
    const script = await threadScript("throw new Error('a thread was started');\n");
    const threaded = await ingestWith(new ParseThreads({ threads: 2, script, minBytes: 1024 * 1024 }));
    const single = await ingestWith();
    expect(threaded.inventory).toEqual(single.inventory);
    expect(threaded.artifacts.map((a) => a.path)).toEqual(single.artifacts.map((a) => a.path));
  });

  it('an entry that fails while its bytes go to a thread is invalid and its thread is still told, once, that it ended', async () => {
    const ended: string[] = [];
    // A stand-in for the pool whose sinks refuse their first bytes (as postMessage would to a closed port).
    const failing = {
      open: (kind: { offThread?: boolean }, context: ThreadSinkContext) => {
        if (!kind.offThread) return undefined;
        const sink: ThreadSink = {
          write: () => {
            throw new Error('the port is closed');
          },
          backlog: () => undefined,
          end: () => {
            ended.push(String(context.size));
            return Promise.resolve({ refused: 'never asked' });
          },
        };
        return sink;
      },
      close: () => Promise.resolve(),
    } as unknown as ParseThreads;
    const threaded = await ingestWith(failing);
    const single = await ingestWith();

    const offThread = single.inventory.filter((item) => isOffThread(item.kind));
    const lost = threaded.inventory.filter((item) => item.status === 'invalid');
    expect(lost.map((item) => item.path)).toEqual(offThread.map((item) => item.path));
    for (const item of lost) expect(item.reason).toBe('analyzer error while reading this entry (please report it): the port is closed');
    expect(ended).toEqual(offThread.map((item) => String(item.size)));
  });
});

describe('parsing threads: what an entry sends', () => {
  /** A stand-in thread that answers each entry with the sizes of the bytes messages it was sent. */
  const countingThread = () =>
    threadScript(`
      import { parentPort } from 'node:worker_threads';
      const sizes = new Map();
      parentPort.on('message', (m) => {
        if (m.type === 'open') { sizes.set(m.id, []); return; }
        if (m.type === 'bytes') { sizes.get(m.id).push(m.bytes.byteLength); parentPort.postMessage({ type: 'read', bytes: m.bytes.byteLength }); return; }
        parentPort.postMessage({ type: 'done', id: m.id, outcome: JSON.stringify({ refused: JSON.stringify(sizes.get(m.id)) }) });
      });
    `);

  it('writes are batched into 256 KiB messages and the rest goes at the end; an empty rest, or an empty entry, sends no empty message', async () => {
    const threads = new ParseThreads({ threads: 1, script: await countingThread(), minBytes: 0 });
    try {
      const log = artifactKind('logs.proxy');
      const open = (path: string, size: number) => threads.open(log, { entry: { path }, size, encoding: 'utf8', recognisedBy: 'path', limits: DEFAULT_LIMITS })!;
      const KiB = 1024;
      const exact = open('logs/a/istio-proxy.log', 512 * KiB);
      for (let i = 0; i < 4; i++) exact.write(Buffer.alloc(128 * KiB, 0x61));
      const rest = open('logs/b/istio-proxy.log', 300 * KiB);
      rest.write(Buffer.alloc(200 * KiB, 0x61));
      rest.write(Buffer.alloc(100 * KiB, 0x61));
      const empty = open('logs/c/istio-proxy.log', 0);
      expect(await exact.end()).toEqual({ refused: JSON.stringify([256 * KiB, 256 * KiB]) });
      expect(await rest.end()).toEqual({ refused: JSON.stringify([300 * KiB]) });
      expect(await empty.end()).toEqual({ refused: '[]' });
    } finally {
      await threads.close();
    }
  });
});

describe('parsing threads: the entry passes its thread\'s backlog to the reader', () => {
  it('an entry read in a thread answers backlog() with its thread\'s; one read on the main thread has none', () => {
    const full = Promise.resolve();
    const pool = {
      open: (kind: { offThread?: boolean }) =>
        kind.offThread ? ({ write: () => undefined, backlog: () => full, end: () => Promise.resolve({ refused: 'stand-in' }) } satisfies ThreadSink) : undefined,
      close: () => Promise.resolve(),
    } as unknown as ParseThreads;
    const ingest = new BundleIngest(DEFAULT_LIMITS, pool);
    const log = Buffer.from(fixture('istio-proxy-access-text.log'));
    const threaded = ingest.onEntry({ path: 'logs/default/p/istio-proxy.log', size: log.length });
    expect(threaded.backlog?.()).toBeUndefined(); // still sniffing: no sink yet
    threaded.write(log);
    threaded.end();
    expect(threaded.backlog?.()).toBe(full);
    const pods = Buffer.from('{"apiVersion": "v1", "kind": "List", "items": []}\n');
    const onMain = ingest.onEntry({ path: 'kubernetes/pods/default.json', size: pods.length });
    onMain.write(pods);
    onMain.end();
    expect(onMain.backlog?.()).toBeUndefined();
  });
});

describe('parsing threads: the reader paused on a full queue', () => {
  const MiB = 1024 * 1024;
  /** ParseThreads' marks: the reader pauses over QUEUE_HIGH_BYTES (8 MiB) queued and resumes at QUEUE_LOW_BYTES (2 MiB) or less. */
  const QUEUED = 9 * MiB;
  const LOW = 2 * MiB;

  /**
   * A stand-in thread that reads nothing until told: each entry's end is a step, acknowledging
   * `bytes` of what is queued (as a real thread does as it reads) before answering that entry.
   */
  const steppingThread = (acks: number[]) =>
    threadScript(`
      import { parentPort } from 'node:worker_threads';
      const acks = ${JSON.stringify(acks)};
      parentPort.on('message', (m) => {
        if (m.type !== 'end') return;
        const bytes = acks.shift();
        if (bytes) parentPort.postMessage({ type: 'read', bytes });
        parentPort.postMessage({ type: 'done', id: m.id, outcome: JSON.stringify({ refused: 'stand-in' }) });
      });
    `);

  /** Queues 9 MiB of an istio-proxy log, then reads `first` and `second` of it; whether the paused reader is resumed after each. */
  async function resumedAfter(first: number, second: number): Promise<[boolean, boolean]> {
    const threads = new ParseThreads({ threads: 1, script: await steppingThread([first, second, QUEUED - first - second]), minBytes: 0 });
    try {
      const log = artifactKind('logs.proxy');
      const context = (path: string, size: number): ThreadSinkContext => ({ entry: { path }, size, encoding: 'utf8', recognisedBy: 'path', limits: DEFAULT_LIMITS });
      const open = (path: string, size = 0) => threads.open(log, context(path, size))!;
      const big = open('logs/default/productpage-v1-d5789fdfb-6x7b9/istio-proxy.log', QUEUED);
      const [step1, step2] = [open('logs/a/istio-proxy.log'), open('logs/b/istio-proxy.log')];
      const line = Buffer.from(fixture('istio-proxy-access-text.log').split('\n')[0]! + '\n');
      const chunk = Buffer.alloc(256 * 1024); // one batch per write
      for (let at = 0; at < chunk.length; at += line.length) line.copy(chunk, at);
      for (let queued = 0; queued < QUEUED; queued += chunk.length) big.write(chunk);

      const paused = big.backlog();
      expect(paused).toBeInstanceOf(Promise);
      let resumed = false;
      void paused!.then(() => (resumed = true));
      // Each step's answer comes after its acknowledgement, on the same port: by then the reader was resumed or not.
      await step1.end();
      const afterFirst = resumed;
      await step2.end();
      const afterSecond = resumed;
      expect(await big.end()).toEqual({ refused: 'stand-in' });
      return [afterFirst, afterSecond];
    } finally {
      await threads.close();
    }
  }

  it('is resumed once the queue is down to the low mark, not while it is above it', async () => {
    expect(await resumedAfter(QUEUED - LOW - 1, 1)).toEqual([false, true]); // 2 MiB + 1 byte queued, then exactly 2 MiB
  });

  it('is resumed below the low mark, and never while the queue is still over it', async () => {
    expect(await resumedAfter(QUEUED - LOW - 1, 2)).toEqual([false, true]); // 2 MiB + 1 byte, then 2 MiB - 1 byte
    expect(await resumedAfter(MiB, QUEUED - MiB - LOW + 1)).toEqual([false, true]); // 8 MiB, then 2 MiB - 1 byte
  });
});
