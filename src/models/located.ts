import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import { StampedeError } from '../errors.js';

export type FieldPath = (string | number)[];

/**
 * A model file's YAML with its positions: every complaint names the file, the line and the field
 * (`weather.yaml line 9: fields.status.transitions.warn: …`), as a user finds it in an editor.
 */
export class LocatedYaml {
  private readonly lines = new LineCounter();
  private readonly doc: Document;
  readonly data: unknown;

  constructor(
    readonly file: string,
    text: string,
  ) {
    this.doc = parseDocument(text, { lineCounter: this.lines, uniqueKeys: true });
    const first = this.doc.errors[0];
    if (first !== undefined) {
      const line = first.linePos?.[0]?.line;
      throw new StampedeError('E_OPTION', `model file ${file}${line === undefined ? '' : ` line ${line}`}: not valid YAML: ${first.message.split('\n')[0]}`);
    }
    this.data = this.doc.toJS();
  }

  /** The 1-based line of the node at `path`, or of its nearest ancestor that exists. */
  lineOf(path: FieldPath): number {
    for (let depth = path.length; depth >= 0; depth--) {
      const node = depth === 0 ? this.doc.contents : this.doc.getIn(path.slice(0, depth), true);
      if (isNode(node) && node.range) return this.lines.linePos(node.range[0]).line;
    }
    return 1;
  }

  /** One line naming file, line and field; exit 2 (a usage error). */
  fail(path: FieldPath, message: string): never {
    const field = path.length === 0 ? '' : ` ${path.join('.')}:`;
    throw new StampedeError('E_OPTION', `model file ${this.file} line ${this.lineOf(path)}:${field} ${message}`);
  }
}
