import type { CpuSplit } from './cpu.js';

/** One tool's measured row; every tool's figures come from its own report of acknowledged records. */
export interface ToolResult {
  tool: string;
  /** acknowledged (delivered) records per second */
  recordsPerSec: number;
  /** value bytes per second, 10^6 B: records/s × record size, the same formula for every tool */
  mbPerSec: number;
  p50Ms: number | null;
  p99Ms: number | null;
  records: number;
  /** records the tool had acknowledged by its exit, warmup included (for CPU per record); `records` when absent */
  ackedTotal?: number;
  wallMs: number;
  cpu: CpuSplit;
  /** what the tool was asked to do, as a command line */
  command: string;
  error?: string;
}

export interface BenchMaxSettings {
  bootstrap: string;
  brokerPid: number | undefined;
  recordSizeBytes: number;
  partitions: number;
  /** librdkafka settings every librdkafka-based tool gets (the sweep's best) */
  librdkafka: Record<string, string>;
  /** the connection's librdkafka settings (security, client.id), for every librdkafka-based tool */
  connection: Record<string, string>;
  /** the connection's arguments for the stampede runs: a private file, never the values (peer-connection.ts) */
  connectionArgs: string[];
  /** the connection's arguments for rdkafka_performance: a private file, never the values (peer-connection.ts) */
  rdkafkaConnectionArgs: string[];
  /** seconds each peer should run for; record counts are sized from the best rate */
  peerSeconds: number;
}
