/**
 * Prints terms the way a learner reads them: TypeScript literal syntax for data, the BEAM's
 * notation for pids and refs. Bounded in depth and width so a huge or cyclic value never
 * floods a cell.
 */
import { _, Pid, PrintedTerm, Ref, isModule, isPlainObject } from './terms';

/** Limits for `inspect`. */
export interface InspectOptions {
  /** Nesting depth shown before `[...]` (default 8). */
  depth?: number;
  /** Items of one array, object, Map or Set shown before `... N more` (default 100). */
  limit?: number;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function quote(s: string): string {
  return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
}

/** Renders any term as readable text: `['ok', #PID<0.83.0>]`, `{ count: 1 }`, `Map(1) { 'a' => 1 }`. */
export function inspect(term: unknown, options: InspectOptions = {}): string {
  const maxDepth = options.depth ?? 8;
  const limit = options.limit ?? 100;
  const seen = new Set<object>();

  const items = (values: string[], total: number): string =>
    total > values.length
      ? [...values, `... ${total - values.length} more`].join(', ')
      : values.join(', ');

  const show = (v: unknown, depth: number): string => {
    switch (typeof v) {
      case 'string':
        return quote(v);
      case 'number':
        return Object.is(v, -0) ? '-0' : String(v);
      case 'bigint':
        return `${v}n`;
      case 'boolean':
      case 'undefined':
        return String(v);
      case 'symbol':
        return v === _ ? '_' : v.toString();
      case 'function':
        return `#Function<${v.name || 'anonymous'}>`;
    }
    if (v === null) return 'null';
    const obj = v as object;
    if (obj instanceof Pid || obj instanceof Ref || obj instanceof PrintedTerm)
      return obj.toString();
    if (obj instanceof Date)
      return `Date(${Number.isNaN(obj.getTime()) ? 'Invalid' : obj.toISOString()})`;
    if (obj instanceof Error) return `${obj.name}(${quote(obj.message)})`;
    if (isModule(obj)) return moduleText(obj);
    if (seen.has(obj)) return '[Circular]';
    if (depth > maxDepth) return Array.isArray(obj) ? '[...]' : '{...}';
    seen.add(obj);
    try {
      if (Array.isArray(obj)) {
        const shown = obj.slice(0, limit).map((x) => show(x, depth + 1));
        return `[${items(shown, obj.length)}]`;
      }
      if (obj instanceof Map) {
        const shown: string[] = [];
        for (const [k, val] of obj) {
          if (shown.length >= limit) break;
          shown.push(`${show(k, depth + 1)} => ${show(val, depth + 1)}`);
        }
        return obj.size === 0 ? 'Map(0) {}' : `Map(${obj.size}) { ${items(shown, obj.size)} }`;
      }
      if (obj instanceof Set) {
        const shown: string[] = [];
        for (const x of obj) {
          if (shown.length >= limit) break;
          shown.push(show(x, depth + 1));
        }
        return obj.size === 0 ? 'Set(0) {}' : `Set(${obj.size}) { ${items(shown, obj.size)} }`;
      }
      const keys = Object.keys(obj);
      const shown = keys.slice(0, limit).map((k) => {
        const key = IDENTIFIER.test(k) ? k : quote(k);
        return `${key}: ${show((obj as Record<string, unknown>)[k], depth + 1)}`;
      });
      const body = keys.length === 0 ? '{}' : `{ ${items(shown, keys.length)} }`;
      if (isPlainObject(obj)) return body;
      const name = (obj.constructor as { name?: string } | undefined)?.name;
      return name ? `${name} ${body}` : body;
    } finally {
      seen.delete(obj);
    }
  };

  return show(term, 0);
}

/** A module prints as its name, as a module atom does in OTP: `Stack`, else `#Module<gen_server>`. */
function moduleText(module: Record<string, unknown>): string {
  const { name } = module;
  return typeof name === 'string' && name !== '' ? name : `#Module<${String(module.__behaviour)}>`;
}
