// Read-ahead of listing pages. Bookmark pagination is sequential within one listing, so the only
// parallelism is across listings: while one unit is emitted, the next units' pages are already in
// flight. Speculative pages (any page the consumer is not waiting for yet) each hold a permit from
// a process-wide pool, so however many bindings run, buffered pages — and memory — stay bounded.

export interface PageT {
  items: unknown[];
  bookmark: string | null;
}

class Permits {
  constructor(private free: number) {}
  tryTake(): boolean {
    if (this.free <= 0) return false;
    this.free--;
    return true;
  }
  give(): void {
    this.free++;
  }
}

/** Pages held ahead of consumption, across every binding of the process. */
export const SPECULATIVE_PAGES = 32;
const pool = new Permits(SPECULATIVE_PAGES);
const noop = () => {};

interface Slot {
  p: Promise<IteratorResult<PageT>>;
  permit: boolean;
}

export class PageAhead {
  private readonly buf: Slot[] = [];
  private ended = false;
  private closed = false;

  constructor(
    private readonly it: AsyncIterator<PageT>,
    /** Most pages of this listing to hold ahead of the consumer. */
    private readonly depth: number,
  ) {}

  /** Requests pages ahead while permits last; the page a consumer waits for needs none. */
  fill(consuming = false): void {
    while (!this.ended && !this.closed && this.buf.length < this.depth) {
      const free = consuming && this.buf.length === 0;
      if (!free && !pool.tryTake()) return;
      const p = this.it.next();
      p.then(
        (r) => {
          if (r.done) this.ended = true;
        },
        () => {
          this.ended = true;
        },
      );
      p.catch(noop);
      this.buf.push({ p, permit: !free });
    }
  }

  async next(): Promise<IteratorResult<PageT>> {
    this.fill(true);
    const slot = this.buf.shift()!;
    if (slot.permit) pool.give();
    const r = await slot.p;
    // The following page is requested before this one is emitted.
    if (!r.done) this.fill(true);
    return r;
  }

  /** Returns the permits of pages never consumed (listing abandoned or finished). */
  close(): void {
    this.closed = true;
    for (const s of this.buf.splice(0)) if (s.permit) pool.give();
  }
}
