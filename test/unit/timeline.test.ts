import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeBundle } from '../../src/pipeline.js';
import { tempDir, writeTree } from '../bundle/helpers.js';

const ROOT = join(import.meta.dirname, '..', '..');
/** The LOG002 fixture's sleep sidecar: 9 UH toward reviews from 10:02:03.592Z to 10:02:14.549Z. */
const UH_LOG = join(ROOT, 'test', 'rules', 'LOG002', 'fires-majority-critical', 'bundle', 'logs', 'default', 'sleep-9454cc476-qv8fz', 'istio-proxy.log');
/** The control-plane-failure sample's istio-system pods: istiod OOMKilled at 01:58:44Z and 02:11:03Z. */
const PODS = join(ROOT, 'samples', 'control-plane-failure', 'kubernetes', 'pods', 'istio-system.json');

async function timelineOf(files: Record<string, string>) {
  const dir = await tempDir();
  await writeTree(dir, files);
  return (await analyzeBundle(dir)).report.timeline;
}

describe('the incident timeline', () => {
  it('one first and one last event per signature and target across logs, counting every log', async () => {
    const log = await readFile(UH_LOG, 'utf8');
    const events = await timelineOf({
      'logs/default/sleep-9454cc476-qv8fz/istio-proxy.log': log,
      // a second client whose UH lines are all one second later
      'logs/default/sleep-9454cc476-zz7vk/istio-proxy.log': log.replaceAll('sleep-9454cc476-qv8fz', 'sleep-9454cc476-zz7vk').replace(/\[2024-11-05T10:02:(\d\d)/g, (_, s: string) => `[2024-11-05T10:02:${String(Number(s) + 1).padStart(2, '0')}`),
    });
    expect(events.map((e) => [e.time, e.kind, e.subject.name, e.what])).toEqual([
      ['2024-11-05T10:02:03.592Z', 'log-first', 'sleep-9454cc476-qv8fz', 'first no healthy upstream toward reviews.bookinfo.svc.cluster.local, 18 times in 2 logs'],
      ['2024-11-05T10:02:15.549Z', 'log-last', 'sleep-9454cc476-zz7vk', 'last no healthy upstream toward reviews.bookinfo.svc.cluster.local'],
    ]);
    expect(events[0]!.evidence).toMatchObject({ path: 'logs/default/sleep-9454cc476-qv8fz/istio-proxy.log', line: expect.any(Number) });
    // the one LOG002 finding about reviews is what both events are evidence of
    expect(events[0]!.findings).toHaveLength(1);
    expect(events[1]!.findings).toEqual(events[0]!.findings);
  });

  it('a signature seen once is one event; a folder without manifest has no collection event', async () => {
    const lines = (await readFile(UH_LOG, 'utf8')).split('\n');
    const once = lines.filter((l) => !l.includes(' 503 UH ') || l === lines.find((x) => x.includes(' 503 UH '))).join('\n');
    const events = await timelineOf({ 'logs/default/sleep-9454cc476-qv8fz/istio-proxy.log': once });
    expect(events.map((e) => [e.kind, e.what])).toEqual([['log-once', 'no healthy upstream toward reviews.bookinfo.svc.cluster.local, 1 time']]);
  });

  it('orders by instant, not by text: a whole second sorts before its fractions', async () => {
    const pods = JSON.parse(await readFile(PODS, 'utf8')) as { items: Array<{ metadata: { name: string }; status: { containerStatuses: Array<{ lastState: { terminated?: { finishedAt: string } } }> } }> };
    const istiod = pods.items.find((p) => p.metadata.name === 'istiod-7d4b9c6f8-hm2xr')!;
    istiod.status.containerStatuses[0]!.lastState.terminated!.finishedAt = '2024-11-05T10:02:03Z';
    const events = await timelineOf({ 'kubernetes/pods/istio-system.json': JSON.stringify(pods), 'logs/default/sleep-9454cc476-qv8fz/istio-proxy.log': await readFile(UH_LOG, 'utf8') });
    const times = events.map((e) => `${e.time} ${e.kind}`);
    // text order would put "…:03.592Z" before "…:03Z" ('.' < 'Z')
    expect(times.indexOf('2024-11-05T10:02:03Z container-terminated')).toBeLessThan(times.indexOf('2024-11-05T10:02:03.592Z log-first'));
  });

  it('container terminations and restarts, readiness lost; an init container that completed is not an event, one that failed is', async () => {
    const pods = JSON.parse(await readFile(PODS, 'utf8')) as { items: Array<{ metadata: { name: string }; status: Record<string, unknown> }> };
    const gateway = pods.items.find((p) => p.metadata.name === 'istio-ingressgateway-7f9c6d5b8-2kq4x')!;
    gateway.status.initContainerStatuses = [
      { name: 'istio-init', ready: true, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: '2025-05-19T11:47:07Z', finishedAt: '2025-05-19T11:47:08Z' } } },
      { name: 'istio-validation', ready: false, restartCount: 2, state: { terminated: { exitCode: 126, reason: 'Error', startedAt: '2025-05-19T11:47:08Z', finishedAt: '2025-05-19T11:47:09Z' } } },
    ];
    const events = await timelineOf({ 'kubernetes/pods/istio-system.json': JSON.stringify(pods) });
    expect(events.map((e) => `${e.time} ${e.subject.name}: ${e.what}`)).toEqual([
      '2025-05-19T11:47:09Z istio-ingressgateway-7f9c6d5b8-2kq4x: container istio-validation terminated: Error (exit 126), after running since 2025-05-19T11:47:08Z',
      '2025-06-03T01:58:44Z istiod-7d4b9c6f8-hm2xr: container discovery terminated: OOMKilled (exit 137), after running since 2025-06-03T01:21:58Z',
      '2025-06-03T01:58:46Z istiod-7d4b9c6f8-hm2xr: container discovery running again (3 restarts so far)',
      '2025-06-03T02:11:03Z istiod-7d4b9c6f8-pw7kd: container discovery terminated: OOMKilled (exit 137), after running since 2025-06-03T02:09:39Z',
      '2025-06-03T02:11:03Z istiod-7d4b9c6f8-pw7kd: pod not ready (ContainersNotReady)',
    ]);
  });

  it("a pod's events are evidence of the findings that cite that pod's status, not another pod's in the same file", async () => {
    const { report } = await analyzeBundle(join(ROOT, 'samples', 'control-plane-failure'));
    const cp003 = new Map(report.findings.filter((f) => f.ruleId === 'CP003').map((f) => [f.subject.name, f.fingerprint]));
    expect([...cp003.keys()].sort()).toEqual(['istiod-7d4b9c6f8-hm2xr', 'istiod-7d4b9c6f8-pw7kd']);
    const podEvents = report.timeline.filter((e) => ['container-terminated', 'container-restarted', 'pod-not-ready'].includes(e.kind));
    expect(podEvents.map((e) => [e.kind, e.subject.name, e.findings])).toEqual([
      ['container-terminated', 'istiod-7d4b9c6f8-hm2xr', [cp003.get('istiod-7d4b9c6f8-hm2xr')]],
      ['container-restarted', 'istiod-7d4b9c6f8-hm2xr', [cp003.get('istiod-7d4b9c6f8-hm2xr')]],
      ['container-terminated', 'istiod-7d4b9c6f8-pw7kd', [cp003.get('istiod-7d4b9c6f8-pw7kd')]],
      ['pod-not-ready', 'istiod-7d4b9c6f8-pw7kd', [cp003.get('istiod-7d4b9c6f8-pw7kd')]],
    ]);
  });
});
