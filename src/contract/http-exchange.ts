import http from 'node:http';
import https from 'node:https';

/** One request the harness sent and what came back, kept for the report. */
export interface Exchange {
  request: { method: string; url: string; headers: Record<string, string>; body?: string };
  status: number;
  headers: Record<string, string | string[] | undefined>;
  rawBody: string;
  /** The parsed JSON body, or undefined when the body is empty or not JSON. */
  json: unknown;
  /** A transport failure (refused, reset, timed out) instead of a response; status is 0 then. */
  error?: string;
}

export interface SendOptions {
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
}

/** Sends one request with node:http, so that no header is added behind the harness's back. */
export function send(baseUrl: string, method: string, path: string, options: SendOptions): Promise<Exchange> {
  // Appending keeps a path prefix of the base URL, such as https://host/mock.
  const url = new URL(`${baseUrl.replace(/\/+$/, '')}${path}`);

  const headers = { ...options.headers };
  const record: Exchange['request'] = { method, url: url.toString(), headers, body: options.body };
  const transport = url.protocol === 'https:' ? https : http;

  return new Promise((resolve) => {
    const request = transport.request(url, { method, headers, timeout: options.timeoutMs }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const rawBody = Buffer.concat(chunks).toString('utf8');
        resolve({ request: record, status: response.statusCode ?? 0, headers: response.headers, rawBody, json: parseJson(rawBody) });
      });
      response.on('error', (error) => resolve(failed(record, error.message)));
    });
    request.on('timeout', () => request.destroy(new Error(`timed out after ${options.timeoutMs} ms`)));
    request.on('error', (error) => resolve(failed(record, error.message)));
    if (options.body !== undefined) request.write(options.body);
    request.end();
  });
}

/** Writes the request as a curl command that a person can paste into a shell. */
export function toCurl(request: Exchange['request']): string {
  const parts = ['curl', '-i', '-X', request.method, quote(request.url)];
  for (const [name, value] of Object.entries(request.headers)) parts.push('-H', quote(`${name}: ${value}`));
  if (request.body !== undefined) parts.push('--data-raw', quote(request.body.length > 2000 ? `${request.body.slice(0, 2000)}…` : request.body));
  return parts.join(' ');
}

function quote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function failed(request: Exchange['request'], message: string): Exchange {
  return { request, status: 0, headers: {}, rawBody: '', json: undefined, error: message };
}
