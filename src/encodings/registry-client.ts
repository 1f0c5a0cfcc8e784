import { readFileSync } from 'node:fs';
import { redactText } from '../connection/redact.js';
import { httpsWithCa } from './registry-https.js';
import { StampedeError } from '../errors.js';
import { registryAuthorization } from './registry-auth.js';

export type SchemaType = 'AVRO' | 'PROTOBUF';

const kRequestTimeoutMs = 10_000;
const kContentType = 'application/vnd.schemaregistry.v1+json';

/** A registry URL as users write it, and how it appears in messages (no user or password). */
export function parseRegistryUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new StampedeError('E_OPTION', `--schema-registry must be an http:// or https:// URL (got ${JSON.stringify(redactText(text))})`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new StampedeError('E_OPTION', `--schema-registry must be an http:// or https:// URL (got ${JSON.stringify(redactText(text))})`);
  return url;
}

const shown = (url: URL): string => `${url.protocol}//${url.host}${url.pathname.replace(/\/$/, '')}`;

/**
 * The Confluent Schema Registry REST API (which Confluent's registry, Apicurio's ccompat API,
 * Karapace and Redpanda serve): register a schema under a subject and learn its id. Called in the
 * coordinator only, once per run, never per record.
 */
export class SchemaRegistryClient {
  private readonly base: string;
  private readonly authorization: string | undefined;
  /** schema.registry.ssl.ca.location's certificates (PEM): an https registry is trusted by them alone */
  private readonly ca: string | undefined;
  readonly shownUrl: string;

  constructor(urlText: string, registrySettings: Readonly<Record<string, string>> = {}, kafkaSettings: Readonly<Record<string, string>> = {}) {
    const url = parseRegistryUrl(urlText);
    this.authorization = registryAuthorization(registrySettings, kafkaSettings, url);
    this.shownUrl = shown(url);
    this.base = this.shownUrl;
    this.ca = caOf(registrySettings);
  }

  /** Registers `schema` under `subject` (an identical schema keeps its id) and returns the id. */
  async register(subject: string, schema: string, schemaType: SchemaType): Promise<number> {
    const body: Record<string, unknown> = { schema };
    // Avro is the API's default type, and Confluent's own serializers leave schemaType out for it.
    if (schemaType !== 'AVRO') body['schemaType'] = schemaType;
    const answer = await this.request('POST', `/subjects/${encodeURIComponent(subject)}/versions`, body);
    if (answer.status === 409) throw this.refusal(subject, answer.body, 'the schema is not compatible with the subject\'s earlier versions');
    if (answer.status === 422) throw this.refusal(subject, answer.body, 'the schema is invalid');
    this.expectOk(answer, `registering subject "${subject}"`);
    const id = (answer.body as { id?: unknown }).id;
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id > 0xffffffff) throw new StampedeError('E_REGISTRY', `schema registry ${this.shownUrl} answered registering subject "${subject}" without a schema id`);
    return id;
  }

  /** Sets a subject's compatibility level (BACKWARD, FULL, NONE, …). */
  async setCompatibility(subject: string, level: string): Promise<void> {
    this.expectOk(await this.request('PUT', `/config/${encodeURIComponent(subject)}`, { compatibility: level }), `setting compatibility of subject "${subject}"`);
  }

  private refusal(subject: string, body: unknown, fallback: string): StampedeError {
    const reason = reasonOf(body) ?? fallback;
    return new StampedeError('E_REGISTRY', redactText(`schema registry ${this.shownUrl} refused the schema for subject "${subject}": ${reason}`));
  }

  private expectOk(answer: { status: number; body: unknown }, what: string): void {
    if (answer.status >= 200 && answer.status < 300) return;
    const reason = reasonOf(answer.body);
    const login = answer.status === 401 || answer.status === 403 ? ' (check basic.auth.user.info or bearer.auth.token in the connection settings)' : '';
    throw new StampedeError('E_REGISTRY', redactText(`schema registry ${this.shownUrl} answered HTTP ${answer.status} to ${what}${reason === undefined ? '' : `: ${reason}`}${login}`));
  }

  private async request(method: string, path: string, body: unknown): Promise<{ status: number; body: unknown }> {
    const headers: Record<string, string> = { 'Content-Type': kContentType, Accept: kContentType };
    if (this.authorization !== undefined) headers['Authorization'] = this.authorization;
    let answer: { status: number; text: string };
    try {
      const ca = this.base.startsWith('https:') ? this.ca : undefined;
      answer =
        ca === undefined
          ? await fetch(`${this.base}${path}`, { method, headers, body: JSON.stringify(body), signal: AbortSignal.timeout(kRequestTimeoutMs) }).then(async (response) => ({ status: response.status, text: await response.text() }))
          : await httpsWithCa(`${this.base}${path}`, { method, headers, body: JSON.stringify(body), ca, timeoutMs: kRequestTimeoutMs });
    } catch (err) {
      throw new StampedeError('E_REGISTRY', `schema registry ${this.shownUrl} cannot be reached (${causeOf(err)})`, { cause: err });
    }
    const text = answer.text;
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Not JSON (a proxy's error page): the status says enough.
    }
    return { status: answer.status, body: parsed };
  }
}

/** The PEM file schema.registry.ssl.ca.location names, read once; a file that cannot be read is one line naming it. */
function caOf(settings: Readonly<Record<string, string>>): string | undefined {
  const path = settings['schema.registry.ssl.ca.location'];
  if (path === undefined) return undefined;
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new StampedeError('E_OPTION', `schema.registry.ssl.ca.location ${path} cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
}

function reasonOf(body: unknown): string | undefined {
  if (body !== null && typeof body === 'object' && typeof (body as { message?: unknown }).message === 'string') return (body as { message: string }).message.replace(/\s+/g, ' ').trim();
  return undefined;
}

function causeOf(err: unknown): string {
  const error = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (error.name === 'TimeoutError') return `no answer within ${kRequestTimeoutMs / 1000} s`;
  return error.cause?.code ?? error.cause?.message ?? error.message ?? String(err);
}
