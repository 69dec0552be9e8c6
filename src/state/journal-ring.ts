import type { JournalEntry } from './journal.js';

/** A journal entry as the ring stores it, with its time as epoch milliseconds, not yet formatted. */
export type StoredRequest = Omit<JournalEntry, 'at'> & { atMs: number };

// URLs repeat: a client polls the same deployment or invalidation again and again. The
// ring keeps one copy of each recent URL, so the string a request brought can die with it.
const MAX_KNOWN_URLS = 1_000;
const FIRST_CAPACITY = 64;

/**
 * The newest requests of a journal, up to a capacity, in columns that are reused as the
 * ring wraps. An object per request would live long enough to reach V8's old generation
 * and die there, so a busy server would need full collections, which are slow in a large
 * world. The ring keeps only strings and bodies. Its columns start small and double up to
 * the capacity, because most tenants' journals stay short.
 */
export class RequestRing {
  private size = 0;
  /** Index of the oldest entry once the ring is full. */
  private start = 0;
  private numbers = new Float64Array(0);
  private texts: (string | null)[] = [];
  private bodies: unknown[] = [];
  private readonly knownUrls = new Map<string, string>();

  constructor(private readonly capacity: number) {}

  get length(): number {
    return this.size;
  }

  push(entry: StoredRequest): void {
    let slot: number;
    if (this.size < this.capacity) {
      if (this.size === this.texts.length / TEXT_COLUMNS) this.grow();
      slot = this.size++;
    } else {
      slot = this.start;
      this.start = (this.start + 1) % this.capacity;
    }

    const numbers = slot * NUMBER_COLUMNS;
    this.numbers[numbers] = entry.sequence;
    this.numbers[numbers + 1] = entry.atMs;
    this.numbers[numbers + 2] = entry.status;
    this.numbers[numbers + 3] = entry.durationMs;
    const texts = slot * TEXT_COLUMNS;
    this.texts[texts] = entry.method;
    this.texts[texts + 1] = this.knownUrl(entry.url);
    this.texts[texts + 2] = entry.operationId;
    this.texts[texts + 3] = entry.fault;
    this.bodies[slot] = entry.body;
  }

  /** Returns the stored entries, oldest first, as new objects. */
  toArray(): StoredRequest[] {
    const entries: StoredRequest[] = [];
    for (let offset = 0; offset < this.size; offset++) entries.push(this.entryAt((this.start + offset) % this.size));
    return entries;
  }

  clear(): void {
    this.size = 0;
    this.start = 0;
    this.numbers = new Float64Array(0);
    this.texts = [];
    this.bodies = [];
    this.knownUrls.clear();
  }

  private entryAt(slot: number): StoredRequest {
    const numbers = slot * NUMBER_COLUMNS;
    const texts = slot * TEXT_COLUMNS;
    return {
      sequence: this.numbers[numbers] ?? 0,
      atMs: this.numbers[numbers + 1] ?? 0,
      method: this.texts[texts] ?? '',
      url: this.texts[texts + 1] ?? '',
      operationId: this.texts[texts + 2] ?? null,
      status: this.numbers[numbers + 2] ?? 0,
      durationMs: this.numbers[numbers + 3] ?? 0,
      fault: this.texts[texts + 3] ?? null,
      body: this.bodies[slot],
    };
  }

  /** Doubles the columns. Growth happens only before the ring first wraps, so order is kept. */
  private grow(): void {
    const capacity = Math.min(this.capacity, Math.max(FIRST_CAPACITY, this.size * 2));
    const numbers = new Float64Array(capacity * NUMBER_COLUMNS);
    numbers.set(this.numbers);
    this.numbers = numbers;
    this.texts = [...this.texts, ...new Array<null>((capacity - this.size) * TEXT_COLUMNS).fill(null)];
    this.bodies = [...this.bodies, ...new Array<null>(capacity - this.size).fill(null)];
  }

  private knownUrl(url: string): string {
    const known = this.knownUrls.get(url);
    if (known !== undefined) return known;
    if (this.knownUrls.size >= MAX_KNOWN_URLS) this.knownUrls.clear();
    this.knownUrls.set(url, url);
    return url;
  }
}

// Columns per entry: sequence, time, status and duration as numbers; method, URL,
// operationId and fault as strings.
const NUMBER_COLUMNS = 4;
const TEXT_COLUMNS = 4;
