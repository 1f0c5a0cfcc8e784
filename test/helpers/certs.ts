import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Test-time TLS material made with openssl (nothing committed): a certificate authority, a broker
 * certificate it signs for localhost / 127.0.0.1, a client certificate it signs (mutual TLS) with an
 * encrypted key, and a second, unrelated CA that a client can wrongly trust.
 */
export interface TestCertificates {
  dir: string;
  /** CA certificate (PEM): what clients trust, and what the broker trusts for client certificates. */
  caCert: string;
  /** An unrelated CA (PEM): trusting it instead of caCert must fail the handshake. */
  otherCaCert: string;
  /** Broker key (unencrypted PKCS#8) followed by its certificate and the CA: a PEM keystore for Kafka. */
  brokerKeystore: string;
  /** Client certificate (PEM), subject CN=<clientCn>, signed by the CA. */
  clientCert: string;
  /** Client key, PKCS#8 encrypted with clientKeyPassword (so ssl.key.password is a real secret). */
  clientKey: string;
  clientKeyPassword: string;
  /** The principal Kafka derives from the client certificate: User:CN=<clientCn>. */
  clientPrincipal: string;
}

const kClientCn = 'stampede-test-client';

function openssl(dir: string, args: string[], env: NodeJS.ProcessEnv = {}): void {
  const result = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8', env: { ...process.env, ...env } });
  if (result.error) throw new Error(`openssl could not run (${result.error.message})`);
  if (result.status !== 0) throw new Error(`openssl ${args[0]} failed: ${result.stderr.trim()}`);
}

// EC P-256: generated in milliseconds (RSA 2048 takes up to a second on a busy 2-core host), and
// OpenSSL, librdkafka and Java all accept it.
const newKey = (dir: string, name: string): void =>
  openssl(dir, ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', name]);

function selfSignedCa(dir: string, name: string, cn: string): void {
  newKey(dir, `${name}.key`);
  openssl(dir, [
    'req', '-x509', '-new', '-key', `${name}.key`, '-out', `${name}.pem`, '-days', '2', '-subj', `/CN=${cn}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]);
}

function signedLeaf(dir: string, name: string, cn: string, extensions: string): void {
  newKey(dir, `${name}.key`);
  openssl(dir, ['req', '-new', '-key', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`]);
  writeFileSync(join(dir, `${name}.ext`), extensions);
  openssl(dir, [
    'x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-set_serial', `0x${randomBytes(8).toString('hex')}`,
    '-days', '2', '-sha256', '-extfile', `${name}.ext`, '-out', `${name}.pem`,
  ]);
  rmSync(join(dir, `${name}.csr`));
  rmSync(join(dir, `${name}.ext`));
}

/** Makes every file in dir (which the caller owns and removes). */
export function makeTestCertificates(dir: string): TestCertificates {
  selfSignedCa(dir, 'ca', 'stampede test CA');
  selfSignedCa(dir, 'other-ca', 'unrelated test CA');
  // Clients verify the broker's name (librdkafka and Java default to https endpoint identification),
  // and they reach it as 127.0.0.1 or localhost.
  signedLeaf(dir, 'broker', 'localhost', 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\nkeyUsage=digitalSignature,keyEncipherment\n');
  signedLeaf(dir, 'client', kClientCn, 'extendedKeyUsage=clientAuth\nkeyUsage=digitalSignature,keyEncipherment\n');

  // Kafka's PEM keystore: the private key (PKCS#8, as genpkey writes it) then the chain.
  const brokerKeystore = join(dir, 'broker-keystore.pem');
  writeFileSync(brokerKeystore, [readFileSync(join(dir, 'broker.key'), 'utf8'), readFileSync(join(dir, 'broker.pem'), 'utf8'), readFileSync(join(dir, 'ca.pem'), 'utf8')].join(''), {
    mode: 0o600,
  });

  const clientKeyPassword = `keypw-${randomBytes(12).toString('hex')}`;
  openssl(dir, ['pkcs8', '-topk8', '-v2', 'aes-256-cbc', '-in', 'client.key', '-out', 'client-key.pem', '-passout', 'env:STAMPEDE_TEST_KEY_PASSWORD'], {
    STAMPEDE_TEST_KEY_PASSWORD: clientKeyPassword,
  });
  rmSync(join(dir, 'client.key'));

  return {
    dir,
    caCert: join(dir, 'ca.pem'),
    otherCaCert: join(dir, 'other-ca.pem'),
    brokerKeystore,
    clientCert: join(dir, 'client.pem'),
    clientKey: join(dir, 'client-key.pem'),
    clientKeyPassword,
    clientPrincipal: `User:CN=${kClientCn}`,
  };
}
