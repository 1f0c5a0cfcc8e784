/**
 * Splits a stream's text into lines, holding at most `maxLineChars` of a line not yet ended: a
 * peer that writes without a newline must not grow the buffer until the process runs out of
 * memory. The lines completed before a line outgrows the bound are still returned, with the
 * overflow; the held text is dropped then.
 */
export class LineBuffer {
  private partial = '';

  constructor(readonly maxLineChars: number) {}

  /** The complete lines in `chunk` (after what came before), and overflowChars once a line outgrows the bound. */
  push(chunk: string): { lines: string[]; overflowChars?: number } {
    const lines: string[] = [];
    let from = 0;
    for (;;) {
      const newline = chunk.indexOf('\n', from);
      if (newline < 0) break;
      const chars = this.partial.length + newline - from;
      if (chars > this.maxLineChars) return this.overflow(lines, chars);
      lines.push(this.partial + chunk.slice(from, newline));
      this.partial = '';
      from = newline + 1;
    }
    const chars = this.partial.length + chunk.length - from;
    if (chars > this.maxLineChars) return this.overflow(lines, chars);
    this.partial += chunk.slice(from);
    return { lines };
  }

  private overflow(lines: string[], chars: number): { lines: string[]; overflowChars: number } {
    this.partial = '';
    return { lines, overflowChars: chars };
  }
}
