/**
 * Why a signal was aborted, as an Error that reads as an abort (name AbortError) whatever abort()
 * was given, so every layer recognises it the same way (isAbort) and rejections stay Errors.
 */
export function abortReason(signal: AbortSignal | undefined, text = 'The operation was aborted.'): Error {
  const reason: unknown = signal?.reason;
  if (reason instanceof Error) return reason;
  return Object.assign(new Error(text, reason === undefined ? undefined : { cause: reason }), { name: 'AbortError' });
}
