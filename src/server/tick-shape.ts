import { createHook } from 'node:async_hooks';

// One entry of Node's process.nextTick queue, kept for the life of the process.
let heldTick: object | null = null;

/**
 * Keeps one process.nextTick queue entry alive, so that the hidden class of those entries
 * outlives every garbage collection.
 *
 * Why: on Node 20 (V8 11.3), process.nextTick builds each entry as an object literal with
 * computed symbol keys, and V8's feedback for that literal refers to the entry's hidden
 * class weakly. When a full collection runs while no tick is queued, the hidden class
 * dies. The next process.nextTick finds the cleared feedback, marks the literal
 * megamorphic for good, and from then on every call defines its properties through a V8
 * runtime call. A server loses about a quarter of its request rate. Both a long
 * synchronous load of a large world and an idle server with a forced full collection
 * triggered this, measured with perf on the bench's scale server.
 *
 * The entry is captured through an init hook that is enabled for one process.nextTick
 * call and disabled at once, so requests pay nothing for it.
 */
export function holdTickShape(): void {
  if (heldTick !== null) return;

  const hook = createHook({
    init(_asyncId, type, _triggerAsyncId, resource) {
      if (type === 'TickObject') heldTick = resource;
    },
  });
  hook.enable();
  try {
    process.nextTick(doNothing);
  } finally {
    hook.disable();
  }
}

/** Reports whether a queue entry is held, for tests. */
export function isTickShapeHeld(): boolean {
  return heldTick !== null;
}

function doNothing(): void {}
