import {
  BASE64_CERT,
  BASE64_PEM,
  BASIC,
  BEARER,
  ENV_LINES,
  ENV_VALUE,
  ENV_VALUE_KEY,
  JWT,
  KEY_VALUE,
  MARK,
  PEM_KEY_BEGIN,
  PEM_KEY_BEGIN_TO_END_OF_LINE,
  PEM_KEY_END,
  PEM_KEY_ONE_LINE,
  PEM_KEY_UP_TO_END,
  URL_CREDENTIALS,
  type Layer,
  type LayerCounts,
} from './layers.js';
import { redactOneLineSecret, SecretDataBlocks } from './secret-data.js';
import { isSecretEnvName, redactInline, redactValues, replaceAll, type Counter } from './values.js';

const CERT_PLACEHOLDER = '%%ISTIO_BUNDLE_CERT%%';

/**
 * Redacts one file line by line (lines without their `\n`), in the collector's order of layers.
 * State across lines: a PEM private key block being dropped, an env entry whose name says secret,
 * a Secret data block (see SecretDataBlocks). Output lines go to `out`, in order.
 */
export class LineRedactor {
  readonly counts: LayerCounts = {};
  private inKey = false;
  private pendingEnv = 0;
  private readonly blocks: SecretDataBlocks;
  private readonly count: Counter = (layer: Layer, n: number) => {
    if (n > 0) this.counts[layer] = (this.counts[layer] ?? 0) + n;
  };

  constructor(out: (line: string) => void) {
    this.blocks = new SecretDataBlocks(out, this.count);
  }

  push(input: string): void {
    let line = input;
    if (this.inKey) {
      if (!PEM_KEY_END.test(line)) return;
      this.inKey = false;
      line = line.replace(PEM_KEY_UP_TO_END, MARK.privateKey);
    }
    line = replaceAll(line, PEM_KEY_ONE_LINE, MARK.privateKey, 'private-key', this.count);
    if (PEM_KEY_BEGIN.test(line)) {
      this.count('private-key', 1);
      this.inKey = true;
      line = line.replace(PEM_KEY_BEGIN_TO_END_OF_LINE, '');
      if (line !== '') this.blocks.push(line);
      return;
    }
    line = line.split(BASE64_CERT).join(CERT_PLACEHOLDER);
    line = replaceAll(line, BASE64_PEM, MARK.base64Pem, 'base64-pem-key', this.count);
    line = line.split(CERT_PLACEHOLDER).join(BASE64_CERT);
    line = redactInline(line, this.count);
    line = replaceAll(line, JWT, MARK.jwt, 'jwt', this.count);
    line = replaceAll(line, BEARER, MARK.bearer, 'bearer', this.count);
    if (/authorization/i.test(line)) line = replaceAll(line, BASIC, MARK.basic, 'bearer', this.count);
    line = replaceAll(line, URL_CREDENTIALS, MARK.urlCredentials, 'url-credentials', this.count);
    line = redactValues(line, KEY_VALUE, 'key-value', this.count);
    if (isSecretEnvName(line)) this.pendingEnv = ENV_LINES;
    if (this.pendingEnv > 0 && ENV_VALUE.test(line)) {
      line = redactValues(line, ENV_VALUE_KEY, 'env-secret', this.count);
      this.pendingEnv = 0;
    } else if (this.pendingEnv > 0) this.pendingEnv -= 1;
    line = redactOneLineSecret(line, this.count);
    this.blocks.push(line);
  }

  finish(): LayerCounts {
    this.blocks.finish();
    return this.counts;
  }
}
