import { suite } from '../../helpers/suite.js';
import * as assert from 'uvu/assert';
import { decodeProcAddress, parseProcNetTcp } from '../../../src/netproxy/socket-owner.js';

const owner = suite('netproxy socket owner: /proc/net/tcp and tcp6 rows read');

owner('an IPv4 address and an IPv4-mapped IPv6 one (how a JVM socket shows) decode alike; other IPv6 does not', () => {
  assert.is(decodeProcAddress('0100007F:1F90'), '127.0.0.1:8080');
  assert.is(decodeProcAddress('0B00007F:9D67'), '127.0.0.11:40295');
  assert.is(decodeProcAddress('0000000000000000FFFF00000100007F:1F90'), '127.0.0.1:8080');
  assert.is(decodeProcAddress('00000000000000000000000001000000:1F90'), undefined);
  assert.is(decodeProcAddress('garbage'), undefined);
});

owner('rows: local, remote, state and inode; the header and short lines skipped', () => {
  const text = [
    '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
    '   0: 0B00007F:9D67 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1182 1 0000000042d6a913 100 0 0 10 0',
    '   1: 0100007F:812A 0100007F:90A7 01 00000000:00000000 03:00000788 00000000     0        0 4711 3 00000000bca4ecda',
    '   2: short',
  ].join('\n');
  assert.equal(parseProcNetTcp(text), [
    { local: '127.0.0.11:40295', remote: '0.0.0.0:0', state: '0A', inode: 1182 },
    { local: '127.0.0.1:33066', remote: '127.0.0.1:37031', state: '01', inode: 4711 },
  ]);
});

owner.run();
