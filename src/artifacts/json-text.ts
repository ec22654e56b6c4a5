import { ArtifactParseError } from './parse-error.js';

/** 1-based line of a character offset. */
export function lineAtOffset(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/** JSON.parse that fails as an ArtifactParseError naming the line, as every JSON artifact reports it. */
export function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ArtifactParseError(`malformed JSON: ${(error as Error).message}`, jsonErrorLine(text, error as Error));
  }
}

/**
 * The line of a JSON.parse error. V8 says `… at position N`, or for an unexpected token quotes up to
 * 10 characters of context around it (`Unexpected token '}', ..."kind": }" is not valid JSON`).
 */
export function jsonErrorLine(text: string, error: Error): number | undefined {
  const position = jsonErrorPosition(text, error.message);
  return position === undefined ? undefined : lineAtOffset(text, position);
}

const CONTEXT_CHARS = 10; // V8 JsonParser kMaxContextCharacters

function jsonErrorPosition(text: string, message: string): number | undefined {
  const at = /position (\d+)/.exec(message);
  if (at) return Number(at[1]);
  const context = /^Unexpected token '([\s\S])', (\.\.\.)?"([\s\S]*?)"(?:\.\.\.)? is not valid JSON$/.exec(message);
  if (!context) return undefined;
  const [, token, cut, snippet] = context as unknown as [string, string, string | undefined, string];
  const start = text.indexOf(snippet);
  if (start < 0) return undefined;
  return start + (cut ? CONTEXT_CHARS : Math.max(0, snippet.lastIndexOf(token, CONTEXT_CHARS)));
}
