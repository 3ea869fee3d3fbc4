/** Shared set-up for runtime tests: a virtual-time runtime whose output is collected. */
import type { Output, RuntimeOptions } from '../index';
import { createRuntime } from '../index';

export function virtualRuntime(options: RuntimeOptions = {}) {
  const outputs: Output[] = [];
  const rt = createRuntime({ clock: 'virtual', onOutput: (o) => outputs.push(o), ...options });
  const text = (stream?: 'stdout' | 'stderr') =>
    outputs
      .filter((o) => stream === undefined || o.stream === stream)
      .map((o) => o.text)
      .join('');
  return { rt, outputs, text };
}
