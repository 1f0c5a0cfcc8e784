/**
 * Plain-text layout for --help: paragraphs wrapped on spaces only, never inside a word, and
 * two-column option lists. Written here rather than left to yargs, whose wrap (17.x as an ES
 * module) broke words mid-way and ignored the terminal's width.
 */

/** The width help is laid out for: the terminal's, else $COLUMNS, else 80 (piped); 40 to 120. */
export function helpWidth(stream: { isTTY?: boolean; columns?: number } = process.stdout, env: NodeJS.ProcessEnv = process.env): number {
  const fromEnv = Number(env['COLUMNS']);
  const columns = stream.isTTY === true && stream.columns !== undefined && stream.columns > 0 ? stream.columns : Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : 80;
  // Past 120 columns a line is too long to read in one sweep; under 40 nothing fits.
  return Math.min(120, Math.max(40, columns));
}

/**
 * Splits text into lines of at most `width` characters at spaces. A word longer than the width is
 * broken after a '/', ',' or '=' where it has one (paths, lists), else left whole on its own line.
 */
export function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '').flatMap((w) => splitLongWord(w, width))) {
    if (line === '') line = word;
    else if (line.length + 1 + word.length <= width) line += ` ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** A word wider than the line, cut after its separators so each piece fits where it can. */
function splitLongWord(word: string, width: number): string[] {
  if (word.length <= width) return [word];
  const pieces: string[] = [];
  let rest = word;
  while (rest.length > width) {
    const cut = Math.max(rest.lastIndexOf('/', width - 1), rest.lastIndexOf(',', width - 1), rest.lastIndexOf('=', width - 1));
    if (cut <= 0) break;
    pieces.push(rest.slice(0, cut + 1));
    rest = rest.slice(cut + 1);
  }
  pieces.push(rest);
  return pieces;
}

/** A paragraph wrapped to the width, every line indented by `indent` spaces. */
export function paragraph(text: string, width: number, indent = 0): string[] {
  return wrapWords(text, width - indent).map((line) => ' '.repeat(indent) + line);
}

/**
 * A paragraph with a hanging indent: the first line at `indent`, the rest two further in, so no
 * line after the first can read as an entry of an option list ("  --name").
 */
export function hanging(text: string, width: number, indent: number): string[] {
  const [first = '', ...more] = wrapWords(text, width - indent);
  const rest = more.length === 0 ? [] : wrapWords(more.join(' '), width - indent - 2);
  return [' '.repeat(indent) + first, ...rest.map((line) => ' '.repeat(indent + 2) + line)];
}

/** Where the descriptions of a two-column list start: a third of the line, 20 to 30 columns. */
export function descriptionColumn(width: number): number {
  return Math.min(30, Math.max(20, Math.floor(width / 3)));
}

/**
 * One entry of a two-column list: the term at column 2, its text beside it from `column` on, or
 * under it when the term is too long to leave two spaces before the text.
 */
export function twoColumn(term: string, text: string, width: number, column: number): string[] {
  const head = `  ${term}`;
  const body = wrapWords(text, width - column);
  if (body.length === 0) return [head];
  if (head.length + 2 <= column) return [head.padEnd(column) + body[0], ...body.slice(1).map((line) => ' '.repeat(column) + line)];
  return [head, ...body.map((line) => ' '.repeat(column) + line)];
}
