import { decodeIdentity, type RecordFormat } from '../../src/records/codec.js';
import type { ConsumedRecord } from './kcat.js';

export interface IntegrityReport {
  records: number;
  devices: number;
  /** devices whose sequence numbers are not exactly 0..n-1 */
  incompleteDevices: number[];
  duplicates: number;
  keyMismatches: number;
}

/** Every record decoded; every device's sequence numbers must be 0..n-1 with no repeats. */
export function checkIntegrity(records: ConsumedRecord[], format: RecordFormat): IntegrityReport {
  const seqsByDevice = new Map<number, number[]>();
  let keyMismatches = 0;
  for (const record of records) {
    const identity = decodeIdentity(format, record.value);
    if (record.key !== String(identity.deviceId)) keyMismatches++;
    const seqs = seqsByDevice.get(identity.deviceId) ?? [];
    seqs.push(identity.seq);
    seqsByDevice.set(identity.deviceId, seqs);
  }
  let duplicates = 0;
  const incompleteDevices: number[] = [];
  for (const [deviceId, seqs] of seqsByDevice) {
    const unique = new Set(seqs);
    duplicates += seqs.length - unique.size;
    for (let seq = 0; seq < unique.size; seq++) {
      if (!unique.has(seq)) {
        incompleteDevices.push(deviceId);
        break;
      }
    }
  }
  return { records: records.length, devices: seqsByDevice.size, incompleteDevices, duplicates, keyMismatches };
}
