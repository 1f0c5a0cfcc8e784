import type { FieldGen } from './spec.js';

/** Turns one field's value into JSON text. */
type Serialize = (value: unknown) => string;

/** A string JSON writes between quotes as it is: no quote, backslash or control character. */
const kPlain = /^[^"\\\u0000-\u001f\u2028\u2029]*$/;
const kAscii = /^[\u0020-\u007e]*$/;

const quoted: Serialize = (value) => '"' + (value as string) + '"';
const number: Serialize = (value) => '' + (value as number);
const general: Serialize = (value) => JSON.stringify(value);

/**
 * Compiles a model's value into a JSON writer that knows each field's kind ahead: names are written
 * once into prefixes, numbers through the engine's number-to-string, strings a model can only make
 * from plain text (choices, states, templates) without escaping. `ascii` says whether every string
 * the model can produce is ASCII, so its length is its byte length.
 */
export class JsonPlan {
  ascii = true;

  object(fields: { name: string; gen: FieldGen }[]): Serialize {
    const names = fields.map((field) => field.name);
    const prefixes = names.map((name, i) => (i === 0 ? '{' : ',') + this.literal(name) + ':');
    const writers = fields.map((field) => this.field(field.gen));
    const count = names.length;
    if (count === 0) return () => '{}';
    return (value) => {
      const object = value as Record<string, unknown>;
      let text = '';
      for (let i = 0; i < count; i++) text += prefixes[i]! + writers[i]!(object[names[i]!]);
      return text + '}';
    };
  }

  field(spec: FieldGen): Serialize {
    switch (spec.gen) {
      case 'device':
        return spec.template === undefined ? number : this.strings([spec.template]);
      case 'constant': {
        const text = JSON.stringify(spec.value);
        if (!kAscii.test(text)) this.ascii = false;
        return () => text;
      }
      case 'choice':
        return this.strings(spec.values.map((entry) => entry.value));
      case 'states':
        return this.strings(spec.states);
      case 'time':
        return spec.unit === 'iso' ? quoted : number;
      case 'array': {
        const item = this.field(spec.items);
        return (value) => {
          const items = value as unknown[];
          let text = '[';
          for (let i = 0; i < items.length; i++) text += (i === 0 ? '' : ',') + item(items[i]);
          return text + ']';
        };
      }
      case 'object':
        return this.object(spec.fields);
      default:
        return number;
    }
  }

  /** Strings from a known set: quoted as they are when every one is plain. */
  private strings(texts: string[]): Serialize {
    if (!texts.every((text) => kAscii.test(text))) this.ascii = false;
    return texts.every((text) => kPlain.test(text)) ? quoted : general;
  }

  private literal(text: string): string {
    if (!kAscii.test(text)) this.ascii = false;
    return JSON.stringify(text);
  }
}
