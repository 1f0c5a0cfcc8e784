import { optionError } from '../errors.js';

export interface BrokerAddress {
  host: string;
  port: number;
}

const kBrokersFormat = 'host:port[,host:port…]';

/** Checks a bootstrap list: `host:port,host:port`, with `[::1]:9092` for IPv6 literals. */
export function parseBrokers(list: string): BrokerAddress[] {
  if (list.trim() === '') throw optionError('--brokers', kBrokersFormat, list);
  return list.split(',').map((raw) => {
    const entry = raw.trim();
    const match = /^\[([0-9A-Fa-f:.]+(?:%[\w.-]+)?)\]:(\d{1,5})$/.exec(entry) ?? /^([\w.-]+):(\d{1,5})$/.exec(entry);
    const port = Number(match?.[2]);
    if (!match?.[1] || port < 1 || port > 65535) throw optionError('--brokers', kBrokersFormat, entry === '' ? list : entry);
    return { host: match[1], port };
  });
}
