import type { Command } from 'commander';
import type { ScaleName } from '../sandbox/scale.js';
import { log } from '../log.js';

export function register(program: Command): void {
  program
    .command('sandbox')
    .description('Run a local Pinterest API v5 emulator (first stdout line: {"baseUrl": …})')
    .option('--port <n>', 'port (0 = any free port)', '0')
    .option('--host <host>', 'interface to bind', '127.0.0.1')
    .option('--seed <n>', 'data seed', '1')
    .option('--scale <scale>', 'small | medium | large | bench', 'small')
    .option('--today <date>', 'UTC "today" as YYYY-MM-DD (default: the real date)')
    .option('--faults <spec>', 'fault rules, e.g. "500:0.05,slow:0.1:800@ads/analytics,truncate:0.02"')
    .option('--rate-limits <on|off>', "enforce Pinterest's per-category rate limits", 'off')
    .option('--token-ttl <seconds>', 'lifetime of access tokens issued by /oauth/token')
    .option('--report-polls <n>', 'polls a report stays IN_PROGRESS', '2')
    .option('--legacy-app', 'an app created before 2025-09-25: refreshes need continuous_refresh=true')
    .option('--group-boards <n>', 'boards 1..N are group boards (every third pin is_owner: false)')
    .option('--huge-board-pins <n>', 'the last board holds N pins')
    .option('--board-pins-cap <n>', 'board pins paging past N answers 400 (Pinterest: 100000)')
    .option('--shared-ad-accounts <n>', 'the last N ad accounts are shared by business profiles with limited roles')
    .option('--business-access', 'organic/catalog endpoints honour ad_account_id (the owner\'s data)')
    .option('--max-url-bytes <n>', 'URLs longer than N bytes answer 414 (8192 in front of the real API)')
    .option('--fractional-timestamps', 'board_pins_modified_at with microseconds, as the real API writes it')
    .option('--no-catalogs', 'a user without catalogs (product groups answer 409 code 4182)')
    .action(async (o: Record<string, string | boolean | undefined>) => {
      const scale = String(o.scale) as ScaleName;
      const { startSandbox } = await import('../sandbox/index.js');
      const sb = await startSandbox({
        port: Number(o.port),
        host: String(o.host),
        seed: Number(o.seed),
        scale,
        today: o.today as string | undefined,
        faults: o.faults as string | undefined,
        rateLimits: o.rateLimits === 'on',
        accessTokenTtlSeconds: o.tokenTtl !== undefined ? Number(o.tokenTtl) : undefined,
        reportPolls: Number(o.reportPolls),
        shape: o.catalogs === false ? { catalogs: 0 } : undefined,
        legacyApp: o.legacyApp === true,
        groupBoards: o.groupBoards !== undefined ? Number(o.groupBoards) : undefined,
        hugeBoardPins: o.hugeBoardPins !== undefined ? Number(o.hugeBoardPins) : undefined,
        boardPinsCap: o.boardPinsCap !== undefined ? Number(o.boardPinsCap) : undefined,
        sharedAdAccounts: o.sharedAdAccounts !== undefined ? Number(o.sharedAdAccounts) : undefined,
        businessAccess: o.businessAccess === true,
        maxUrlBytes: o.maxUrlBytes !== undefined ? Number(o.maxUrlBytes) : undefined,
        fractionalTimestamps: o.fractionalTimestamps === true,
      });
      process.stdout.write(JSON.stringify({ baseUrl: sb.baseUrl }) + '\n');
      log.info({ baseUrl: sb.baseUrl, scale, seed: Number(o.seed), counts: sb.data.counts() }, 'sandbox listening');
      const stop = () => void sb.close().then(() => process.exit(0));
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    });
}
