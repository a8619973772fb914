import { lookup as dnsLookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { TransportError, type WebhookTransport } from '../../webhooks/ports.ts';
import type { HostResolver } from '../../webhooks/target-policy.ts';

/** The system resolver, every address of a host. */
export const systemResolver: HostResolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/**
 * POSTs webhooks with node's HTTP clients over keep-alive agents (connections are reused across
 * deliveries in a warm container). Connects to the address the target policy approved, whatever DNS
 * says now, follows no redirects, and gives up after `timeoutMs` without response headers.
 */
export function createHttpWebhookTransport(): WebhookTransport {
  const agents = {
    'http:': new http.Agent({ keepAlive: true, maxSockets: 64 }),
    'https:': new https.Agent({ keepAlive: true, maxSockets: 64 }),
  };
  return {
    post(target, headers, body, timeoutMs) {
      return new Promise((resolve, reject) => {
        const { url } = target;
        const secure = url.protocol === 'https:';
        // Pin the connection to the approved address; TLS still verifies the certificate for url.hostname.
        const pinned: LookupFunction = (_hostname, options, callback) => {
          if (options.all) callback(null, [{ address: target.address, family: target.family }]);
          else callback(null, target.address, target.family);
        };
        const request = (secure ? https : http).request(
          {
            protocol: url.protocol,
            hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
            port: url.port || (secure ? 443 : 80),
            path: `${url.pathname}${url.search}`,
            method: 'POST',
            headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) },
            agent: agents[secure ? 'https:' : 'http:'],
            lookup: pinned,
          },
          (response) => {
            clearTimeout(timer);
            response.resume(); // drain (and discard) the body so the connection can be reused
            const retryAfter = response.headers['retry-after'];
            resolve({
              statusCode: response.statusCode ?? 0,
              retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
            });
          },
        );
        const timer = setTimeout(() => {
          request.destroy(new TransportError(`no response within ${timeoutMs} ms`, 'timeout'));
        }, timeoutMs);
        request.on('error', (error: NodeJS.ErrnoException) => {
          clearTimeout(timer);
          reject(
            error instanceof TransportError
              ? error
              : new TransportError(`network error: ${error.code ?? error.message}`, 'network'),
          );
        });
        request.end(body);
      });
    },
  };
}
