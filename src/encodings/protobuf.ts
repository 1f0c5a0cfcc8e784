import protobuf from 'protobufjs';
import { StampedeError } from '../errors.js';
import type { ValueShape } from '../records/value-shape.js';
import { readSchemaFile } from './avro.js';
import { checkProtobufFill } from './protobuf-check.js';

/** A model's Protobuf message, settled once in the coordinator before any thread starts. */
export interface ProtobufPlan {
  protoText: string;
  /** Full name, e.g. "weather.v1.Observation": threads look it up, record-name strategies use it. */
  fullName: string;
  /** The message's index path in its file (Confluent's message indexes). */
  messageIndexes: number[];
}

const fail = (message: string): never => {
  throw new StampedeError('E_OPTION', message);
};

/** Parses a .proto text keeping field names as written (protobufjs camel-cases them otherwise). */
export function parseProto(text: string, where: string): protobuf.Root {
  try {
    const parsed = protobuf.parse(text, { keepCase: true });
    if (parsed.imports !== undefined && parsed.imports.length > 0) fail(`${where}: imports (${parsed.imports.join(', ')}) are not supported: give one self-contained .proto file`);
    parsed.root.resolveAll();
    return parsed.root;
  } catch (err) {
    if (err instanceof StampedeError) throw err;
    return fail(`${where}: not a valid .proto file (${(err as Error).message})`);
  }
}

/** The user's .proto and message, checked to be one the model fills. */
export function planProtobuf(shape: ValueShape, protoPath: string, messageName: string | undefined): ProtobufPlan {
  const text = readSchemaFile(protoPath);
  const root = parseProto(text, protoPath);
  const messages = allMessages(root);
  if (messageName === undefined) {
    if (messages.length !== 1) fail(`${protoPath}: holds ${messages.length} messages (${messages.map(fullNameOf).join(', ')}): name the one to send`);
  }
  const type = messageName === undefined ? messages[0]! : messages.find((m) => fullNameOf(m) === messageName || m.name === messageName);
  if (type === undefined) return fail(`${protoPath}: no message "${messageName}" (messages: ${messages.map(fullNameOf).join(', ') || 'none'})`);
  checkProtobufFill(type, shape, protoPath, text, fail);
  return { protoText: text, fullName: fullNameOf(type), messageIndexes: messageIndexesOf(type) };
}

export const fullNameOf = (type: protobuf.ReflectionObject): string => type.fullName.replace(/^\./, '');

function allMessages(namespace: protobuf.NamespaceBase): protobuf.Type[] {
  const out: protobuf.Type[] = [];
  for (const nested of namespace.nestedArray) {
    if (nested instanceof protobuf.Type) out.push(nested);
    if (nested instanceof protobuf.Namespace || nested instanceof protobuf.Type) out.push(...allMessages(nested));
  }
  return out;
}

/** Indexes among the message types declared at each level, from the file's top level down. */
export function messageIndexesOf(type: protobuf.Type): number[] {
  const path: number[] = [];
  let node: protobuf.ReflectionObject = type;
  while (node instanceof protobuf.Type && node.parent !== null) {
    const siblings = node.parent.nestedArray.filter((nested) => nested instanceof protobuf.Type);
    path.unshift(siblings.indexOf(node));
    node = node.parent;
  }
  return path;
}
