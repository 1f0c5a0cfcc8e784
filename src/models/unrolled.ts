/**
 * Straight-line code for a model's per-record loops over its fields. A loop `slots[i] = gen[i]()`
 * calls every field's closure from one call site, which the engine then cannot inline (it sees a
 * different function each time); one call site per field can be. The generated source holds only
 * indices and header bytes (no name or value from the model file), and runs the same on Node, Bun
 * and Deno.
 */

/** `() => { slots[0] = generators[0](); slots[1] = generators[1](); … }` */
export function unrolledFill(generators: (() => unknown)[], slots: unknown[]): () => void {
  const count = generators.length;
  const take = Array.from({ length: count }, (_, i) => `const g${i} = generators[${i}];`).join('\n');
  const body = Array.from({ length: count }, (_, i) => `slots[${i}] = g${i}();`).join('\n');
  return new Function('generators', 'slots', `${take}\nreturn function fill() {\n${body}\n};`)(generators, slots) as () => void;
}

type Write = (value: unknown, target: Buffer, at: number) => number;
type Copy = (bytes: Uint8Array, target: Buffer, at: number) => number;

/** `(slots, target, at) => { at = writers[0](slots[0], target, copy(prefixes[0], target, at)); … target[at] = '}'; return at + 1; }` */
export function unrolledObjectWriter(writers: Write[], prefixes: Uint8Array[], copy: Copy): Write {
  const count = writers.length;
  const take = Array.from({ length: count }, (_, i) => `const w${i} = writers[${i}], p${i} = prefixes[${i}];`).join('\n');
  const body = Array.from({ length: count }, (_, i) => `at = w${i}(slots[${i}], target, copy(p${i}, target, at));`).join('\n');
  return new Function('writers', 'prefixes', 'copy', `${take}\nreturn function write(slots, target, at) {\n${body}\ntarget[at] = 0x7d;\nreturn at + 1;\n};`)(writers, prefixes, copy) as Write;
}

/** `(slots, target, at) => { at = copy(prefix, target, at); at = writers[0](slots[0], target, at); … return at; }` */
export function unrolledSlotsWriter(writers: Write[], prefix: Uint8Array): (slots: unknown[], target: Buffer, at: number) => number {
  const count = writers.length;
  const take = Array.from({ length: count }, (_, i) => `const w${i} = writers[${i}];`).join('\n');
  const body = Array.from({ length: count }, (_, i) => `at = w${i}(slots[${i}], target, at);`).join('\n');
  const copyPrefix = Array.from(prefix, (byte, i) => `target[at + ${i}] = ${byte};`).join('\n');
  return new Function('writers', `${take}\nreturn function write(slots, target, at) {\n${copyPrefix}\nat += ${prefix.length};\n${body}\nreturn at;\n};`)(writers) as (slots: unknown[], target: Buffer, at: number) => number;
}
