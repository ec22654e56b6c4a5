/**
 * Preloaded (`node --import`) before the analyzer: every way Node opens a socket or resolves a name
 * throws, loudly, and is recorded in NETWORK_ATTEMPTS for the child to report. The analyzer must
 * never need any of them.
 */
import dgram from 'node:dgram';
import { syncBuiltinESMExports } from 'node:module';
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';

const attempts: string[] = [];
(globalThis as { NETWORK_ATTEMPTS?: string[] }).NETWORK_ATTEMPTS = attempts;

function deny(owner: Record<string, unknown>, names: string[], label: string): void {
  for (const name of names) {
    Object.defineProperty(owner, name, {
      configurable: true,
      writable: true,
      value: (...args: unknown[]) => {
        const what = `${label}.${name}(${args.filter((a) => typeof a !== 'function').map((a) => JSON.stringify(a) ?? String(a)).join(', ').slice(0, 200)})`;
        attempts.push(what);
        throw new Error(`network access denied in this test: ${what}`);
      },
    });
  }
}

deny(net as unknown as Record<string, unknown>, ['connect', 'createConnection', 'createServer'], 'net');
deny(net.Socket.prototype as unknown as Record<string, unknown>, ['connect'], 'net.Socket.prototype');
deny(tls as unknown as Record<string, unknown>, ['connect', 'createServer'], 'tls');
deny(http as unknown as Record<string, unknown>, ['request', 'get', 'createServer'], 'http');
deny(https as unknown as Record<string, unknown>, ['request', 'get', 'createServer'], 'https');
deny(dgram as unknown as Record<string, unknown>, ['createSocket'], 'dgram');
deny(dns as unknown as Record<string, unknown>, ['lookup', 'lookupService', 'resolve', 'resolve4', 'resolve6', 'resolveAny', 'resolveCname', 'resolveMx', 'resolveNs', 'resolveSrv', 'resolveTxt', 'reverse'], 'dns');
deny(dns.promises as unknown as Record<string, unknown>, ['lookup', 'lookupService', 'resolve', 'resolve4', 'resolve6', 'resolveAny', 'reverse'], 'dns.promises');
deny(globalThis as unknown as Record<string, unknown>, ['fetch', 'WebSocket', 'EventSource'], 'globalThis');
// ESM imports of the builtins (`import { connect } from 'node:net'`) see the denials too.
syncBuiltinESMExports();
