import type { Command } from 'commander';

// Examples and notes shown under each command's --help (kept here so command modules stay small).

const CONFIG_NOTE = `
Config files are JSON or YAML (the same endpoint config as in Flow), e.g. config.yaml:
  start_date: "2025-01-01"
  credentials:
    auth_method: access_token        # or oauth2.0 with client_id, client_secret, refresh_token
    access_token: pina_...
  advanced:
    api_base_url: http://127.0.0.1:8765/v5   # the local sandbox; omit for api.pinterest.com`;

const EXAMPLES: Record<string, string> = {
  serve: `
Examples:
  node dist/main.js serve --port 9000            # gRPC capture.Connector on 127.0.0.1:9000
  node dist/main.js serve --port 0               # any free port; first stdout line {"address","port"}`,
  sandbox: `
Examples:
  node dist/main.js sandbox --port 8765          # what flow.yaml's local capture points at
  node dist/main.js sandbox --scale medium --rate-limits on --faults "500:0.05,429:0.02"
  curl -s http://127.0.0.1:8765/_sandbox/stats   # request counts per endpoint

Credentials: access token pina_sandbox, or OAuth client sandbox-client / sandbox-secret with
refresh token pinr_sandbox (rotated on every refresh). See src/sandbox/README.md.`,
  spec: `
Examples:
  node dist/main.js spec | jq .configSchema.properties`,
  discover: `
Examples:
  node dist/main.js discover --config config.yaml | jq -c '{stream: .recommendedName, key}'
${CONFIG_NOTE}`,
  validate: `
Examples:
  node dist/main.js validate --config config.yaml
  node dist/main.js validate --config config.json --streams campaigns,ad_analytics

Exits 1 with one error line naming the field or binding when the config, a binding or
Pinterest access is wrong.
${CONFIG_NOTE}`,
  capture: `
Examples:
  node dist/main.js capture --config config.yaml --once --output out/            # one pass, files per stream
  node dist/main.js capture --config config.yaml --streams boards,board_pins --once | head
  node dist/main.js capture --config config.yaml --state state.json            # keeps polling; Ctrl-C stops
                                                                               # at a checkpoint, state saved
Progress bars are drawn on stderr when it is a terminal; logs are JSON lines on stderr.
${CONFIG_NOTE}`,
  bench: `
Examples:
  npm run bench                                  # build, then every section
  node dist/main.js bench --section analytics --output /tmp/bench`,
};

export function addHelp(program: Command): void {
  for (const cmd of program.commands) {
    const text = EXAMPLES[cmd.name()];
    if (text) cmd.addHelpText('after', text);
  }
  program.addHelpText(
    'after',
    `
With no command, the connector speaks the Flow capture protocol: one JSON request per line on
stdin, one response per line on stdout (4-byte length-prefixed protobuf with
FLOW_RUNTIME_CODEC=proto), JSON log lines on stderr. This is what Flow runs
(ghcr.io/estuary/source-pinterest, or endpoint.local.command: [node, dist/main.js]).

Environment: LOG_LEVEL=debug|info|warn|error (default info), FLOW_RUNTIME_CODEC=json|proto.

Examples:
  npm run demo                                   # sandbox + one capture of every stream
  echo '{"spec":{"connectorType":"IMAGE","config":{}}}' | node dist/main.js
  node dist/main.js sandbox --port 8765 &
  node dist/main.js validate --config config.yaml
  node dist/main.js <command> --help             # options and examples of one command`,
  );
}
