// Open-loop HTTP load generator: sends requests at a fixed rate regardless of how fast answers come, and measures
// latency from each request's *scheduled* time (so a stalled server is not hidden by coordinated omission).
// Runs as its own process. Usage:
//   node --import ./bin/conditions-hook.js scripts/bench/load-generator.ts --url http://127.0.0.1:7080 --key KEY --rate 500 --seconds 20 PATH...
import { Agent, request } from 'node:http';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    url: { type: 'string' },
    key: { type: 'string' },
    rate: { type: 'string', default: '500' },
    seconds: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '3' },
  },
});
const base = new URL(values.url!);
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const warmup = Number(values.warmup);
const paths = positionals.length > 0 ? positionals : ['/v1/projects'];
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

function once(path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: base.hostname,
        port: base.port,
        path,
        agent,
        headers: { authorization: `Bearer ${values.key}` },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const latencies: number[] = [];
let errors = 0;
let sent = 0;
const total = Math.round(rate * (seconds + warmup));
const warmupCount = Math.round(rate * warmup);
const start = performance.now();
const pending: Promise<void>[] = [];

await new Promise<void>((done) => {
  const tick = () => {
    const now = performance.now();
    const due = Math.min(total, Math.floor(((now - start) / 1000) * rate) + 1);
    while (sent < due) {
      const index = sent++;
      const scheduled = start + (index * 1000) / rate;
      const path = paths[index % paths.length]!;
      pending.push(
        once(path).then(
          (status) => {
            if (index < warmupCount) return;
            if (status >= 400) errors++;
            latencies.push(performance.now() - scheduled);
          },
          () => {
            if (index >= warmupCount) errors++;
          },
        ),
      );
    }
    if (sent >= total) done();
    else setTimeout(tick, 1);
  };
  tick();
});
await Promise.all(pending);
const elapsed = (performance.now() - start) / 1000;
latencies.sort((a, b) => a - b);
const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? NaN;
const result = {
  requests: latencies.length,
  errors,
  achievedRate: Math.round(total / elapsed),
  p50: q(0.5),
  p90: q(0.9),
  p99: q(0.99),
  max: latencies[latencies.length - 1],
};
process.stdout.write(`${JSON.stringify(result)}\n`);
agent.destroy();
