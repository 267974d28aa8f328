import { UserError } from '../errors.js';
import type { Logger } from '../log.js';
import { ProtocolError } from '../protocol/messages.js';

// The runtime shows the last stderr line's message as the task error: make it one clear sentence.
export function reportFatal(err: unknown, log: Logger): void {
  if (err instanceof UserError) {
    log.error(err.fields, err.message);
  } else if (err instanceof ProtocolError) {
    log.error(`protocol error: ${err.message}`);
  } else {
    const e = err instanceof Error ? err : new Error(String(err));
    log.error(log.isLevelEnabled('debug') ? { error: e.name, stack: e.stack } : { error: e.name }, `connector failed: ${e.message}`);
  }
}
