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

/** Prefixes up to this long are written as constant stores in the generated code, longer ones copied. */
const kInlineBytesMax = 64;

/** `target[at + 0] = 44; target[at + 1] = 34; … at += n;`: a known byte string as straight stores. */
const storeBytes = (bytes: Uint8Array): string => `${Array.from(bytes, (byte, i) => `target[at + ${i}] = ${byte};`).join(' ')} at += ${bytes.length};`;

/** `(slots, target, at) => { <prefix 0's bytes> at = writers[0](slots[0], target, at); … target[at] = '}'; return at + 1; }` */
export function unrolledObjectWriter(writers: Write[], prefixes: Uint8Array[], copy: Copy): Write {
  const count = writers.length;
  const take = Array.from({ length: count }, (_, i) => `const w${i} = writers[${i}], p${i} = prefixes[${i}];`).join('\n');
  const body = Array.from({ length: count }, (_, i) => `${prefixes[i]!.length <= kInlineBytesMax ? storeBytes(prefixes[i]!) : `at = copy(p${i}, target, at);`}\nat = w${i}(slots[${i}], target, at);`).join('\n');
  return new Function('writers', 'prefixes', 'copy', `${take}\nreturn function write(slots, target, at) {\n${body}\ntarget[at] = 0x7d;\nreturn at + 1;\n};`)(writers, prefixes, copy) as Write;
}

/** `(slots, target, at) => { <prefix's bytes> at = writers[0](slots[0], target, at); … return at; }` */
export function unrolledSlotsWriter(writers: Write[], prefix: Uint8Array): (slots: unknown[], target: Buffer, at: number) => number {
  const count = writers.length;
  const take = Array.from({ length: count }, (_, i) => `const w${i} = writers[${i}];`).join('\n');
  const body = Array.from({ length: count }, (_, i) => `at = w${i}(slots[${i}], target, at);`).join('\n');
  return new Function('writers', `${take}\nreturn function write(slots, target, at) {\n${storeBytes(prefix)}\n${body}\nreturn at;\n};`)(writers) as (slots: unknown[], target: Buffer, at: number) => number;
}
