// JSONPath, for the web gate.

/** JSONPath over a parsed JSON answer (the web gate); every value the path matches, in order. */
export interface JsonPathPort {
  /** Throws when the expression cannot be evaluated. */
  evaluate(path: string, json: unknown): unknown[];
}
