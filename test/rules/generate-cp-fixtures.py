"""Writes the CP002 and CP005 rule fixtures (test/rules/CP002/, test/rules/CP005/): python3 test/rules/generate-cp-fixtures.py
CP002: the samples' pod listings and proxy-status tables (samples/healthy, Istio 1.24.3; samples/control-plane-failure,
Istio 1.27.2 with native sidecars) with rows taken out and single pods changed (start times, readiness, revision,
deletion). CP005: the collector stub cluster's istio-system listing (test/collector/data) with the istiod Deployment's
resources, replicas and placement changed, a `kubectl get services -A -o custom-columns=…` listing of so many Services,
and `kubectl top`. Rerun after changing a fixture here; read the diff."""
import json, os, copy, re
from datetime import datetime, timedelta, timezone
import pathlib
ROOT = str(pathlib.Path(__file__).resolve().parents[2])
# Fixtures are written under RULE_FIXTURES_OUT when set (test/rules/generators.test.ts compares such a run with the
# committed fixtures), else under test/rules; the inputs (samples/, test/collector/data) are read from the repository.
RULES_OUT = os.path.abspath(os.environ['RULE_FIXTURES_OUT']) if os.environ.get('RULE_FIXTURES_OUT') else ROOT + '/test/rules'
def load(p): return json.load(open(os.path.join(ROOT, p)))
def dump(obj, path):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f: f.write(json.dumps(obj, indent=4, sort_keys=True, ensure_ascii=False) + '\n')
def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f: f.write(text)
ISO = re.compile(r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$')
def t(s): return datetime.strptime(s, '%Y-%m-%dT%H:%M:%SZ').replace(tzinfo=timezone.utc)
def iso(d): return d.strftime('%Y-%m-%dT%H:%M:%SZ')
def shift(node, delta):
    if isinstance(node, dict): return {k: shift(v, delta) for k, v in node.items()}
    if isinstance(node, list): return [shift(v, delta) for v in node]
    if isinstance(node, str) and ISO.match(node): return iso(t(node) + delta)
    return node
def proxy_status(pod):
    for s in pod['status'].get('containerStatuses', []) + pod['status'].get('initContainerStatuses', []):
        if s['name'] == 'istio-proxy': return s
def proxy_started(pod): return t(proxy_status(pod)['state']['running']['startedAt'])
def start_proxy_at(pod, when):
    """Moves every time of the pod so that its istio-proxy started at `when`."""
    delta = when - proxy_started(pod)
    pod['metadata']['creationTimestamp'] = iso(t(pod['metadata']['creationTimestamp']) + delta)
    pod['status'] = shift(pod['status'], delta)
def pod_named(lst, prefix): return next(p for p in lst['items'] if p['metadata']['name'].startswith(prefix))
def tabwrite(rows, padding=5):
    widths = [max(len(r[i]) for r in rows if i < len(r)) for i in range(max(len(r) for r in rows))]
    return ''.join(''.join(c if i == len(r) - 1 else c.ljust(widths[i] + padding) for i, c in enumerate(r)) + '\n' for r in rows)
def read_table(path):
    lines = open(os.path.join(ROOT, path)).read().splitlines()
    return [re.split(r'\s{2,}', l.strip()) for l in lines]
def expect(path, findings, notChecked=None):
    obj = {'findings': findings}
    if notChecked is not None: obj['notChecked'] = notChecked
    write(path, json.dumps(obj, indent=2, ensure_ascii=False) + '\n')

# ---- CP002 ----
OUT = RULES_OUT + '/CP002'
H = 'samples/healthy'
C = 'samples/control-plane-failure'
healthy_table = read_table(H + '/istio/proxy-status.txt')

def bundle(name): return f'{OUT}/{name}/bundle'
def without(table, *prefixes): return [r for r in table if not any(r[0].startswith(p) for p in prefixes)]
def healthy_pods(): return load(H + '/kubernetes/pods/bookinfo.json'), load(H + '/kubernetes/pods/istio-system.json')
LATEST = t('2025-03-04T16:20:58Z')  # reviews-v2's istio-proxy: the newest proxy proxy-status lists
finding = lambda ns, name, **kw: {'subject': {'kind': 'Pod', 'namespace': ns, 'name': name}, 'severity': 'medium', **kw}

# quiet-all-listed: the healthy sample as it is.
b, i = healthy_pods()
dump(b, bundle('quiet-all-listed') + '/kubernetes/pods/bookinfo.json'); dump(i, bundle('quiet-all-listed') + '/kubernetes/pods/istio-system.json')
write(bundle('quiet-all-listed') + '/istio/proxy-status.txt', tabwrite(healthy_table))
expect(f'{OUT}/quiet-all-listed/expect.json', [])

# fires: details' proxy started exactly 60 s, productpage's 61 s before the newest listed proxy; both rows gone.
b, i = healthy_pods()
start_proxy_at(pod_named(b, 'details'), LATEST - timedelta(seconds=60))
start_proxy_at(pod_named(b, 'productpage'), LATEST - timedelta(seconds=61))
n = 'fires-sidecars-absent-60s-and-61s-before-listing'
dump(b, bundle(n) + '/kubernetes/pods/bookinfo.json'); dump(i, bundle(n) + '/kubernetes/pods/istio-system.json')
write(bundle(n) + '/istio/proxy-status.txt', tabwrite(without(healthy_table, 'details', 'productpage')))
ev = dict(evidencePaths=['kubernetes/pods/bookinfo.json', 'istio/proxy-status.txt'], evidencePointers=['/items/0/status/containerStatuses/1'])
expect(f'{OUT}/{n}/expect.json', [
    finding('bookinfo', 'details-v1-65cfcf56f9-r2l8c', explanationIncludes=['node gke-shop-prod-eu1-pool-1-3f2a9c1d-m2qd', 'revision default', 'ready: it received its configuration once', '`istio/proxy-status.txt` (5 proxies)'], **ev),
    finding('bookinfo', 'productpage-v1-54bb874995-9xq7d', explanationIncludes=['revision default'], evidencePaths=ev['evidencePaths'], evidencePointers=['/items/1/status/containerStatuses/0']),
])

# quiet: details' proxy started 59 s before the newest listed proxy: it may not have connected yet.
b, i = healthy_pods()
start_proxy_at(pod_named(b, 'details'), LATEST - timedelta(seconds=59))
n = 'quiet-sidecar-started-59s-before-listing'
dump(b, bundle(n) + '/kubernetes/pods/bookinfo.json'); dump(i, bundle(n) + '/kubernetes/pods/istio-system.json')
write(bundle(n) + '/istio/proxy-status.txt', tabwrite(without(healthy_table, 'details')))
expect(f'{OUT}/{n}/expect.json', [])

# quiet: the absent pods are Pending, being deleted, or done.
b, i = healthy_pods()
pending = pod_named(b, 'ratings'); pending['status']['phase'] = 'Pending'
st = proxy_status(pending); st['state'] = {'waiting': {'reason': 'PodInitializing'}}; st['ready'] = False; st['started'] = False
pod_named(b, 'reviews-v1')['metadata']['deletionTimestamp'] = '2025-03-11T09:41:50Z'
pod_named(b, 'reviews-v3')['metadata']['deletionGracePeriodSeconds'] = 30
pod_named(b, 'reviews-v3')['metadata']['deletionTimestamp'] = '2025-03-11T09:42:02Z'
pod_named(b, 'reviews-v1')['metadata']['deletionGracePeriodSeconds'] = 30
n = 'quiet-pending-and-terminating-pods'
dump(b, bundle(n) + '/kubernetes/pods/bookinfo.json'); dump(i, bundle(n) + '/kubernetes/pods/istio-system.json')
write(bundle(n) + '/istio/proxy-status.txt', tabwrite(without(healthy_table, 'ratings', 'reviews-v1', 'reviews-v3')))
expect(f'{OUT}/{n}/expect.json', [])

# notChecked: details is of revision canary, whose istiod the bundle does not show.
b, i = healthy_pods()
d = pod_named(b, 'details')
d['metadata']['annotations']['istio.io/rev'] = 'canary'
d['metadata']['annotations']['sidecar.istio.io/status'] = d['metadata']['annotations']['sidecar.istio.io/status'].replace('"revision":"default"', '"revision":"canary"')
n = 'quiet-revision-without-listing'
dump(b, bundle(n) + '/kubernetes/pods/bookinfo.json'); dump(i, bundle(n) + '/kubernetes/pods/istio-system.json')
write(bundle(n) + '/istio/proxy-status.txt', tabwrite(without(healthy_table, 'details')))
expect(f'{OUT}/{n}/expect.json', [], notChecked=True)

# notChecked: proxy-status still lists reviews-v1's previous pod: it is older or newer than the pod listing.
b, i = healthy_pods()
table = [r[:] for r in healthy_table]
for r in table:
    if r[0].startswith('reviews-v1'): r[0] = 'reviews-v1-5b5d6494f4-q2x9c.bookinfo'
n = 'quiet-listing-taken-at-another-time'
dump(b, bundle(n) + '/kubernetes/pods/bookinfo.json'); dump(i, bundle(n) + '/kubernetes/pods/istio-system.json')
write(bundle(n) + '/istio/proxy-status.txt', tabwrite(table))
expect(f'{OUT}/{n}/expect.json', [], notChecked=True)

# syncz (bug-report paths): the ingress gateway is in neither replica's syncz.
def syncz_rows(pods):
    rows = []
    for p in pods:
        v = '2025-03-11T09:35:25Z/18'
        rows.append({'cluster_id': 'Kubernetes', 'proxy': f"{p['metadata']['name']}.{p['metadata']['namespace']}", 'proxy_type': 'sidecar', 'proxy_version': '1.24.3', 'istio_version': '1.24.3',
                     'cluster_sent': v, 'cluster_acked': v, 'listener_sent': v, 'listener_acked': v, 'route_sent': v, 'route_acked': v, 'endpoint_sent': v, 'endpoint_acked': v})
    return json.dumps(rows, separators=(',', ':')) + '\n'
b, i = healthy_pods()
second = copy.deepcopy(pod_named(i, 'istiod'))
second['metadata']['name'] = 'istiod-6b9c8d7f5-p8wzn'; second['metadata']['uid'] = 'c3d94f21-7a0e-4b55-9d1c-5e8f2a7b6c10'; second['status']['podIP'] = '10.244.1.9'; second['status']['podIPs'] = [{'ip': '10.244.1.9'}]
i['items'].append(second); i['items'].sort(key=lambda p: p['metadata']['name'])
n = 'fires-gateway-in-no-replica-syncz'
dump(b, bundle(n) + '/kubernetes/pods/bookinfo.json'); dump(i, bundle(n) + '/kubernetes/pods/istio-system.json')
write(bundle(n) + '/istio/istio-system/istiod-6b9c8d7f5-kx2vq/debug/syncz', syncz_rows(b['items'][:3]))
write(bundle(n) + '/istio/istio-system/istiod-6b9c8d7f5-p8wzn/debug/syncz', syncz_rows(b['items'][3:]))
expect(f'{OUT}/{n}/expect.json', [finding('istio-system', 'istio-ingressgateway-5c9f8b6d7-m4tqz',
    evidencePaths=['kubernetes/pods/istio-system.json', 'istio/istio-system/istiod-6b9c8d7f5-kx2vq/debug/syncz', 'istio/istio-system/istiod-6b9c8d7f5-p8wzn/debug/syncz'],
    explanationIncludes=['namespace istio-system, node gke-shop-prod-eu1-pool-1-3f2a9c1d-w7tn', '(3 proxies)'])])

# notChecked: two istiod replicas, the syncz of one only: its proxies cannot be told from disconnected ones.
n = 'quiet-syncz-of-one-replica-only'
dump(b, bundle(n) + '/kubernetes/pods/bookinfo.json'); dump(i, bundle(n) + '/kubernetes/pods/istio-system.json')
write(bundle(n) + '/istio/istio-system/istiod-6b9c8d7f5-kx2vq/debug/syncz', syncz_rows(b['items'][:3] + [pod_named(i, 'istio-ingressgateway')]))
expect(f'{OUT}/{n}/expect.json', [], notChecked=True)

# Native sidecars (Istio 1.27): ads' istio-proxy never became ready and proxy-status does not list it.
shop, isys = load(C + '/kubernetes/pods/shop.json'), load(C + '/kubernetes/pods/istio-system.json')
cpf_table = read_table(C + '/istio/proxy-status.txt')
ads = pod_named(shop, 'ads')
proxy_status(ads)['ready'] = False
for c in ads['status']['conditions']:
    if c['type'] in ('Ready', 'ContainersReady'): c['status'] = 'False'; c['reason'] = 'ContainersNotReady'; c['message'] = 'containers with unready status: [istio-proxy]'
n = 'fires-native-sidecar-never-ready'
dump(shop, bundle(n) + '/kubernetes/pods/shop.json'); dump(isys, bundle(n) + '/kubernetes/pods/istio-system.json')
write(bundle(n) + '/istio/proxy-status.txt', tabwrite(without(cpf_table, 'ads')))
expect(f'{OUT}/{n}/expect.json', [finding('shop', 'ads-7b8c9d5f6-q6p4z', evidencePointers=['/status/initContainerStatuses/1'], explanationIncludes=['not ready: it has never received its configuration'])])

# The istioctl >= 1.27 default table (no per-type status): a pod it lists is connected.
shop, isys = load(C + '/kubernetes/pods/shop.json'), load(C + '/kubernetes/pods/istio-system.json')
default_table = [['NAME', 'CLUSTER', 'ISTIOD', 'VERSION', 'SUBSCRIBED TYPES']] + [[r[0], r[1], r[7], r[8], '3 (CDS,LDS,EDS)' if 'gateway' in r[0] else '4 (CDS,LDS,EDS,RDS)'] for r in cpf_table[1:]]
n = 'quiet-1-27-default-table'
dump(shop, bundle(n) + '/kubernetes/pods/shop.json'); dump(isys, bundle(n) + '/kubernetes/pods/istio-system.json')
write(bundle(n) + '/istio/proxy-status.txt', tabwrite(default_table))
expect(f'{OUT}/{n}/expect.json', [])

# ---- CP005 ----
OUT = RULES_OUT + '/CP005'
D = 'test/collector/data/kubectl'

def ktab(rows, terminated=False):
    """kubectl's tabwriter: min width 6, padding 3; `terminated` rows end with a tab (kubectl top), so their last cell is padded too."""
    n = max(len(r) for r in rows)
    widths = [max(6, max(len(r[i]) for r in rows if i < len(r)) + 3) for i in range(n)]
    return ''.join(''.join(c if (i == len(r) - 1 and not terminated) else c.ljust(widths[i]) for i, c in enumerate(r)) + '\n' for r in rows)

BASE = [('default', 'kubernetes'), ('istio-system', 'istio-ingressgateway'), ('istio-system', 'istiod'), ('istio-system', 'istiod-canary'), ('kube-system', 'kube-dns')]
def names(total, extra_ns='shop', counts=None):
    """The cluster's Services: the stub cluster's five, then `<team>-api-NNN` Services up to `total` (or so many per namespace)."""
    rows = list(BASE)
    plan = counts or [(extra_ns, total - len(BASE))]
    for ns, n in plan: rows += [(ns, f'{ns}-api-{i:03d}') for i in range(1, n + 1)]
    rows.sort()
    return ktab([['NAMESPACE', 'NAME']] + [list(r) for r in rows])

def istio_resources(requests=None, limits=None, replicas=None, node_selector=None, tolerations=None):
    res = load(D + '/resources-istio-system.json')
    d = next(o for o in res['items'] if o['kind'] == 'Deployment' and o['metadata']['name'] == 'istiod')
    c = d['spec']['template']['spec']['containers'][0]
    if requests is not None or limits is not None:
        c['resources'] = {k: v for k, v in (('limits', limits), ('requests', requests)) if v}
    if replicas is not None:
        d['spec']['replicas'] = replicas
        for k in ('availableReplicas', 'readyReplicas', 'replicas', 'updatedReplicas'): d['status'][k] = replicas
    if node_selector: d['spec']['template']['spec']['nodeSelector'] = node_selector
    if tolerations: d['spec']['template']['spec']['tolerations'] = tolerations
    return res

def top(rows):
    return ktab([['POD', 'NAME', 'CPU(cores)', 'MEMORY(bytes)']] + rows, terminated=True)

def fixture(name, files, findings, notChecked=None):
    for path, content in files.items():
        full = f'{OUT}/{name}/bundle/{path}'
        if isinstance(content, str): write(full, content)
        else: dump(content, full)
    expect(f'{OUT}/{name}/expect.json', findings, notChecked)

deployment = lambda **kw: {'subject': {'kind': 'Deployment', 'namespace': 'istio-system', 'name': 'istiod'}, 'severity': 'medium', **kw}
pod = lambda name, **kw: {'subject': {'kind': 'Pod', 'namespace': 'istio-system', 'name': name}, 'severity': 'medium', **kw}
RES = 'kubernetes/resources/istio-system.json'
NAMES = 'kubernetes/service-names.txt'
DEFAULTS = dict(requests={'cpu': '500m', 'memory': '2Gi'}, limits={'memory': '5Gi'})  # the stub cluster's istiod
ENOUGH = dict(requests={'cpu': '2', 'memory': '4G'})

fixture('quiet-99-services-default-resources', {NAMES: names(99), RES: istio_resources()}, [])
fixture('fires-100-services-default-resources', {NAMES: names(100), RES: istio_resources()}, [deployment(
    evidencePaths=[RES, NAMES], evidencePointers=['/spec/template/spec/containers/0/resources'],
    explanationIncludes=['100 Services, per the cluster-wide Service listing', 'memory request 2 GiB, limit 5 GiB (needs 4 GB)', 'CPU request 0.5 (needs 2)'],
    explanationExcludes=['replica'])])
fixture('fires-memory-and-cpu-just-below', {NAMES: names(100), RES: istio_resources(requests={'cpu': '1900m', 'memory': '3814Mi'})}, [deployment(
    explanationIncludes=['memory request 3814 MiB (needs 4 GB)', 'CPU request 1.9 (needs 2)'])])
fixture('quiet-1000-services-4g-2-cpu-one-replica', {NAMES: names(1000), RES: istio_resources(**ENOUGH),
    'kubernetes/top/istio-system.txt': top([['istio-ingressgateway-7c9d8f6b5-x2kqp', 'istio-proxy', '12m', '74Mi'], ['istiod-7d4b9c6f8-hm2xr', 'discovery', '310m', '799Mi']])}, [])
fixture('fires-1001-services-one-replica-shared-nodes', {NAMES: names(1001), RES: istio_resources(requests={'cpu': '2', 'memory': '4Gi'})}, [deployment(
    explanationIncludes=['1001 Services, per the cluster-wide Service listing (`kubernetes/service-names.txt`): over 1000', '1 replica (needs 2 or more)', 'no nodeSelector, required node affinity or toleration'],
    explanationExcludes=['memory request', 'CPU request'])])
fixture('quiet-1001-services-two-replicas-dedicated-nodes', {NAMES: names(1001), RES: istio_resources(requests={'cpu': '2', 'memory': '4Gi'}, replicas=2,
    node_selector={'node-role.example.com/control-plane': 'istio'}, tolerations=[{'effect': 'NoSchedule', 'key': 'dedicated', 'operator': 'Equal', 'value': 'istio'}])}, [])
fixture('fires-memory-twice-the-1000-services-estimate', {NAMES: names(1000), RES: istio_resources(requests={'cpu': '2', 'memory': '4Gi'}, replicas=2),
    'kubernetes/top/istio-system.txt': top([['istio-ingressgateway-7c9d8f6b5-x2kqp', 'istio-proxy', '12m', '74Mi'], ['istiod-7d4b9c6f8-hm2xr', 'discovery', '310m', '800Mi'], ['istiod-7d4b9c6f8-wq5zt', 'discovery', '295m', '801Mi']])}, [
    pod('istiod-7d4b9c6f8-hm2xr', evidencePaths=['kubernetes/top/istio-system.txt', NAMES], explanationIncludes=['at 800 MiB', '1000 Services explain about 400 MiB', '(800 MiB) is the line']),
    pod('istiod-7d4b9c6f8-wq5zt', explanationIncludes=['at 801 MiB'])])

# No Deployment in the bundle: the istiod pod (healthy sample) stands for it.
fixture('fires-istiod-pod-without-deployment', {NAMES: names(100), 'kubernetes/pods/istio-system.json': load('samples/healthy/kubernetes/pods/istio-system.json')}, [deployment(
    evidencePaths=['kubernetes/pods/istio-system.json'], evidencePointers=['/items/1/spec/containers/0/resources'],
    explanationIncludes=['read from its pods; the Deployment is not in the bundle', 'memory request 2 GiB (needs 4 GB)'])])

# discoverySelectors: istiod watches shop only (selected by label), not the 1,400 Services of legacy.
namespaces = load(D + '/namespaces.json')
legacy = copy.deepcopy(next(n for n in namespaces['items'] if n['metadata']['name'] == 'default'))
legacy['metadata'].update({'name': 'legacy', 'labels': {'kubernetes.io/metadata.name': 'legacy'}, 'uid': '5f6e7d8c-9b0a-4c1d-8e2f-3a4b5c6d7e8f', 'resourceVersion': '48211', 'creationTimestamp': '2023-11-02T08:14:40Z'})
namespaces['items'].append(legacy); namespaces['items'].sort(key=lambda n: n['metadata']['name'])
def mesh_with(selectors_yaml):
    cm = load(D + '/configmap-istio.json')
    cm['data']['mesh'] = cm['data']['mesh'].replace('defaultProviders:', selectors_yaml + 'defaultProviders:')
    return cm
CM = 'kubernetes/configmaps/istio-system-istio.json'
NS = 'kubernetes/namespaces.json'
fixture('quiet-discovery-selectors-select-99', {NAMES: names(0, counts=[('legacy', 1400), ('shop', 99)]), RES: istio_resources(), NS: namespaces,
    CM: mesh_with('discoverySelectors:\n- matchLabels:\n    istio-injection: enabled\n')}, [])
fixture('fires-discovery-selectors-select-100', {NAMES: names(0, counts=[('legacy', 1400), ('shop', 100)]), RES: istio_resources(), NS: namespaces,
    CM: mesh_with('discoverySelectors:\n- matchExpressions:\n  - key: istio-injection\n    operator: In\n    values:\n    - enabled\n')}, [deployment(
    evidencePaths=[CM], explanationIncludes=['100 Services in the 1 namespace MeshConfig `discoverySelectors` select, per'])])
fixture('quiet-discovery-selectors-without-namespaces', {NAMES: names(1500), RES: istio_resources(), CM: mesh_with('discoverySelectors:\n- matchLabels:\n    istio-injection: enabled\n')}, [], notChecked=True)
# Only per-namespace listings, fewer than 100 Services in them: a lower bound that decides nothing.
fixture('quiet-lower-bound-below-100', {RES: istio_resources()}, [], notChecked=True)
