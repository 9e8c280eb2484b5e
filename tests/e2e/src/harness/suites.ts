import { describe, it } from "vitest";

/**
 * `describe(title, body)` when what the suite needs is there; otherwise a skipped suite that
 * says what is missing. (Under `CI=true` the availability checks throw instead, so a missing
 * Redis fails the run rather than skipping it.)
 *
 * @example
 * describeWhen(url !== undefined, "three nodes", `no Redis at ${SHARED_REDIS_URL}`, () => { ... });
 */
export function describeWhen(ready: boolean, title: string, missing: string, body: () => void): void {
  if (ready) {
    describe(title, body);
    return;
  }
  describe.skip(`${title} (skipped: ${missing}; with CI=true this fails instead)`, () => {
    it.skip(missing, () => undefined);
  });
}
