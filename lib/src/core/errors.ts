/** An error a user can act on: `message` says what went wrong, `hint` says what to do. */
export class EmbedlabError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(hint ? `${message}\n  → ${hint}` : message);
    this.name = "EmbedlabError";
  }
}

/** A dataset or model file that is not where we looked. */
export class DataNotFoundError extends EmbedlabError {
  constructor(
    readonly dataset: string,
    readonly searched: string[],
    fetchCommand?: string,
  ) {
    super(
      `dataset "${dataset}" not found; searched: ${searched.join(", ")}`,
      fetchCommand
        ? `set EMBEDLAB_DATA_DIR to a folder that has it, or run: ${fetchCommand}`
        : "set EMBEDLAB_DATA_DIR to a folder that has it",
    );
    this.name = "DataNotFoundError";
  }
}

/** A file that exists but cannot be parsed (truncated, corrupt, wrong format). */
export class CorruptDataError extends EmbedlabError {
  constructor(
    readonly file: string,
    detail: string,
    readonly byteOffset?: number,
  ) {
    super(
      `corrupt data in ${file}${byteOffset !== undefined ? ` at byte ${byteOffset}` : ""}: ${detail}`,
      "delete the file and fetch it again (npm run data -- fetch <name>)",
    );
    this.name = "CorruptDataError";
  }
}
