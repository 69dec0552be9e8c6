import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import type { FastifyInstance } from 'fastify';

// The page is one static file. It reads everything through the control API with the key
// the user enters, so it needs no server-side state of its own.
const PAGE_FILE = fileURLToPath(new URL('../../../assets/dashboard.html', import.meta.url));

/** Serves the live dashboard at / and /__mock/ui. */
export function registerDashboard(app: FastifyInstance): void {
  const page = readFileSync(PAGE_FILE, 'utf8');
  const send = (_request: unknown, reply: { type: (value: string) => { send: (body: string) => unknown } }) => reply.type('text/html; charset=utf-8').send(page);
  app.get('/', send);
  app.get('/__mock/ui', send);
}
