import { EmbedlabError } from "@embedlab/lib";

/** Bad command line, notebook or config: reported before any kernel starts, exit code 2. */
export class UsageError extends EmbedlabError {
  constructor(message: string, hint?: string) {
    super(message, hint);
    this.name = "UsageError";
  }
}
