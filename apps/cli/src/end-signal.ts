/**
 * A promise that a long-running command waits on, settled once by whichever comes first:
 * `finish()` (done) or `fail(error)`. Later calls are ignored.
 *
 * @example
 * const end = endSignal();
 * setTimeout(end.finish, 1000);
 * await end.promise;
 */
export function endSignal(): { readonly promise: Promise<void>; readonly ended: () => boolean; finish: () => void; fail: (error: Error) => void } {
  let ended = false;
  let resolve: () => void = () => undefined;
  let reject: (error: Error) => void = () => undefined;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // Nobody may be waiting yet when it fails; the command awaits it later.
  promise.catch(() => undefined);
  return {
    promise,
    ended: () => ended,
    finish: () => {
      if (ended) return;
      ended = true;
      resolve();
    },
    fail: (error) => {
      if (ended) return;
      ended = true;
      reject(error);
    },
  };
}
