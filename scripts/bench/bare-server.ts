// A bare Fastify server that answers the benchmarked paths with a fixed small JSON body,
// the ceiling that the mock's request rate is compared with. Prints its URL when ready.
import Fastify from 'fastify';

const body = { status: 'ok', id: 'cm000000000000000000000000', count: 1 };
const app = Fastify({ logger: false });
for (const url of ['/v1/cloudfront/invalidation/:id', '/v1/deployments/:id', '/v1/services', '/api/deploy-hook/:envId/:secret']) {
  app.get(url, () => body);
}
app.post('/v1/services/:id/cloudfront/invalidation', () => body);

const address = await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`listening ${address}\n`);
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
