import { log } from '../log.js';
import { reportFatal } from '../connector/fatal.js';

/** Runs a command body: exit 0 when it returns, one clear error line and exit 1 when it throws. */
export async function runCommand(body: () => Promise<void> | void): Promise<never> {
  let code = 0;
  try {
    await body();
  } catch (err) {
    reportFatal(err, log);
    code = 1;
  }
  // Let buffered stdout drain before exiting (stdin may still be open).
  await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
  process.exit(code);
}
