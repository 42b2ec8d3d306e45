/**
 * Aborts and waits as the fakes of I/O ports need them: an AbortError like the adapters' (fetch,
 * the AWS SDK, node:timers), and a request or a process that never ends by itself, which only its
 * timeout or its signal can end (a hanging server, a command that runs forever).
 */

export function abortError(): Error {
  return Object.assign(new Error('The operation was aborted.'), { name: 'AbortError' });
}

export function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw abortError();
}

/**
 * Resolves after `timeoutMs` (a real timer: the only way a hanging fake can end without a signal),
 * or rejects with an AbortError as soon as `signal` fires.
 */
export function pendingUntil(timeoutMs: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortError());
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, timeoutMs);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
