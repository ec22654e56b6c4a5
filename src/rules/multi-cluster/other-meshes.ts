import type { KubernetesObject } from '../../artifacts/k8s/resource-schema.js';
import type { PodRecord } from '../../model/facets.js';
import { shell } from '../shell.js';

/**
 * Other service meshes' data planes, as their injectors write them into a pod: what MESH001 reports
 * beside an Istio proxy and what LOG006 names when a capture port is taken. Each name, mark and opt-out
 * is cited from the mesh's own documentation or injector source.
 */
/** A container name another mesh's injector writes, and where that name is documented. */
export interface ContainerName {
  name: string;
  /** Matches more than the exact name (Consul names one dataplane per service of a multi-port pod). */
  matches?: RegExp;
  /**
   * A name applications use too (`envoy`): it counts only beside one of the mesh's init containers, or
   * with the mesh's own image.
   */
  onlyWith?: { inits?: readonly string[]; image?: RegExp };
  source: string;
}

/** An annotation or label the mesh (its injector, or a user opting in) puts on a namespace or pod. */
export interface Mark {
  key: string;
  source: string;
}

/** How a pod template stays out of a mesh: the annotation or label its injector reads. */
export interface OptOut {
  in: 'annotations' | 'labels';
  key: string;
  value: string;
  source: string;
}

export interface OtherMesh {
  mesh: string;
  proxies: readonly ContainerName[];
  /** The init containers that install its traffic redirection (absent when the mesh's CNI plugin does it). */
  inits: readonly ContainerName[];
  marks: readonly Mark[];
  /** The UID its iptables rules exempt (its proxy's). */
  uid: number;
  /** Where its proxy listens, as its docs state it. */
  listens: string;
  /** The ports of those that istio-proxy binds too (15000 admin, 15001 outbound, 15006 inbound). */
  sharedPorts: readonly number[];
  optOut: OptOut;
  /** Taking a whole namespace out of the mesh, when the namespace carries the mesh's mark. */
  namespaceOff?: { mark: string; command: (namespace: string) => string };
}


/**
 * Other meshes' data planes, as their injectors write them into a pod. Container names, marks and
 * opt-outs are each cited from the mesh's own documentation or injector source.
 */
export const OTHER_MESHES: readonly OtherMesh[] = [
  {
    mesh: 'Linkerd',
    // "For each pod, two containers are injected: linkerd-init … linkerd-proxy" (linkerd-init is absent with the Linkerd CNI plugin):
    // https://linkerd.io/2/features/proxy-injection/ ; as an init container with native sidecars: https://linkerd.io/2/features/native-sidecars
    proxies: [{ name: 'linkerd-proxy', source: 'https://linkerd.io/2/features/proxy-injection/' }],
    inits: [{ name: 'linkerd-init', source: 'https://linkerd.io/2/features/proxy-injection/' }],
    marks: [
      // the opt-in on a namespace or workload: https://linkerd.io/2/features/proxy-injection/
      { key: 'linkerd.io/inject', source: 'https://linkerd.io/2/features/proxy-injection/' },
      // written by the proxy injector on every injected pod (linkerd2 pkg/k8s/labels.go ProxyVersionAnnotation)
      { key: 'linkerd.io/proxy-version', source: 'https://github.com/linkerd/linkerd2/blob/main/pkg/k8s/labels.go' },
    ],
    // proxy UID 2102 (linkerd2 `proxy.uid`), inbound 0.0.0.0:4143, outbound 127.0.0.1:4140: https://linkerd.io/2/reference/proxy-configuration/
    uid: 2102,
    listens: 'inbound 4143, outbound 127.0.0.1:4140, admin 4191',
    sharedPorts: [],
    // "by adding the linkerd.io/inject: disabled annotation": https://linkerd.io/2/features/proxy-injection/
    optOut: { in: 'annotations', key: 'linkerd.io/inject', value: 'disabled', source: 'https://linkerd.io/2/features/proxy-injection/' },
    namespaceOff: { mark: 'linkerd.io/inject', command: (ns) => shell`kubectl annotate namespace ${ns} linkerd.io/inject-` },
  },
  {
    mesh: 'Consul',
    proxies: [
      // consul-k8s ≥ 1.0 (Consul 1.14+): `sidecarContainer = "consul-dataplane"`, `consul-dataplane-<service>` for multi-port pods:
      // https://github.com/hashicorp/consul-k8s/blob/main/control-plane/connect-inject/webhook/mesh_webhook.go ; https://developer.hashicorp.com/consul/docs/connect/k8s
      { name: 'consul-dataplane', matches: /^consul-dataplane(?:-[a-z0-9-]+)?$/, source: 'https://developer.hashicorp.com/consul/docs/connect/k8s' },
      // consul-k8s 0.x with client agents (`Name: "envoy-sidecar"` in connect-inject/envoy_sidecar.go):
      // https://github.com/hashicorp/consul-k8s/blob/v0.25.0/connect-inject/envoy_sidecar.go
      // a generic name (other injectors use it too): only beside Consul's init container
      { name: 'envoy-sidecar', onlyWith: { inits: ['consul-connect-inject-init'] }, source: 'https://github.com/hashicorp/consul-k8s/blob/v0.25.0/connect-inject/envoy_sidecar.go' },
      // consul-k8s's first injector (`Name: "consul-connect-envoy-sidecar"` in connect-inject/container_sidecar.go), as in
      // https://developer.hashicorp.com/consul/docs/v1.9.x/k8s/connect
      { name: 'consul-connect-envoy-sidecar', source: 'https://github.com/hashicorp/consul-k8s/blob/v0.9.0/connect-inject/container_sidecar.go' },
    ],
    // `InjectInitContainerName = "consul-connect-inject-init"` (consul-k8s connect-inject/container_init.go)
    inits: [{ name: 'consul-connect-inject-init', matches: /^consul-connect-inject-init(?:-[a-z0-9-]+)?$/, source: 'https://github.com/hashicorp/consul-k8s/blob/main/control-plane/connect-inject/webhook/container_init.go' }],
    marks: [
      // "If this is "true" then injection is enabled. If this is "false" then injection is explicitly disabled":
      // https://developer.hashicorp.com/consul/docs/v1.13.x/k8s/annotations-and-labels
      { key: 'consul.hashicorp.com/connect-inject', source: 'https://developer.hashicorp.com/consul/docs/v1.13.x/k8s/annotations-and-labels' },
      // "you should see … an annotation consul.hashicorp.com/connect-inject-status set to injected": https://developer.hashicorp.com/consul/docs/connect/k8s/inject
      { key: 'consul.hashicorp.com/connect-inject-status', source: 'https://developer.hashicorp.com/consul/docs/connect/k8s/inject' },
      { key: 'consul.hashicorp.com/transparent-proxy-status', source: 'https://github.com/hashicorp/consul-k8s/blob/main/control-plane/connect-inject/constants/annotations_and_labels.go' },
    ],
    // dataplane UID 5995 (consul-k8s `sidecarUserAndGroupID`); transparent proxy (https://developer.hashicorp.com/consul/docs/v1.14.x/connect/transparent-proxy,
    // on by default): outbound listener 127.0.0.1:15001, public listener 20000, the ports the init container's redirect uses
    // (consul-k8s control-plane/connect-inject/webhook/redirect_traffic.go)
    uid: 5995,
    listens: 'inbound 20000; outbound 127.0.0.1:15001 in transparent-proxy mode, the default',
    sharedPorts: [15001],
    optOut: { in: 'annotations', key: 'consul.hashicorp.com/connect-inject', value: 'false', source: 'https://developer.hashicorp.com/consul/docs/v1.13.x/k8s/annotations-and-labels' },
  },
  {
    mesh: 'Kuma',
    // Kuma and Kong Mesh: `KumaSidecarContainerName = "kuma-sidecar"`, `KumaInitContainerName = "kuma-init"` (kumahq/kuma
    // pkg/plugins/runtime/k8s/webhooks/injector), kuma-sidecar in initContainers with native sidecars (kumahq/kuma#9321);
    // "iptables installed with kuma-init container or CNI": https://developer.konghq.com/mesh/configure-transparent-proxying
    proxies: [{ name: 'kuma-sidecar', source: 'https://github.com/kumahq/kuma/tree/master/pkg/plugins/runtime/k8s/webhooks/injector' }],
    inits: [{ name: 'kuma-init', source: 'https://developer.konghq.com/mesh/configure-transparent-proxying' }],
    marks: [
      // "Enable or disable sidecar injection", a namespace or pod-template label: https://developer.konghq.com/mesh/annotations
      { key: 'kuma.io/sidecar-injection', source: 'https://developer.konghq.com/mesh/annotations' },
      // set by the injector (`KumaSidecarInjectedAnnotation`, kumahq/kuma pkg/plugins/runtime/k8s/metadata)
      { key: 'kuma.io/sidecar-injected', source: 'https://github.com/kumahq/kuma/tree/master/pkg/plugins/runtime/k8s/metadata' },
    ],
    // outbound 15001, inbound 15006: https://developer.konghq.com/mesh/transparent-proxying ; the kuma-dp user, UID 5678
    // (kumahq/kuma transparent-proxy rules: `-m owner --uid-owner 5678`)
    uid: 5678,
    listens: 'outbound 15001, inbound 15006',
    sharedPorts: [15001, 15006],
    optOut: { in: 'labels', key: 'kuma.io/sidecar-injection', value: 'disabled', source: 'https://developer.konghq.com/mesh/annotations' },
    namespaceOff: { mark: 'kuma.io/sidecar-injection', command: (ns) => shell`kubectl label namespace ${ns} kuma.io/sidecar-injection=disabled --overwrite` },
  },
  {
    mesh: 'Open Service Mesh',
    // `EnvoyContainerName = "envoy"`, `InitContainerName = "osm-init"` (openservicemesh/osm pkg/constants/constants.go): `envoy` is
    // also what applications call an Envoy of their own, so it counts only beside osm-init. https://docs.openservicemesh.io/docs/guides/app_onboarding/sidecar_injection/
    proxies: [{ name: 'envoy', onlyWith: { inits: ['osm-init'] }, source: 'https://docs.openservicemesh.io/docs/guides/app_onboarding/sidecar_injection/' }],
    inits: [{ name: 'osm-init', source: 'https://github.com/openservicemesh/osm/blob/main/pkg/constants/constants.go' }],
    marks: [
      // `SidecarInjectionAnnotation`, on the namespace (`osm namespace add`) or the pod: https://docs.openservicemesh.io/docs/guides/app_onboarding/sidecar_injection/
      { key: 'openservicemesh.io/sidecar-injection', source: 'https://docs.openservicemesh.io/docs/guides/app_onboarding/sidecar_injection/' },
      { key: 'openservicemesh.io/monitored-by', source: 'https://docs.openservicemesh.io/docs/guides/app_onboarding/namespaces/' },
    ],
    // Envoy UID 1500; 15000 admin, 15001 outbound, 15003 inbound: https://docs.openservicemesh.io/docs/guides/app_onboarding/prereqs/
    uid: 1500,
    listens: 'admin 15000, outbound 15001, inbound 15003',
    sharedPorts: [15000, 15001],
    optOut: { in: 'annotations', key: 'openservicemesh.io/sidecar-injection', value: 'disabled', source: 'https://docs.openservicemesh.io/docs/guides/app_onboarding/sidecar_injection/' },
    namespaceOff: { mark: 'openservicemesh.io/sidecar-injection', command: (ns) => shell`osm namespace remove ${ns}` },
  },
  {
    mesh: 'AWS App Mesh',
    // `envoyContainerName = "envoy"` (aws-app-mesh-controller-for-k8s pkg/inject/envoy.go) and the `proxyinit` init container
    // (pkg/inject/init_proxy.go), absent when App Mesh's CNI redirects: then only its image tells it apart.
    // https://aws.github.io/aws-app-mesh-controller-for-k8s/reference/injector/
    proxies: [{ name: 'envoy', onlyWith: { inits: ['proxyinit'], image: /\/aws-appmesh-envoy[:@]/ }, source: 'https://aws.github.io/aws-app-mesh-controller-for-k8s/reference/injector/' }],
    inits: [{ name: 'proxyinit', source: 'https://github.com/aws/aws-app-mesh-controller-for-k8s/blob/master/pkg/inject/init_proxy.go' }],
    marks: [
      // a namespace label or pod annotation, `enabled` or `disabled`: https://aws.github.io/aws-app-mesh-controller-for-k8s/reference/injector/
      { key: 'appmesh.k8s.aws/sidecarInjectorWebhook', source: 'https://aws.github.io/aws-app-mesh-controller-for-k8s/reference/injector/' },
    ],
    // APPMESH_IGNORE_UID 1337, APPMESH_ENVOY_INGRESS_PORT 15000, APPMESH_ENVOY_EGRESS_PORT 15001:
    // https://docs.aws.amazon.com/app-mesh/latest/userguide/envoy.html
    uid: 1337,
    listens: 'ingress 15000, egress 15001',
    sharedPorts: [15000, 15001],
    optOut: { in: 'annotations', key: 'appmesh.k8s.aws/sidecarInjectorWebhook', value: 'disabled', source: 'https://aws.github.io/aws-app-mesh-controller-for-k8s/reference/injector/' },
    namespaceOff: { mark: 'appmesh.k8s.aws/sidecarInjectorWebhook', command: (ns) => shell`kubectl label namespace ${ns} appmesh.k8s.aws/sidecarInjectorWebhook-` },
  },
];


type Container = { name: string; image?: string };

/** One container of a pod, where the pod record has it. */
export interface Located {
  name: string;
  image?: string;
  pointer: string;
}

/** The other mesh found in one pod: its proxies and init containers there, and the marks pod and namespace carry. */
export interface OtherMeshInPod {
  mesh: OtherMesh;
  proxies: Located[];
  inits: Located[];
  marks: Array<{ key: string; value: string; on: 'pod annotation' | 'pod label' | 'namespace annotation' | 'namespace label'; pointer?: string }>;
}

/** `/` and `~` escaped as JSON Pointer wants them (RFC 6901). */
export const pointerToken = (key: string) => key.replaceAll('~', '~0').replaceAll('/', '~1');

export function containersOf(pod: PodRecord['pod']): { containers: Located[]; inits: Located[] } {
  const at = (list: readonly Container[] | undefined, field: string) =>
    (list ?? []).map((c, i): Located => ({ name: c.name, ...(c.image ? { image: c.image } : {}), pointer: `/spec/${field}/${i}` }));
  return { containers: at(pod.spec?.containers, 'containers'), inits: at(pod.spec?.initContainers, 'initContainers') };
}

/** The other meshes' data planes in a pod (whether or not it also runs istio-proxy). */
export function otherMeshesIn(pod: PodRecord['pod'], namespace?: KubernetesObject): OtherMeshInPod[] {
  const { containers, inits } = containersOf(pod);
  const all = [...containers, ...inits];
  const found: OtherMeshInPod[] = [];
  for (const mesh of OTHER_MESHES) {
    const proxies = all.filter((c) =>
      mesh.proxies.some((p) => {
        if (!(p.matches ? p.matches.test(c.name) : c.name === p.name)) return false;
        if (!p.onlyWith) return true;
        return (p.onlyWith.inits ?? []).some((name) => inits.some((i) => i.name === name)) || (p.onlyWith.image?.test(c.image ?? '') ?? false);
      }),
    );
    if (proxies.length === 0) continue;
    const meshInits = inits.filter((c) => mesh.inits.some((i) => (i.matches ? i.matches.test(c.name) : c.name === i.name)));
    found.push({ mesh, proxies, inits: meshInits, marks: marksOf(mesh.marks.map((m) => m.key), pod, namespace) });
  }
  return found;
}

export function marksOf(keys: readonly string[], pod: PodRecord['pod'], namespace?: KubernetesObject): OtherMeshInPod['marks'] {
  const marks: OtherMeshInPod['marks'] = [];
  const sources = [
    { on: 'pod annotation', map: pod.metadata.annotations, field: 'annotations' },
    { on: 'pod label', map: pod.metadata.labels, field: 'labels' },
    { on: 'namespace annotation', map: namespace?.metadata.annotations },
    { on: 'namespace label', map: namespace?.metadata.labels },
  ] as const;
  for (const key of keys) {
    for (const source of sources) {
      const value = source.map?.[key];
      if (value === undefined) continue;
      marks.push({ key, value, on: source.on, ...('field' in source ? { pointer: `/metadata/${source.field}/${pointerToken(key)}` } : {}) });
    }
  }
  return marks;
}

