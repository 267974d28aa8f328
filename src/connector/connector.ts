import type { Logger } from '../log.js';
import { ProtocolError, requestType, type RangeSpec, type Request } from '../protocol/messages.js';
import type { ResponseSink } from '../protocol/sink.js';
import { handleApply, handleDiscover, handleSpec, handleValidate } from './handlers.js';
import { isObject } from './state.js';
import { openBindings, streamMap } from './resources.js';
import { runSession } from './session-loop.js';
import type { KeyRange, Source } from './source.js';

// The request loop of one connector invocation (one stdio process or one gRPC call): answers
// requests in order until the input ends; an Open turns the rest of the call into a session.

export interface ConnectorOptions {
  log: Logger;
  /** SIGTERM / server shutdown: stop reading requests; a running session ends at a checkpoint. */
  signal?: AbortSignal;
  graceMs?: number;
}

export function keyRange(r: RangeSpec | undefined): KeyRange {
  return { begin: r?.keyBegin ?? 0, end: r?.keyEnd ?? 0xffffffff };
}

function nextOrAbort<T>(it: AsyncIterator<T>, signal?: AbortSignal): Promise<IteratorResult<T> | 'aborted'> {
  if (!signal) return it.next();
  if (signal.aborted) return Promise.resolve('aborted');
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve('aborted');
    signal.addEventListener('abort', onAbort, { once: true });
    it.next().then(
      (r) => {
        signal.removeEventListener('abort', onAbort);
        resolve(r);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}

export async function runConnector<C>(source: Source<C>, requests: AsyncIterable<Request>, sink: ResponseSink, opts: ConnectorOptions): Promise<void> {
  const { log } = opts;
  const it = requests[Symbol.asyncIterator]();
  for (;;) {
    const next = await nextOrAbort(it, opts.signal);
    if (next === 'aborted' || next.done) break;
    const req = next.value;
    const type = requestType(req);
    log.debug({ type }, 'request');
    switch (type) {
      case 'spec':
        await sink.send(handleSpec(source));
        break;
      case 'discover':
        await sink.send(handleDiscover(source, req.discover!));
        break;
      case 'validate':
        await sink.send(await handleValidate(source, req.validate!, log));
        break;
      case 'apply':
        await sink.send(handleApply());
        break;
      case 'open':
        await runOpen(source, req.open!, it, sink, opts);
        return;
      case 'acknowledge':
        throw new ProtocolError('acknowledge received before open');
    }
  }
  await sink.flush();
}


/** The runtime hands back what the connector checkpointed: anything else is not our state. */
function checkOpenState(state: unknown): void {
  if (state === undefined || state === null) return;
  if (!isObject(state)) throw new ProtocolError(`open.state must be a JSON object (got ${Array.isArray(state) ? 'an array' : typeof state})`);
  const v1 = state.bindingStateV1;
  if (v1 === undefined || v1 === null) return;
  if (!isObject(v1)) throw new ProtocolError('open.state.bindingStateV1 must be an object keyed by binding stateKey');
  for (const [k, v] of Object.entries(v1)) {
    if (v !== null && !isObject(v)) throw new ProtocolError(`open.state.bindingStateV1["${k}"] must be an object`);
  }
}

async function runOpen<C>(
  source: Source<C>,
  open: NonNullable<Request['open']>,
  it: AsyncIterator<Request>,
  sink: ResponseSink,
  opts: ConnectorOptions,
): Promise<void> {
  const { log } = opts;
  if (!open.capture || typeof open.capture !== 'object') throw new ProtocolError('open request carries no capture specification');
  checkOpenState(open.state);
  const config = source.parseConfig(open.capture.config);
  const bindings = openBindings(streamMap(source.streams(config)), open.capture.bindings ?? []);
  const range = keyRange(open.range);
  const session = await source.openSession(config, bindings, range, { log });
  await sink.send({ opened: {} });

  const stop = new AbortController();
  const onSignal = () => {
    log.info({ reason: String(opts.signal?.reason ?? 'stop') }, 'stop requested; finishing the session at a checkpoint boundary');
    stop.abort(opts.signal?.reason);
  };
  if (opts.signal?.aborted) onSignal();
  else opts.signal?.addEventListener('abort', onSignal, { once: true });

  // Keep consuming input during the session: EOF ends it, acknowledgements are not requested.
  let inputError: unknown;
  void (async () => {
    for (;;) {
      const next = await it.next();
      if (next.done) {
        if (!stop.signal.aborted) log.info('input closed; finishing the session at a checkpoint boundary');
        stop.abort(new Error('input closed'));
        return;
      }
      const type = requestType(next.value);
      if (type !== 'acknowledge') throw new ProtocolError(`unexpected ${type} request during a capture session`);
    }
  })().catch((err: unknown) => {
    inputError = err;
    stop.abort(err);
  });

  try {
    await runSession({
      session,
      bindings,
      range,
      state: open.state,
      log,
      stop: stop.signal,
      graceMs: opts.graceMs,
      output: {
        captured: (binding, doc) => sink.send({ captured: { binding, doc } }),
        checkpoint: (state) => sink.send({ checkpoint: { state } }),
        flush: () => sink.flush(),
      },
    });
  } finally {
    opts.signal?.removeEventListener('abort', onSignal);
  }
  if (inputError !== undefined) throw inputError instanceof Error ? inputError : new Error(JSON.stringify(inputError));
}
