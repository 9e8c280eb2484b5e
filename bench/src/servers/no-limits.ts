// Preloaded (`node --import no-limits.js`) into a Pigeon whose rate limits are to be off, to
// measure what the limits cost: a module hook replaces the relay's limits (limits/limits.js)
// and its per-connection token bucket (limits/token-bucket.js) with versions that check
// nothing and never refuse. Everything else is the same build. The hook is inline (a data:
// URL) so that it loads the same from the build and from sources under tsx.
import { register } from "node:module";
import { LIMITS_OFF_MARK } from "./launch-options.js";

const LIMITS_STUB = `
export class RelayLimits {
  static open() { process.stdout.write("${LIMITS_OFF_MARK}\\n"); return new RelayLimits(); }
  async handshake() { return undefined; }
  async login() {}
  async loginFailed() {}
  async newIdentity() {}
  async message() {}
  refused() {}
  async close() {}
}`;

const BUCKET_STUB = `
export class TokenBucket {
  take() { return true; }
  get refusedInARow() { return 0; }
  waitMs() { return 0; }
}`;

const HOOKS = `
const stubs = [
  [/\\/relay\\/(dist|src)\\/limits\\/limits\\.(js|ts)$/, ${JSON.stringify(LIMITS_STUB)}],
  [/\\/relay\\/(dist|src)\\/limits\\/token-bucket\\.(js|ts)$/, ${JSON.stringify(BUCKET_STUB)}],
];
export async function load(url, context, nextLoad) {
  for (const [pattern, source] of stubs) {
    if (pattern.test(url)) return { format: "module", source, shortCircuit: true };
  }
  return nextLoad(url, context);
}`;

register(`data:text/javascript,${encodeURIComponent(HOOKS)}`);
