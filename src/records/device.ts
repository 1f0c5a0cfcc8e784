/**
 * Simulated IoT devices (the Fluss 2M rows/s benchmark schema). A worker walks its device range
 * round-robin, so device d's n-th record has sequence number n and every device's sequence is
 * contiguous from 0: what the read-back check relies on. Sensor values come from a seeded PRNG, so
 * a run is reproducible from (seed, device range).
 */
export const SENSOR_TYPES = ['temperature', 'humidity', 'pressure', 'multi'] as const;
export const STATUSES = ['OK', 'WARN', 'ERROR'] as const;
const kOk = STATUSES.indexOf('OK');
const kWarn = STATUSES.indexOf('WARN');
const kError = STATUSES.indexOf('ERROR');

/** One reading, filled in place by the simulator to avoid an allocation per record. */
export interface SensorReading {
  deviceId: number;
  seq: number;
  /** Wall clock at send, µs since the Unix epoch: the only clock that crosses threads and hosts. */
  sentAtUs: number;
  /** Index into SENSOR_TYPES (a number, so encoders pick a pre-encoded string without a lookup). */
  sensorTypeIndex: number;
  temperature: number;
  humidity: number;
  pressure: number;
  batteryLevel: number;
  /** Index into STATUSES. */
  statusIndex: number;
}

export const newReading = (): SensorReading => ({
  deviceId: 0,
  seq: 0,
  sentAtUs: 0,
  sensorTypeIndex: 0,
  temperature: 0,
  humidity: 0,
  pressure: 0,
  batteryLevel: 0,
  statusIndex: 0,
});

export const sensorTypeOf = (reading: SensorReading): string => SENSOR_TYPES[reading.sensorTypeIndex]!;
export const statusOf = (reading: SensorReading): string => STATUSES[reading.statusIndex]!;

export class DeviceSimulator {
  private cursor = 0;
  private state: number;

  constructor(
    private readonly firstDevice: number,
    private readonly deviceCount: number,
    seed: number,
  ) {
    // Distinct streams per range from one seed (golden-ratio mix of the range start).
    this.state = (seed ^ Math.imul(firstDevice + 1, 0x9e3779b1)) >>> 0;
  }

  /** Fills `reading` with the next record of this range; sentAtUs is the caller's batch stamp. */
  next(reading: SensorReading, sentAtUs: number): void {
    const offset = this.cursor % this.deviceCount;
    const seq = (this.cursor - offset) / this.deviceCount;
    this.cursor++;
    const deviceId = this.firstDevice + offset;
    reading.deviceId = deviceId;
    reading.seq = seq;
    reading.sentAtUs = sentAtUs;
    reading.sensorTypeIndex = deviceId % SENSOR_TYPES.length;
    reading.temperature = round2(18 + 12 * this.random());
    reading.humidity = round2(30 + 50 * this.random());
    reading.pressure = round2(990 + 40 * this.random());
    reading.batteryLevel = Math.max(0, 100 - (seq % 1000) / 10);
    const roll = this.random();
    reading.statusIndex = roll < 0.001 ? kError : roll < 0.011 ? kWarn : kOk;
  }

  /** mulberry32: tiny, fast, and good enough for sensor noise. */
  private random(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}

const round2 = (value: number): number => Math.round(value * 100) / 100;
