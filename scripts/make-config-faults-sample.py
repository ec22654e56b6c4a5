"""Writes samples/config-faults/ from samples/healthy: python3 scripts/make-config-faults-sample.py (see samples/README.md)."""
import json, os, shutil, copy, hashlib, random
import pathlib
ROOT=str(pathlib.Path(__file__).resolve().parents[1]); H=ROOT+'/samples/healthy'; D=ROOT+'/samples/config-faults'
if os.path.exists(D): shutil.rmtree(D)
shutil.copytree(H, D)
os.remove(D+'/istio/analyze.json')   # the customer's istioctl could not run analyze
def load(p): return json.load(open(D+'/'+p))
def dump(p,o):
    with open(D+'/'+p,'w') as f: f.write(json.dumps(o,indent=4,sort_keys=True)+'\n')
def uid(s):
    h=hashlib.sha1(s.encode()).hexdigest(); return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"
def meta(kind,ns,name,ts,gen=1):
    return {'creationTimestamp':ts,'generation':gen,'name':name,'namespace':ns,'resourceVersion':str(3700000+int(hashlib.sha1((kind+ns+name).encode()).hexdigest()[:4],16)),'uid':uid(kind+ns+name)}
vs=load('istio/resources/virtualservices.json')
# 1. the gateway VS: a mobile client release calls /api/v1/Products/<id>; the VS matches prefix /api/v1/products
# 2. ratings: a typo'd destination host in a new VirtualService
vs['items'].append({'apiVersion':'networking.istio.io/v1','kind':'VirtualService','metadata':meta('VirtualService','bookinfo','ratings','2025-05-19T21:04:11Z'),
  'spec':{'hosts':['ratings'],'http':[{'retries':{'attempts':3,'perTryTimeout':'2s'},'route':[{'destination':{'host':'raitngs','port':{'number':9080}}}],'timeout':'10s'}]}})
# 3. details: a canary subset that the DestinationRule does not define
vs['items'].append({'apiVersion':'networking.istio.io/v1','kind':'VirtualService','metadata':meta('VirtualService','bookinfo','details','2025-05-19T21:06:52Z'),
  'spec':{'hosts':['details'],'http':[{'route':[{'destination':{'host':'details','subset':'v1'},'weight':90},{'destination':{'host':'details','subset':'v2'},'weight':10}]}]}})
# 4. admin: bound to a gateway that is not in its namespace
vs['items'].append({'apiVersion':'networking.istio.io/v1','kind':'VirtualService','metadata':meta('VirtualService','bookinfo','bookinfo-admin','2025-05-19T21:09:30Z'),
  'spec':{'gateways':['admin-gateway'],'hosts':['admin.bookinfo.example.com'],'http':[{'match':[{'uri':{'prefix':'/admin'}}],'route':[{'destination':{'host':'productpage','port':{'number':9080}}}]}]}})
vs['items'].sort(key=lambda o:(o['metadata']['namespace'],o['metadata']['name']))
dump('istio/resources/virtualservices.json',vs)
gw=load('istio/resources/gateways.json')
gw['items'].append({'apiVersion':'networking.istio.io/v1','kind':'Gateway','metadata':meta('Gateway','istio-system','admin-gateway','2025-05-19T21:08:02Z'),
  'spec':{'selector':{'istio':'ingressgateway'},'servers':[{'hosts':['admin.bookinfo.example.com'],'port':{'name':'https','number':8443,'protocol':'HTTPS'},'tls':{'credentialName':'admin-bookinfo-tls','mode':'SIMPLE'}}]}})
gw['items'].sort(key=lambda o:(o['metadata']['namespace'],o['metadata']['name']))
dump('istio/resources/gateways.json',gw)
# creation times: the evening before the ticket, before collection
import re
p=D+'/istio/resources/virtualservices.json'; s=open(p).read().replace('2025-05-19T21:','2025-03-10T21:'); open(p,'w').write(s)
p=D+'/istio/resources/gateways.json'; s=open(p).read().replace('2025-05-19T21:','2025-03-10T21:'); open(p,'w').write(s)
# productpage: one call in ten to details goes to subset v2, which has no cluster (503 NC)
p=D+'/logs/bookinfo/productpage-v1-54bb874995-9xq7d/istio-proxy.log'
lines=open(p).read().split('\n')
n=0; out=[]
for line in lines:
    if '"GET /details/0 HTTP/1.1" 200' in line:
        n+=1
        if n%9==4:
            m=re.match(r'^(\[[^\]]+\]) "GET /details/0 HTTP/1.1" 200 - via_upstream - "-" 0 \d+ \d+ \d+ "-" ("[^"]*") ("[^"]*") "details:9080" "[^"]*" \S+ \S+ (\S+) (\S+) - default$', line)
            assert m, line
            ts,ua,rid,dst,src=m.groups()
            line=f'{ts} "GET /details/0 HTTP/1.1" 503 NC cluster_not_found - "-" 0 0 0 - "-" {ua} {rid} "details:9080" "-" - - {dst} {src} - -'
    out.append(line)
open(p,'w').write('\n'.join(out))
# ingress gateway: a mobile app release calls /api/v1/Products/<id>; the VirtualService matches prefix /api/v1/products
p=D+'/logs/istio-system/istio-ingressgateway-5c9f8b6d7-m4tqz/istio-proxy.log'
lines=[l for l in open(p).read().split('\n') if l]
rnd=random.Random(20250311)
extra=[]
for i in range(18):
    sec=37*60+20+i*15+rnd.randint(0,9)
    ts=f'2025-03-11T09:{sec//60:02d}:{sec%60:02d}.{rnd.randint(0,999):03d}Z'
    rid=uid('nr%d'%i)
    client=rnd.choice(['198.51.100.23','198.51.100.61','203.0.113.140','192.0.2.77'])
    port=rnd.randint(32768,60999)
    pid=rnd.randint(0,9)
    extra.append(f'[{ts}] "GET /api/v1/Products/{pid} HTTP/2" 404 NR route_not_found - "-" 0 0 0 - "{client}" "BookinfoMobile/4.2.0 (iPhone; iOS 17.3; Scale/3.00)" "{rid}" "bookinfo.example.com" "-" - - 10.244.0.11:8080 {client}:{port} - -')
def key(l):
    m=re.match(r'^\[?(\d{4}-\d\d-\d\dT[\d:.]+Z)',l); return m.group(1) if m else ''
allx=sorted(lines+extra,key=key)
open(p,'w').write('\n'.join(allx)+'\n')
# manifest: sizes, no analyze entry
mp=D+'/manifest.json'; m=json.load(open(mp))
m['artifacts']=[a for a in m['artifacts'] if a['path']!='istio/analyze.json']
for a in m['artifacts']: a['bytes']=os.path.getsize(D+'/'+a['path'])
open(mp,'w').write(json.dumps(m,indent=2)+'\n')
print('sample ok')
