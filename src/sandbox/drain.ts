import type { ServerResponse } from 'node:http';

/**
 * Resolves when `res` can take more data ('drain') or is gone ('close'); true while it is still
 * writable. Both listeners are removed either way: one response may wait thousands of times.
 */
export function drained(res: ServerResponse): Promise<boolean> {
  if (res.destroyed) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve(!res.destroyed);
    };
    res.once('drain', done);
    res.once('close', done);
  });
}
