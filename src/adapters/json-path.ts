/**
 * JsonPathPort with jsonpath-plus (the web gate). Filter expressions run in the library's "safe"
 * evaluator, never with eval or Function.
 */
import { JSONPath } from 'jsonpath-plus';
import type { JsonPathPort } from '../core/ports.js';

export class JsonPathPlus implements JsonPathPort {
  evaluate(path: string, json: unknown): unknown[] {
    const result: unknown = JSONPath({ path, json: json as object, wrap: true, eval: 'safe' });
    return Array.isArray(result) ? result : [];
  }
}
