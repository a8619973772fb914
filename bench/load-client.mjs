// Load generator in its own process (so its CPU is not counted as the server's).
// Usage: node load-client.mjs '<json: url, paths[], headers, bodies[], connections, duration>'
import autocannon from 'autocannon';

const options = JSON.parse(process.argv[2]);
let n = 0;
const result = await autocannon({
  url: options.url,
  connections: options.connections,
  duration: options.duration,
  requests: [
    {
      method: 'POST',
      headers: options.headers,
      setupRequest: (request) => {
        const i = n++;
        const path = options.paths[i % options.paths.length];
        const body = options.bodies[Math.floor(i / options.paths.length) % options.bodies.length];
        return { ...request, path, body };
      },
    },
  ],
});
process.stdout.write(
  `${JSON.stringify({ rps: result.requests.average, total: result.requests.total, p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx, errors: result.errors })}\n`,
);
