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
