/** A parse failure that names the place in the file. */
export class ArtifactParseError extends Error {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(message);
    this.name = 'ArtifactParseError';
  }
}
