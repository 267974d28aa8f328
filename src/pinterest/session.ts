import type { KeyRange, OpenBinding, Session, SessionHooks } from '../connector/source.js';
import { UserError } from '../errors.js';
import type { PinterestConfig } from './config.js';

// PLACEHOLDER, replaced by the `entities` branch: the Pinterest capture session.
export async function openPinterestSession(_config: PinterestConfig, _bindings: OpenBinding[], _range: KeyRange, _hooks: SessionHooks): Promise<Session> {
  return {
    async runPass(ctx) {
      throw new UserError(`stream ${ctx.binding.resource.stream}: capture not implemented yet`);
    },
    async close() {},
  };
}
