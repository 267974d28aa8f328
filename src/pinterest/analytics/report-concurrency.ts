// How many async report jobs a session keeps in flight. Pinterest finishes report jobs at a pace
// no client can see in advance, so the limit adapts: it grows by one while jobs keep finishing
// within PROMPT_POLLS polls, and halves when Pinterest rate-limits us or jobs pile up unfinished.

/** A job still running after this many polls counts as "piling up". */
export const PROMPT_POLLS = 4;

export class AdaptiveLimit {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  private current: number;
  /** Most jobs ever in flight at once (for the benchmark). */
  peak = 0;

  constructor(
    start: number,
    private readonly max: number,
  ) {
    this.current = Math.max(1, Math.min(start, max));
  }

  get limit(): number {
    return this.current;
  }

  async run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    while (this.active >= this.current) {
      signal?.throwIfAborted();
      await new Promise<void>((resolve) => {
        this.waiting.push(resolve);
        signal?.addEventListener('abort', () => resolve(), { once: true });
      });
    }
    this.active++;
    this.peak = Math.max(this.peak, this.active);
    try {
      return await fn();
    } finally {
      this.active--;
      this.wake();
    }
  }

  /** A job finished within PROMPT_POLLS: Pinterest keeps up, one more may run. */
  prompt(): void {
    if (this.current < this.max) this.current++;
    this.wake();
  }

  /** A 429, or a job still unfinished after PROMPT_POLLS: fewer at once. */
  slow(): void {
    this.current = Math.max(1, Math.floor(this.current / 2));
  }

  // Woken waiters re-check the limit themselves: wake as many as there are free slots.
  private wake(): void {
    for (let free = this.current - this.active; free > 0 && this.waiting.length > 0; free--) this.waiting.shift()!();
  }
}
