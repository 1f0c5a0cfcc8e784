import type protobuf from 'protobufjs';
import type { ValueEncoder } from '../records/value-shape.js';
import { parseProto } from './protobuf.js';

export interface ProtobufEncoderSpec {
  kind: 'protobuf';
  protoText: string;
  fullName: string;
  /** The Confluent wire-format header (magic byte, schema id, message indexes), or empty. */
  prefix: readonly number[];
}

/**
 * One per producer thread: the .proto is parsed and protobufjs generates the message's converter
 * and writer once; each record is converted (choice names to enum numbers) and written.
 */
export class ProtobufEncoder implements ValueEncoder {
  private readonly type: protobuf.Type;
  private readonly prefix: Uint8Array;

  constructor(spec: ProtobufEncoderSpec) {
    this.type = parseProto(spec.protoText, spec.fullName).lookupType(spec.fullName);
    this.prefix = Uint8Array.from(spec.prefix);
  }

  encode(value: Record<string, unknown>): Uint8Array {
    const body = this.type.encode(this.type.fromObject(value)).finish();
    if (this.prefix.length === 0) return body;
    const out = new Uint8Array(this.prefix.length + body.length);
    out.set(this.prefix, 0);
    out.set(body, this.prefix.length);
    return out;
  }
}
