// The README's stream table, rendered from the stream table the connector runs on
// (src/pinterest/streams/table.ts), so the two cannot drift.
import { STREAMS } from '../src/pinterest/streams/table.js';
import { endpointOf, type StreamDef } from '../src/pinterest/streams/types.js';

const INTERVAL: Record<string, string> = { PT1H: '1 hour', PT6H: '6 hours', PT24H: '24 hours' };

function endpoint(d: StreamDef): string {
  const path = endpointOf(d).replace('{ad_account_id}', '{id}').replace('{board_id}', '{id}').replace('{section_id}', '{sid}');
  switch (d.strategy) {
    case 'async_report':
      return `POST + GET \`${path}\` (level \`${d.level}\`), file download`;
    case 'sync_analytics':
      return `GET \`${path}\`${d.ids ? ` (≤${d.ids.batch} ids per call)` : ''}`;
    case 'pin_analytics':
      return `GET \`${path}\` (≤${d.batch} pins per call, beta)`;
    default:
      return `GET \`${path}\``;
  }
}

export function streamTableMarkdown(): string {
  const rows = STREAMS.map((d) => [
    `\`${d.name}\``,
    endpoint(d),
    d.syncModes.join(', '),
    d.key.map((k) => `\`${k}\``).join(', '),
    INTERVAL[d.interval] ?? d.interval,
    `\`${d.category}\``,
  ]);
  const head = ['Stream', 'Pinterest API', 'Modes', 'Key', 'Default interval', 'Rate-limit category'];
  return [head, head.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`).join('\n');
}
