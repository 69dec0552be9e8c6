// A bare Fastify server that serves the benchmarked paths with fixed bodies: the ceiling
// that the mock's request rate is compared with. The bodies are the mock's own responses,
// captured before the run and passed as a JSON file, so both servers send the same bytes
// and the client parses the same answers. Prints its URL when ready.
import { readFileSync } from 'node:fs';

import Fastify from 'fastify';

type Bodies = Record<string, string>;
const bodies = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as Bodies;
const body = (name: string): string => bodies[name] ?? '{}';

const app = Fastify({ logger: false });
const send = (name: string) => (_request: unknown, reply: { type: (value: string) => { send: (payload: string) => unknown } }) =>
  reply.type('application/json; charset=utf-8').send(body(name));
app.get('/v1/cloudfront/invalidation/:id', send('GET invalidation status'));
app.post('/v1/services/:id/cloudfront/invalidation', send('POST invalidation'));
app.get('/v1/deployments/:id', send('GET deployment'));
app.get('/v1/services', send('GET services, take 25'));
app.get('/api/deploy-hook/:envId/:secret', send('deploy hook'));

const address = await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`listening ${address}\n`);
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
