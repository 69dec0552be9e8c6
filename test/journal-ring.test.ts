import { describe, expect, it } from 'vitest';

import { RequestRing, type StoredRequest } from '../src/state/journal-ring.js';

function request(sequence: number, url = `/v1/deployments/d${sequence}`): StoredRequest {
  return { sequence, atMs: 1_000 + sequence, method: 'GET', url, operationId: 'getDeployment', status: 200, durationMs: 0.5, fault: null, body: null };
}

function pushAll(ring: RequestRing, from: number, to: number): void {
  for (let sequence = from; sequence <= to; sequence++) ring.push(request(sequence));
}

describe('request ring', () => {
  it('returns entries oldest first', () => {
    const ring = new RequestRing(10);
    pushAll(ring, 1, 3);

    expect(ring.toArray()).toEqual([request(1), request(2), request(3)]);
  });

  it('keeps the newest entries at capacity', () => {
    const ring = new RequestRing(3);
    pushAll(ring, 1, 7);

    expect(ring.length).toBe(3);
    expect(ring.toArray().map((entry) => entry.sequence)).toEqual([5, 6, 7]);
  });

  it('keeps order while its columns grow', () => {
    const ring = new RequestRing(500);
    pushAll(ring, 1, 650);

    const sequences = ring.toArray().map((entry) => entry.sequence);
    expect(sequences).toHaveLength(500);
    expect(sequences[0]).toBe(151);
    expect(sequences.at(-1)).toBe(650);
    expect(sequences.every((sequence, index) => index === 0 || sequence === (sequences[index - 1] ?? 0) + 1)).toBe(true);
  });

  it('stores every field of an entry', () => {
    const ring = new RequestRing(5);
    const entry: StoredRequest = { sequence: 9, atMs: 42, method: 'POST', url: '/v1/x', operationId: null, status: 503, durationMs: 12.25, fault: 'status 503', body: { paths: ['/*'] } };
    ring.push(entry);

    expect(ring.toArray()).toEqual([entry]);
  });

  it('starts over after clear', () => {
    const ring = new RequestRing(4);
    pushAll(ring, 1, 6);
    ring.clear();
    pushAll(ring, 7, 8);

    expect(ring.toArray().map((entry) => entry.sequence)).toEqual([7, 8]);
  });
});
