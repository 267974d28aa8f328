import type { Writable } from 'node:stream';
import type { Response } from './messages.js';

// Where responses go. `send` resolves once the transport has room again, so awaiting it applies
// backpressure all the way back to the HTTP reads that produce documents.
export interface ResponseSink {
  send(res: Response): Promise<void> | void;
  flush(): Promise<void>;
}

const FLUSH_BYTES = 64 * 1024;

/**
 * A framed byte-stream sink (stdout). Captured documents are batched into one write per tick or
 * per 64 KiB; every other message flushes immediately, so a checkpoint is never held back.
 * Encoders return text (JSON lines, concatenated and written as one string) or bytes (proto frames).
 */
export class StreamSink implements ResponseSink {
  private pending: Buffer[] = [];
  private text = '';
  private pendingBytes = 0;
  private scheduled = false;
  private drained: Promise<void> | null = null;
  private failed: Error | null = null;

  constructor(
    private readonly out: Writable,
    private readonly encode: (res: Response) => Buffer | string,
  ) {
    out.on('error', (err: Error) => {
      this.failed = err;
    });
  }

  send(res: Response): Promise<void> | void {
    if (this.failed) throw this.failed;
    const enc = this.encode(res);
    if (typeof enc === 'string') this.text += enc;
    else this.pending.push(enc);
    this.pendingBytes += enc.length;
    if (!('captured' in res)) return this.flush();
    if (this.pendingBytes >= FLUSH_BYTES) return this.flush();
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        void this.flush().catch(() => undefined);
      });
    }
    return this.drained ?? undefined;
  }

  flush(): Promise<void> {
    if (this.failed) return Promise.reject(this.failed);
    if (this.pendingBytes > 0) {
      let chunk: Buffer | string;
      if (this.text !== '') chunk = this.text;
      else chunk = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending, this.pendingBytes);
      this.text = '';
      this.pending = [];
      this.pendingBytes = 0;
      if (!this.out.write(chunk) && !this.drained) {
        this.drained = new Promise<void>((resolve, reject) => {
          const done = (err?: Error) => {
            this.out.off('drain', onDrain);
            this.out.off('error', done);
            this.out.off('close', onClose);
            this.drained = null;
            if (err) reject(err);
            else resolve();
          };
          const onDrain = () => done();
          const onClose = () => done(new Error('output closed'));
          this.out.once('drain', onDrain);
          this.out.once('error', done);
          this.out.once('close', onClose);
        });
      }
    }
    return this.drained ?? Promise.resolve();
  }
}
