import type { ValueShape } from '../../src/records/value-shape.js';

/** The weather model's value as its compiler describes it: the shape the schema-bound encodings see. */
export const weatherShape: Extract<ValueShape, { type: 'record' }> = {
  type: 'record',
  name: 'weather',
  fields: [
    { name: 'station_id', shape: { type: 'string' } },
    { name: 'seq', shape: { type: 'long' } },
    { name: 'observed_at', shape: { type: 'long' } },
    { name: 'temperature_c', shape: { type: 'double' } },
    { name: 'humidity', shape: { type: 'int' } },
    { name: 'condition', shape: { type: 'enum', symbols: ['clear', 'rain', 'snow'] } },
    { name: 'status', shape: { type: 'enum', symbols: ['ok', 'warn', 'fault'] } },
    { name: 'load', shape: { type: 'double' } },
  ],
};

/** A weather value for station `device`, record `seq`: plausible numbers, every choice reached. */
export function weatherValue(device: number, seq: number): Record<string, unknown> {
  return {
    station_id: `station-${device}`,
    seq,
    observed_at: 1_764_900_000_000 + seq,
    temperature_c: Math.round((15 + Math.sin(seq) * 10) * 10) / 10,
    humidity: 20 + (seq % 81),
    condition: (['clear', 'rain', 'snow'] as const)[seq % 3],
    status: (['ok', 'warn', 'fault'] as const)[(seq + device) % 3],
    load: (seq % 100) / 100,
  };
}
